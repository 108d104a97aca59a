//! A4 label sheets, written with the shared PDF writer (`crate::pdf::writer`).

use std::fmt::Write;

use super::layout::{Face, LABEL_H, Layout};
use crate::pdf::writer::{self, BOLD, MM, PAGE_H, REGULAR, push_string};

/// Standard 21-up (3 x 7) 63.5 x 38.1 mm sheet geometry.
const COLUMNS: usize = 3;
const ROWS: usize = 7;
const LEFT: f32 = 7.2;
const TOP: f32 = 15.15;
const COLUMN_PITCH: f32 = 66.0;
const ROW_PITCH: f32 = 38.1;
const PER_PAGE: usize = COLUMNS * ROWS;

pub fn render(layouts: &[Layout]) -> Vec<u8> {
    let pages: Vec<Vec<u8>> = layouts.chunks(PER_PAGE).map(page_content).collect();
    writer::a4_pages(&pages, None)
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
                Face::Bold => BOLD,
                Face::Regular => REGULAR,
            };
            let _ = write!(
                s,
                "BT /{font} {:.3} Tf {:.3} {:.3} Td (",
                line.size,
                line.x,
                LABEL_H - line.baseline
            );
            push_string(&mut s, &line.text);
            s.push_str(") Tj ET\n");
        }
        s.push_str("Q\n");
    }
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use crate::labels::test_support::sample;
    use crate::labels::{LabelContent, LabelError, render_pdf_sheet};
    use crate::pdf::writer::tests::{check_xref, content_streams};

    #[test]
    fn sheet_has_valid_structure_and_xref() {
        let labels = vec![sample(); 22];
        let pdf = render_pdf_sheet(&labels).unwrap();
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 2 "));
        assert_eq!(text.matches("/Type /Page ").count(), 2);
        let streams = content_streams(&pdf);
        assert_eq!(streams.len(), 2);
        assert_eq!(streams[0].matches("(EQ-000123) Tj").count(), 21);
        assert_eq!(streams[1].matches("(EQ-000123) Tj").count(), 1);
        // Catalog, pages, two fonts, then a page and its content each; no information.
        assert_eq!(check_xref(&pdf), 5 + 2 * 2);
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
    fn label_text_is_escaped_and_limited_to_win_ansi() {
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
