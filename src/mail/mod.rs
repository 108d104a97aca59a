//! Sending email: the transports (SMTP or `.eml` files) and the messages themselves.

pub mod messages;
pub mod render;

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::{Digest, Sha256};

use crate::config::{MailTransport, Settings, SmtpSecurity};

pub mod files;

/// Where the file transport writes its `.eml` files.
pub fn outbox_dir(settings: &Settings) -> std::path::PathBuf {
    settings.server.data_dir.join("outbox")
}

/// The Message-ID of the message queued under `dedup_key`.
pub fn message_id(dedup_key: &str) -> String {
    let id = hex::encode(&Sha256::digest(dedup_key.as_bytes())[..16]);
    format!("<{id}@equiptrack>")
}

/// Where mail goes: an SMTP server, or `.eml` files under `data_dir/outbox` (the default,
/// so a service with no mail server set up loses nothing).
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> Result<Self, String> {
        let mail = &settings.mail;
        if mail.transport == MailTransport::File {
            let dir = outbox_dir(settings);
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            return Ok(Self::File(AsyncFileTransport::new(dir)));
        }
        let host = mail.smtp_host.as_str();
        let builder = match mail.smtp_security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
            SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)),
        }
        .map_err(|e| format!("mail.smtp_host {host:?}: {e}"))?;
        let mut builder = builder
            .port(mail.smtp_port)
            .timeout(Some(Duration::from_secs(mail.timeout_seconds)));
        if !mail.smtp_username.is_empty() {
            builder = builder.credentials(Credentials::new(
                mail.smtp_username.clone(),
                mail.smtp_password.clone(),
            ));
        }
        Ok(Self::Smtp(builder.build()))
    }

    pub async fn send(&self, message: Message) -> Result<(), String> {
        match self {
            Self::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Self::File(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        }
    }
}

/// What the outbox holds for one email.
pub struct Outgoing<'a> {
    pub dedup_key: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
}

/// `text` with every line ended by CRLF, as mail wants. lettre would make the same change
/// in place, one insert at a time: quadratic, minutes of CPU for a body of megabytes.
fn crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    let mut after_cr = false;
    for c in text.chars() {
        if c == '\n' && !after_cr {
            out.push('\r');
        }
        after_cr = c == '\r';
        out.push(c);
    }
    out
}

/// Builds the message. Its Message-ID comes from the de-duplication key, so even a resend
/// after a crash at the worst moment carries the same identity for mail clients to fold.
pub fn build(from: &str, out: &Outgoing) -> Result<Message, String> {
    let from: Mailbox = from.parse().map_err(|e| format!("mail.from: {e}"))?;
    let to: Mailbox = out
        .recipient
        .parse()
        .map_err(|e| format!("recipient {:?}: {e}", out.recipient))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(out.subject)
        .message_id(Some(message_id(out.dedup_key)))
        .multipart(MultiPart::alternative_plain_html(crlf(out.text), crlf(out.html)))
        .map_err(|e| format!("cannot build the message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_become_crlf_once() {
        assert_eq!(crlf("a\nb\r\nc\n\nd\r"), "a\r\nb\r\nc\r\n\r\nd\r");
        assert_eq!(crlf("\nÅse\n"), "\r\nÅse\r\n");
    }

    #[test]
    fn a_body_of_megabytes_is_built_whole() {
        let text = "- EQ-000001  Hoist: LOLER thorough examination\n".repeat(100_000);
        let out = Outgoing {
            dedup_key: "k",
            recipient: "w@example.org",
            subject: "s",
            text: &text,
            html: "<p>x</p>",
        };
        let message = build("Stores <stores@example.org>", &out).unwrap();
        let formatted = String::from_utf8(message.formatted()).unwrap();
        assert_eq!(formatted.matches("LOLER thorough examination").count(), 100_000);
        assert!(!formatted.contains("examination\n"), "every line ends in CRLF");
    }
}
