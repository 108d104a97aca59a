//! A4 label sheets as a hand-written PDF 1.4 file.
//!
//! Written by hand because the format needed is tiny: content streams of
//! filled rectangles and text in the standard Helvetica fonts, which every
//! reader has built in, so nothing is embedded.

use std::fmt::Write;

use super::layout::{Face, LABEL_H, Layout};

const MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
/// Standard 21-up (3 x 7) 63.5 x 38.1 mm sheet geometry.
const COLUMNS: usize = 3;
const ROWS: usize = 7;
const LEFT: f32 = 7.2;
const TOP: f32 = 15.15;
const COLUMN_PITCH: f32 = 66.0;
const ROW_PITCH: f32 = 38.1;
const PER_PAGE: usize = COLUMNS * ROWS;

/// Objects 1-4 are fixed; each page then adds a page and a content object.
const CATALOG: usize = 1;
const PAGES: usize = 2;
const FONT_BOLD: usize = 3;
const FONT_REGULAR: usize = 4;
const FIRST_PAGE: usize = 5;

pub fn render(layouts: &[Layout]) -> Vec<u8> {
    let pages: Vec<&[Layout]> = layouts.chunks(PER_PAGE).collect();
    let mut pdf = Pdf::default();
    // The binary comment tells transfer tools the file is not plain text.
    pdf.out.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");

    pdf.object(CATALOG, &format!("<< /Type /Catalog /Pages {PAGES} 0 R >>"));
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", FIRST_PAGE + 2 * i))
        .collect();
    pdf.object(
        PAGES,
        &format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        ),
    );
    for (id, name) in [(FONT_BOLD, "Helvetica-Bold"), (FONT_REGULAR, "Helvetica")] {
        pdf.object(
            id,
            &format!("<< /Type /Font /Subtype /Type1 /BaseFont /{name} /Encoding /WinAnsiEncoding >>"),
        );
    }

    for (i, labels) in pages.iter().enumerate() {
        let page_id = FIRST_PAGE + 2 * i;
        pdf.object(
            page_id,
            &format!(
                "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources << /Font << /F1 {FONT_BOLD} 0 R /F2 {FONT_REGULAR} 0 R >> >> \
                 /Contents {} 0 R >>",
                page_id + 1
            ),
        );
        // Fastest deflate level: the page text is very repetitive, so this
        // already shrinks it about tenfold for a few per cent of render time.
        let content = miniz_oxide::deflate::compress_to_vec_zlib(&page_content(labels), 1);
        pdf.start_object(page_id + 1);
        let _ = write!(
            pdf,
            "<< /Length {} /Filter /FlateDecode >>\nstream\n",
            content.len()
        );
        pdf.out.extend_from_slice(&content);
        pdf.out.extend_from_slice(b"\nendstream\nendobj\n");
    }
    pdf.finish()
}

#[derive(Default)]
struct Pdf {
    out: Vec<u8>,
    /// Byte offset of each object, indexed by object number - 1.
    offsets: Vec<usize>,
}

impl Write for Pdf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.out.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

impl Pdf {
    /// Objects must be started in numbering order, which keeps the xref
    /// table a plain list.
    fn start_object(&mut self, id: usize) {
        debug_assert_eq!(id, self.offsets.len() + 1);
        self.offsets.push(self.out.len());
        let _ = writeln!(self, "{id} 0 obj");
    }

    fn object(&mut self, id: usize, body: &str) {
        self.start_object(id);
        let _ = write!(self, "{body}\nendobj\n");
    }

    fn finish(mut self) -> Vec<u8> {
        let xref = self.out.len();
        let count = self.offsets.len() + 1;
        // Each entry must be exactly 20 bytes, hence the space before \n.
        let _ = write!(self, "xref\n0 {count}\n0000000000 65535 f \n");
        for offset in std::mem::take(&mut self.offsets) {
            let _ = writeln!(self, "{offset:010} 00000 n ");
        }
        let _ = write!(
            self,
            "trailer\n<< /Size {count} /Root {CATALOG} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        );
        self.out
    }
}

/// Each label is drawn in its own coordinate system (millimetres, origin at
/// its bottom-left) so the layout numbers can be used as they are.
fn page_content(labels: &[Layout]) -> Vec<u8> {
    let mut s = String::with_capacity(labels.len() * 4096);
    for (i, layout) in labels.iter().enumerate() {
        let (col, row) = (i % COLUMNS, i / COLUMNS);
        let x = (LEFT + col as f32 * COLUMN_PITCH) * MM;
        let y = PAGE_H - (TOP + row as f32 * ROW_PITCH + LABEL_H) * MM;
        let _ = writeln!(s, "q {MM:.5} 0 0 {MM:.5} {x:.3} {y:.3} cm");
        // Module units with y down, matching the layout's row order.
        let m = layout.module;
        let _ = writeln!(
            s,
            "q {m:.5} 0 0 {:.5} {:.4} {:.4} cm 0 g",
            -m,
            layout.qr_x,
            LABEL_H - layout.qr_y
        );
        for (row, col, len) in layout.qr_runs() {
            let _ = write!(s, "{col} {row} {len} 1 re ");
        }
        s.push_str("f Q\n");
        for line in &layout.lines {
            let font = match line.face {
                Face::Bold => "F1",
                Face::Regular => "F2",
            };
            let _ = write!(
                s,
                "BT /{font} {:.3} Tf {:.3} {:.3} Td (",
                line.size,
                line.x,
                LABEL_H - line.baseline
            );
            push_pdf_string(&mut s, &line.text);
            s.push_str(") Tj ET\n");
        }
        s.push_str("Q\n");
    }
    s.into_bytes()
}

/// Writes `text` as the body of a PDF literal string in WinAnsiEncoding.
/// Bytes above 0x7E are written as octal escapes so the content stream
/// stays ASCII; characters the standard fonts cannot show become '?'.
fn push_pdf_string(out: &mut String, text: &str) {
    for c in text.chars() {
        match win_ansi(c).unwrap_or(b'?') {
            b @ (b'(' | b')' | b'\\') => {
                out.push('\\');
                out.push(char::from(b));
            }
            b @ 0x20..=0x7E => out.push(char::from(b)),
            b => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
}

fn win_ansi(c: char) -> Option<u8> {
    let code = c as u32;
    match code {
        0x20..=0x7E | 0xA0..=0xFF => Some(code as u8),
        _ => {
            const HIGH: [(char, u8); 27] = [
                ('€', 0x80),
                ('‚', 0x82),
                ('ƒ', 0x83),
                ('„', 0x84),
                ('…', 0x85),
                ('†', 0x86),
                ('‡', 0x87),
                ('ˆ', 0x88),
                ('‰', 0x89),
                ('Š', 0x8A),
                ('‹', 0x8B),
                ('Œ', 0x8C),
                ('Ž', 0x8E),
                ('‘', 0x91),
                ('’', 0x92),
                ('“', 0x93),
                ('”', 0x94),
                ('•', 0x95),
                ('–', 0x96),
                ('—', 0x97),
                ('˜', 0x98),
                ('™', 0x99),
                ('š', 0x9A),
                ('›', 0x9B),
                ('œ', 0x9C),
                ('ž', 0x9E),
                ('Ÿ', 0x9F),
            ];
            HIGH.iter().find(|&&(ch, _)| ch == c).map(|&(_, b)| b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::test_support::sample;
    use crate::labels::{LabelContent, LabelError, render_pdf_sheet};

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).rposition(|w| w == needle)
    }

    /// Every stream, inflated, after checking its /Length is exact.
    fn content_streams(pdf: &[u8]) -> Vec<String> {
        let mut streams = Vec::new();
        let mut at = 0;
        while let Some(i) = find(&pdf[at..], b"/Length ") {
            let rest = &pdf[at + i + 8..];
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            let len: usize = std::str::from_utf8(&rest[..digits]).unwrap().parse().unwrap();
            let start = at + i + 8 + find(rest, b"stream\n").unwrap() + 7;
            assert!(pdf[start + len..].starts_with(b"\nendstream"));
            let data = &pdf[start..start + len];
            let raw = miniz_oxide::inflate::decompress_to_vec_zlib(data).expect("valid zlib");
            streams.push(String::from_utf8(raw).expect("content is ASCII"));
            at = start + len;
        }
        streams
    }

    #[test]
    fn sheet_has_valid_structure_and_xref() {
        let labels = vec![sample(); 22];
        let pdf = render_pdf_sheet(&labels).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        assert!(find(&pdf, b"/Count 2 ").is_some());
        let text = String::from_utf8_lossy(&pdf);
        assert_eq!(text.matches("/Type /Page ").count(), 2);
        let streams = content_streams(&pdf);
        assert_eq!(streams.len(), 2);
        assert_eq!(streams[0].matches("(EQ-000123) Tj").count(), 21);
        assert_eq!(streams[1].matches("(EQ-000123) Tj").count(), 1);

        // startxref must point at the xref table...
        let sx = rfind(&pdf, b"startxref\n").unwrap() + b"startxref\n".len();
        let tail = std::str::from_utf8(&pdf[sx..]).unwrap();
        let xref: usize = tail.lines().next().unwrap().parse().unwrap();
        let table = std::str::from_utf8(&pdf[xref..]).unwrap();
        let mut lines = table.lines();
        assert_eq!(lines.next(), Some("xref"));
        let header: Vec<usize> = lines
            .next()
            .unwrap()
            .split(' ')
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(header[0], 0);
        let count = header[1];
        assert_eq!(count, FIRST_PAGE + 2 * 2);
        // ...and every in-use entry at its "N 0 obj".
        let entries_at = xref + table.find("0000000000 65535 f").unwrap();
        for n in 0..count {
            let entry = &pdf[entries_at + 20 * n..entries_at + 20 * (n + 1)];
            assert!(entry.ends_with(b" \n") || entry.ends_with(b"\r\n"));
            let entry = std::str::from_utf8(entry).unwrap();
            if n == 0 {
                assert!(entry.ends_with("f \n"));
                continue;
            }
            assert!(entry.ends_with(" 00000 n \n"), "{entry:?}");
            let offset: usize = entry[..10].parse().unwrap();
            let expected = format!("{n} 0 obj");
            assert!(
                pdf[offset..].starts_with(expected.as_bytes()),
                "object {n} not at {offset}"
            );
        }
        assert!(text.contains(&format!("/Size {count} ")));
    }

    #[test]
    fn full_page_and_exact_multiple() {
        for (n, pages) in [(1, 1), (21, 1), (42, 2), (43, 3)] {
            let pdf = render_pdf_sheet(&vec![sample(); n]).unwrap();
            let text = String::from_utf8_lossy(&pdf);
            assert_eq!(text.matches("/Type /Page ").count(), pages, "{n} labels");
        }
        assert!(matches!(render_pdf_sheet(&[]), Err(LabelError::NoLabels)));
    }

    #[test]
    fn strings_are_escaped_and_limited_to_win_ansi() {
        let mut out = String::new();
        push_pdf_string(&mut out, r"a(b)c\d é € ✓ …");
        assert_eq!(out, r"a\(b\)c\\d \351 \200 ? \205");

        let label = LabelContent {
            asset_tag: "EQ-(1)",
            service_name: "Ünïcode ✓ service",
            ..sample()
        };
        let pdf = render_pdf_sheet(&[label]).unwrap();
        let content = &content_streams(&pdf)[0];
        assert!(content.contains(r"(EQ-\(1\)) Tj"));
        assert!(content.contains(r"(\334n\357code ? service) Tj"));
        assert!(content.is_ascii());
    }
}
