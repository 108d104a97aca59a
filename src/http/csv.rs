//! A spreadsheet download: the same answer from a report in the API and from its page.

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use chrono::NaiveDate;

/// `body` as a CSV file named `{stem}-{day}.csv` for the browser to save.
pub fn attachment(stem: &str, day: NaiveDate, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{stem}-{day}.csv\""),
        ))
        .body(body)
}

/// The same, not kept by the browser's cache: a page's download holds people's details.
pub fn attachment_no_store(stem: &str, day: NaiveDate, body: Vec<u8>) -> HttpResponse {
    let mut answer = attachment(stem, day, body);
    answer
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}
