//! The two shapes an email takes (a digest of checks, a short notice), as plain text and
//! as HTML from the same data. The HTML is built with maud, so every value is escaped.

use std::fmt::Write;

use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, html};

use crate::domain::asset_tag::item_url;
use crate::domain::checks::days_overdue;
use crate::words::uk_date;

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
    /// Where stock stands (in store, awaiting decontamination, quarantined).
    pub note: Option<String>,
    /// For a test call: when the last one reached the monitoring centre, so the worker
    /// knows how long the pendant has been silent.
    pub last_test_call: Option<LastTestCall>,
}

/// The last test call of a pendant whose call is overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastTestCall {
    On(NaiveDate),
    NoneRecorded,
}

/// A heading and its lines; lines are shown grouped by postcode, to plan a round.
#[derive(Debug, Clone)]
pub struct Section {
    pub title: String,
    pub lines: Vec<DueLine>,
}

#[derive(Clone)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The clients a digest names: those of the lines it lists, so that erasure finds the
    /// message. Other messages leave it empty and their callers say whom they name.
    pub clients: Vec<i64>,
}

/// The client and their home, or nothing for stock in store; blanks left out.
fn place(line: &DueLine) -> String {
    [&line.client_name, &line.address, &line.postcode]
        .into_iter()
        .filter(|p| !p.is_empty())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The heading of a postcode's group; stock in store has none.
fn group_title(postcode: &str) -> &str {
    if postcode.is_empty() { "In store" } else { postcode }
}

fn when(line: &DueLine, today: NaiveDate) -> String {
    let due = match days_overdue(line.due, today) {
        0 => format!("due {}", uk_date(line.due)),
        1 => format!("due {}, 1 day overdue", uk_date(line.due)),
        n => format!("due {}, {n} days overdue", uk_date(line.due)),
    };
    match line.last_test_call {
        None => due,
        Some(LastTestCall::On(day)) => format!("{due}; last test call {}", uk_date(day)),
        Some(LastTestCall::NoneRecorded) => format!("{due}; last test call: none recorded"),
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

/// The most lines one digest lists. A service behind on its checks would otherwise mail a
/// worker tens of thousands of lines: unreadable, and megabytes that mail servers refuse.
pub const DIGEST_MAX_LINES: usize = 250;

/// A section as a digest lists it: the most pressing of its lines, up to what is left of
/// the digest's budget.
struct Listed<'a> {
    title: &'a str,
    total: usize,
    lines: Vec<DueLine>,
}

/// Each non-empty section with the lines it lists: sections in the order given, each
/// section's earliest due first, until `DIGEST_MAX_LINES` are listed in all.
fn listed(sections: &[Section]) -> Vec<Listed<'_>> {
    let mut budget = DIGEST_MAX_LINES;
    let mut out = Vec::new();
    for section in sections.iter().filter(|s| !s.lines.is_empty()) {
        let mut lines: Vec<&DueLine> = section.lines.iter().collect();
        if lines.len() > budget {
            lines.sort_by(|a, b| (a.due, &a.asset_tag).cmp(&(b.due, &b.asset_tag)));
            lines.truncate(budget);
        }
        budget -= lines.len();
        out.push(Listed {
            title: &section.title,
            total: section.lines.len(),
            lines: lines.into_iter().cloned().collect(),
        });
    }
    out
}

/// How a section's heading counts its lines: all of them, and how many are listed if not all.
fn count_words(section: &Listed) -> String {
    if section.lines.len() == section.total {
        section.total.to_string()
    } else if section.lines.is_empty() {
        format!("{}, not listed", section.total)
    } else {
        format!(
            "{}, the {} earliest due listed",
            section.total,
            section.lines.len()
        )
    }
}

/// A digest of checks: an introduction, then each non-empty section in the order given.
/// When not every line fits, the digest says so and where the whole list is (`full_list`),
/// if the reader can open one.
pub fn digest(
    subject: String,
    intro: &str,
    sections: &[Section],
    today: NaiveDate,
    full_list: Option<&str>,
    public_url: &str,
    service_name: &str,
) -> Rendered {
    let sections = listed(sections);
    let left_out: usize = sections.iter().map(|s| s.total - s.lines.len()).sum();
    let more = (left_out > 0).then(|| {
        let mut words = format!(
            "{left_out} more not listed here: this email lists the {DIGEST_MAX_LINES} most pressing."
        );
        if let Some(url) = full_list {
            let _ = write!(words, " The whole list: {url}");
        }
        words
    });
    let mut text = format!("{intro}\n");
    if let Some(more) = &more {
        let _ = write!(text, "\n{more}\n");
    }
    for section in &sections {
        let _ = write!(
            text,
            "\n{} ({})\n",
            section.title.to_uppercase(),
            count_words(section)
        );
        for (postcode, lines) in by_postcode(&section.lines) {
            let _ = write!(text, "\n  {}\n", group_title(postcode));
            for line in lines {
                let _ = write!(
                    text,
                    "  - {tag}  {type_name}: {rule}\n      {when}\n",
                    tag = line.asset_tag,
                    type_name = line.type_name,
                    rule = line.rule,
                    when = when(line, today),
                );
                for extra in [line.note.clone().unwrap_or_default(), place(line)] {
                    if !extra.is_empty() {
                        let _ = writeln!(text, "      {extra}");
                    }
                }
                let _ = writeln!(text, "      {}", item_url(public_url, &line.asset_tag));
            }
        }
    }
    let _ = write!(text, "\n-- \n{service_name}\n");
    let body = html! {
        p { (intro) }
        @if left_out > 0 {
            p {
                strong { (left_out) " more not listed here" }
                ": this email lists the " (DIGEST_MAX_LINES) " most pressing."
                @if let Some(url) = full_list { " " a href=(url) { "The whole list" } }
            }
        }
        @for section in &sections {
            h2 { (section.title) " (" (count_words(section)) ")" }
            @for (postcode, lines) in by_postcode(&section.lines) {
                h3 { (group_title(postcode)) }
                table cellpadding="4" {
                    @for line in lines {
                        tr {
                            td { a href=(item_url(public_url, &line.asset_tag)) { (line.asset_tag) } }
                            td { (line.type_name) br; (line.rule) }
                            td {
                                (when(line, today))
                                @if let Some(note) = &line.note { br; (note) }
                            }
                            td {
                                @if !line.client_name.is_empty() {
                                    (line.client_name) br; (line.address) ", " (line.postcode)
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let clients = sections
        .iter()
        .flat_map(|s| &s.lines)
        .filter_map(|l| l.client_id)
        .collect();
    Rendered {
        subject,
        text,
        html: frame(body, service_name),
        clients,
    }
}

/// The frame of every email's HTML part: the body, then who sent it.
fn frame(body: Markup, service_name: &str) -> String {
    html! {
        (DOCTYPE)
        html {
            body style="font-family:sans-serif" {
                (body)
                p style="color:#555" { (service_name) }
            }
        }
    }
    .into_string()
}

/// One paragraph of text in HTML: its line breaks as `<br>`.
fn lines(text: &str) -> Markup {
    html! {
        @for (n, line) in text.split('\n').enumerate() {
            @if n > 0 { br; }
            (line)
        }
    }
}

/// The forms `text` can take in an HTML part (a paragraph's, with line breaks as `<br>`,
/// and a cell's), so that erasure finds every one.
pub fn as_in_html(text: &str) -> [String; 2] {
    [lines(text).into_string(), html! { (text) }.into_string()]
}

/// An HTML part of one paragraph, for a message whose words were replaced.
pub(super) fn paragraph_html(text: &str) -> String {
    html! { p { (lines(text)) } }.into_string()
}

/// A short notice: a few lines of text, each a paragraph in HTML, and a link.
pub fn notice(
    subject: String,
    paragraphs: &[String],
    link_to: Option<(&str, &str)>,
    service_name: &str,
) -> Rendered {
    let mut text = String::new();
    for p in paragraphs {
        let _ = write!(text, "{p}\n\n");
    }
    if let Some((url, _)) = link_to {
        let _ = write!(text, "{url}\n\n");
    }
    let _ = write!(text, "-- \n{service_name}\n");
    let body = html! {
        @for p in paragraphs { p { (lines(p)) } }
        @if let Some((url, label)) = link_to {
            p { a href=(url) { (label) } }
        }
    };
    Rendered {
        subject,
        text,
        html: frame(body, service_name),
        clients: Vec::new(),
    }
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
            note: None,
            last_test_call: None,
        }
    }

    impl DueLine {
        fn with_due(self, due: NaiveDate) -> Self {
            Self { due, ..self }
        }
    }

    #[test]
    fn a_test_call_line_names_the_last_call() {
        let today = NaiveDate::from_ymd_opt(2027, 1, 14).unwrap();
        let mut l = line("EQ-1", "LS1 4AP", (2027, 1, 10));
        assert_eq!(when(&l, today), "due Sun 10 Jan 2027, 4 days overdue");
        l.last_test_call = Some(LastTestCall::On(NaiveDate::from_ymd_opt(2026, 12, 11).unwrap()));
        assert_eq!(
            when(&l, today),
            "due Sun 10 Jan 2027, 4 days overdue; last test call Fri 11 Dec 2026"
        );
        l.last_test_call = Some(LastTestCall::NoneRecorded);
        assert!(when(&l, today).ends_with("; last test call: none recorded"));
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
        let r = digest(
            "s".into(),
            "Hello",
            &[section],
            today,
            None,
            "http://x",
            "Service",
        );
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

    #[test]
    fn a_long_digest_lists_the_most_pressing_and_says_how_many_more() {
        let today = NaiveDate::from_ymd_opt(2027, 1, 14).unwrap();
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let section = |title: &str, n: usize| Section {
            title: title.into(),
            lines: (0..n)
                .rev()
                .map(|i| {
                    let due = start + chrono::Days::new(i as u64);
                    let line = line(&format!("EQ-{i:06}"), "LS1 4AP", (2026, 1, 1)).with_due(due);
                    DueLine {
                        client_id: Some(i as i64),
                        ..line
                    }
                })
                .collect(),
        };
        let sections = [section("Overdue", 300), section("Soon", 100)];
        let r = digest(
            "s".into(),
            "Hello",
            &sections,
            today,
            Some("http://x/all"),
            "http://x",
            "S",
        );
        assert_eq!(r.text.matches("http://x/s/EQ-").count(), DIGEST_MAX_LINES);
        assert!(r.text.contains("EQ-000000") && r.text.contains("EQ-000249"));
        assert!(!r.text.contains("EQ-000250"), "the latest due are left out");
        assert_eq!(
            r.clients.len(),
            DIGEST_MAX_LINES,
            "erasure looks for the clients listed"
        );
        assert!(r.text.contains("OVERDUE (300, the 250 earliest due listed)"));
        assert!(r.text.contains("SOON (100, not listed)"));
        assert!(r.text.contains("150 more not listed here") && r.text.contains("http://x/all"));
        assert!(r.html.contains("150 more not listed here") && r.html.contains("href=\"http://x/all\""));

        let short = digest(
            "s".into(),
            "Hello",
            &[section("Overdue", 3)],
            today,
            None,
            "http://x",
            "S",
        );
        assert!(short.text.contains("OVERDUE (3)\n") && !short.text.contains("not listed"));
    }

    #[test]
    fn values_are_escaped_in_the_html_part_and_line_breaks_kept() {
        let r = notice(
            "s".into(),
            &["<script>alert(\"x\")</script> O'Neil\nsecond line".into()],
            Some(("http://x/s/EQ-1?a=1&b=2", "Open")),
            "A & B",
        );
        assert!(
            r.html
                .contains("<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O'Neil<br>second line</p>")
        );
        assert!(
            r.html
                .contains("<a href=\"http://x/s/EQ-1?a=1&amp;b=2\">Open</a>")
        );
        assert!(r.html.contains(">A &amp; B</p>") && !r.html.contains("<script>"));
        assert!(
            r.text
                .contains("<script>alert(\"x\")</script> O'Neil\nsecond line")
        );
    }

    #[test]
    fn erasure_finds_a_value_in_each_form_the_html_part_holds() {
        let [paragraph, cell] = as_in_html("Ann <& Bob>\nLeeds");
        assert_eq!(paragraph, "Ann &lt;&amp; Bob&gt;<br>Leeds");
        assert_eq!(cell, "Ann &lt;&amp; Bob&gt;\nLeeds");
        assert_eq!(paragraph_html("[erased]"), "<p>[erased]</p>");
    }
}
