//! The `.eml` files the file transport left behind, found again by their Message-ID.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// Removes every `.eml` file in `dir` whose Message-ID is one of `ids`; answers how many.
/// A folder that does not exist holds nothing to remove.
pub fn remove_messages(dir: &Path, ids: &[String]) -> std::io::Result<usize> {
    if ids.is_empty() || !dir.is_dir() {
        return Ok(0);
    }
    let wanted: HashSet<String> = ids.iter().map(|i| i.to_ascii_lowercase()).collect();
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|x| x != "eml") {
            continue;
        }
        if message_id_of(&path)?.is_some_and(|id| wanted.contains(&id)) {
            std::fs::remove_file(&path)?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// The Message-ID header of one file, read from its headers only.
fn message_id_of(path: &Path) -> std::io::Result<Option<String>> {
    let reader = BufReader::new(std::fs::File::open(path)?);
    for line in reader.lines() {
        let line = line?;
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("message-id") {
                return Ok(Some(value.trim().to_ascii_lowercase()));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_named_messages_go() {
        let dir = tempfile::tempdir().unwrap();
        let keep = dir.path().join("a.eml");
        let drop = dir.path().join("b.eml");
        std::fs::write(&keep, "From: x\r\nMessage-ID: <keep@equiptrack>\r\n\r\nbody\r\n").unwrap();
        std::fs::write(&drop, "From: x\r\nMessage-ID: <GONE@equiptrack>\r\n\r\nbody\r\n").unwrap();
        let removed = remove_messages(dir.path(), &["<gone@equiptrack>".to_string()]).unwrap();
        assert_eq!(removed, 1);
        assert!(keep.exists() && !drop.exists());
        assert_eq!(
            remove_messages(&dir.path().join("none"), &["<x>".into()]).unwrap(),
            0
        );
    }
}
