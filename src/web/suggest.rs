//! What the search boxes offer as a person types (`assets/web/suggest.js` fills their
//! <datalist>): one shape for every box, `{value, label}`, where `value` is what the form
//! sends and `label` says who. The clients' box is answered in `clients.rs`; the workers'
//! box here.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use super::page::PageError;
use super::session::PageUser;
use crate::app::AppState;
use crate::domain::roles::Action;
use crate::service::desk;

/// Where the workers' box asks.
pub const STAFF: &str = "/office/staff/suggest";

#[derive(Debug, Serialize)]
pub struct Suggestion {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct SuggestQuery {
    pub q: Option<String>,
}

/// The suggestions as JSON; a list of people is never cached.
pub fn answer(found: Vec<Suggestion>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(found)
}

/// GET `/office/staff/suggest?q=`: the active staff who may be made responsible for items
/// whose name or email contains `q`; the value sent is their email.
pub async fn staff(
    state: web::Data<AppState>,
    user: PageUser,
    q: web::Query<SuggestQuery>,
) -> Result<HttpResponse, PageError> {
    user.require(Action::UseDesk, "the desk is for stores staff")?;
    let q = q.into_inner().q.unwrap_or_default();
    let found = state.read(move |c| desk::responsible_matching(c, &q)).await?;
    Ok(answer(
        found
            .into_iter()
            .map(|s| Suggestion {
                label: format!("{} ({})", s.name, s.role.as_str()),
                value: s.email,
            })
            .collect(),
    ))
}
