//! Serial numbers as recalls name them: a prefix and a number, compared as numbers so
//! that `SN9` comes before `SN10`.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serial {
    pub prefix: String,
    pub number: u128,
}

impl Serial {
    /// Splits off the trailing digits; a serial with none has no place in a range.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim().to_ascii_uppercase();
        let digits_at = raw.len() - raw.chars().rev().take_while(|c| c.is_ascii_digit()).count();
        let (prefix, digits) = raw.split_at(digits_at);
        if digits.is_empty() || digits.len() > 38 {
            return None;
        }
        Some(Self {
            prefix: prefix.to_string(),
            number: digits.parse().ok()?,
        })
    }
}

/// An inclusive range of serials sharing one prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialRange {
    pub prefix: String,
    pub from: u128,
    pub to: u128,
}

impl SerialRange {
    pub fn new(from: &str, to: &str) -> Result<Self, String> {
        let a = Serial::parse(from).ok_or_else(|| format!("{from:?} does not end in a number"))?;
        let b = Serial::parse(to).ok_or_else(|| format!("{to:?} does not end in a number"))?;
        if a.prefix != b.prefix {
            return Err(format!(
                "both ends must share one prefix ({:?} and {:?})",
                a.prefix, b.prefix
            ));
        }
        if a.number.cmp(&b.number) == Ordering::Greater {
            return Err("serial_from must not come after serial_to".into());
        }
        Ok(Self {
            prefix: a.prefix,
            from: a.number,
            to: b.number,
        })
    }

    pub fn contains(&self, serial: &str) -> bool {
        Serial::parse(serial)
            .is_some_and(|s| s.prefix == self.prefix && (self.from..=self.to).contains(&s.number))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_as_numbers() {
        let r = SerialRange::new("SN9", "SN12").unwrap();
        assert!(r.contains("SN10"));
        assert!(r.contains("sn009"));
        assert!(!r.contains("SN13"));
        assert!(!r.contains("SN8"));
        assert!(!r.contains("XX10"));
        assert!(!r.contains("SN"));
        assert!(SerialRange::new("SN9", "AB12").is_err());
        assert!(SerialRange::new("SN12", "SN9").is_err());
    }
}
