//! The PDF 1.4 file itself: numbered objects, the cross-reference table, and the one page
//! shape every PDF of the service uses (A4, the standard Helvetica fonts).
//!
//! Written by hand because the format needed is tiny: content streams of filled rectangles
//! and text in the standard Helvetica fonts, which every reader has built in, so nothing is
//! embedded, and the text stays extractable (WinAnsiEncoding maps every byte to a glyph name).

use std::fmt::Write;

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
/// Points in a millimetre.
pub const MM: f32 = 72.0 / 25.4;

/// The content streams name the fonts by these resource names.
pub const BOLD: &str = "F1";
pub const REGULAR: &str = "F2";

/// Objects 1-4 are fixed; each page then adds a page and a content object.
const CATALOG: usize = 1;
const PAGES: usize = 2;
const FONT_BOLD: usize = 3;
const FONT_REGULAR: usize = 4;
const FIRST_PAGE: usize = 5;

/// A picture to draw on the pages (a signature): 8-bit RGB samples, row by row from the top.
pub struct RgbImage {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// The name a content stream draws image `index` of `a4_pages_with_images` by (`/Im1 Do`).
pub fn image_name(index: usize) -> String {
    format!("Im{}", index + 1)
}

/// A file of A4 pages, one content stream each, with `/F1` Helvetica-Bold and `/F2`
/// Helvetica; `title` goes into the document information (what a reader shows as its name).
pub fn a4_pages(pages: &[Vec<u8>], title: Option<&str>) -> Vec<u8> {
    a4_pages_with_images(pages, &[], title)
}

/// `a4_pages`, with `images` as image XObjects every page may draw (by `image_name`).
pub fn a4_pages_with_images(pages: &[Vec<u8>], images: &[RgbImage], title: Option<&str>) -> Vec<u8> {
    let mut pdf = Pdf::default();
    // The images follow the pages, so that the pages' numbers stay where they always were.
    let first_image = FIRST_PAGE + 2 * pages.len();
    let xobjects = if images.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = (0..images.len())
            .map(|i| format!("/{} {} 0 R", image_name(i), first_image + i))
            .collect();
        format!(" /XObject << {} >>", names.join(" "))
    };
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

    for (i, content) in pages.iter().enumerate() {
        let page_id = FIRST_PAGE + 2 * i;
        pdf.object(
            page_id,
            &format!(
                "<< /Type /Page /Parent {PAGES} 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources << /Font << /{BOLD} {FONT_BOLD} 0 R /{REGULAR} {FONT_REGULAR} 0 R >>{xobjects} >> \
                 /Contents {} 0 R >>",
                page_id + 1
            ),
        );
        // Fastest deflate level: page content is very repetitive, so this already shrinks
        // it several fold for a few per cent of render time.
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(content, 1);
        pdf.start_object(page_id + 1);
        let _ = write!(
            pdf,
            "<< /Length {} /Filter /FlateDecode >>\nstream\n",
            packed.len()
        );
        pdf.out.extend_from_slice(&packed);
        pdf.out.extend_from_slice(b"\nendstream\nendobj\n");
    }
    for (i, image) in images.iter().enumerate() {
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&image.rgb, 6);
        pdf.start_object(first_image + i);
        let _ = write!(
            pdf,
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceRGB \
             /BitsPerComponent 8 /Length {} /Filter /FlateDecode >>\nstream\n",
            image.width,
            image.height,
            packed.len()
        );
        pdf.out.extend_from_slice(&packed);
        pdf.out.extend_from_slice(b"\nendstream\nendobj\n");
    }
    let info = title.map(|title| {
        let id = pdf.offsets.len() + 1;
        let mut body = String::from("<< /Title (");
        push_string(&mut body, title);
        body.push_str(") /Producer (equiptrack) >>");
        pdf.object(id, &body);
        id
    });
    pdf.finish(info)
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
    /// Objects must be started in numbering order, which keeps the xref table a plain list.
    fn start_object(&mut self, id: usize) {
        debug_assert_eq!(id, self.offsets.len() + 1);
        self.offsets.push(self.out.len());
        let _ = writeln!(self, "{id} 0 obj");
    }

    fn object(&mut self, id: usize, body: &str) {
        self.start_object(id);
        let _ = write!(self, "{body}\nendobj\n");
    }

    fn finish(mut self, info: Option<usize>) -> Vec<u8> {
        let xref = self.out.len();
        let count = self.offsets.len() + 1;
        // Each entry must be exactly 20 bytes, hence the space before \n.
        let _ = write!(self, "xref\n0 {count}\n0000000000 65535 f \n");
        for offset in std::mem::take(&mut self.offsets) {
            let _ = writeln!(self, "{offset:010} 00000 n ");
        }
        let info = info.map(|id| format!(" /Info {id} 0 R")).unwrap_or_default();
        let _ = write!(
            self,
            "trailer\n<< /Size {count} /Root {CATALOG} 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n"
        );
        self.out
    }
}

/// Writes `text` as the body of a PDF literal string in WinAnsiEncoding. `(`, `)` and `\`
/// are escaped; bytes above 0x7E are written as octal escapes so the content stream stays
/// ASCII; characters the standard fonts cannot show become '?'.
pub fn push_string(out: &mut String, text: &str) {
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

/// The WinAnsiEncoding byte of a character, if the standard fonts have it. Control
/// characters (a tab, a line break) have none: text is laid out into lines before this.
pub fn win_ansi(c: char) -> Option<u8> {
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
pub(crate) mod tests {
    use super::*;

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).rposition(|w| w == needle)
    }

    /// Every stream, inflated, after checking its /Length is exact.
    pub fn content_streams(pdf: &[u8]) -> Vec<String> {
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

    /// startxref points at the xref table, and every in-use entry at its "N 0 obj";
    /// answers the number of entries.
    pub fn check_xref(pdf: &[u8]) -> usize {
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        let sx = rfind(pdf, b"startxref\n").unwrap() + b"startxref\n".len();
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
        assert!(String::from_utf8_lossy(pdf).contains(&format!("/Size {count} ")));
        count
    }

    #[test]
    fn pages_and_the_information_dictionary_are_in_the_xref() {
        let pages = vec![b"BT /F2 10 Tf 72 72 Td (a) Tj ET".to_vec(); 3];
        let pdf = a4_pages(&pages, Some("Record (EQ-1)"));
        assert_eq!(check_xref(&pdf), FIRST_PAGE + 2 * 3 + 1);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3 "));
        assert!(text.contains(r"/Title (Record \(EQ-1\))"));
        assert!(text.contains("/Info 11 0 R"));
        assert_eq!(content_streams(&pdf).len(), 3);

        let bare = a4_pages(&pages[..1], None);
        assert_eq!(check_xref(&bare), FIRST_PAGE + 2);
        assert!(!String::from_utf8_lossy(&bare).contains("/Info"));
    }

    #[test]
    fn strings_are_escaped_and_limited_to_win_ansi() {
        let mut out = String::new();
        push_string(&mut out, r"a(b)c\d é € ✓ …");
        assert_eq!(out, r"a\(b\)c\\d \351 \200 ? \205");
        let mut out = String::new();
        push_string(&mut out, "tab\there");
        assert_eq!(out, "tab?here", "a control character is no glyph");
    }
}
