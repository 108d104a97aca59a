//! A hand-over as a fit or a collection carries it, parsed into `domain::handover`'s
//! record: every missing or wrong field named under `handover.`.

use super::bodies::HandoverBody;
use crate::domain::handover::{Handover, MAX_NAME, MAX_REASON, Proof, Relation, signature_png};
use crate::domain::validate::Errors;

/// The hand-over, or `None` when any field was wrong (each named in `errors`).
pub(super) fn parse(body: &HandoverBody, errors: &mut Errors) -> Option<Handover> {
    let before = errors.count();
    let name = errors.required("handover.name", body.name.as_deref(), MAX_NAME);
    let words = || Relation::WORDS.join(", ");
    let relation = match body.relation.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        None => {
            errors.add("handover.relation", format!("is required: one of {}", words()));
            None
        }
        Some(r) => Relation::parse(r).or_else(|| {
            errors.add("handover.relation", format!("must be one of {}", words()));
            None
        }),
    };
    for (field, value) in [
        ("handover.demonstrated", body.demonstrated),
        ("handover.leaflet_left", body.leaflet_left),
    ] {
        if value.is_none() {
            errors.add(field, "is required (true or false)");
        }
    }
    let reason = errors.optional(
        "handover.no_signature_reason",
        body.no_signature_reason.as_deref(),
        MAX_REASON,
    );
    // A form sends the signature's hidden field empty when nothing was drawn.
    let drawn = body
        .signature_png
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let proof = match (drawn, reason) {
        (Some(text), _) => match signature_png(text) {
            Ok(png) => Some(Proof::Signature(png)),
            Err(message) => {
                errors.add("handover.signature_png", message);
                None
            }
        },
        (None, Some(reason)) => Some(Proof::NoSignature(reason)),
        (None, None) => {
            errors.add(
                "handover.signature_png",
                "a signature, or the reason there is none (no_signature_reason), is required",
            );
            None
        }
    };
    if errors.count() > before {
        return None;
    }
    Some(Handover {
        name,
        relation: relation?,
        demonstrated: body.demonstrated?,
        leaflet_left: body.leaflet_left?,
        proof: proof?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate::Invalid;

    fn fields(errors: Errors) -> Vec<String> {
        match errors.finish() {
            Ok(()) => vec![],
            Err(Invalid(list)) => list.into_iter().map(|f| f.field).collect(),
        }
    }

    #[test]
    fn a_reason_stands_for_a_missing_signature_and_neither_is_refused() {
        let body = |reason: Option<&str>| HandoverBody {
            name: Some(" Ann Lee ".into()),
            relation: Some("family".into()),
            demonstrated: Some(true),
            leaflet_left: Some(false),
            signature_png: Some(String::new()),
            no_signature_reason: reason.map(Into::into),
        };
        let mut errors = Errors::default();
        let parsed = parse(&body(Some("cannot hold a pen")), &mut errors).expect("taken");
        assert_eq!(parsed.name, "Ann Lee");
        assert_eq!(parsed.proof, Proof::NoSignature("cannot hold a pen".into()));
        for missing in [None, Some("  ")] {
            let mut errors = Errors::default();
            assert!(parse(&body(missing), &mut errors).is_none());
            assert_eq!(fields(errors), ["handover.signature_png"]);
        }
    }

    #[test]
    fn every_missing_field_is_named() {
        let mut errors = Errors::default();
        assert!(parse(&HandoverBody::default(), &mut errors).is_none());
        assert_eq!(
            fields(errors),
            [
                "handover.name",
                "handover.relation",
                "handover.demonstrated",
                "handover.leaflet_left",
                "handover.signature_png"
            ]
        );
    }
}
