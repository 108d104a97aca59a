//! A hand-over at a fit or a collection: who received or handed over the item, whether its
//! use was shown and the leaflet left, and the signature drawn on the screen or the reason
//! there is none. What complaints and commissioners ask for.

use std::io::Cursor;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use image::ImageDecoder as _;
use image::codecs::png::PngDecoder;

use super::stored::stored_words;

stored_words! {
    /// Who the person at the door is to the client.
    pub enum Relation {
        Client => "client",
        Family => "family",
        Carer => "carer",
        Other => "other",
    }
}

/// The longest name of the person at a hand-over.
pub const MAX_NAME: usize = 200;
/// The longest reason there is no signature.
pub const MAX_REASON: usize = 500;
/// A signature's PNG file at most: a finger's strokes on a phone take a few kilobytes.
pub const MAX_SIGNATURE_BYTES: usize = 200 * 1024;
/// The base64 text of the largest signature accepted.
pub const MAX_SIGNATURE_BASE64: usize = MAX_SIGNATURE_BYTES.div_ceil(3) * 4;
/// A signature's width and height at most, in pixels.
pub const MAX_SIGNATURE_SIDE: u32 = 2000;

/// The proof of a hand-over: a signature, or why there is none (the person could not hold
/// a pen, nobody was in and the item was left as agreed).
#[derive(Clone, PartialEq, Eq)]
pub enum Proof {
    /// The PNG file as drawn.
    Signature(Vec<u8>),
    NoSignature(String),
}

/// A hand-over as a move records it.
#[derive(Clone, PartialEq, Eq)]
pub struct Handover {
    pub name: String,
    pub relation: Relation,
    pub demonstrated: bool,
    pub leaflet_left: bool,
    pub proof: Proof,
}

/// The name and the reason are personal data, the signature is large: neither is printed,
/// so that no log line can hold them even by mistake.
impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handover")
            .field("relation", &self.relation)
            .field("demonstrated", &self.demonstrated)
            .field("leaflet_left", &self.leaflet_left)
            .field("proof", &self.proof)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Proof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Signature(png) => write!(f, "Signature({} bytes)", png.len()),
            Self::NoSignature(_) => f.write_str("NoSignature(..)"),
        }
    }
}

/// The PNG file of a signature sent as base64 text: a PNG that decodes whole, at most
/// `MAX_SIGNATURE_BYTES` and `MAX_SIGNATURE_SIDE` pixels a side. Checked when it is
/// recorded, so that the history and the note never meet a file they cannot show.
pub fn signature_png(text: &str) -> Result<Vec<u8>, String> {
    let text = text.trim();
    let too_large = || format!("must be at most {} KB", MAX_SIGNATURE_BYTES / 1024);
    if text.len() > MAX_SIGNATURE_BASE64 {
        return Err(too_large());
    }
    let bytes = STANDARD
        .decode(text)
        .map_err(|_| "must be a PNG image as base64 text".to_string())?;
    if bytes.len() > MAX_SIGNATURE_BYTES {
        return Err(too_large());
    }
    let not_png = || "must be a PNG image".to_string();
    let decoder = PngDecoder::new(Cursor::new(bytes.as_slice())).map_err(|_| not_png())?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 || width > MAX_SIGNATURE_SIDE || height > MAX_SIGNATURE_SIDE {
        return Err(format!(
            "must be at most {MAX_SIGNATURE_SIDE} by {MAX_SIGNATURE_SIDE} pixels"
        ));
    }
    // Decoded whole: a file cut short or damaged after its header is refused now.
    image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).map_err(|_| not_png())?;
    Ok(bytes)
}

/// The PNG file as stored: base64 text, which both backends and `equiptrack copy` keep as
/// it is.
pub fn stored_png(png: &[u8]) -> String {
    STANDARD.encode(png)
}

/// A stored signature's PNG file again.
pub fn png_of_stored(text: &str) -> Option<Vec<u8>> {
    STANDARD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgba};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img: ImageBuffer<Rgba<u8>, Vec<u8>> =
            ImageBuffer::from_pixel(width, height, Rgba([0, 0, 0, 255]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn a_real_png_within_the_limits_is_taken_and_kept_as_sent() {
        let file = png(300, 120);
        assert_eq!(signature_png(&stored_png(&file)), Ok(file.clone()));
        assert_eq!(png_of_stored(&stored_png(&file)), Some(file));
    }

    #[test]
    fn what_is_not_a_png_or_too_large_is_refused() {
        assert_eq!(
            signature_png("not base64!").unwrap_err(),
            "must be a PNG image as base64 text"
        );
        assert_eq!(
            signature_png(&stored_png(b"GIF89a....")).unwrap_err(),
            "must be a PNG image"
        );
        let cut = png(50, 50);
        assert_eq!(
            signature_png(&stored_png(&cut[..cut.len() - 20])).unwrap_err(),
            "must be a PNG image"
        );
        assert_eq!(
            signature_png(&stored_png(&png(2001, 10))).unwrap_err(),
            "must be at most 2000 by 2000 pixels"
        );
        let huge = "A".repeat(MAX_SIGNATURE_BASE64 + 4);
        assert_eq!(signature_png(&huge).unwrap_err(), "must be at most 200 KB");
    }
}
