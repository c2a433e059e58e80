//! Errors of a SQL application, located in the student's own text.

use serde::{Deserialize, Serialize};

/// A 1-based line and column; the column counts characters (a tab is one).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

/// A range `[start, end)` of the original SQL text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

/// A syntax or semantic error of a SQL application. `kind` is data; the CLI
/// and the page word it (English in [`SqlErrorKind::en`], Vietnamese in the
/// app's i18n), so no language is baked into the engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SqlError {
    pub span: Span,
    pub kind: SqlErrorKind,
}

/// What is wrong. Owned by the compiler (`analytics::sql`); add variants as
/// rules are enforced, each with its English wording in `en()`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SqlErrorKind {
    /// The parser expected something else here.
    Syntax { expected: String, found: String },
    /// A name that is not a stream, table or column in scope.
    Unknown { what: String, name: String },
    /// Anything else, worded already (to be replaced by specific variants).
    Other(String),
}

impl SqlErrorKind {
    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            SqlErrorKind::Syntax { expected, found } => format!("expected {expected} here, found {found}"),
            SqlErrorKind::Unknown { what, name } => format!("there is no {what} named {name}"),
            SqlErrorKind::Other(s) => s.clone(),
        }
    }
}
