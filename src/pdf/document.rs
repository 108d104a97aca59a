//! A text document on A4: a title, headings, label and value lines, paragraphs; lines
//! wrapped at the page width, a new page when one is full, and "Page n of m" at the foot of
//! each. What the evidence PDFs are written with.

use std::fmt::Write;

use super::metrics::width;
use super::writer::{self, BOLD, PAGE_H, PAGE_W, REGULAR, RgbImage, image_name, push_string};

const MARGIN: f32 = 56.0;
const TOP: f32 = PAGE_H - 56.0;
/// Nothing is written below this, so the footer stays clear.
const BOTTOM: f32 = 64.0;
const FOOTER: f32 = 36.0;
const TEXT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// The label column of a label and value line.
const LABEL_W: f32 = 150.0;
const GUTTER: f32 = 8.0;

const TITLE: f32 = 16.0;
const HEADING: f32 = 12.0;
const SUBHEADING: f32 = 10.0;
const BODY: f32 = 9.5;
const SMALL: f32 = 8.0;

fn leading(size: f32) -> f32 {
    size * 1.3
}

/// A document being written; `finish` answers the PDF file.
pub struct Document {
    title: String,
    pages: Vec<String>,
    page: String,
    /// The top of the next line, in points from the bottom of the page.
    y: f32,
    /// The pictures drawn, in the order drawn.
    images: Vec<RgbImage>,
}

impl Document {
    /// A document whose first page opens with `title`, which also names it in a reader and
    /// stands at the foot of every page.
    pub fn new(title: &str) -> Self {
        let mut doc = Self {
            title: title.to_string(),
            pages: Vec::new(),
            page: String::new(),
            y: TOP,
            images: Vec::new(),
        };
        for line in wrap(title, true, TITLE, TEXT_W) {
            doc.line(MARGIN, true, TITLE, &line);
        }
        doc.y -= 4.0;
        doc
    }

    /// A line in small type under the title (what the document is, who it is for).
    pub fn subtitle(&mut self, text: &str) {
        for line in wrap(text, false, BODY, TEXT_W) {
            self.line(MARGIN, false, BODY, &line);
        }
    }

    /// A section's heading with a rule under it; never left alone at the foot of a page.
    pub fn heading(&mut self, text: &str) {
        self.y -= 8.0;
        self.room_for(leading(HEADING) + 4.0 + 3.0 * leading(BODY));
        self.line(MARGIN, true, HEADING, text);
        let rule = self.y - 1.0;
        let _ = writeln!(
            self.page,
            "0.6 G 0.5 w {MARGIN:.2} {rule:.2} m {:.2} {rule:.2} l S 0 G",
            PAGE_W - MARGIN
        );
        self.y -= 5.0;
    }

    /// A smaller heading inside a section (one defect, one check).
    pub fn subheading(&mut self, text: &str) {
        self.y -= 4.0;
        self.room_for(leading(SUBHEADING) + 2.0 * leading(BODY));
        for line in wrap(text, true, SUBHEADING, TEXT_W) {
            self.line(MARGIN, true, SUBHEADING, &line);
        }
    }

    /// A label and its value side by side, each wrapped in its own column.
    pub fn field(&mut self, label: &str, value: &str) {
        let labels = wrap(label, true, BODY, LABEL_W - GUTTER);
        let values = wrap(value, false, BODY, TEXT_W - LABEL_W);
        for i in 0..labels.len().max(values.len()) {
            self.room_for(leading(BODY));
            let baseline = self.y - BODY;
            if let Some(l) = labels.get(i) {
                self.put(MARGIN, baseline, true, BODY, l);
            }
            if let Some(v) = values.get(i) {
                self.put(MARGIN + LABEL_W, baseline, false, BODY, v);
            }
            self.y -= leading(BODY);
        }
    }

    /// Text across the whole width.
    pub fn paragraph(&mut self, text: &str) {
        for line in wrap(text, false, BODY, TEXT_W) {
            self.line(MARGIN, false, BODY, &line);
        }
    }

    /// A picture (a signature) at most `max_w` by `max_h` points, its shape kept, framed by
    /// a thin line, at the left margin.
    pub fn image(&mut self, image: RgbImage, max_w: f32, max_h: f32) {
        let (w, h) = (image.width.max(1) as f32, image.height.max(1) as f32);
        let scale = (max_w.min(TEXT_W) / w).min(max_h / h);
        let (w, h) = (w * scale, h * scale);
        self.y -= 4.0;
        self.room_for(h + 8.0);
        let (x, y) = (MARGIN, self.y - h);
        let name = image_name(self.images.len());
        let _ = writeln!(
            self.page,
            "q {w:.2} 0 0 {h:.2} {x:.2} {y:.2} cm /{name} Do Q\n0.6 G 0.5 w {x:.2} {y:.2} {w:.2} {h:.2} re S 0 G"
        );
        self.images.push(image);
        self.y -= h + 8.0;
    }

    /// Some space between blocks.
    pub fn gap(&mut self) {
        self.y -= leading(BODY) / 2.0;
    }

    /// The PDF file: every page with its footer, "Page n of m".
    pub fn finish(mut self) -> Vec<u8> {
        self.pages.push(std::mem::take(&mut self.page));
        let count = self.pages.len();
        let pages: Vec<Vec<u8>> = std::mem::take(&mut self.pages)
            .into_iter()
            .enumerate()
            .map(|(i, mut content)| {
                let number = format!("Page {} of {count}", i + 1);
                let mut foot = self.title.clone();
                let room = TEXT_W - width(&number, false, SMALL) - 20.0;
                if width(&foot, false, SMALL) > room {
                    foot = wrap(&foot, false, SMALL, room).swap_remove(0);
                }
                put(&mut content, MARGIN, FOOTER, false, SMALL, &foot);
                let x = PAGE_W - MARGIN - width(&number, false, SMALL);
                put(&mut content, x, FOOTER, false, SMALL, &number);
                content.into_bytes()
            })
            .collect();
        writer::a4_pages_with_images(&pages, &self.images, Some(&self.title))
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn room_for(&mut self, height: f32) {
        if self.y - height < BOTTOM && self.y < TOP {
            self.pages.push(std::mem::take(&mut self.page));
            self.y = TOP;
        }
    }

    /// One line of text (already short enough) at `x`, moving down a line.
    fn line(&mut self, x: f32, bold: bool, size: f32, text: &str) {
        self.room_for(leading(size));
        let baseline = self.y - size;
        self.put(x, baseline, bold, size, text);
        self.y -= leading(size);
    }

    fn put(&mut self, x: f32, baseline: f32, bold: bool, size: f32, text: &str) {
        put(&mut self.page, x, baseline, bold, size, text);
    }
}

fn put(content: &mut String, x: f32, baseline: f32, bold: bool, size: f32, text: &str) {
    if text.is_empty() {
        return;
    }
    let font = if bold { BOLD } else { REGULAR };
    let _ = write!(content, "BT /{font} {size:.1} Tf {x:.2} {baseline:.2} Td (");
    push_string(content, text);
    content.push_str(") Tj ET\n");
}

/// `text` in lines no wider than `max` points: at line breaks in the text, then between
/// words, and inside a word only when it is wider than a whole line. Tabs and other control
/// characters count as spaces. Always at least one line (perhaps empty).
pub fn wrap(text: &str, bold: bool, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let clean: String = paragraph
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let mut line = String::new();
        for word in clean.split_whitespace() {
            let joined = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(&joined, bold, size) <= max {
                line = joined;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line (a long reference, a URL) is cut where it must be.
            for c in word.chars() {
                line.push(c);
                if width(&line, bold, size) > max && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::writer::tests::{check_xref, content_streams};

    #[test]
    fn lines_wrap_between_words_and_inside_only_an_overlong_one() {
        let lines = wrap("the quick brown fox jumps over the lazy dog", false, 10.0, 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l, false, 10.0) <= 100.0));
        assert_eq!(lines.join(" "), "the quick brown fox jumps over the lazy dog");
        let long = "x".repeat(200);
        let cut = wrap(&long, false, 10.0, 100.0);
        assert!(cut.len() > 1 && cut.concat() == long);
        assert_eq!(wrap("a\nb", false, 10.0, 100.0), vec!["a", "b"]);
        assert_eq!(wrap("", false, 10.0, 100.0), vec![""]);
        assert_eq!(wrap("tab\tthere", false, 10.0, 100.0), vec!["tab there"]);
    }

    #[test]
    fn a_long_document_breaks_into_numbered_pages() {
        let mut doc = Document::new("Record of EQ-(000001)");
        doc.heading("History");
        for i in 0..200 {
            doc.field(&format!("Entry {i}"), "something happened to the item that day");
        }
        let pdf = doc.finish();
        let pages = content_streams(&pdf);
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let m = pages.len();
        for (i, page) in pages.iter().enumerate() {
            assert!(page.contains(&format!("(Page {} of {m}) Tj", i + 1)));
            assert!(page.contains(r"(Record of EQ-\(000001\)) Tj"));
        }
        assert!(pages[m - 1].contains("(Entry 199) Tj"));
        check_xref(&pdf);
    }

    #[test]
    fn nothing_is_written_below_the_bottom_margin_but_the_footer() {
        let mut doc = Document::new("T");
        for _ in 0..80 {
            doc.field("Label", &"word ".repeat(60));
        }
        for page in content_streams(&doc.finish()) {
            for line in page.lines().filter(|l| l.starts_with("BT")) {
                let parts: Vec<&str> = line.split(' ').collect();
                let y: f32 = parts[5].parse().unwrap();
                assert!(y >= BOTTOM - BODY || y == FOOTER, "{line}");
            }
        }
    }
}
