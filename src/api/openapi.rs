//! The OpenAPI document, generated from the handlers' own annotations.

use actix_web::http::Method;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{ObjectBuilder, Schema};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Header, Ref, RefOr, Required, Type};
use utoipa::{Modify, OpenApi, ToSchema};

use super::idempotency::takes_key;
use super::{
    audit, catalogue, clients, evidence, examinations, handovers, health, installations, items, kits, labels,
    me, moves, notifications, recalls, reports, scan, staff, sweeps, telecare_events,
};
use crate::domain::idempotency::{HEADER, KEEP_DAYS, MAX_LEN, PATTERN};
use crate::http::auth::Auth;

#[derive(OpenApi)]
#[openapi(
    info(title = "equiptrack", description = "Equipment and telecare register of a community equipment service"),
    paths(
        health::healthz, document,
        catalogue::list_types, catalogue::create_type, catalogue::patch_type, catalogue::add_rule,
        catalogue::patch_rule, catalogue::retire_rule, catalogue::list_locations, catalogue::create_location,
        clients::list_clients, clients::create_client, clients::import_clients, clients::get_client, clients::patch_client, clients::erase_client,
        clients::export_client, audit::list_audit,
        staff::list_staff, staff::create_staff, staff::patch_staff, staff::rotate_token,
        staff::send_sign_in_link,
        items::list_items, items::create_item, items::get_item, items::patch_item, items::events, items::import_csv,
        moves::issue, moves::fit, moves::check, moves::return_item, moves::decontaminate, moves::quarantine,
        moves::release, moves::condemn, examinations::list_checks, examinations::examination_form, examinations::remedy,
        evidence::report, evidence::record, handovers::signature, handovers::note,
        kits::create_kit, kits::list_kits, kits::get_kit, kits::add_member, kits::remove_member, kits::kit_events,
        kits::kit_label_png, kits::kit_label_svg, kits::issue_kit, kits::fit_kit, kits::return_kit, kits::decontaminate_kit,
        scan::scan_code, me::my_round,
        labels::label_png, labels::label_svg, labels::labels_pdf,
        notifications::list_notifications, notifications::retry_notification, sweeps::list_sweeps,
        reports::overdue, reports::switchover,
        installations::get_telecare, installations::put_telecare, installations::telecare_history,
        recalls::list_recalls, recalls::open_recall, recalls::get_recall, recalls::resolve_recall_item,
        telecare_events::import_events, telecare_events::list_events,
    ),
    components(schemas(crate::error::FieldError, ProblemDoc)),
    modifiers(&BearerAuth, &StandardAnswers),
)]
pub struct ApiDoc;

/// What `error::AppError` sends for every status that is not a success (RFC 9457,
/// `application/problem+json`), for the document only.
#[derive(Serialize, ToSchema)]
#[schema(as = Problem)]
#[allow(dead_code)]
struct ProblemDoc {
    /// Always `about:blank`: the status and title say what happened.
    #[serde(rename = "type")]
    kind: String,
    title: String,
    #[schema(minimum = 400, maximum = 599)]
    status: u16,
    detail: String,
    /// The invalid fields (422), each named as the request spells it.
    #[schema(nullable = false)]
    errors: Option<Vec<crate::error::FieldError>>,
    /// With `errors`: how many more invalid fields (or lines of an import) were not listed.
    #[schema(nullable = false)]
    errors_not_listed: Option<i64>,
    /// A refused move (409): the item's status now, and the moves it allows.
    #[schema(nullable = false)]
    current_status: Option<crate::domain::lifecycle::Status>,
    #[schema(nullable = false)]
    allowed_moves: Option<Vec<String>>,
    /// A refused retry of mail (409): the message's status now.
    #[schema(nullable = false)]
    notification_status: Option<crate::domain::states::OutboxStatus>,
    /// An issue or a fit refused (409) because checks were overdue on the day of the move:
    /// each overdue rule and the date it was due, soonest first.
    #[schema(nullable = false)]
    overdue_checks: Option<Vec<crate::domain::checks::OverdueCheck>>,
    /// A kit's move refused (409): every member that refused it and why; nothing moved.
    #[schema(nullable = false)]
    refused_members: Option<Vec<crate::service::kits::moves::MemberRefusal>>,
    /// A request with an `Idempotency-Key` whose first request has no answer (409): still
    /// being answered (send it again in a moment), or never answered (look before sending
    /// it again with a new key).
    #[schema(nullable = false)]
    idempotency: Option<crate::domain::idempotency::Unanswered>,
}

/// The answers every operation shares, added to each one that can give them so that no
/// handler has to repeat them, and every answer of 400 and above given the `Problem` body.
struct StandardAnswers;

impl Modify for StandardAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let schemas = openapi
            .components
            .as_ref()
            .map(|c| c.schemas.clone())
            .unwrap_or_default();
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                (&mut item.get, false),
                (&mut item.post, true),
                (&mut item.patch, true),
                (&mut item.delete, true),
                (&mut item.put, true),
            ];
            for (operation, writes) in operations {
                if let Some(operation) = operation {
                    standard_answers(operation, writes);
                    body_may_be_left_out(operation, &schemas);
                }
            }
            if let Some(post) = item.post.as_mut().filter(|_| takes_key(&Method::POST, path)) {
                takes_idempotency_key(post);
            }
        }
    }
}

/// The `Idempotency-Key` header (`api::idempotency`) and the answers it adds.
fn takes_idempotency_key(operation: &mut Operation) {
    let key = Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(MAX_LEN))
            .pattern(Some(PATTERN))
            .build(),
    );
    let header = ParameterBuilder::new()
        .name(HEADER)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(format!(
            "Makes the request safe to send again: the same key with the same request (method, \
             path, body) answers the first answer again (same status, content type and body, \
             with `Idempotent-Replayed: true`) and writes nothing. Keys belong to the signed-in \
             account and are kept {KEEP_DAYS} days. A failure (5xx) releases the key."
        )))
        .schema(Some(key))
        .build();
    operation.parameters.get_or_insert_with(Vec::new).push(header);
    let answers = [
        (
            "409",
            "Idempotency-Key: the first request with this key is still being answered, or was \
             never answered so its outcome is unknown (`idempotency` says which)",
        ),
        (
            "422",
            "Idempotency-Key: not 1 to 255 visible ASCII characters, or first sent with another request",
        ),
    ];
    for (status, description) in answers {
        let response = operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| {
                let mut problem = Response::new("");
                problem.content.insert(
                    "application/problem+json".to_string(),
                    Content::new(Some(Ref::from_schema_name("Problem"))),
                );
                RefOr::T(problem)
            });
        if let RefOr::T(response) = response {
            response.description = match response.description.as_str() {
                "" => description.to_string(),
                before => format!("{before}; or {description}"),
            };
        }
    }
}

/// `JsonBody` reads an empty body as `{}`: where `{}` is a whole request, the body may be
/// left out.
fn body_may_be_left_out(
    operation: &mut Operation,
    schemas: &std::collections::BTreeMap<String, RefOr<Schema>>,
) {
    let Some(body) = operation.request_body.as_mut() else {
        return;
    };
    let Some(json) = body.content.get("application/json") else {
        return;
    };
    let named = match &json.schema {
        Some(RefOr::Ref(r)) => r
            .ref_location
            .rsplit('/')
            .next()
            .and_then(|name| schemas.get(name)),
        _ => None,
    };
    if let Some(RefOr::T(Schema::Object(object))) = named {
        if object.required.is_empty() {
            body.required = Some(utoipa::openapi::Required::False);
        }
    }
}

fn standard_answers(operation: &mut Operation, writes: bool) {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let in_path = parameters.iter().any(|p| p.parameter_in == ParameterIn::Path);
    let in_query = parameters.iter().any(|p| p.parameter_in == ParameterIn::Query);
    let body = operation.request_body.as_ref();
    let json_body = body.is_some_and(|b| b.content.contains_key("application/json"));
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut answers: Vec<(&str, &str)> = Vec::new();
    if json_body {
        answers.push(("400", "The body is not valid JSON"));
    }
    if secured {
        answers.push(("401", "No valid bearer token (`WWW-Authenticate: Bearer`)"));
    }
    if in_path {
        answers.push(("404", "Nothing has this id or tag"));
    }
    if writes {
        answers.push((
            "409",
            "The change conflicts with what is stored (a name, code or reference taken, or \
             another change of the same record at the same moment)",
        ));
    }
    if body.is_some() {
        answers.push(("413", "The body is larger than the limit (1 MiB for JSON)"));
        answers.push((
            "415",
            "The body's Content-Type is not the one this operation takes",
        ));
    }
    if json_body || in_query {
        answers.push(("422", "Invalid fields or query values, each named in `errors`"));
    }
    answers.push((
        "503",
        "The database is busy or out of reach; `Retry-After` says when to try again",
    ));
    let responses = &mut operation.responses.responses;
    for (status, description) in answers {
        responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::T(Response::new(description)));
    }
    for (status, response) in responses.iter_mut() {
        let RefOr::T(response) = response else { continue };
        if status.as_str() < "400" {
            continue;
        }
        if response.content.is_empty() {
            response.content.insert(
                "application/problem+json".to_string(),
                Content::new(Some(Ref::from_schema_name("Problem"))),
            );
        }
        let integer = || {
            Schema::Object(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(0))
                    .build(),
            )
        };
        let text = || Schema::Object(ObjectBuilder::new().schema_type(Type::String).build());
        match status.as_str() {
            "401" => {
                response
                    .headers
                    .entry("WWW-Authenticate".into())
                    .or_insert_with(|| Header::new(text()));
            }
            "503" => {
                response
                    .headers
                    .entry("Retry-After".into())
                    .or_insert_with(|| Header::new(integer()));
            }
            _ => {}
        }
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document `app` builds once and hands every worker.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "service",
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json")),
    security(("bearer" = [])))]
pub async fn document(_auth: Auth, document: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(document.get_ref())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;
    use utoipa::OpenApi;

    /// utoipa takes only literals for bounds: these tie the document's to the checks' own.
    #[test]
    fn the_documents_bounds_are_the_checks_bounds() {
        let doc: Value = serde_json::to_value(super::ApiDoc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        let interval = crate::domain::checks::MAX_INTERVAL_DAYS;
        assert_eq!(
            schemas["RuleInput"]["properties"]["interval_days"]["maximum"],
            interval
        );
        assert_eq!(
            schemas["CreateType"]["properties"]["check_interval_days"]["maximum"],
            interval
        );
        assert_eq!(
            schemas["PutInstallation"]["properties"]["responders"]["maxItems"],
            crate::domain::telecare::MAX_RESPONDERS
        );
        let password = &schemas["CreateStaff"]["properties"]["password"];
        assert_eq!(password["minLength"], crate::service::staff::MIN_PASSWORD);
        let page = doc["paths"]["/api/v1/clients"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "per_page")
            .unwrap()
            .clone();
        assert_eq!(page["schema"]["maximum"], crate::service::pages::MAX_PER_PAGE);
    }

    #[test]
    fn every_write_but_those_showing_a_secret_documents_the_idempotency_key() {
        let doc: Value = serde_json::to_value(super::ApiDoc::openapi()).unwrap();
        let mut keyed = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            let Some(post) = item.get("post") else { continue };
            let documented = post["parameters"].as_array().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header")
            });
            let secret = crate::api::idempotency::SECRET_ANSWERS.contains(&path.as_str());
            assert_eq!(documented, !secret, "{path}");
            if documented {
                keyed += 1;
                for status in ["409", "422"] {
                    let answer = &post["responses"][status];
                    assert!(
                        answer["description"]
                            .as_str()
                            .unwrap()
                            .contains("Idempotency-Key"),
                        "{path} {status}"
                    );
                    assert!(
                        answer["content"]["application/problem+json"].is_object(),
                        "{path} {status}"
                    );
                }
            }
        }
        assert!(keyed >= 15, "every move and create: {keyed}");
    }
}
