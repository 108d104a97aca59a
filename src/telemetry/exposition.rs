//! The Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` before each
//! family, label values escaped, numbers as Prometheus reads them.

use std::fmt::Write;

/// The `Content-Type` of a scrape's answer.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

#[derive(Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    /// Starts a metric family; its samples follow.
    pub fn family(&mut self, name: &str, kind: &str, help: &str) {
        let help = help.replace('\\', r"\\").replace('\n', r"\n");
        let _ = writeln!(self.out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (label, value)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{label}=\"{}\"", escape_label(value));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {}", number(value));
    }

    /// A histogram bucket: the family's labels and `le`.
    pub fn bucket(&mut self, family: &str, labels: &[(&str, &str)], le: &str, count: u64) {
        let mut all = labels.to_vec();
        all.push(("le", le));
        self.sample(&format!("{family}_bucket"), &all, count as f64);
    }

    pub fn finish(self) -> String {
        self.out
    }
}

fn escape_label(value: &str) -> String {
    value
        .replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        // Rust prints whole floats without a fraction and never in exponent form: both read.
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped_and_numbers_read_as_prometheus_reads_them() {
        let mut out = Exposition::default();
        out.family("x_total", "counter", "Counts \\ things\non two lines.");
        out.sample("x_total", &[("route", "/a\"b\\c\nd")], 3.0);
        out.sample("x_total", &[], f64::INFINITY);
        out.sample("x_total", &[], 0.25);
        assert_eq!(
            out.finish(),
            "# HELP x_total Counts \\\\ things\\non two lines.\n# TYPE x_total counter\n\
             x_total{route=\"/a\\\"b\\\\c\\nd\"} 3\nx_total +Inf\nx_total 0.25\n"
        );
    }
}
