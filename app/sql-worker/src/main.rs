//! The SQL compiler, as a dedicated Web Worker.
//!
//! sqlparser is about 550 KB gzipped, so the page's own module does not link
//! it: the SQL page (app/src/sql.rs) starts this worker when it opens and
//! runs the compiled plan itself. Protocol (JSON text both ways):
//! - the worker posts `"ready"` once its module runs;
//! - the page posts `{id, sql, schema, tables}` (core's `Schema` of the
//!   input stream without APPROXIMATE_ARRIVAL_TIME, and the reference
//!   tables' `TableDef`s);
//! - the worker answers `{id, tokens: [[start, end, class]…], plan}` or
//!   `{id, tokens, errors: [SqlError…]}`. Token offsets are bytes of `sql`.
//!
//! Bad input never panics here: the request is parsed with serde, and a
//! request that does not parse is answered with an error naming the field.

use kinesis_lab_core::analytics::error::{Pos, Span, SqlError, SqlErrorKind};
use kinesis_lab_core::analytics::plan::{Plan, TableDef};
use kinesis_lab_core::analytics::sql::{compile, highlight};
use kinesis_lab_core::analytics::types::Schema;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Longest SQL text compiled (characters); the page's editor has the same limit.
const MAX_SQL: usize = 64 * 1024;

#[derive(Deserialize)]
struct Request {
    id: u64,
    sql: String,
    #[serde(default)]
    schema: Schema,
    #[serde(default)]
    tables: Vec<TableDef>,
}

#[derive(Serialize)]
struct Reply {
    id: u64,
    tokens: Vec<(usize, usize, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<Plan>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<SqlError>,
}

fn whole_text_error(message: String) -> SqlError {
    let at = Pos { line: 1, column: 1 };
    SqlError {
        span: Span { start: at, end: at },
        kind: SqlErrorKind::Other(message),
    }
}

/// The token class as the page's CSS names it (`sql-tok-keyword`…).
fn class_name(debug: String) -> String {
    debug.to_ascii_lowercase()
}

fn answer(text: &str) -> Reply {
    let req: Request = match serde_json::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            // Salvage the id so the page can match the answer.
            let id = serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_u64()))
                .unwrap_or(0);
            return Reply {
                id,
                tokens: Vec::new(),
                plan: None,
                errors: vec![whole_text_error(format!("request: {e}"))],
            };
        }
    };
    if req.sql.chars().count() > MAX_SQL {
        return Reply {
            id: req.id,
            tokens: Vec::new(),
            plan: None,
            errors: vec![whole_text_error(format!(
                "the SQL text is longer than {MAX_SQL} characters"
            ))],
        };
    }
    let tokens = highlight(&req.sql)
        .into_iter()
        .map(|t| (t.start, t.end, class_name(format!("{:?}", t.class))))
        .collect();
    match compile(&req.sql, &req.schema, &req.tables) {
        Ok(plan) => Reply {
            id: req.id,
            tokens,
            plan: Some(plan),
            errors: Vec::new(),
        },
        Err(errors) => Reply {
            id: req.id,
            tokens,
            plan: None,
            errors,
        },
    }
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let out = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let text = e.data().as_string().unwrap_or_default();
        let reply = answer(&text);
        // Serialising plain data with string keys cannot fail; answer something anyway.
        let json =
            serde_json::to_string(&reply).unwrap_or_else(|_| format!("{{\"id\":{}}}", reply.id));
        let _ = out.post_message(&JsValue::from_str(&json));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&"ready".into());
}
