//! Bar charts for reports, drawn as SVG on the server: the PDF takes the
//! drawing as vectors (its text stays text), the DOCX a picture of it.
//! Bars run sideways so that Chinese labels of any length read level.
use std::fmt::Write;

use crate::pdf::escape;

/// A bar chart: one bar per label.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Chart {
    /// Its caption, e.g. 图1 各月收到议题数.
    pub title: String,
    /// The unit after each value, e.g. 个 or 场.
    pub unit: String,
    /// (label, value), drawn top to bottom in this order.
    pub bars: Vec<(String, f64)>,
}

/// Type sizes and spacing, in points.
const CAPTION: f32 = 11.0;
const TEXT: f32 = 9.5;
const PITCH: f32 = 17.0;
const BAR: f32 = 11.0;

impl Chart {
    /// The drawing's height for a given width: the caption and a row per bar.
    pub(crate) fn height(&self) -> f32 {
        CAPTION * 2.2 + PITCH * self.bars.len().max(1) as f32 + 4.0
    }

    /// The drawing's elements, its top left at (0, 0), `width` wide.
    pub(crate) fn elements(&self, width: f32) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<text x="{:.2}" y="{:.2}" font-size="{CAPTION}" font-weight="bold" text-anchor="middle">{}</text>"#,
            width / 2.0,
            CAPTION * 1.2,
            escape(&self.title)
        );
        let label_w = self
            .bars
            .iter()
            .map(|(l, _)| crate::layout::cells_of(l))
            .fold(2.0f32, f32::max)
            .min(12.0)
            * TEXT
            + TEXT;
        let value_w = TEXT * 6.0;
        let span = (width - label_w - value_w).max(10.0);
        let top = CAPTION * 2.2;
        let max = self.bars.iter().map(|b| b.1).fold(0.0f64, f64::max);
        let _ = write!(
            s,
            r##"<line x1="{label_w:.2}" y1="{top:.2}" x2="{label_w:.2}" y2="{:.2}" stroke="#555" stroke-width="0.6"/>"##,
            top + PITCH * self.bars.len().max(1) as f32
        );
        for (i, (label, value)) in self.bars.iter().enumerate() {
            let y = top + PITCH * i as f32;
            let mid = y + PITCH / 2.0 + TEXT * 0.36;
            let len = if max > 0.0 {
                (value / max) as f32 * span
            } else {
                0.0
            };
            let _ = write!(
                s,
                r#"<text x="{:.2}" y="{mid:.2}" font-size="{TEXT}" text-anchor="end">{}</text>"#,
                label_w - TEXT * 0.4,
                escape(label)
            );
            let _ = write!(
                s,
                r##"<rect x="{label_w:.2}" y="{:.2}" width="{len:.2}" height="{BAR}" fill="#2f6fb3"/>"##,
                y + (PITCH - BAR) / 2.0
            );
            let _ = write!(
                s,
                r#"<text x="{:.2}" y="{mid:.2}" font-size="{TEXT}">{}{}</text>"#,
                label_w + len + TEXT * 0.4,
                shown(*value),
                escape(&self.unit)
            );
        }
        s
    }

    /// The chart alone as an SVG document, for a picture of it.
    pub fn svg(&self, width: f32, font: &str) -> String {
        let h = self.height();
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{h}" viewBox="0 0 {width} {h}" font-family="{font}"><rect width="{width}" height="{h}" fill="white"/>{}</svg>"#,
            self.elements(width)
        )
    }
}

/// A value as a label prints it: whole numbers without a point.
fn shown(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_long_as_their_values_and_labelled() {
        let c = Chart {
            title: "图1 议题来源".into(),
            unit: "个".into(),
            bars: vec![("群众出题".into(), 30.0), ("党政点题".into(), 15.0)],
        };
        let svg = c.svg(400.0, "sans-serif");
        assert!(svg.contains("图1 议题来源") && svg.contains("30个") && svg.contains("15个"));
        let widths: Vec<f32> = svg
            .split("<rect x=")
            .skip(1)
            .filter_map(|r| r.split("width=\"").nth(1))
            .filter_map(|w| w.split('"').next())
            .filter_map(|w| w.parse().ok())
            .collect();
        assert_eq!(widths.len(), 2);
        assert!((widths[0] - 2.0 * widths[1]).abs() < 0.1, "{widths:?}");
        // No bars, no division by zero.
        let empty = Chart {
            bars: vec![("无".into(), 0.0)],
            ..c
        };
        assert!(empty.svg(400.0, "sans-serif").contains("width=\"0.00\""));
    }
}
