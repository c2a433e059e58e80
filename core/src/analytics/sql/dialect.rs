//! The Kinesis Data Analytics dialect for sqlparser.

use sqlparser::dialect::Dialect;

/// Identifiers as KDA (SQLstream) spells them: letters, digits, `_` and `$`;
/// `"…"` is the only quote for names; a subquery may be a function argument
/// (`CURSOR(SELECT STREAM …)`); a named window may refer to another one.
#[derive(Debug, Default, Clone, Copy)]
pub struct KdaDialect;

impl Dialect for KdaDialect {
    fn is_identifier_start(&self, ch: char) -> bool {
        ch.is_ascii_alphabetic() || ch == '_' || ch == '$'
    }

    fn is_identifier_part(&self, ch: char) -> bool {
        ch.is_ascii_alphanumeric() || ch == '_' || ch == '$'
    }

    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        ch == '"'
    }

    fn identifier_quote_style(&self, _identifier: &str) -> Option<char> {
        Some('"')
    }

    fn supports_subquery_as_function_arg(&self) -> bool {
        true
    }

    fn supports_window_clause_named_window_reference(&self) -> bool {
        true
    }
}
