//! What a label shows and the PDF sheet as an answer: the API's label routes and the desk's
//! print button answer the same sheet; the desk's sheet also takes kits' tags.

use actix_web::{HttpResponse, web};

use crate::app::AppState;
use crate::error::AppError;
use crate::labels::{self, LabelContent, LabelError};
use crate::service::kits::KitRef;
use crate::service::views::ItemView;

impl From<LabelError> for AppError {
    fn from(e: LabelError) -> Self {
        match e {
            LabelError::NoLabels => AppError::invalid("tags", "no items to label"),
            other => AppError::internal("label rendering failed", other),
        }
    }
}

pub struct Service {
    name: String,
    phone: String,
}

pub fn service(state: &AppState) -> Service {
    Service {
        name: state.settings.service.name.clone(),
        phone: state.settings.service.phone.clone(),
    }
}

pub fn content<'a>(item: &'a ItemView, service: &'a Service) -> LabelContent<'a> {
    LabelContent {
        qr_payload: &item.qr_payload,
        asset_tag: &item.asset_tag,
        type_name: &item.type_.name,
        service_name: &service.name,
        service_phone: &service.phone,
    }
}

/// A kit's label: its tag, its name where an item's shows its type, and its page's URL.
pub fn kit_content<'a>(kit: &'a KitRef, service: &'a Service) -> LabelContent<'a> {
    LabelContent {
        qr_payload: &kit.qr_payload,
        asset_tag: &kit.tag,
        type_name: &kit.name,
        service_name: &service.name,
        service_phone: &service.phone,
    }
}

/// What one label on a sheet is for: an item, or a kit.
pub enum Labelled {
    Item(Box<ItemView>),
    Kit(KitRef),
}

/// A PDF sheet of these items' labels, as an HTTP answer.
pub async fn sheet_response(state: &AppState, items: Vec<ItemView>) -> Result<HttpResponse, AppError> {
    sheet_of(
        state,
        items.into_iter().map(|i| Labelled::Item(Box::new(i))).collect(),
    )
    .await
}

/// A PDF sheet of these items' and kits' labels, in the order given, as an HTTP answer.
pub async fn sheet_of(state: &AppState, labelled: Vec<Labelled>) -> Result<HttpResponse, AppError> {
    let service = service(state);
    let pdf = web::block(move || {
        let contents: Vec<LabelContent> = labelled
            .iter()
            .map(|l| match l {
                Labelled::Item(item) => content(item, &service),
                Labelled::Kit(kit) => kit_content(kit, &service),
            })
            .collect();
        labels::render_pdf_sheet(&contents)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(("Content-Disposition", "inline; filename=\"labels.pdf\""))
        .body(pdf))
}
