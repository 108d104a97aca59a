//! Geometry shared by every output format, in millimetres from the label's
//! top-left corner with y pointing down.

use std::sync::LazyLock;

use ab_glyph::{Font, FontRef};
use qrcode::bits::encode_auto;
use qrcode::{Color, EcLevel, QrCode, Version};

use super::{LabelContent, LabelError};

pub const LABEL_W: f32 = 63.5;
pub const LABEL_H: f32 = 38.1;
/// Keeps ink away from the die-cut edge, where printers drift by up to ~1 mm.
const MARGIN: f32 = 1.0;
/// The ISO 18004 minimum; less makes phones slow to lock on.
const QUIET_ZONE: usize = 4;
/// Version 10 already means ~0.55 mm modules in the space we have; denser
/// codes stop scanning reliably once a label gets scuffed.
const MAX_QR_VERSION: i16 = 10;
/// Byte-mode capacity of a version 10 code at level M, for the error message.
const MAX_PAYLOAD_BYTES: usize = 213;

/// Font sizes (em height) in mm. 5 mm is about 14 pt.
const TAG_SIZE: f32 = 5.0;
/// Below this a tag stops being readable at arm's length, so we truncate
/// (the QR code still carries the full identity).
const TAG_MIN_SIZE: f32 = 2.0;
const TYPE_SIZE: f32 = 2.8;
const INFO_SIZE: f32 = 2.4;
/// Wrapping to a second line before truncating keeps typical names such as
/// "Bariatric profiling bed with rails" readable on this narrow label.
const TYPE_MAX_LINES: usize = 2;
const SERVICE_MAX_LINES: usize = 2;
const LINE_SPACING: f32 = 1.2;
/// Cap height of DejaVu Sans Bold relative to the em, used to align the top
/// of the tag with the top of the QR code's finder patterns.
const CAP_HEIGHT: f32 = 0.73;

static FONT_BOLD_TTF: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans-Bold.ttf"
));
static FONT_REGULAR_TTF: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));

/// Parsed once per process instead of once per label; the font bytes are
/// `'static`, so the parsed faces can be shared by every thread.
static FONTS: LazyLock<[FontRef<'static>; 2]> = LazyLock::new(|| {
    [FONT_BOLD_TTF, FONT_REGULAR_TTF]
        .map(|data| FontRef::try_from_slice(data).expect("embedded DejaVu font parses"))
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Bold,
    Regular,
}

impl Face {
    pub fn font(self) -> &'static FontRef<'static> {
        &FONTS[self as usize]
    }
}

#[derive(Debug, Clone)]
pub struct TextLine {
    pub text: String,
    pub face: Face,
    /// Em height in mm.
    pub size: f32,
    pub x: f32,
    pub baseline: f32,
}

#[derive(Debug)]
pub struct Layout {
    /// Modules per side, without the quiet zone.
    pub qr_width: usize,
    /// Row-major, `true` = dark.
    pub qr_dark: Vec<bool>,
    /// Top-left corner of the first module (inside the quiet zone).
    pub qr_x: f32,
    pub qr_y: f32,
    pub module: f32,
    pub lines: Vec<TextLine>,
}

impl Layout {
    pub fn new(label: &LabelContent) -> Result<Self, LabelError> {
        let code = encode_qr(label.qr_payload)?;
        let qr_width = code.width();
        // The QR code takes the full height; its quiet zone doubles as the gap
        // to the text, so every spare millimetre goes into bigger modules.
        let block = LABEL_H - 2.0 * MARGIN;
        let module = block / (qr_width + 2 * QUIET_ZONE) as f32;
        let qr_x = MARGIN + QUIET_ZONE as f32 * module;
        let qr_y = qr_x;
        let dark_bottom = qr_y + qr_width as f32 * module;

        let text_x = MARGIN + block;
        let text_w = LABEL_W - MARGIN - text_x;
        let mut lines = Vec::new();

        let tag = clean(label.asset_tag);
        let full = text_width(Face::Bold, &tag);
        let tag_size = if full > 0.0 {
            // A hair under the exact fit, so rounding cannot trigger the ellipsis.
            (0.999 * text_w / full).clamp(TAG_MIN_SIZE, TAG_SIZE)
        } else {
            TAG_SIZE
        };
        let mut baseline = qr_y + CAP_HEIGHT * tag_size;
        let tag = ellipsize(Face::Bold, &tag, tag_size, text_w);
        lines.push(line(tag, Face::Bold, tag_size, text_x, baseline));
        baseline += 0.5 * LINE_SPACING * TAG_SIZE;
        for text in wrap(
            Face::Regular,
            &clean(label.type_name),
            TYPE_SIZE,
            text_w,
            TYPE_MAX_LINES,
        ) {
            baseline += LINE_SPACING * TYPE_SIZE;
            lines.push(line(text, Face::Regular, TYPE_SIZE, text_x, baseline));
        }

        // Service details sit at the bottom, aligned with the QR code's lower
        // edge, so the tag and type stay at the top whatever their length.
        let mut bottom = Vec::new();
        let phone = clean(label.service_phone);
        if !phone.is_empty() {
            bottom.push((ellipsize(Face::Bold, &phone, INFO_SIZE, text_w), Face::Bold));
        }
        let service = wrap(
            Face::Regular,
            &clean(label.service_name),
            INFO_SIZE,
            text_w,
            SERVICE_MAX_LINES,
        );
        bottom.extend(service.into_iter().rev().map(|t| (t, Face::Regular)));
        let mut baseline = dark_bottom;
        for (text, face) in bottom {
            lines.push(line(text, face, INFO_SIZE, text_x, baseline));
            baseline -= LINE_SPACING * INFO_SIZE;
        }
        lines.retain(|l| !l.text.is_empty());

        Ok(Layout {
            qr_width,
            qr_dark: code.into_colors().into_iter().map(|c| c == Color::Dark).collect(),
            qr_x,
            qr_y,
            module,
            lines,
        })
    }

    /// Horizontal runs of dark modules as `(row, first column, length)`:
    /// one rectangle per run keeps the SVG and PDF several times smaller
    /// than one per module.
    pub fn qr_runs(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.qr_dark
            .chunks_exact(self.qr_width)
            .enumerate()
            .flat_map(|(row, cells)| {
                let mut col = 0;
                std::iter::from_fn(move || {
                    while col < cells.len() && !cells[col] {
                        col += 1;
                    }
                    let start = col;
                    while col < cells.len() && cells[col] {
                        col += 1;
                    }
                    (col > start).then_some((row, start, col - start))
                })
            })
    }
}

fn line(text: String, face: Face, size: f32, x: f32, baseline: f32) -> TextLine {
    TextLine {
        text,
        face,
        size,
        x,
        baseline,
    }
}

/// Level M at the smallest version that fits, upgraded to Q or H when that
/// costs no extra density: worn labels then keep scanning for free.
fn encode_qr(payload: &str) -> Result<QrCode, LabelError> {
    let too_long = LabelError::PayloadTooLong {
        len: payload.len(),
        max: MAX_PAYLOAD_BYTES,
    };
    let bits = match encode_auto(payload.as_bytes(), EcLevel::M) {
        Ok(bits) => bits,
        Err(qrcode::types::QrError::DataTooLong) => return Err(too_long),
        Err(e) => return Err(e.into()),
    };
    let version = bits.version();
    if !matches!(version, Version::Normal(v) if v <= MAX_QR_VERSION) {
        return Err(too_long);
    }
    let mut best = (bits, EcLevel::M);
    for level in [EcLevel::Q, EcLevel::H] {
        match encode_auto(payload.as_bytes(), level) {
            Ok(bits) if bits.version() == version => best = (bits, level),
            _ => break,
        }
    }
    Ok(QrCode::with_bits(best.0, best.1)?)
}

/// Control characters would break SVG (XML forbids most of them) and show
/// as boxes elsewhere; runs of whitespace would waste the little width there is.
fn clean(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| match c {
            // XML also forbids these two noncharacters.
            '\u{FFFE}' | '\u{FFFF}' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Width in mm at the given em size, kerning included.
fn text_width_at(face: Face, text: &str, size: f32) -> f32 {
    text_width(face, text) * size
}

/// Width in ems.
fn text_width(face: Face, text: &str) -> f32 {
    let font = face.font();
    let mut width = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            width += font.kern_unscaled(p, id);
        }
        width += font.h_advance_unscaled(id);
        prev = Some(id);
    }
    width / units_per_em(font)
}

pub fn units_per_em(font: &FontRef) -> f32 {
    font.units_per_em().unwrap_or(2048.0)
}

/// Cuts `text` to fit `max_w` mm, marking the cut with an ellipsis.
fn ellipsize(face: Face, text: &str, size: f32, max_w: f32) -> String {
    if text_width_at(face, text, size) <= max_w {
        return text.to_owned();
    }
    let font = face.font();
    let scale = size / units_per_em(font);
    let ellipsis = text_width_at(face, "…", size);
    let mut width = 0.0;
    let mut cut = 0;
    let mut prev = None;
    for (i, c) in text.char_indices() {
        let id = font.glyph_id(c);
        let kern = prev.map_or(0.0, |p| font.kern_unscaled(p, id));
        width += (kern + font.h_advance_unscaled(id)) * scale;
        if width + ellipsis > max_w {
            break;
        }
        cut = i + c.len_utf8();
        prev = Some(id);
    }
    format!("{}…", text[..cut].trim_end())
}

/// Greedy word wrap onto at most `max_lines`; whatever is left for the last
/// line is ellipsized. A word too long for a line is left to the ellipsis
/// rather than hyphenated.
fn wrap(face: Face, text: &str, size: f32, max_w: f32, max_lines: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest = text;
    while lines.len() + 1 < max_lines && text_width_at(face, rest, size) > max_w {
        let fits = rest
            .match_indices(' ')
            .map(|(i, _)| i)
            .take_while(|&i| text_width_at(face, &rest[..i], size) <= max_w)
            .last();
        let Some(i) = fits else { break };
        lines.push(rest[..i].to_owned());
        rest = &rest[i + 1..];
    }
    lines.push(ellipsize(face, rest, size, max_w));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::test_support::sample;

    fn text_right_edge(layout: &Layout) -> f32 {
        layout
            .lines
            .iter()
            .map(|l| l.x + text_width_at(l.face, &l.text, l.size))
            .fold(0.0, f32::max)
    }

    #[test]
    fn sample_fits_without_truncation() {
        let layout = Layout::new(&sample()).unwrap();
        let texts: Vec<&str> = layout.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts[0], "EQ-000123");
        assert!(texts.contains(&"Straight stairlift"), "{texts:?}");
        assert!(texts.iter().all(|t| !t.contains('…')), "{texts:?}");
        assert!(texts.contains(&"Equipment Service"), "{texts:?}");
        assert!(text_right_edge(&layout) <= LABEL_W - MARGIN + 1e-3);
    }

    #[test]
    fn long_tag_shrinks_and_long_text_is_ellipsized() {
        let long = "word ".repeat(40);
        let label = LabelContent {
            asset_tag: "EQ-0000000000123",
            type_name: &long,
            service_name: &long,
            ..sample()
        };
        let layout = Layout::new(&label).unwrap();
        assert_eq!(layout.lines[0].text, "EQ-0000000000123");
        for tag in ["ÄÖ-(1)\\ ✓", "EQ-00000000001234", "WWWWWWWWWWW"] {
            let shrunk = Layout::new(&LabelContent {
                asset_tag: tag,
                ..sample()
            })
            .unwrap();
            assert_eq!(shrunk.lines[0].text, tag);
        }
        assert!(layout.lines[0].size < TAG_SIZE);
        assert!(text_right_edge(&layout) <= LABEL_W - MARGIN + 1e-3);
        let type_lines: Vec<_> = layout.lines.iter().filter(|l| l.size == TYPE_SIZE).collect();
        assert_eq!(type_lines.len(), TYPE_MAX_LINES);
        assert!(type_lines[1].text.ends_with('…'));
        // Top and bottom groups must not collide.
        let mut baselines: Vec<f32> = layout.lines.iter().map(|l| l.baseline).collect();
        baselines.sort_by(f32::total_cmp);
        assert!(baselines.windows(2).all(|w| w[1] - w[0] >= INFO_SIZE));
    }

    #[test]
    fn unbroken_text_and_absurd_tag_are_cut() {
        let label = LabelContent {
            asset_tag: &"W".repeat(80),
            type_name: &"x".repeat(200),
            ..sample()
        };
        let layout = Layout::new(&label).unwrap();
        assert!(layout.lines[0].text.ends_with('…'));
        assert_eq!(layout.lines[0].size, TAG_MIN_SIZE);
        assert!(text_right_edge(&layout) <= LABEL_W - MARGIN + 1e-3);
    }

    #[test]
    fn empty_phone_is_omitted_and_control_chars_removed() {
        let label = LabelContent {
            service_phone: "",
            type_name: "Bed\n\tlever\u{0}\u{FFFF}",
            ..sample()
        };
        let layout = Layout::new(&label).unwrap();
        assert!(layout.lines.iter().all(|l| !l.text.contains("01632")));
        assert!(layout.lines.iter().any(|l| l.text == "Bed lever"));
    }

    #[test]
    fn qr_level_and_limits() {
        let code = encode_qr(sample().qr_payload).unwrap();
        assert!(code.error_correction_level() >= EcLevel::M);
        assert!(encode_qr(&"x".repeat(MAX_PAYLOAD_BYTES)).is_ok());
        assert!(matches!(
            encode_qr(&"x".repeat(MAX_PAYLOAD_BYTES + 1)),
            Err(LabelError::PayloadTooLong { .. })
        ));
        assert!(matches!(
            encode_qr(&"x".repeat(5000)),
            Err(LabelError::PayloadTooLong { .. })
        ));
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let layout = Layout::new(&sample()).unwrap();
        let dark = layout.qr_dark.iter().filter(|&&d| d).count();
        assert_eq!(layout.qr_runs().map(|(_, _, n)| n).sum::<usize>(), dark);
        for (row, col, n) in layout.qr_runs() {
            let start = row * layout.qr_width + col;
            assert!(layout.qr_dark[start..start + n].iter().all(|&d| d));
        }
    }
}
