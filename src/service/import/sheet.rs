//! Reading an import file: its header, then each non-blank record with its line number. A
//! record that cannot be read, or has more cells than the header names, is a problem of its
//! line; the rest is the caller's to read.

use std::collections::HashMap;
use std::io::Read;

use super::problems::Problems;
use crate::error::AppError;

/// The file's header: each column's name in lower case (and as written), and where it stands.
pub struct Header {
    pub names: Vec<String>,
    pub written: Vec<String>,
    pub index: HashMap<String, usize>,
}

impl Header {
    /// The non-empty cell under `name` in `record`, if the file has that column.
    pub fn cell<'r>(&self, record: &'r csv::StringRecord, name: &str) -> Option<&'r str> {
        self.index
            .get(name)
            .and_then(|i| record.get(*i))
            .filter(|v| !v.is_empty())
    }
}

/// Reads `file`: its header through `header` (which refuses it, or answers what the rows
/// need to know of it), then every record worth reading through `each`, with its line.
pub fn read<T>(
    file: impl Read,
    problems: &mut Problems,
    header: impl FnOnce(&Header) -> Result<T, AppError>,
    mut each: impl FnMut(u64, &csv::StringRecord, &Header, &T, &mut Problems),
) -> Result<(), AppError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(file);
    let written: Vec<String> = reader
        .headers()
        .map_err(|e| AppError::invalid("file", format!("cannot read the header line: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let names: Vec<String> = written.iter().map(|h| h.to_ascii_lowercase()).collect();
    let index = names.iter().enumerate().map(|(i, h)| (h.clone(), i)).collect();
    let columns = Header {
        names,
        written,
        index,
    };
    let known = header(&columns)?;
    let header = columns;
    // One record buffer for the whole file, rather than one allocation per row.
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                problems.add(line, format!("cannot be read: {e}"));
                if e.is_io_error() {
                    break;
                }
                continue;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() > header.names.len() {
            problems.add(
                line,
                format!(
                    "has {} cells but the header names {}",
                    record.len(),
                    header.names.len()
                ),
            );
            continue;
        }
        each(line, &record, &header, &known, problems);
    }
    Ok(())
}
