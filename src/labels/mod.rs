//! Item labels for 63.5 x 38.1 mm label stock (the common 21-up A4 sheet size).
//!
//! All three outputs come from one [`layout`] computed in millimetres, so a
//! label looks the same whether it is printed from the PNG (label printers),
//! the SVG (browser preview) or the PDF sheet (office laser printers). Text is
//! measured with the embedded DejaVu fonts; they run wider than Helvetica and
//! than most sans-serif fonts a browser falls back to, so a line that fits in
//! the PNG also fits in the PDF and, in practice, in the SVG.

mod layout;
mod pdf;
mod png;
mod svg;

/// What goes on one label. Borrowed so that rendering a sheet of hundreds of
/// labels does not need to copy the register's strings first.
#[derive(Debug, Clone, Copy)]
pub struct LabelContent<'a> {
    /// Usually the item's scan URL, e.g. `http://localhost:8080/s/EQ-000123`.
    pub qr_payload: &'a str,
    /// Printed large: it is what staff read out over the phone.
    pub asset_tag: &'a str,
    pub type_name: &'a str,
    pub service_name: &'a str,
    /// May be empty, in which case that line is left off.
    pub service_phone: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// The payload would need a QR code so dense that its modules become too
    /// small to scan reliably on a label of this size.
    #[error("QR payload is too long for a label ({len} bytes; at most about {max} bytes of text fit)")]
    PayloadTooLong { len: usize, max: usize },
    #[error("QR encoding failed: {0}")]
    Qr(#[from] qrcode::types::QrError),
    #[error("PNG encoding failed: {0}")]
    Png(#[from] image::ImageError),
    /// A PDF without pages is not a valid document, so an empty request is
    /// refused rather than answered with a file that readers reject.
    #[error("no labels to put on the sheet")]
    NoLabels,
}

/// Renders one label as a 750 x 450 px greyscale PNG: 63.5 x 38.1 mm at
/// 300 dpi, the resolution of common thermal label printers. The file carries
/// a pHYs chunk so print dialogs size it to the label without scaling.
pub fn render_png(label: &LabelContent) -> Result<Vec<u8>, LabelError> {
    png::render(&layout::Layout::new(label)?)
}

/// Renders one label as SVG sized in millimetres, for on-screen previews and
/// for printing from a browser.
pub fn render_svg(label: &LabelContent) -> Result<String, LabelError> {
    Ok(svg::render(&layout::Layout::new(label)?))
}

/// Renders labels onto A4 sheets of 21 (3 columns x 7 rows), filling rows
/// left to right and adding pages as needed.
pub fn render_pdf_sheet(labels: &[LabelContent]) -> Result<Vec<u8>, LabelError> {
    if labels.is_empty() {
        return Err(LabelError::NoLabels);
    }
    let layouts = labels
        .iter()
        .map(layout::Layout::new)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(pdf::render(&layouts))
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::LabelContent;

    pub fn sample() -> LabelContent<'static> {
        LabelContent {
            qr_payload: "http://localhost:8080/s/EQ-000123",
            asset_tag: "EQ-000123",
            type_name: "Straight stairlift",
            service_name: "Community Equipment Service",
            service_phone: "01632 960 123",
        }
    }
}
