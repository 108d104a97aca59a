//! How wide text is in the standard Helvetica fonts, so a line can be wrapped before it runs
//! off the page. Widths are the Adobe font metrics (thousandths of the font size) for
//! printable ASCII; anything else is counted as wide as the widest common letter, so an
//! estimate errs towards a shorter line, never a longer one.

use super::writer::win_ansi;

/// Space (0x20) to tilde (0x7E).
const REGULAR: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

const BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0..?
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P.._
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // `..o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // p..~
];

/// The width of `text` in points at `size`.
pub fn width(text: &str, bold: bool, size: f32) -> f32 {
    let table = if bold { &BOLD } else { &REGULAR };
    let units: u32 = text
        .chars()
        .map(|c| match win_ansi(c) {
            Some(b @ 0x20..=0x7E) => u32::from(table[usize::from(b - 0x20)]),
            // Accented capitals, the ligatures and symbols above 0x7E.
            _ => 1000,
        })
        .sum();
    units as f32 * size / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_follow_the_font_metrics() {
        assert_eq!(width("", false, 10.0), 0.0);
        assert!((width("Hi", false, 10.0) - 9.44).abs() < 1e-3);
        assert!(width("Hi", true, 10.0) > width("Hi", false, 10.0) - 0.01);
        assert!(width("é", false, 10.0) >= width("e", false, 10.0));
        assert!(width("✓", false, 10.0) >= width("?", false, 10.0));
    }
}
