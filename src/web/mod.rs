//! The pages people use: sign-in, the page a label opens, the camera scanner and the stores
//! desk. Server-rendered HTML with its CSS and scripts embedded in the binary: no build step.

pub mod catalogue_forms;
pub mod catalogue_page;
pub mod check_forms;
pub mod client_page;
pub mod clients;
pub mod desk;
pub mod exam_form;
pub mod field;
pub mod form;
pub mod handover_form;
pub mod history;
pub mod installation_form;
pub mod item_page;
pub mod kit_page;
pub mod login;
pub mod overdue;
pub mod page;
pub mod proxies;
pub mod recall_page;
pub mod recalls;
pub mod receive;
pub mod refusal;
pub mod scan_page;
pub mod session;
pub mod staff_page;
pub mod suggest;
pub mod switchover;
pub mod welcome;

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

const CSS: &str = include_str!("../../assets/web/app.css");
const SCAN_JS: &str = include_str!("../../assets/web/scan.js");
const DEFECTS_JS: &str = include_str!("../../assets/web/defects.js");
const SIGNATURE_JS: &str = include_str!("../../assets/web/signature.js");
const SUGGEST_JS: &str = include_str!("../../assets/web/suggest.js");
/// jsQR 1.4.0 (Apache-2.0, assets/web/LICENSE-jsQR.txt), for browsers without BarcodeDetector.
const JSQR_JS: &str = include_str!("../../assets/web/jsQR.js");

pub fn routes(cfg: &mut web::ServiceConfig) {
    // One resource per path with all its methods, so that another method gets 405 and `Allow`.
    cfg.service(web::resource("/").get(|| async {
        HttpResponse::SeeOther()
            .insert_header(("Location", "/scan"))
            .finish()
    }))
    .service(
        web::resource("/login")
            .get(login::login_page)
            .post(login::login_submit),
    )
    .service(web::resource("/logout").post(login::logout))
    .service(
        web::resource("/welcome/{token}")
            .get(welcome::welcome_page)
            .post(welcome::set_password),
    )
    .configure(field::routes)
    .service(web::resource("/s/{tag}").get(item_page::label))
    // Before the moves' path, which would otherwise take "history" for a move (and answer 405).
    .service(web::resource("/s/{tag}/history").get(history::page))
    .service(web::resource("/s/{tag}/{move}").post(item_page::act))
    .service(web::resource("/scan").get(scan_page::scan))
    .service(web::resource("/scan/go").get(scan_page::go))
    .service(web::resource("/desk").get(desk::desk))
    .service(web::resource("/desk/move").post(desk::desk_move))
    .service(web::resource("/desk/overdue").get(desk::overdue))
    .service(web::resource("/desk/labels.pdf").get(desk::labels))
    .service(web::resource("/office/catalogue").get(catalogue_page::catalogue))
    .service(web::resource("/office/catalogue/types").post(catalogue_page::create_type))
    .service(web::resource("/office/catalogue/types/{code}").post(catalogue_page::edit_type))
    .service(web::resource("/office/catalogue/types/{code}/rules").post(catalogue_page::add_rule))
    .service(web::resource("/office/catalogue/types/{code}/rules/{id}").post(catalogue_page::edit_rule))
    .service(
        web::resource("/office/catalogue/types/{code}/rules/{id}/retire").post(catalogue_page::retire_rule),
    )
    .service(
        web::resource("/office/staff")
            .get(staff_page::staff)
            .post(staff_page::add),
    )
    .service(web::resource(suggest::STAFF).get(suggest::staff))
    .service(web::resource("/office/staff/{id}/{change}").post(staff_page::change))
    .service(
        web::resource("/office/clients")
            .get(clients::list)
            .post(clients::create),
    )
    .service(web::resource("/office/clients/suggest").get(clients::suggest))
    .service(
        web::resource("/office/clients/{id}")
            .get(client_page::show)
            .post(client_page::edit),
    )
    .service(web::resource("/office/clients/{id}/telecare").post(installation_form::save))
    .service(
        web::resource("/office/clients/{id}/erase")
            .get(client_page::confirm_erase)
            .post(client_page::erase),
    )
    .service(web::resource("/office/overdue").get(overdue::list))
    .service(web::resource("/office/overdue.csv").get(overdue::csv))
    .service(web::resource("/office/switchover").get(switchover::page))
    .service(web::resource("/office/switchover.csv").get(switchover::csv))
    .service(
        web::resource("/office/recalls")
            .get(recalls::list)
            .post(recalls::submit),
    )
    .service(web::resource("/office/recalls/{id}").get(recall_page::show))
    .service(web::resource("/office/recalls/{id}/items/{tag}/resolve").post(recall_page::resolve))
    .service(
        web::resource("/office/receive")
            .get(receive::page)
            .post(receive::submit),
    )
    .service(web::resource("/assets/app.css").get(|| async { asset("text/css; charset=utf-8", CSS) }))
    .service(
        web::resource("/assets/scan.js").get(|| async { asset("text/javascript; charset=utf-8", SCAN_JS) }),
    )
    .service(
        web::resource("/assets/defects.js")
            .get(|| async { asset("text/javascript; charset=utf-8", DEFECTS_JS) }),
    )
    .service(
        web::resource("/assets/signature.js")
            .get(|| async { asset("text/javascript; charset=utf-8", SIGNATURE_JS) }),
    )
    .service(
        web::resource("/assets/suggest.js")
            .get(|| async { asset("text/javascript; charset=utf-8", SUGGEST_JS) }),
    )
    .service(
        web::resource("/assets/jsQR.js").get(|| async { asset("text/javascript; charset=utf-8", JSQR_JS) }),
    );
}

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}
