//! Vector label for previews; user units are millimetres.

use std::fmt::Write;

use super::layout::{Face, LABEL_H, LABEL_W, Layout};

pub fn render(layout: &Layout) -> String {
    let mut svg = String::with_capacity(8 * 1024);
    // Writing to a String cannot fail, hence the ignored fmt::Results.
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_W}mm" height="{LABEL_H}mm" viewBox="0 0 {LABEL_W} {LABEL_H}">"#
    );
    let _ = write!(
        svg,
        r##"<rect width="{LABEL_W}" height="{LABEL_H}" fill="#fff"/>"##
    );
    // One path in module units: integer coordinates keep it short, and a
    // single path has no anti-aliasing seams between adjacent rows.
    let _ = write!(
        svg,
        r##"<path fill="#000" transform="translate({} {}) scale({})" d=""##,
        num(layout.qr_x),
        num(layout.qr_y),
        num(layout.module)
    );
    for (row, col, len) in layout.qr_runs() {
        let _ = write!(svg, "M{col} {row}h{len}v1h-{len}z");
    }
    svg.push_str(r#""/>"#);
    // DejaVu first so previews match the PNG where the font is installed.
    svg.push_str(r##"<g font-family="DejaVu Sans, sans-serif" fill="#000">"##);
    for line in &layout.lines {
        let weight = match line.face {
            Face::Bold => r#" font-weight="bold""#,
            Face::Regular => "",
        };
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" font-size="{}"{weight}>"#,
            num(line.x),
            num(line.baseline),
            num(line.size)
        );
        escape_into(&mut svg, &line.text);
        svg.push_str("</text>");
    }
    svg.push_str("</g></svg>\n");
    svg
}

/// Three decimals is 1 µm, far below anything a printer resolves.
fn num(v: f32) -> String {
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::labels::test_support::sample;
    use crate::labels::{LabelContent, render_svg};

    #[test]
    fn svg_is_sized_in_mm_and_contains_the_text() {
        let svg = render_svg(&sample()).unwrap();
        assert!(svg.starts_with("<svg "));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains(r#"width="63.5mm""#));
        assert!(svg.contains(r#"height="38.1mm""#));
        assert!(svg.contains(">EQ-000123</text>"));
        assert!(svg.contains(">Straight stairlift</text>"));
        assert!(svg.contains(">01632 960 123</text>"));
    }

    #[test]
    fn svg_escapes_markup_in_every_text() {
        let label = LabelContent {
            asset_tag: "A&B",
            type_name: "<bed> \"x\"",
            service_name: "Tom & Jerry's",
            service_phone: "<script>",
            ..sample()
        };
        let svg = render_svg(&label).unwrap();
        assert!(svg.contains(">A&amp;B</text>"));
        assert!(svg.contains("&lt;bed&gt; &quot;x&quot;"));
        assert!(svg.contains("Tom &amp; Jerry&apos;s"));
        assert!(!svg.contains("<script>") && !svg.contains("<bed>"));
        // Every '&' starts an entity.
        for (i, _) in svg.match_indices('&') {
            let rest = &svg[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| rest.starts_with(e))
            );
        }
    }

    #[test]
    fn numbers_are_compact() {
        assert_eq!(super::num(37.1), "37.1");
        assert_eq!(super::num(1.0), "1");
        assert_eq!(super::num(0.97567), "0.976");
    }
}
