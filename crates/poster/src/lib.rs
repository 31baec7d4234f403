//! QR codes and printable posters for 码上议: a room's poster carries its
//! name, region, convener, meeting place, one line on how to use it, and the
//! QR code of its page. Posters are drawn once as SVG (millimetres, A4 or
//! A3) and turned into PNG at print resolution or PDF from that same drawing,
//! so the three never disagree. Text uses the system's Noto CJK fonts.

mod qr;
mod render;

pub use qr::{QrError, qr_svg};
pub use render::{RenderError, pdf, png, raster, svg_png, system_fonts};

/// What a room poster says.
#[derive(Clone, Debug)]
pub struct PosterInfo {
    pub room_name: String,
    /// e.g. "江苏省 淮安市 涟水县 陈师街道 陈师社区".
    pub region: String,
    pub convener: String,
    pub place: String,
    /// The room page the QR code opens.
    pub url: String,
    /// The room's short code, printed under the QR code for typing by hand.
    pub code: String,
}

/// Paper sizes, in millimetres.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    A4,
    A3,
}

impl Paper {
    pub fn mm(self) -> (f32, f32) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::A3 => (297.0, 420.0),
        }
    }

    pub fn parse(s: &str) -> Option<Paper> {
        match s.to_ascii_lowercase().as_str() {
            "a4" => Some(Paper::A4),
            "a3" => Some(Paper::A3),
            _ => None,
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The poster as SVG, sized in millimetres for printing.
pub fn poster_svg(info: &PosterInfo, paper: Paper) -> Result<String, QrError> {
    let (w, h) = paper.mm();
    // Everything is laid out on A4 and scaled up for A3, so both look alike.
    let k = w / 210.0;
    let qr_size = 120.0;
    let qr_x = (210.0 - qr_size) / 2.0;
    let qr = qr::qr_group(&info.url, qr_x, 118.0, qr_size)?;
    let text = |y: f32, size: f32, weight: &str, fill: &str, s: &str| {
        format!(
            r#"<text x="105" y="{y}" font-size="{size}" font-weight="{weight}" fill="{fill}" text-anchor="middle" font-family="Noto Sans CJK SC, Noto Serif CJK SC, sans-serif">{}</text>"#,
            escape(s)
        )
    };
    let body = [
        r##"<rect x="0" y="0" width="210" height="297" fill="#ffffff"/>"##.to_owned(),
        r##"<rect x="0" y="0" width="210" height="42" fill="#b3261e"/>"##.to_owned(),
        text(20.0, 13.0, "bold", "#ffffff", "有事好商量 · 码上议"),
        text(33.0, 6.5, "normal", "#ffffff", "群众的事，大家商量着办"),
        text(62.0, 10.0, "bold", "#1a1a1a", &info.room_name),
        text(74.0, 5.5, "normal", "#444444", &info.region),
        text(
            88.0,
            5.5,
            "normal",
            "#1a1a1a",
            &format!("召集人：{}", info.convener),
        ),
        text(
            97.0,
            5.5,
            "normal",
            "#1a1a1a",
            &format!("议事地点：{}", info.place),
        ),
        text(
            110.0,
            6.5,
            "bold",
            "#b3261e",
            "微信扫一扫，提出身边的问题、查看办理进度",
        ),
        qr,
        text(
            250.0,
            5.0,
            "normal",
            "#444444",
            &format!("扫不了码？在浏览器输入：{}", info.url),
        ),
        text(
            260.0,
            5.0,
            "normal",
            "#444444",
            &format!("议事室代码：{}", info.code),
        ),
        text(
            280.0,
            4.5,
            "normal",
            "#666666",
            "提交后会得到10位查询码，凭查询码随时查看进度",
        ),
    ]
    .join("\n");
    Ok(format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}"><g transform="scale({k})">{body}</g></svg>"#
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> PosterInfo {
        PosterInfo {
            room_name: "陈师社区有事好商量议事室".into(),
            region: "江苏省 淮安市 涟水县 陈师街道 陈师社区".into(),
            convener: "陈玉梅".into(),
            place: "陈师社区党群服务中心三楼".into(),
            url: "https://shangliang.example.cn/r/chenshi-sq".into(),
            code: "chenshi-sq".into(),
        }
    }

    #[test]
    fn svg_has_the_room_and_escapes_text() {
        let mut i = info();
        i.room_name = "<script>议事室".into();
        let svg = poster_svg(&i, Paper::A4).unwrap();
        assert!(
            svg.contains("width=\"210mm\"")
                && svg.contains("&lt;script&gt;议事室")
                && svg.contains("陈玉梅")
        );
        assert!(
            poster_svg(&i, Paper::A3)
                .unwrap()
                .contains("width=\"297mm\"")
        );
    }
}
