//! The pages people use: sign-in, the page a label opens, the camera scanner and the stores
//! desk. Server-rendered HTML with its CSS and scripts embedded in the binary: no build step.

pub mod desk;
pub mod form;
pub mod item_page;
pub mod login;
pub mod page;
pub mod proxies;
pub mod scan_page;
pub mod session;
pub mod welcome;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

const CSS: &str = include_str!("../../assets/web/app.css");
const SCAN_JS: &str = include_str!("../../assets/web/scan.js");
/// jsQR 1.4.0 (Apache-2.0, assets/web/LICENSE-jsQR.txt), for browsers without BarcodeDetector.
const JSQR_JS: &str = include_str!("../../assets/web/jsQR.js");

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/",
        web::get().to(|| async {
            HttpResponse::SeeOther()
                .insert_header(("Location", "/scan"))
                .finish()
        }),
    )
    .route("/login", web::get().to(login::login_page))
    .route("/login", web::post().to(login::login_submit))
    .route("/logout", web::post().to(login::logout))
    .route("/welcome/{token}", web::get().to(welcome::welcome_page))
    .route("/welcome/{token}", web::post().to(welcome::set_password))
    .route("/s/{tag}", web::get().to(item_page::label))
    .route("/s/{tag}/{move}", web::post().to(item_page::act))
    .route("/scan", web::get().to(scan_page::scan))
    .route("/scan/go", web::get().to(scan_page::go))
    .route("/desk", web::get().to(desk::desk))
    .route("/desk/move", web::post().to(desk::desk_move))
    .route("/desk/overdue", web::get().to(desk::overdue))
    .route("/desk/labels.pdf", web::get().to(desk::labels))
    .route(
        "/assets/app.css",
        web::get().to(|| async { asset("text/css; charset=utf-8", CSS) }),
    )
    .route(
        "/assets/scan.js",
        web::get().to(|| async { asset("text/javascript; charset=utf-8", SCAN_JS) }),
    )
    .route(
        "/assets/jsQR.js",
        web::get().to(|| async { asset("text/javascript; charset=utf-8", JSQR_JS) }),
    );
}

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}
