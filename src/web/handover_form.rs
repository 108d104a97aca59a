//! The hand-over on the phone's fit and collect forms: who received or handed over the
//! item, whether its use was shown and the leaflet left, and a signature pad
//! (`assets/web/signature.js`: a canvas sent as a PNG in a hidden field). Without scripts the
//! pad stays hidden and the reason there is no signature is the way to record one. A
//! hand-over left wholly blank is none: the move is recorded without it.

use maud::{Markup, html};
use serde::Deserialize;

use super::form::Fields;
use super::refusal::Values;
use crate::domain::handover::Relation;
use crate::error::AppError;
use crate::pdf::handover_note::relation_words;
use crate::service::moves::HandoverBody;

/// The hand-over fields as a browser sends them: every one, empty when left blank; a
/// checkbox only when ticked.
#[derive(Debug, Default, Deserialize)]
struct Typed {
    handover_name: Option<String>,
    handover_relation: Option<String>,
    handover_demonstrated: Option<String>,
    handover_leaflet_left: Option<String>,
    handover_signature_png: Option<String>,
    handover_no_signature_reason: Option<String>,
}

/// The hand-over the form holds, or `None` when nothing of it was filled in.
pub fn read(fields: &Fields) -> Result<Option<HandoverBody>, AppError> {
    let t: Typed = fields.read()?;
    let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.trim().is_empty());
    let ticked = |v: &Option<String>| v.as_deref() == Some("yes");
    let any = [
        &t.handover_name,
        &t.handover_relation,
        &t.handover_signature_png,
        &t.handover_no_signature_reason,
    ]
    .into_iter()
    .any(given)
        || ticked(&t.handover_demonstrated)
        || ticked(&t.handover_leaflet_left);
    if !any {
        return Ok(None);
    }
    Ok(Some(HandoverBody {
        demonstrated: Some(ticked(&t.handover_demonstrated)),
        leaflet_left: Some(ticked(&t.handover_leaflet_left)),
        name: t.handover_name,
        relation: t.handover_relation,
        signature_png: t.handover_signature_png,
        no_signature_reason: t.handover_no_signature_reason,
    }))
}

/// The service's names of the hand-over's fields as this form labels them, for a refusal's
/// words (`handover.relation` reads "Hand-over, relation to the client").
pub const NAMES: &[(&str, &str)] = &[
    ("handover.name", "Hand-over, name"),
    ("handover.relation", "Hand-over, relation to the client"),
    ("handover.demonstrated", "Hand-over, its use was demonstrated"),
    ("handover.leaflet_left", "Hand-over, the leaflet was left"),
    ("handover.signature_png", "Hand-over, signature"),
    (
        "handover.no_signature_reason",
        "Hand-over, reason there is no signature",
    ),
];

/// The fields, their ids starting with `prefix` (the move's path); `collecting` words them
/// for a collection.
pub fn fields(prefix: &str, collecting: bool) -> Markup {
    fields_as(prefix, collecting, Values::of(prefix, None))
}

/// The fields showing `values`: on a refused form, what the person typed.
pub fn fields_as(prefix: &str, collecting: bool, values: Values) -> Markup {
    let id = |name: &str| format!("{prefix}-handover-{name}");
    let relation = values.text("handover_relation", "");
    html! {
        fieldset class="handover" {
            legend {
                @if collecting { "Who handed it over (optional)" } @else { "Who received it (optional)" }
            }
            label for=(id("name")) { "Name" }
            input id=(id("name")) name="handover_name" type="text" maxlength="200" autocomplete="off"
                value=(values.text("handover_name", ""));
            label for=(id("relation")) { "Relation to the client" }
            select id=(id("relation")) name="handover_relation" {
                option value="" { "—" }
                @for r in Relation::ALL {
                    option value=(r.as_str()) selected[relation == r.as_str()] { (relation_words(r)) }
                }
            }
            label class="check" {
                input type="checkbox" name="handover_demonstrated" value="yes"
                    checked[values.ticked("handover_demonstrated", false)];
                " Its use was demonstrated"
            }
            label class="check" {
                input type="checkbox" name="handover_leaflet_left" value="yes"
                    checked[values.ticked("handover_leaflet_left", false)];
                " The leaflet was left"
            }
            // Shown by the script; hidden, the form still works with the reason below.
            div class="signature-pad" data-signature-pad hidden {
                label for=(id("signature")) { "Signature (draw with a finger)" }
                canvas id=(id("signature")) width="600" height="200" {}
                input type="hidden" name="handover_signature_png" value=(values.text("handover_signature_png", ""));
                button type="button" class="secondary" data-signature-clear { "Clear the signature" }
            }
            label for=(id("reason")) { "Reason there is no signature" }
            input id=(id("reason")) name="handover_no_signature_reason" type="text" maxlength="500"
                value=(values.text("handover_no_signature_reason", ""));
            script src="/assets/signature.js" defer {}
        }
    }
}
