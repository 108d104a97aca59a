//! 300 dpi greyscale raster for thermal label printers.

use ab_glyph::{Font, PxScale, point};
use image::ExtendedColorType;
use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

use super::LabelError;
use super::layout::{Layout, units_per_em};

const DPI: f32 = 300.0;
const PX_PER_MM: f32 = DPI / 25.4;
pub const WIDTH: usize = 750;
pub const HEIGHT: usize = 450;

pub fn render(layout: &Layout) -> Result<Vec<u8>, LabelError> {
    let mut canvas = vec![u8::MAX; WIDTH * HEIGHT];
    draw_qr(&mut canvas, layout);
    for line in &layout.lines {
        draw_text(&mut canvas, line);
    }
    encode(&canvas)
}

/// Module edges are rounded to whole pixels independently, so modules differ
/// by at most one pixel but the code keeps exactly the size the layout gave
/// it (and stays aligned with the text) instead of shrinking to a whole
/// number of pixels per module. Edges stay sharp, which scanners need.
fn draw_qr(canvas: &mut [u8], layout: &Layout) {
    let edge = |origin: f32, modules: usize| {
        ((origin + modules as f32 * layout.module) * PX_PER_MM).round() as usize
    };
    for (row, col, len) in layout.qr_runs() {
        let (x0, x1) = (edge(layout.qr_x, col), edge(layout.qr_x, col + len));
        let (y0, y1) = (edge(layout.qr_y, row), edge(layout.qr_y, row + 1));
        for y in y0..y1.min(HEIGHT) {
            canvas[y * WIDTH + x0..y * WIDTH + x1.min(WIDTH)].fill(0);
        }
    }
}

fn draw_text(canvas: &mut [u8], line: &super::layout::TextLine) {
    let font = line.face.font();
    let em_px = line.size * PX_PER_MM;
    // ab_glyph scales by ascent-to-descent height, not by em.
    let scale = PxScale::from(em_px * font.height_unscaled() / units_per_em(font));
    let unit = em_px / units_per_em(font);
    let baseline = line.baseline * PX_PER_MM;
    let mut x = line.x * PX_PER_MM;
    let mut prev = None;
    for c in line.text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            x += font.kern_unscaled(p, id) * unit;
        }
        let glyph = id.with_scale_and_position(scale, point(x, baseline));
        if let Some(outline) = font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
            outline.draw(|gx, gy, coverage| {
                let (px, py) = (left + gx as i32, top + gy as i32);
                if (0..WIDTH as i32).contains(&px) && (0..HEIGHT as i32).contains(&py) {
                    let pixel = &mut canvas[py as usize * WIDTH + px as usize];
                    // Multiply so overlapping glyph edges only ever darken.
                    *pixel = (f32::from(*pixel) * (1.0 - coverage.min(1.0))).round() as u8;
                }
            });
        }
        x += font.h_advance_unscaled(id) * unit;
        prev = Some(id);
    }
}

/// Fast deflate with the Up filter: label rows mostly repeat the row above,
/// so Up turns them into zeros, which the fast compressor handles best.
/// Measured on a typical label: ~165 µs and 20 KB, against ~495 µs and
/// 115 KB unfiltered, ~270 µs and 17 KB adaptive, ~2.9 ms and 14 KB at the
/// default compression level.
fn encode(canvas: &[u8]) -> Result<Vec<u8>, LabelError> {
    let mut out = Vec::with_capacity(32 * 1024);
    PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Up).write_image(
        canvas,
        WIDTH as u32,
        HEIGHT as u32,
        ExtendedColorType::L8,
    )?;
    insert_phys(&mut out);
    Ok(out)
}

/// The `image` encoder cannot write resolution, and without it printing
/// software assumes 72 or 96 dpi and prints the label three times too big.
/// The pHYs chunk goes straight after IHDR (8-byte signature + 25-byte IHDR).
fn insert_phys(png: &mut Vec<u8>) {
    const AFTER_IHDR: usize = 33;
    debug_assert_eq!(&png[12..16], b"IHDR");
    let px_per_metre = (DPI / 0.0254).round() as u32;
    let mut chunk = Vec::with_capacity(21);
    chunk.extend_from_slice(&9u32.to_be_bytes());
    chunk.extend_from_slice(b"pHYs");
    chunk.extend_from_slice(&px_per_metre.to_be_bytes());
    chunk.extend_from_slice(&px_per_metre.to_be_bytes());
    chunk.push(1); // unit: metre
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    png.splice(AFTER_IHDR..AFTER_IHDR, chunk);
}

/// Bitwise CRC-32 (ISO 3309, as PNG requires); 13 bytes per label do not
/// justify a table or another dependency.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::test_support::sample;
    use crate::labels::{LabelContent, render_png};

    fn decode_qr(png: &[u8]) -> (u32, u32, Vec<String>) {
        let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
            .expect("valid PNG")
            .to_luma8();
        let (w, h) = img.dimensions();
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            img.get_pixel(x as u32, y as u32).0[0]
        });
        let texts = prepared
            .detect_grids()
            .iter()
            .map(|g| g.decode().expect("QR decodes").1)
            .collect();
        (w, h, texts)
    }

    #[test]
    fn qr_payload_round_trips_through_an_independent_decoder() {
        let label = sample();
        let (w, h, texts) = decode_qr(&render_png(&label).unwrap());
        assert_eq!((w, h), (750, 450));
        assert_eq!(texts, vec![label.qr_payload.to_owned()]);
    }

    #[test]
    fn long_payload_round_trips_too() {
        let payload = format!("https://equipment.example.org/s/EQ-000123?{}", "a".repeat(150));
        let label = LabelContent {
            qr_payload: &payload,
            ..sample()
        };
        let (_, _, texts) = decode_qr(&render_png(&label).unwrap());
        assert_eq!(texts, vec![payload]);
    }

    #[test]
    fn png_declares_300_dpi_and_has_text_ink() {
        let png = render_png(&sample()).unwrap();
        assert_eq!(&png[37..41], b"pHYs");
        assert_eq!(&png[41..45], &11811u32.to_be_bytes());
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        // Right of the QR code there must be anti-aliased glyph pixels.
        let text_area = (460..740).flat_map(|x| (0..450).map(move |y| (x, y)));
        let grey = text_area
            .map(|(x, y)| img.get_pixel(x, y).0[0])
            .filter(|&v| v > 0 && v < 255)
            .count();
        assert!(grey > 100, "only {grey} grey pixels");
    }

    #[test]
    fn pixel_size_matches_label_size() {
        use crate::labels::layout::{LABEL_H, LABEL_W};
        assert_eq!((LABEL_W * PX_PER_MM).round() as usize, WIDTH);
        assert_eq!((LABEL_H * PX_PER_MM).round() as usize, HEIGHT);
    }

    #[test]
    fn crc_matches_reference() {
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }
}
