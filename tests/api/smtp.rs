//! A real SMTP listener on loopback for the tests: it speaks enough of the protocol for
//! lettre, keeps every message it accepts, and can be stopped and started again on the same
//! port to play an outage.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message as sent, dot-unstuffed.
    pub raw: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.raw.split("\r\n\r\n").next().unwrap_or("");
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    /// The decoded text of the first part of this MIME type (`text/plain`, `text/html`),
    /// with plain `\n` line ends.
    pub fn part(&self, mime: &str) -> Option<String> {
        self.raw.split("\r\n--").find_map(|chunk| {
            let (head, body) = chunk.split_once("\r\n\r\n")?;
            let head_l = head.to_ascii_lowercase();
            if !head_l.contains(&format!("content-type: {mime}")) {
                return None;
            }
            let decoded = if head_l.contains("quoted-printable") {
                decode_qp(body)
            } else if head_l.contains("base64") {
                decode_b64(body)
            } else {
                body.to_string()
            };
            Some(decoded.replace("\r\n", "\n"))
        })
    }

    /// The subject, decoding an RFC 2047 encoded word if the sender used one.
    pub fn subject(&self) -> String {
        let s = self.header("Subject").unwrap_or_default();
        if let Some(rest) = s
            .strip_prefix("=?utf-8?b?")
            .or_else(|| s.strip_prefix("=?UTF-8?B?"))
        {
            return rest
                .split("?= =?utf-8?b?")
                .map(|w| decode_b64(w.trim_end_matches("?=")))
                .collect();
        }
        if let Some(rest) = s
            .strip_prefix("=?utf-8?q?")
            .or_else(|| s.strip_prefix("=?UTF-8?Q?"))
        {
            return decode_qp(&rest.trim_end_matches("?=").replace('_', " "));
        }
        s
    }
}

fn decode_qp(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn decode_b64(s: &str) -> String {
    use base64::Engine;
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
    running: Mutex<Option<(Arc<AtomicBool>, JoinHandle<()>)>>,
    /// Milliseconds the sink keeps a sender waiting for its answer to a message it has
    /// taken: a slow mail server, holding a send in flight.
    hold_ms: Arc<AtomicU64>,
}

impl SmtpSink {
    pub fn start() -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind the SMTP listener");
        let port = listener.local_addr().unwrap().port();
        let sink = Self {
            port,
            messages: Arc::default(),
            running: Mutex::new(None),
            hold_ms: Arc::default(),
        };
        sink.listen(listener);
        sink
    }

    fn listen(&self, listener: TcpListener) {
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stop, messages, hold) = (stop.clone(), self.messages.clone(), self.hold_ms.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let (messages, hold) = (messages.clone(), hold.clone());
                            std::thread::spawn(move || {
                                let _ = serve(stream, &messages, &hold);
                            });
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        *self.running.lock().unwrap() = Some((stop, thread));
    }

    /// An outage: the port stops listening, so connections are refused.
    pub fn stop(&self) {
        if let Some((stop, thread)) = self.running.lock().unwrap().take() {
            stop.store(true, Ordering::Relaxed);
            let _ = thread.join();
        }
    }

    /// The end of the outage: the same port, the same mailbox.
    pub fn restart(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("bind the SMTP port again");
        self.listen(listener);
    }

    /// From now on, each message is kept waiting `hold` for its "250" after it is taken.
    pub fn hold_replies(&self, hold: Duration) {
        self.hold_ms.store(hold.as_millis() as u64, Ordering::Relaxed);
    }

    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().unwrap().clone()
    }

    /// The messages to one address.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect()
    }

    /// Waits until at least `n` messages have arrived, or `secs` have passed.
    pub async fn wait_for(&self, n: usize, secs: u64) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let got = self.messages();
            if got.len() >= n || Instant::now() > deadline {
                return got;
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

fn serve(stream: TcpStream, messages: &Mutex<Vec<Received>>, hold_ms: &AtomicU64) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 localhost ESMTP test sink\r\n")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            out.write_all(b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")?;
        } else if upper.starts_with("HELO") {
            out.write_all(b"250 localhost\r\n")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = addr(&line);
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(addr(&line));
            out.write_all(b"250 OK\r\n")?;
        } else if upper.starts_with("DATA") {
            out.write_all(b"354 go ahead\r\n")?;
            let mut raw = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                raw.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            messages.lock().unwrap().push(Received {
                from: from.clone(),
                to: to.clone(),
                raw,
            });
            std::thread::sleep(Duration::from_millis(hold_ms.load(Ordering::Relaxed)));
            out.write_all(b"250 OK queued\r\n")?;
        } else if upper.starts_with("QUIT") {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"250 OK\r\n")?;
        }
    }
}

fn addr(line: &str) -> String {
    line.split(['<', '>']).nth(1).unwrap_or("").to_string()
}
