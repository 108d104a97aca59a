//! The words of each email, as plain text and as HTML, from the same data.

use std::fmt::Write;

use chrono::NaiveDate;

use crate::domain::checks::days_overdue;

/// One check that falls to someone: what, for whom, where, when.
#[derive(Debug, Clone)]
pub struct DueLine {
    pub asset_tag: String,
    pub type_name: String,
    pub rule: String,
    pub due: NaiveDate,
    pub client_name: String,
    pub address: String,
    pub postcode: String,
    /// Whom the line speaks of, so the mail can be found when they are erased.
    pub client_id: Option<i64>,
}

/// A heading and its lines; lines are shown grouped by postcode, to plan a round.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub lines: Vec<DueLine>,
}

pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Dates the UK way: `Tue 14 Jan 2027`.
pub fn uk_date(d: NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn link(public_url: &str, tag: &str) -> String {
    format!("{}/s/{tag}", public_url.trim_end_matches('/'))
}

fn when(line: &DueLine, today: NaiveDate) -> String {
    match days_overdue(line.due, today) {
        0 => format!("due {}", uk_date(line.due)),
        1 => format!("due {}, 1 day overdue", uk_date(line.due)),
        n => format!("due {}, {n} days overdue", uk_date(line.due)),
    }
}

/// Lines of one section, grouped by postcode (in postcode order), each group by due date.
fn by_postcode(lines: &[DueLine]) -> Vec<(&str, Vec<&DueLine>)> {
    let mut sorted: Vec<&DueLine> = lines.iter().collect();
    sorted.sort_by(|a, b| (&a.postcode, a.due, &a.asset_tag).cmp(&(&b.postcode, b.due, &b.asset_tag)));
    let mut groups: Vec<(&str, Vec<&DueLine>)> = Vec::new();
    for line in sorted {
        match groups.last_mut() {
            Some((postcode, group)) if *postcode == line.postcode => group.push(line),
            _ => groups.push((&line.postcode, vec![line])),
        }
    }
    groups
}

/// A digest of checks: an introduction, then each non-empty section in the order given.
pub fn digest(
    subject: String,
    intro: &str,
    sections: &[Section],
    today: NaiveDate,
    public_url: &str,
    service_name: &str,
) -> Rendered {
    let mut text = format!("{intro}\n");
    let mut html = format!(
        "<!doctype html><html><body style=\"font-family:sans-serif\">\n<p>{}</p>\n",
        escape(intro)
    );
    for section in sections.iter().filter(|s| !s.lines.is_empty()) {
        let _ = write!(
            text,
            "\n{} ({})\n",
            section.title.to_uppercase(),
            section.lines.len()
        );
        let _ = writeln!(
            html,
            "<h2>{} ({})</h2>",
            escape(&section.title),
            section.lines.len()
        );
        for (postcode, lines) in by_postcode(&section.lines) {
            let _ = write!(text, "\n  {postcode}\n");
            let _ = writeln!(html, "<h3>{}</h3>\n<table cellpadding=\"4\">", escape(postcode));
            for line in lines {
                let url = link(public_url, &line.asset_tag);
                let _ = write!(
                    text,
                    "  - {tag}  {kind}: {rule}\n      {when}\n      {client}, {address}, {postcode}\n      {url}\n",
                    tag = line.asset_tag,
                    kind = line.type_name,
                    rule = line.rule,
                    when = when(line, today),
                    client = line.client_name,
                    address = line.address,
                    postcode = line.postcode,
                );
                let _ = writeln!(
                    html,
                    "<tr><td><a href=\"{url}\">{tag}</a></td><td>{kind}<br>{rule}</td><td>{when}</td>\
                     <td>{client}<br>{address}, {postcode}</td></tr>",
                    url = escape(&url),
                    tag = escape(&line.asset_tag),
                    kind = escape(&line.type_name),
                    rule = escape(&line.rule),
                    when = escape(&when(line, today)),
                    client = escape(&line.client_name),
                    address = escape(&line.address),
                    postcode = escape(&line.postcode),
                );
            }
            html.push_str("</table>\n");
        }
    }
    let _ = write!(text, "\n-- \n{service_name}\n");
    let _ = write!(
        html,
        "<p style=\"color:#555\">{}</p>\n</body></html>\n",
        escape(service_name)
    );
    Rendered { subject, text, html }
}

/// One message the outbox gave up on, as stores are told of it: where it was going and
/// why it did not get there, never what it said (that may name a client).
#[derive(Debug, Clone)]
pub struct FailedLine {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub last_error: String,
    pub failed_at: chrono::NaiveDateTime,
}

/// The daily list of failed mail for stores; `total` may exceed the lines shown.
pub fn failed_mail(
    lines: &[FailedLine],
    total: i64,
    today: NaiveDate,
    public_url: &str,
    service_name: &str,
) -> Rendered {
    let subject = format!(
        "Mail: {total} {} could not be sent ({})",
        if total == 1 { "message" } else { "messages" },
        uk_date(today)
    );
    let mut paragraphs = vec![format!(
        "These emails were tried until the outbox gave up. Once the cause is fixed, send each again \
         with POST {public_url}/api/v1/notifications/ID/retry (admin or stores)."
    )];
    paragraphs.extend(lines.iter().map(|l| {
        format!(
            "#{} {} to {}, last tried {} UTC:\n{}",
            l.id,
            l.kind,
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
    notice(subject, &paragraphs, None, service_name)
}

/// A short notice: a few lines of text, each a paragraph in HTML, and a link.
pub fn notice(
    subject: String,
    paragraphs: &[String],
    link_to: Option<(&str, &str)>,
    service_name: &str,
) -> Rendered {
    let mut text = String::new();
    let mut html = String::from("<!doctype html><html><body style=\"font-family:sans-serif\">\n");
    for p in paragraphs {
        let _ = write!(text, "{p}\n\n");
        let _ = writeln!(html, "<p>{}</p>", escape(p).replace('\n', "<br>"));
    }
    if let Some((url, label)) = link_to {
        let _ = write!(text, "{url}\n\n");
        let _ = writeln!(html, "<p><a href=\"{}\">{}</a></p>", escape(url), escape(label));
    }
    let _ = write!(text, "-- \n{service_name}\n");
    let _ = write!(
        html,
        "<p style=\"color:#555\">{}</p>\n</body></html>\n",
        escape(service_name)
    );
    Rendered { subject, text, html }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(tag: &str, postcode: &str, due: (i32, u32, u32)) -> DueLine {
        DueLine {
            asset_tag: tag.into(),
            type_name: "Straight stairlift".into(),
            rule: "LOLER <exam>".into(),
            due: NaiveDate::from_ymd_opt(due.0, due.1, due.2).unwrap(),
            client_name: "Ann & Bob".into(),
            address: "1 High St".into(),
            postcode: postcode.into(),
            client_id: None,
        }
    }

    #[test]
    fn dates_are_written_the_uk_way() {
        assert_eq!(
            uk_date(NaiveDate::from_ymd_opt(2027, 1, 14).unwrap()),
            "Thu 14 Jan 2027"
        );
        assert_eq!(
            uk_date(NaiveDate::from_ymd_opt(2027, 3, 2).unwrap()),
            "Tue 2 Mar 2027"
        );
    }

    #[test]
    fn lines_are_grouped_by_postcode_and_escaped_in_html() {
        let today = NaiveDate::from_ymd_opt(2027, 1, 14).unwrap();
        let section = Section {
            title: "Overdue".into(),
            lines: vec![
                line("EQ-2", "LS6 2AB", (2027, 1, 10)),
                line("EQ-1", "LS1 4AP", (2027, 1, 13)),
                line("EQ-3", "LS6 2AB", (2027, 1, 2)),
            ],
        };
        let r = digest("s".into(), "Hello", &[section], today, "http://x", "Service");
        let ls1 = r.text.find("LS1 4AP\n").unwrap();
        let ls6 = r.text.find("LS6 2AB\n").unwrap();
        assert!(ls1 < ls6);
        assert!(
            r.text.find("EQ-3").unwrap() < r.text.find("EQ-2").unwrap(),
            "earliest due first"
        );
        assert!(r.text.contains("12 days overdue"));
        assert!(r.html.contains("Ann &amp; Bob") && r.html.contains("LOLER &lt;exam&gt;"));
        assert!(r.text.contains("http://x/s/EQ-1"));
    }
}
