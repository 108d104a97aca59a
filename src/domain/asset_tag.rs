//! Asset tags: what a label shows and a scanner types.

use std::fmt;

pub const MAX_LEN: usize = 32;

/// What every kit's tag starts with: `KIT-` and six digits. No item's tag may, so a scan of
/// `KIT-…` is always a kit's.
pub const KIT_PREFIX: &str = "KIT-";

/// A tag in its one canonical form (trimmed, upper case), so `eq-000123` and `EQ-000123`
/// are the same item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AssetTag(String);

impl AssetTag {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let tag = raw.trim().to_ascii_uppercase();
        if tag.is_empty() {
            return Err("must not be empty".into());
        }
        if tag.len() > MAX_LEN {
            return Err(format!("must be at most {MAX_LEN} characters"));
        }
        // A label's QR code is `{public_url}/s/{tag}`: anything a URL path would split or
        // escape (`/`, `?`, `#`, `%`, spaces) would open some other page, or none.
        if !tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err("may hold only letters, digits and - _ .".into());
        }
        if !tag.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) {
            return Err("must start with a letter or digit".into());
        }
        Ok(Self(tag))
    }

    /// A tag typed for a new item: one `parse` accepts, and not a kit's.
    pub fn for_item(raw: &str) -> Result<Self, String> {
        let tag = Self::parse(raw)?;
        if tag.is_kit() {
            return Err(format!(
                "must not start with {KIT_PREFIX}: those tags belong to kits"
            ));
        }
        Ok(tag)
    }

    /// The tag generated for the `n`th item: the prefix and six digits (more past 999,999).
    pub fn generated(prefix: &str, n: i64) -> Self {
        Self(format!("{}{n:06}", prefix.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A kit's tag rather than an item's.
    pub fn is_kit(&self) -> bool {
        self.0.starts_with(KIT_PREFIX)
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for AssetTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn validate_prefix(prefix: &str) -> Result<(), String> {
    if prefix.is_empty() || prefix.len() > 16 {
        return Err("must be 1 to 16 characters".into());
    }
    if prefix.to_ascii_uppercase().starts_with(KIT_PREFIX) {
        return Err(format!(
            "{prefix:?} would make tags that belong to kits ({KIT_PREFIX}…)"
        ));
    }
    if !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(format!("{prefix:?} may hold only letters, digits and -"));
    }
    Ok(())
}

/// An item's page, `{public_url}/s/{tag}`: what its label's QR code holds and what mail links
/// to. `from_scan` reads it back.
pub fn item_url(public_url: &str, tag: &str) -> String {
    format!("{}/s/{tag}", public_url.trim_end_matches('/'))
}

/// Finds the tag in whatever a scanner produced: the label's URL (`…/s/TAG`, with or
/// without a trailing slash), or the bare tag, in any case, with stray whitespace.
/// A URL that is not one of ours is foreign and yields nothing.
///
/// ```
/// use equiptrack::domain::asset_tag::from_scan;
/// let ours = "https://equip.example.org";
/// assert_eq!(from_scan("HTTPS://EQUIP.EXAMPLE.ORG/s/eq-000123/", ours).unwrap().as_str(), "EQ-000123");
/// assert_eq!(from_scan(" eq-000123\r\n", ours).unwrap().as_str(), "EQ-000123");
/// assert!(from_scan("https://shop.example.com/s/EQ-000123", ours).is_none());
/// ```
pub fn from_scan(code: &str, public_url: &str) -> Option<AssetTag> {
    let code = code.trim();
    let lower = code.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let base = public_url.trim_end_matches('/').to_ascii_lowercase();
        let rest = lower.strip_prefix(&base)?;
        let rest = rest.strip_prefix("/s/")?;
        let rest = rest.split(['?', '#']).next().unwrap_or("").trim_end_matches('/');
        // The tag keeps its own characters; only the case was folded above.
        return AssetTag::parse(rest).ok();
    }
    AssetTag::parse(code).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_canonical() {
        assert_eq!(AssetTag::parse("  eq-000123 \n").unwrap().as_str(), "EQ-000123");
        assert!(AssetTag::parse("").is_err());
        assert!(AssetTag::parse("EQ 1").is_err());
        assert!(AssetTag::parse("-EQ").is_err());
        for unscannable in ["EQ/1", "EQ?1", "EQ#1", "EQ%2F1"] {
            assert!(AssetTag::parse(unscannable).is_err(), "{unscannable}");
        }
        assert_eq!(AssetTag::generated("EQ-", 123).as_str(), "EQ-000123");
        assert_eq!(AssetTag::generated("EQ-", 1_234_567).as_str(), "EQ-1234567");
        assert!(AssetTag::parse("kit-000001").unwrap().is_kit());
        assert!(!AssetTag::parse("KITE-1").unwrap().is_kit());
        assert!(validate_prefix("kit-").is_err());
    }

    #[test]
    fn scans_accept_urls_and_bare_tags() {
        let base = "https://equip.example.org";
        for code in [
            "https://equip.example.org/s/EQ-000123",
            "https://equip.example.org/s/eq-000123/",
            "  HTTPS://EQUIP.EXAMPLE.ORG/s/EQ-000123  ",
            "eq-000123",
            " EQ-000123\r\n",
        ] {
            assert_eq!(from_scan(code, base).unwrap().as_str(), "EQ-000123", "{code}");
        }
        assert!(from_scan("https://elsewhere.example.com/s/EQ-000123", base).is_none());
        assert!(from_scan("https://equip.example.org/items/EQ-000123", base).is_none());
        assert!(from_scan("", base).is_none());
    }
}
