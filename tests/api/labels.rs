use serde_json::json;

/// Reads the QR code in a label image with a decoder of its own, not the code that drew it.
pub(crate) fn decode_qr(png: &[u8]) -> Vec<String> {
    let img = image::load_from_memory(png).expect("a PNG").to_luma8();
    let (w, h) = img.dimensions();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        img.get_pixel(x as u32, y as u32).0[0]
    });
    prepared
        .detect_grids()
        .into_iter()
        .map(|g| g.decode().expect("decodes").1)
        .collect()
}

both_backends! {
    async fn a_png_label_carries_the_scan_address_of_its_item(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let r = app.get("/api/v1/items/eq-000001/label.png", &app.admin).await.expect(200);
        assert_eq!(r.content_type, "image/png");
        let img = image::load_from_memory(&r.body).unwrap();
        assert_eq!((img.width(), img.height()), (750, 450), "63.5 x 38.1 mm at 300 dpi");
        assert_eq!(decode_qr(&r.body), [format!("{}/s/EQ-000001", app.base)]);
        app.get("/api/v1/items/EQ-404/label.png", &app.admin).await.expect(404);
        app.request("GET", "/api/v1/items/EQ-000001/label.png", None, None).await.expect(401);
    }

    async fn an_svg_label_names_the_item_and_the_service(app: TestApp) {
        app.stairlift_type().await;
        app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        let r = app.get("/api/v1/items/EQ-000001/label.svg", &app.admin).await.expect(200);
        assert_eq!(r.content_type, "image/svg+xml");
        let svg = r.text();
        assert!(svg.starts_with("<svg") || svg.starts_with("<?xml"));
        assert!(svg.contains("63.5mm") && svg.contains("38.1mm"));
        for text in ["EQ-000001", "Straight stairlift", "Community", "0113 496 0999"] {
            assert!(svg.contains(text), "{text} on the label");
        }
    }

    async fn a_pdf_sheet_prints_the_listed_tags_or_a_filter(app: TestApp) {
        app.stairlift_type().await;
        app.frame_type().await;
        for _ in 0..3 {
            app.item("STAIRLIFT-STRAIGHT", json!({})).await;
        }
        for _ in 0..22 {
            app.item("FRAME-WALKING", json!({})).await;
        }
        let r = app.get("/api/v1/labels.pdf?tags=EQ-000001,eq-000002", &app.admin).await.expect(200);
        assert_eq!(r.content_type, "application/pdf");
        assert!(r.body.starts_with(b"%PDF-"));
        assert_eq!(pages(&r.body), 1);
        let r = app.get("/api/v1/labels.pdf?type=FRAME-WALKING", &app.admin).await.expect(200);
        assert_eq!(pages(&r.body), 2, "22 labels on 21-up sheets");
        app.get("/api/v1/labels.pdf?tags=EQ-000001,EQ-404", &app.admin).await.expect(404);
        app.get("/api/v1/labels.pdf?status=condemned", &app.admin).await.expect(422);
    }
}

/// Counts the page objects of a PDF, which names each `/Type /Page` once.
fn pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
}
