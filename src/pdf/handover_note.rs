//! The delivery note of a fit and the collection note of a return: the item, the client,
//! the worker, the time, and the hand-over with its signature. The data comes from
//! `service::handovers::note`; nothing here reads the database.

use chrono::{DateTime, Utc};

use super::document::Document;
use super::writer::RgbImage;
use crate::config::ServiceSettings;
use crate::domain::handover::Relation;
use crate::service::handovers::{Note, NoteKind};
use crate::words::uk_date;

/// The signature is printed at most this size, in points (about 10 by 4 cm).
const SIGNATURE_W: f32 = 280.0;
const SIGNATURE_H: f32 = 110.0;

pub fn note_pdf(note: &Note, service: &ServiceSettings) -> Vec<u8> {
    let (title, received) = match note.kind {
        NoteKind::Delivery => ("Delivery note", "Received by"),
        NoteKind::Collection => ("Collection note", "Handed over by"),
    };
    let mut doc = Document::new(&format!("{title}: {}", note.asset_tag));
    doc.subtitle(&service.name);
    if !service.address.trim().is_empty() {
        doc.subtitle(&service.address);
    }
    doc.subtitle(&format!("Event {} of {}", note.event_id, note.asset_tag));

    doc.heading("Equipment");
    doc.field("Asset tag", &note.asset_tag);
    doc.field("Type", &note.type_name);
    doc.field(
        "Serial number",
        note.serial_number.as_deref().unwrap_or("not recorded"),
    );

    doc.heading("Client");
    match &note.client {
        Some((name, address, postcode)) => {
            doc.field("Name", name);
            let at = [address.as_str(), postcode.as_str()]
                .into_iter()
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            doc.field(
                "Address",
                if at.is_empty() {
                    "not recorded"
                } else {
                    at.as_str()
                },
            );
        }
        None => doc.paragraph("No client is recorded for this event."),
    }

    doc.heading("Visit");
    doc.field(
        match note.kind {
            NoteKind::Delivery => "Fitted by",
            NoteKind::Collection => "Collected by",
        },
        note.worker.as_deref().unwrap_or("not recorded"),
    );
    doc.field("Time", &date_time(note.occurred_at));

    doc.heading("Hand-over");
    let Some(h) = &note.handover else {
        doc.paragraph("No hand-over was recorded with this event.");
        return doc.finish();
    };
    if h.erased {
        doc.paragraph("The client's details were erased: the name and signature are gone.");
    }
    doc.field(received, &h.name);
    doc.field("Relation to the client", relation_words(h.relation));
    doc.field("Use demonstrated", yes_no(h.demonstrated));
    doc.field("Leaflet left", yes_no(h.leaflet_left));
    match (&note.signature, &h.no_signature_reason) {
        (Some(png), _) => match rgb_on_white(png) {
            Some(image) => {
                doc.field("Signature", "");
                doc.image(image, SIGNATURE_W, SIGNATURE_H);
            }
            None => doc.field("Signature", "recorded, but it could not be read"),
        },
        (None, Some(reason)) => doc.field("No signature, because", reason),
        (None, None) => doc.field("Signature", "none"),
    }
    doc.finish()
}

pub fn relation_words(r: Relation) -> &'static str {
    match r {
        Relation::Client => "The client",
        Relation::Family => "Family",
        Relation::Carer => "Carer",
        Relation::Other => "Other",
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

fn date_time(at: DateTime<Utc>) -> String {
    format!("{} {}", uk_date(at.date_naive()), at.format("%H:%M UTC"))
}

/// A PNG file as RGB samples, its transparency laid over white paper: a canvas drawn on is
/// transparent where nobody drew, which a plain drop of the alpha would print black.
pub fn rgb_on_white(png: &[u8]) -> Option<RgbImage> {
    let rgba = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .ok()?
        .to_rgba8();
    let (width, height) = rgba.dimensions();
    let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
    for px in rgba.pixels() {
        let [r, g, b, a] = px.0;
        let a = u32::from(a);
        for c in [r, g, b] {
            rgb.push(((u32::from(c) * a + 255 * (255 - a)) / 255) as u8);
        }
    }
    Some(RgbImage { width, height, rgb })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgba};
    use std::io::Cursor;

    #[test]
    fn what_nobody_drew_on_is_white_and_the_strokes_stay_dark() {
        let mut img: ImageBuffer<Rgba<u8>, Vec<u8>> = ImageBuffer::from_pixel(4, 2, Rgba([0, 0, 0, 0]));
        img.put_pixel(1, 1, Rgba([10, 20, 30, 255]));
        let mut png = Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let rgb = rgb_on_white(&png.into_inner()).unwrap();
        assert_eq!((rgb.width, rgb.height, rgb.rgb.len()), (4, 2, 24));
        assert_eq!(&rgb.rgb[..3], &[255, 255, 255]);
        assert_eq!(&rgb.rgb[15..18], &[10, 20, 30]);
        assert!(rgb_on_white(b"not a png").is_none());
    }
}
