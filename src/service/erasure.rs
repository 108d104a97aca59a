//! Erasing a client: the row stays (the history points at it) but nothing personal does,
//! neither in the register, nor in the notes of their visits, nor in the mail about them, nor
//! in the answers kept for idempotency keys.

use serde_json::json;

use super::audit::{self, Subject};
use super::clients::{ClientView, find};
use super::{Actor, now};
use crate::db::clients::{self, ClientChanges};
use crate::db::notifications::{self, Notification};
use crate::db::{DbConn, handovers, notes, recalls, telecare};
use crate::domain::roles::Action;
use crate::error::AppError;
use crate::mail;
use crate::mail::{messages, render};

/// What an erasure leaves to do outside the database: the `.eml` files of these messages.
pub struct Erased {
    pub client: ClientView,
    pub message_ids: Vec<String>,
}

pub fn erase(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Erased, AppError> {
    actor.require(Action::EraseClients)?;
    let client = find(conn, id)?;
    if client.erased_at.is_some() {
        // Erasing again only finishes what is outside the database, should that have failed.
        let rows = notifications::about_client(conn, id, "", "")?;
        return Ok(Erased {
            client: client.into(),
            message_ids: rows.iter().map(|r| mail::message_id(&r.dedup_key)).collect(),
        });
    }
    if clients::holds_items(conn, id)? {
        return Err(AppError::conflict(
            "this client still holds equipment: collect or reassign it before erasing them",
        ));
    }
    let mut words = vec![
        client.name.clone(),
        client.address.clone(),
        client.postcode.clone(),
    ];
    words.extend(client.phone.clone());
    words.extend(notes::bodies_of_client(conn, id)?);
    words.extend(recalls::notes_of_client(conn, id)?);
    // Whoever received or handed over equipment at the client's home: named in their visits.
    words.extend(handovers::names_of_client(conn, id)?);
    // The responders of their telecare installation: people they named.
    words.extend(super::installations::responder_words(conn, id)?);
    let rows = notifications::about_client(conn, id, &client.name, &client.address)?;
    let linked = notifications::linked_to_client(conn, id)?;
    for row in &rows {
        redact_message(conn, row, &words, linked.contains(&row.id))?;
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    for row in &ids {
        // Mail found by its words is linked too, so that erasing again finds its files.
        notifications::link_clients(conn, *row, &[id])?;
    }
    // Answers kept for an Idempotency-Key (a fit, the client's creation) may quote them too.
    let answers_redacted = super::idempotency::redact_answers(conn, &words, redact)?;
    let now = now();
    let notes_erased = notes::erase_client(conn, id, now)? + recalls::erase_notes_of_client(conn, id)?;
    // The names, signatures and reasons of the hand-overs at their home.
    let handovers_erased = handovers::erase_client(conn, id, now)?;
    // The telecare installation's responders, and its copies in the history.
    let telecare_changes_erased = telecare::erase_client(conn, id)?;
    clients::update(
        conn,
        id,
        &ClientChanges {
            reference: Some(format!("ERASED-{id}")),
            name: Some("Erased client".into()),
            address: Some(String::new()),
            postcode: Some(String::new()),
            phone: Some(None),
            erased_at: Some(Some(now)),
            updated_at: Some(now),
        },
    )?;
    audit::record(
        conn,
        Some(actor),
        "client_erased",
        Subject::Client(id),
        json!({ "notes_erased": notes_erased, "handovers_erased": handovers_erased, "telecare_changes_erased": telecare_changes_erased, "messages_redacted": ids, "answers_redacted": answers_redacted }),
    )?;
    Ok(Erased {
        client: find(conn, id)?.into(),
        message_ids: rows.iter().map(|r| mail::message_id(&r.dedup_key)).collect(),
    })
}

/// Mail still to go keeps its other words, so nothing owed to anyone else is lost. Mail
/// already gone that was queued about the client goes whole: it may hold words the
/// register no longer has (an address since corrected).
fn redact_message(
    conn: &mut DbConn,
    row: &Notification,
    words: &[String],
    linked: bool,
) -> Result<(), AppError> {
    let still_to_go = row.status.still_to_go();
    if linked && !still_to_go {
        let (text, html) = messages::erased();
        notifications::redact(conn, row.id, &redact(&row.subject, words), &text, &html)?;
        return Ok(());
    }
    let html_words: Vec<String> = words.iter().flat_map(|w| render::as_in_html(w)).collect();
    notifications::redact(
        conn,
        row.id,
        &redact(&row.subject, words),
        &redact(&row.body_text, words),
        &redact(&redact(&row.body_html, &html_words), words),
    )?;
    Ok(())
}

/// `text` with every one of `words` replaced by `[erased]`, longest first so that a note
/// that quotes a name goes whole.
fn redact(text: &str, words: &[String]) -> String {
    let mut sorted: Vec<&str> = words.iter().map(|w| w.trim()).filter(|w| !w.is_empty()).collect();
    sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
    sorted
        .into_iter()
        .fold(text.to_string(), |t, w| t.replace(w, notes::ERASED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_quoting_a_name_goes_whole_and_other_words_stay() {
        let words = [
            "Ann Lee".to_string(),
            "Ann Lee says it rocks".to_string(),
            " ".to_string(),
        ];
        assert_eq!(
            redact("Notes: Ann Lee says it rocks. At Ann Lee's home.", &words),
            "Notes: [erased]. At [erased]'s home."
        );
    }
}
