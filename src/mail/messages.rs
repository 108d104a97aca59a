//! The words of each email the service sends. Callers hand over what they know; these
//! functions word it, in one of the two shapes of `render`.

use chrono::{NaiveDate, NaiveDateTime};

use super::render::{self, DueLine, Rendered, Section};
use crate::domain::centre_events::CentreEventKind;
use crate::domain::examination::ExaminationReport;
use crate::words::uk_date;

/// Where a message is read and who signs it.
#[derive(Debug, Clone, Copy)]
pub struct Letterhead<'a> {
    pub public_url: &'a str,
    pub service_name: &'a str,
}

/// The morning digest of one worker: their overdue checks, then those due within the lead time.
pub fn worker_digest(
    name: &str,
    overdue: Vec<DueLine>,
    soon: Vec<DueLine>,
    lead_days: u32,
    as_of: NaiveDate,
    from: Letterhead,
) -> Rendered {
    let subject = format!(
        "Safety checks: {} overdue, {} due soon ({})",
        overdue.len(),
        soon.len(),
        uk_date(as_of)
    );
    let intro = format!(
        "Good morning {name}. These safety checks fall to you: overdue first, then those due in the \
         next {lead_days} days, each list grouped by postcode to plan a round."
    );
    let sections = [
        ("Overdue".to_string(), overdue),
        (format!("Due in the next {lead_days} days"), soon),
    ];
    // A worker cannot open the office's lists; the most pressing checks are listed first.
    digest(subject, &intro, sections, as_of, None, from)
}

/// What the stores digest lists.
#[derive(Debug, Default)]
pub struct StoresLines {
    /// Checks in homes left overdue too long.
    pub escalated: Vec<DueLine>,
    /// Checks in homes that no active worker holds.
    pub unassigned: Vec<DueLine>,
    /// Checks on stock (in store, awaiting decontamination, quarantined), which cannot go
    /// out until checked.
    pub stock: Vec<DueLine>,
    /// Open defects an examination found, due to be remedied within the lead time.
    pub defects: Vec<DueLine>,
}

/// The digest for stores: checks left overdue too long, checks no active worker holds, and
/// stock that needs a check before it can go out.
pub fn stores_digest(
    escalate_after_days: i64,
    lines: StoresLines,
    as_of: NaiveDate,
    from: Letterhead,
) -> Rendered {
    let StoresLines {
        escalated,
        unassigned,
        stock,
        defects,
    } = lines;
    let mut stock_words = String::new();
    if !stock.is_empty() {
        stock_words += &format!(", {} on stock that cannot go out until checked", stock.len());
    }
    if !defects.is_empty() {
        stock_words += &format!(", {} defects to remedy", defects.len());
    }
    let subject = format!(
        "Stores: {} checks overdue more than {escalate_after_days} days, {} with no responsible worker{stock_words} ({})",
        escalated.len(),
        unassigned.len(),
        uk_date(as_of)
    );
    let intro = format!(
        "Checks left overdue for more than {escalate_after_days} days, and checks on items that no active \
         worker is responsible for: please chase or reassign them. Then stock that needs a check \
         before it can go out (an item with a check overdue cannot be issued), quarantined \
         items until they are collected, and defects examinations found, to be remedied by the \
         date shown (after it the item must not be used)."
    );
    let sections = [
        (format!("Overdue more than {escalate_after_days} days"), escalated),
        ("No responsible worker".to_string(), unassigned),
        ("Stock that cannot go out until checked".to_string(), stock),
        ("Defects to remedy".to_string(), defects),
    ];
    let full_list = format!("{}/office/overdue", from.public_url);
    digest(subject, &intro, sections, as_of, Some(&full_list), from)
}

/// A digest of lists of checks, each under its title, the more pressing first.
fn digest<const N: usize>(
    subject: String,
    intro: &str,
    sections: [(String, Vec<DueLine>); N],
    as_of: NaiveDate,
    full_list: Option<&str>,
    from: Letterhead,
) -> Rendered {
    let sections = sections.map(|(title, lines)| Section { title, lines });
    render::digest(
        subject,
        intro,
        &sections,
        as_of,
        full_list,
        from.public_url,
        from.service_name,
    )
}

/// A failed check, as stores hear of it at once.
#[derive(Debug, Clone)]
pub struct FailedCheck<'a> {
    pub checked_by: &'a str,
    pub rule: &'a str,
    pub asset_tag: &'a str,
    pub type_name: &'a str,
    pub performed_at: NaiveDate,
    /// The address and postcode of the client who has it, if anyone does.
    pub at_home: Option<(&'a str, &'a str)>,
    pub notes: Option<&'a str>,
    /// The report, when a thorough examination failed.
    pub examination: Option<&'a ExaminationReport>,
    pub link: &'a str,
}

/// What a failed examination's report says, and what the law asks of the employer.
fn examination_words(report: &ExaminationReport) -> Vec<String> {
    let mut words = Vec::new();
    let e = &report.examiner;
    let by = [e.qualifications.as_deref(), e.employer.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    words.push(format!(
        "Thorough examination by {} ({by}), report dated {}: {}.",
        e.name,
        uk_date(report.report_date),
        if report.safe_to_operate {
            "a defect is a danger to persons"
        } else {
            "NOT safe to operate"
        }
    ));
    for d in &report.defects {
        let danger = if d.dangerous {
            "DANGEROUS"
        } else {
            "not yet dangerous"
        };
        let by = d
            .remedy_by
            .map(|b| format!(", to be remedied by {}", uk_date(b)))
            .unwrap_or_default();
        let repair = d
            .repair
            .as_deref()
            .map(|r| format!(" Repair: {r}."))
            .unwrap_or_default();
        words.push(format!(
            "Defect ({danger}{by}): {}: {}.{repair}",
            d.part, d.description
        ));
    }
    words.push(
        "LOLER 1998 regulation 10: a report of a defect that is or could become a danger to persons must \
         reach the employer (this service) forthwith; keep this report with the item's record."
            .to_string(),
    );
    if report.risk_of_serious_injury {
        words.push(
            "The examiner found an existing or imminent risk of serious personal injury: regulation \
             10(1)(c) requires the examiner to send a copy of the report to the relevant enforcing \
             authority (HSE or the local authority) as soon as is practicable."
                .to_string(),
        );
    }
    words
}

pub fn failed_check(check: &FailedCheck, service_name: &str) -> Rendered {
    let mut paragraphs = vec![
        format!(
            "{} recorded a failed {} on {} ({}) on {}.",
            check.checked_by,
            check.rule,
            check.asset_tag,
            check.type_name,
            uk_date(check.performed_at)
        ),
        "The item is now quarantined: it must not be used until stores release it.".to_string(),
    ];
    if let Some((address, postcode)) = check.at_home {
        paragraphs.push(format!("It is at a client's home: {address}, {postcode}."));
    }
    paragraphs.extend(check.examination.map(examination_words).unwrap_or_default());
    paragraphs.extend(check.notes.map(str::to_string));
    render::notice(
        format!("Failed safety check: {} {}", check.asset_tag, check.type_name),
        &paragraphs,
        Some((check.link, "Open the item")),
        service_name,
    )
}

/// A monitoring centre's report of a low battery or a fault, as the worker who answers for
/// the item (stores when none does) hears of it at once.
#[derive(Debug, Clone)]
pub struct CentreAlarm<'a> {
    pub kind: CentreEventKind,
    pub asset_tag: &'a str,
    pub type_name: &'a str,
    pub occurred_at: NaiveDateTime,
    pub centre: Option<&'a str>,
    /// The address and postcode of the client who has it, if anyone does.
    pub at_home: Option<(&'a str, &'a str)>,
    /// For a low battery: the day it must be replaced by.
    pub remedy_by: Option<NaiveDate>,
    pub link: &'a str,
}

pub fn centre_alarm(alarm: &CentreAlarm, service_name: &str) -> Rendered {
    let centre = alarm.centre.unwrap_or("The monitoring centre");
    let (what, subject) = match alarm.kind {
        CentreEventKind::Fault => ("a fault", "Telecare fault"),
        _ => ("a low battery", "Telecare low battery"),
    };
    let mut paragraphs = vec![format!(
        "{centre} reported {what} on {} ({}) at {} UTC.",
        alarm.asset_tag,
        alarm.type_name,
        alarm.occurred_at.format("%H:%M on %a %-d %b %Y"),
    )];
    paragraphs.push(match (alarm.kind, alarm.remedy_by) {
        (CentreEventKind::Fault, _) => {
            "Its test call is recorded as failed and the item is quarantined: the \
            person cannot rely on it. Visit, replace or repair it, then release it."
                .to_string()
        }
        (_, Some(by)) => format!(
            "Replace the battery by {}: past that day the open defect makes the item unsafe.",
            uk_date(by)
        ),
        (_, None) => "Replace the battery.".to_string(),
    });
    if let Some((address, postcode)) = alarm.at_home {
        paragraphs.push(format!("It is at a client's home: {address}, {postcode}."));
    }
    render::notice(
        format!("{subject}: {} {}", alarm.asset_tag, alarm.type_name),
        &paragraphs,
        Some((alarm.link, "Open the item")),
        service_name,
    )
}

/// A one-time link to set a password and sign in. The subject never carries the link: the
/// outbox's subjects are listed to stores.
pub fn sign_in_link(name: &str, url: &str, hours: i64, service_name: &str) -> Rendered {
    let paragraphs = [
        format!("Hello {name},"),
        format!(
            "Follow this link to set your password for {service_name} and sign in. It works once, \
             within {hours} hours; if it has run out, ask an admin for a new one."
        ),
    ];
    render::notice(
        format!("Your sign-in link for {service_name}"),
        &paragraphs,
        Some((url, "Set your password")),
        service_name,
    )
}

/// The recall a message is about.
#[derive(Debug, Clone, Copy)]
pub struct RecallHeading<'a> {
    pub reference: &'a str,
    pub title: &'a str,
    pub type_name: &'a str,
}

/// One item a recall caught, and where it was.
#[derive(Debug, Clone)]
pub struct RecalledItem<'a> {
    pub asset_tag: &'a str,
    pub serial_number: Option<&'a str>,
    pub batch: Option<&'a str>,
    /// The client's name, address and postcode when it is in a home.
    pub at_home: Option<(&'a str, &'a str, &'a str)>,
    pub link: String,
}

fn heading(recall: RecallHeading) -> String {
    format!(
        "Recall {}: {} ({}).",
        recall.reference, recall.title, recall.type_name
    )
}

fn recalled_lines(items: &[RecalledItem]) -> String {
    items
        .iter()
        .map(|i| {
            let serial = i
                .serial_number
                .map(|s| format!(", serial {s}"))
                .unwrap_or_default();
            let batch = i.batch.map(|b| format!(", batch {b}")).unwrap_or_default();
            let place = match i.at_home {
                Some((name, address, postcode)) => format!("at {name}, {address}, {postcode}"),
                None => "in store (quarantined)".to_string(),
            };
            format!("{}{serial}{batch}: {place}. {}", i.asset_tag, i.link)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A worker's share of a recall: the affected items in their clients' homes.
pub fn recall_for_worker(recall: RecallHeading, items: &[RecalledItem], service_name: &str) -> Rendered {
    let subject = format!(
        "Recall {}: {} of your clients' items affected",
        recall.reference,
        items.len()
    );
    let what_to_do = format!(
        "{} of your clients' items are affected. Please retrieve each one, or inspect it \
         where it stands, and tell stores what you found:",
        items.len()
    );
    recall_notice(subject, recall, what_to_do, items, service_name)
}

/// Stores' view of a recall: every affected item.
pub fn recall_for_stores(recall: RecallHeading, items: &[RecalledItem], service_name: &str) -> Rendered {
    let subject = format!(
        "Recall {} opened: {} items affected",
        recall.reference,
        items.len()
    );
    let what_was_done = format!(
        "{} items are affected: stock in store has been quarantined; items in homes are listed with \
         their client, and their workers have been told.",
        items.len()
    );
    recall_notice(subject, recall, what_was_done, items, service_name)
}

/// A recall notice: the recall, what its reader is to know, then the items one a line.
fn recall_notice(
    subject: String,
    recall: RecallHeading,
    summary: String,
    items: &[RecalledItem],
    service_name: &str,
) -> Rendered {
    let paragraphs = [heading(recall), summary, recalled_lines(items)];
    render::notice(subject, &paragraphs, None, service_name)
}

/// One message the outbox gave up on, as stores are told of it: where it was going and
/// why it did not get there, never what it said (that may name a client).
#[derive(Debug, Clone)]
pub struct FailedLine {
    pub id: i64,
    pub category: String,
    pub recipient: String,
    pub last_error: String,
    pub failed_at: NaiveDateTime,
}

/// The daily list of failed mail for stores; `total` may exceed the lines shown.
pub fn failed_mail(lines: &[FailedLine], total: i64, today: NaiveDate, from: Letterhead) -> Rendered {
    let subject = format!(
        "Mail: {total} {} could not be sent ({})",
        if total == 1 { "message" } else { "messages" },
        uk_date(today)
    );
    let mut paragraphs = vec![format!(
        "These emails were tried until the outbox gave up. Once the cause is fixed, send each again \
         with POST {}/api/v1/notifications/ID/retry (admin or stores).",
        from.public_url
    )];
    paragraphs.extend(lines.iter().map(|l| {
        format!(
            "#{} {} to {}, last tried {} UTC:\n{}",
            l.id,
            l.category,
            l.recipient,
            l.failed_at.format("%Y-%m-%d %H:%M"),
            l.last_error
        )
    }));
    let shown = lines.len() as i64;
    if total > shown {
        paragraphs.push(format!(
            "… and {} more: GET /api/v1/notifications?status=failed lists them all.",
            total - shown
        ));
    }
    render::notice(subject, &paragraphs, None, from.service_name)
}

/// What a message that went out about an erased client reads afterwards, as text and as
/// HTML (its subject is kept, with the client's words taken out).
pub fn erased() -> (String, String) {
    const WORDS: &str = "[erased: this message spoke of a client who has since been erased]";
    (WORDS.to_string(), render::paragraph_html(WORDS))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: Letterhead = Letterhead {
        public_url: "http://x",
        service_name: "Service",
    };

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 7, 20).unwrap()
    }

    #[test]
    fn a_failed_check_names_the_home_and_the_notes_when_there_are_any() {
        let mut check = FailedCheck {
            checked_by: "Wendy",
            rule: "LOLER exam",
            asset_tag: "EQ-1",
            type_name: "Stairlift",
            performed_at: day(),
            at_home: Some(("1 High St", "LS6 2AB")),
            notes: Some("chain worn"),
            examination: None,
            link: "http://x/s/EQ-1",
        };
        let r = failed_check(&check, "Service");
        assert_eq!(r.subject, "Failed safety check: EQ-1 Stairlift");
        assert!(
            r.text.starts_with(
                "Wendy recorded a failed LOLER exam on EQ-1 (Stairlift) on Mon 20 Jul 2026.\n\n"
            )
        );
        assert!(
            r.text
                .contains("It is at a client's home: 1 High St, LS6 2AB.\n\nchain worn\n\nhttp://x/s/EQ-1\n")
        );
        check.at_home = None;
        check.notes = None;
        let r = failed_check(&check, "Service");
        assert!(!r.text.contains("home") && !r.text.contains("chain"));
    }

    #[test]
    fn a_recall_lists_each_item_with_where_it_is() {
        let heading = RecallHeading {
            reference: "R-1",
            title: "Loose bolt",
            type_name: "Stairlift",
        };
        let items = [
            RecalledItem {
                asset_tag: "EQ-1",
                serial_number: Some("SN5"),
                batch: None,
                at_home: Some(("Ann", "1 High St", "LS6 2AB")),
                link: "http://x/s/EQ-1".into(),
            },
            RecalledItem {
                asset_tag: "EQ-2",
                serial_number: None,
                batch: Some("B7"),
                at_home: None,
                link: "http://x/s/EQ-2".into(),
            },
        ];
        let r = recall_for_stores(heading, &items, "Service");
        assert_eq!(r.subject, "Recall R-1 opened: 2 items affected");
        assert!(
            r.text
                .starts_with("Recall R-1: Loose bolt (Stairlift).\n\n2 items are affected")
        );
        assert!(r.text.contains(
            "EQ-1, serial SN5: at Ann, 1 High St, LS6 2AB. http://x/s/EQ-1\nEQ-2, batch B7: in store (quarantined). http://x/s/EQ-2\n"
        ));
        assert!(
            r.html.contains("http://x/s/EQ-1<br>EQ-2"),
            "one line each in HTML too"
        );
        let r = recall_for_worker(heading, &items[..1], "Service");
        assert_eq!(r.subject, "Recall R-1: 1 of your clients' items affected");
    }

    #[test]
    fn digests_count_their_lines_in_the_subject() {
        let r = worker_digest("Wendy", Vec::new(), Vec::new(), 14, day(), FROM);
        assert_eq!(
            r.subject,
            "Safety checks: 0 overdue, 0 due soon (Mon 20 Jul 2026)"
        );
        assert!(r.text.starts_with("Good morning Wendy."));
        let r = stores_digest(7, StoresLines::default(), day(), FROM);
        assert_eq!(
            r.subject,
            "Stores: 0 checks overdue more than 7 days, 0 with no responsible worker (Mon 20 Jul 2026)"
        );
    }
}
