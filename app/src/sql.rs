//! The SQL compiler's client: a lazily started Web Worker (app/sql-worker)
//! that holds sqlparser, so the page's own module does not carry it.
//!
//! The SQL page starts one worker when it opens and keeps it until it
//! closes. Each request is the whole SQL text, the input stream's schema
//! and the reference tables; the answer is the highlighting tokens and either
//! a `Plan` (run on the page by `analytics::engine::SqlApp`) or the errors,
//! each located in the student's text. Only the newest request matters: a
//! request made while the worker is still loading replaces the queued one,
//! and answers to older ids are dropped by the page.
//!
//! If the worker dies (it failed to load, or crashed), the next request
//! starts a fresh one; the page is told the reason.

use kinesis_lab_core::analytics::error::SqlError;
use kinesis_lab_core::analytics::plan::{Plan, TableDef};
use kinesis_lab_core::analytics::types::Schema;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// The worker's loader, next to index.html (relative, so sub-path hosting works).
const WORKER_URL: &str = "./sql-worker_loader.js";

#[derive(Clone, Debug, Serialize)]
pub struct Request {
    pub id: u64,
    pub sql: String,
    pub schema: Schema,
    pub tables: Vec<TableDef>,
}

/// A highlighting token: byte range of the SQL text and its class name.
pub type Token = (usize, usize, String);

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Reply {
    pub id: u64,
    #[serde(default)]
    pub tokens: Vec<Token>,
    #[serde(default)]
    pub plan: Option<Plan>,
    #[serde(default)]
    pub errors: Vec<SqlError>,
}

/// What the worker sends back to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Reply(Reply),
    /// The worker could not be started, failed to load or crashed.
    Failed(String),
}

struct Inner {
    worker: Option<Worker>,
    ready: bool,
    queued: Option<String>,
    // Kept alive as long as the worker.
    closures: Vec<Box<dyn std::any::Any>>,
}

/// One compiler worker for the page's lifetime. Cloning shares it.
#[derive(Clone)]
pub struct Compiler {
    inner: Rc<RefCell<Inner>>,
    on_answer: Rc<dyn Fn(Answer)>,
}

impl Compiler {
    /// A compiler whose answers go to `on_answer`. The worker starts at the
    /// first request.
    pub fn new(on_answer: impl Fn(Answer) + 'static) -> Compiler {
        Compiler {
            inner: Rc::new(RefCell::new(Inner {
                worker: None,
                ready: false,
                queued: None,
                closures: Vec::new(),
            })),
            on_answer: Rc::new(on_answer),
        }
    }

    fn start(&self) -> Result<(), String> {
        let worker = Worker::new(WORKER_URL).map_err(|e| describe(&e))?;
        let weak = Rc::downgrade(&self.inner);
        let answer = self.on_answer.clone();
        let w2 = worker.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            if data.as_string().as_deref() == Some("ready") {
                let Some(inner) = weak.upgrade() else { return };
                let queued = {
                    let Ok(mut i) = inner.try_borrow_mut() else {
                        return;
                    };
                    i.ready = true;
                    i.queued.take()
                };
                if let Some(text) = queued {
                    if let Err(err) = w2.post_message(&JsValue::from_str(&text)) {
                        answer(Answer::Failed(describe(&err)));
                    }
                }
                return;
            }
            let text = data.as_string().unwrap_or_default();
            match serde_json::from_str::<Reply>(&text) {
                Ok(r) => answer(Answer::Reply(r)),
                Err(e) => answer(Answer::Failed(format!(
                    "the SQL compiler sent an answer the page does not understand ({e})"
                ))),
            }
        });
        let weak = Rc::downgrade(&self.inner);
        let answer = self.on_answer.clone();
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            e.prevent_default();
            let msg = if e.message().is_empty() {
                "the SQL compiler could not be loaded".to_string()
            } else {
                e.message()
            };
            // Forget the dead worker; the next request starts a fresh one.
            if let Some(inner) = weak.upgrade() {
                if let Ok(mut i) = inner.try_borrow_mut() {
                    if let Some(w) = i.worker.take() {
                        w.terminate();
                    }
                    i.ready = false;
                }
            }
            answer(Answer::Failed(msg));
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let mut i = self.inner.borrow_mut();
        i.closures.clear();
        i.closures.push(Box::new(on_message));
        i.closures.push(Box::new(on_error));
        i.worker = Some(worker);
        i.ready = false;
        Ok(())
    }

    /// Sends a request (starting the worker if needed). A request made
    /// before the worker is ready replaces any queued one.
    pub fn compile(&self, req: &Request) {
        let Ok(text) = serde_json::to_string(req) else {
            return;
        };
        let needs_start = self
            .inner
            .try_borrow()
            .map(|i| i.worker.is_none())
            .unwrap_or(false);
        if needs_start {
            if let Err(e) = self.start() {
                (self.on_answer)(Answer::Failed(format!(
                    "could not start the SQL compiler: {e}"
                )));
                return;
            }
        }
        let Ok(mut i) = self.inner.try_borrow_mut() else {
            return;
        };
        if i.ready {
            if let Some(w) = i.worker.as_ref() {
                if let Err(e) = w.post_message(&JsValue::from_str(&text)) {
                    drop(i);
                    (self.on_answer)(Answer::Failed(describe(&e)));
                }
            }
        } else {
            i.queued = Some(text);
        }
    }

    /// Stops the worker (the page is closing).
    pub fn shutdown(&self) {
        if let Ok(mut i) = self.inner.try_borrow_mut() {
            if let Some(w) = i.worker.take() {
                w.set_onmessage(None);
                w.set_onerror(None);
                w.terminate();
            }
            i.ready = false;
            i.queued = None;
            i.closures.clear();
        }
    }
}

fn describe(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| {
            v.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{v:?}"))
}
