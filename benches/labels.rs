//! Label rendering throughput: printing a batch of new stock should not be
//! noticeably slower than the printer itself.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use equiptrack::labels::{LabelContent, render_pdf_sheet, render_png, render_svg};

fn bench(c: &mut Criterion) {
    let tags: Vec<String> = (0..210).map(|i| format!("EQ-{:06}", 123 + i)).collect();
    let payloads: Vec<String> = tags
        .iter()
        .map(|t| format!("http://localhost:8080/s/{t}"))
        .collect();
    let labels: Vec<LabelContent> = tags
        .iter()
        .zip(&payloads)
        .map(|(tag, payload)| LabelContent {
            qr_payload: payload,
            asset_tag: tag,
            type_name: "Straight stairlift",
            service_name: "Community Equipment Service",
            service_phone: "01632 960 123",
        })
        .collect();

    let mut group = c.benchmark_group("labels");
    group.throughput(Throughput::Elements(1));
    group.bench_function("render_png", |b| {
        b.iter(|| render_png(black_box(&labels[0])).unwrap())
    });
    group.bench_function("render_svg", |b| {
        b.iter(|| render_svg(black_box(&labels[0])).unwrap())
    });
    group.throughput(Throughput::Elements(labels.len() as u64));
    group.sample_size(20);
    group.bench_function("render_pdf_sheet_210", |b| {
        b.iter(|| render_pdf_sheet(black_box(&labels)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
