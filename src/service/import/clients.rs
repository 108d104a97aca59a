//! Clients from a spreadsheet's CSV (`reference,name,address,postcode,phone`), all or none:
//! every row checked by the rules of a client created one at a time
//! (`service::clients::read_new`), and no reference twice, in the file or in the register.
//! Nothing here logs a row: the problems name lines and fields, for the person importing.

use std::collections::{HashMap, HashSet};
use std::io::Read;

use serde::Serialize;

use super::problems::Problems;
use super::sheet::{self, Header};
use crate::db::clients::{self as rows};
use crate::db::{Db, DbConn};
use crate::domain::validate::Errors;
use crate::error::AppError;
use crate::service::clients::{CreateClient, ValidClient, read_new};
use crate::service::now;

pub const COLUMNS: [&str; 5] = ["reference", "name", "address", "postcode", "phone"];

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClientImportSummary {
    /// How many clients were created: every row of the file.
    pub created: usize,
}

/// Creates a client for every row of `file`, or none. Blocking: call it off the async
/// workers. Whoever calls it has been allowed to manage clients.
pub fn import_clients(db: &Db, file: impl Read) -> Result<ClientImportSummary, AppError> {
    let (clients, problems) = parse(file)?;
    db.write(|c| write(c, &clients, problems))
}

fn parse(file: impl Read) -> Result<(Vec<(u64, ValidClient)>, Problems), AppError> {
    let mut clients = Vec::new();
    let mut problems = Problems::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    sheet::read(
        file,
        &mut problems,
        header_ok,
        |line, record, header, _, problems| {
            let cell = |name| header.cell(record, name).map(str::to_string);
            let req = CreateClient {
                reference: cell("reference"),
                name: cell("name"),
                address: cell("address"),
                postcode: cell("postcode"),
                phone: cell("phone"),
            };
            let mut errors = Errors::default();
            let client = read_new(&mut errors, &req);
            let mut bad = match errors.finish() {
                Ok(()) => Vec::new(),
                Err(invalid) => invalid.0,
            };
            if !client.reference.is_empty() {
                if let Some(first) = seen.insert(client.reference.clone(), line) {
                    bad.push(crate::error::FieldError::new(
                        "reference",
                        format!("{:?} is also on line {first}", client.reference),
                    ));
                }
            }
            if bad.is_empty() {
                clients.push((line, client));
            }
            for e in bad {
                problems.add(line, format!("{}: {}", e.field, e.message));
            }
        },
    )?;
    Ok((clients, problems))
}

fn header_ok(header: &Header) -> Result<(), AppError> {
    let unknown = header.names.iter().any(|h| !COLUMNS.contains(&h.as_str()));
    let missing = COLUMNS[..4].iter().any(|c| !header.index.contains_key(*c));
    if unknown || missing {
        return Err(AppError::invalid(
            "line 1",
            format!(
                "the header must name the columns {} (phone may be left out)",
                COLUMNS.join(",")
            ),
        ));
    }
    Ok(())
}

fn write(
    conn: &mut DbConn,
    clients: &[(u64, ValidClient)],
    problems: Problems,
) -> Result<ClientImportSummary, AppError> {
    let references: Vec<String> = clients.iter().map(|(_, c)| c.reference.clone()).collect();
    let taken: HashSet<String> = rows::by_references(conn, &references)?
        .into_iter()
        .map(|c| c.reference)
        .collect();
    let problems = problems.merge(clients.iter().filter(|(_, c)| taken.contains(&c.reference)).map(
        |(line, c)| {
            let message = format!(
                "reference: a client with the reference {:?} already exists",
                c.reference
            );
            (*line, message)
        },
    ));
    if clients.is_empty() && problems.is_empty() {
        return Err(AppError::invalid("file", "has no rows to import"));
    }
    if !problems.is_empty() {
        return Err(problems.into_error());
    }
    let now = now();
    let new: Vec<rows::NewClient> = clients.iter().map(|(_, c)| c.row(now)).collect();
    rows::insert_many(conn, &new)?;
    Ok(ClientImportSummary {
        created: clients.len(),
    })
}
