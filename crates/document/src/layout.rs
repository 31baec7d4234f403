//! Breaking text into lines on the grid of a Chinese official paper: A4, a
//! text block 156 × 225 mm with 22 lines of 28 characters (GB/T 9704's 版心).
//! CJK characters take one cell; Latin letters and digits a little over half.

/// Points per millimetre.
pub(crate) const PT_PER_MM: f32 = 72.0 / 25.4;
/// A4 in points.
pub(crate) const PAGE_W: f32 = 210.0 * PT_PER_MM;
pub(crate) const PAGE_H: f32 = 297.0 * PT_PER_MM;
/// The text block's left and top edges (订口 28 mm, 天头 37 mm) and size.
pub(crate) const LEFT: f32 = 28.0 * PT_PER_MM;
pub(crate) const TOP: f32 = 37.0 * PT_PER_MM;
pub(crate) const TEXT_W: f32 = 156.0 * PT_PER_MM;
pub(crate) const TEXT_H: f32 = 225.0 * PT_PER_MM;
/// 22 lines to the page.
pub(crate) const LINES: usize = 22;
pub(crate) const LINE_PITCH: f32 = TEXT_H / LINES as f32;
/// 28 characters to the line (三号, about 16 pt).
pub(crate) const CHARS: usize = 28;
pub(crate) const BODY_SIZE: f32 = TEXT_W / CHARS as f32;

/// Closing punctuation that may not begin a line: it hangs at the end of
/// the line before instead (避头点).
fn closes(c: char) -> bool {
    "，。、；：！？）》」』”’】〕…—%,.;:!?)]".contains(c)
}

/// Whether a character takes a whole cell.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD
        | 0x2014 | 0x2018..=0x201D | 0x2026)
}

/// A character's width in cells.
pub(crate) fn cells(c: char) -> f32 {
    if is_wide(c) {
        1.0
    } else if c.is_ascii_alphanumeric() || c == ' ' {
        0.55
    } else {
        0.6
    }
}

/// A text's width in cells.
pub(crate) fn cells_of(text: &str) -> f32 {
    text.chars().map(cells).sum()
}

/// Opening punctuation that may not end a line: it moves to the next (避尾点).
fn opens(c: char) -> bool {
    "（《「『“‘【〔(".contains(c)
}

/// Like [`wrap`], but a text needing several lines gets lines of even
/// length (a title should not leave one character on its last line).
pub(crate) fn wrap_even(text: &str, width: f32) -> Vec<String> {
    let lines = wrap(text, width, 0.0).len();
    if lines < 2 {
        return wrap(text, width, 0.0);
    }
    let total = cells_of(text);
    let even = (total / lines as f32).ceil() + 0.5;
    let balanced = wrap(text, even.min(width), 0.0);
    if balanced.len() == lines {
        balanced
    } else {
        wrap(text, width, 0.0)
    }
}

/// Lines of at most `width` cells; the first line may start `indent` cells in.
/// Closing punctuation hangs rather than starting a line; a run of Latin
/// letters or digits is kept whole when it fits on a line.
pub(crate) fn wrap(text: &str, width: f32, indent: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let chars: Vec<char> = para.chars().filter(|c| *c != '\r').collect();
        let mut line = String::new();
        let mut used = if lines.is_empty() { indent } else { 0.0 };
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let w = cells(c);
            if used + w > width + 0.01 && !line.is_empty() && !closes(c) {
                // Keep a Latin word whole: move its start to the new line.
                let word_start = line
                    .char_indices()
                    .rev()
                    .take_while(|(_, ch)| ch.is_ascii_alphanumeric())
                    .last()
                    .map(|(at, _)| at);
                let mut carry = match word_start {
                    Some(at) if c.is_ascii_alphanumeric() && at > 0 => line.split_off(at),
                    _ => String::new(),
                };
                if carry.is_empty()
                    && line.chars().last().is_some_and(opens)
                    && line.chars().count() > 1
                {
                    let at = line.char_indices().last().map_or(0, |(at, _)| at);
                    carry = line.split_off(at);
                }
                lines.push(std::mem::take(&mut line));
                used = carry.chars().map(cells).sum();
                line = carry;
            }
            line.push(c);
            used += w;
            i += 1;
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_eight_characters_to_a_line_with_punctuation_hanging() {
        let text = "一".repeat(28) + "二";
        assert_eq!(wrap(&text, 28.0, 0.0), vec!["一".repeat(28), "二".into()]);
        // Indented two characters: 26 on the first line.
        let lines = wrap(&"字".repeat(30), 28.0, 2.0);
        assert_eq!(lines[0].chars().count(), 26);
        assert_eq!(lines[1].chars().count(), 4);
        // A full stop never begins a line.
        let text = "好".repeat(28) + "。后";
        assert_eq!(
            wrap(&text, 28.0, 0.0),
            vec!["好".repeat(28) + "。", "后".into()]
        );
    }

    #[test]
    fn latin_words_are_not_split() {
        let text = "好".repeat(26) + "GB9704";
        let lines = wrap(&text, 28.0, 0.0);
        assert_eq!(lines, vec!["好".repeat(26), "GB9704".into()]);
        const { assert!(BODY_SIZE > 15.0 && BODY_SIZE < 16.0) };
    }

    #[test]
    fn an_opening_bracket_moves_to_the_next_line_and_titles_are_even() {
        let text = "好".repeat(27) + "（居）";
        assert_eq!(
            wrap(&text, 28.0, 0.0),
            vec!["好".repeat(27), "（居）".into()]
        );
        let title = "好".repeat(21);
        let lines = wrap_even(&title, 20.0);
        assert_eq!(
            lines.iter().map(|l| l.chars().count()).collect::<Vec<_>>(),
            vec![11, 10]
        );
    }

    #[test]
    fn line_breaks_in_the_text_are_kept() {
        assert_eq!(wrap("甲\n乙", 28.0, 2.0), vec!["甲", "乙"]);
    }
}
