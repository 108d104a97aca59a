//! What is wrong with an import file, line by line: the first thousand problems, and a
//! count of the rest, so a file of bad rows costs no more memory than a thousand messages.

use crate::error::{AppError, FieldError};

/// Bad rows reported at most; the rest are only counted.
const MAX_LISTED: usize = 1000;

/// The first problems by line, and how many more there were.
#[derive(Default)]
pub struct Problems {
    listed: Vec<(u64, FieldError)>,
    not_listed: usize,
}

impl Problems {
    pub fn add(&mut self, line: u64, message: String) {
        if self.listed.len() < MAX_LISTED {
            self.listed
                .push((line, FieldError::new(format!("line {line}"), message)));
        } else {
            self.not_listed += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// Folds in problems found later (`more`, in line order), keeping the first by line.
    pub fn merge(self, more: impl IntoIterator<Item = (u64, String)>) -> Self {
        let mut merged = Problems {
            listed: Vec::with_capacity(MAX_LISTED),
            not_listed: self.not_listed,
        };
        let mut mine = self.listed.into_iter().peekable();
        let mut more = more.into_iter().peekable();
        let as_error =
            |(line, message): (u64, String)| (line, FieldError::new(format!("line {line}"), message));
        loop {
            let next = match (mine.peek(), more.peek()) {
                (Some((a, _)), Some((b, _))) if a > b => more.next().map(as_error),
                (Some(_), _) => mine.next(),
                (None, _) => more.next().map(as_error),
            };
            let Some((line, error)) = next else { break };
            if merged.listed.len() < MAX_LISTED {
                merged.listed.push((line, error));
            } else {
                merged.not_listed += 1;
            }
        }
        merged
    }

    pub fn into_error(self) -> AppError {
        let listed: Vec<FieldError> = self.listed.into_iter().map(|(_, e)| e).collect();
        if self.not_listed == 0 {
            AppError::Validation(listed)
        } else {
            AppError::TooManyInvalid {
                listed,
                not_listed: self.not_listed,
            }
        }
    }
}
