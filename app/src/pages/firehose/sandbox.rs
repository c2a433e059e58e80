//! The JavaScript transform sandbox, page side.
//!
//! A student's transform runs in a dedicated Web Worker
//! (`static/transform-worker.js`, copied to the site root by trunk): no DOM,
//! no access to the page, and the only place in the lab that evaluates code.
//! Each invocation is one message out and one reply back, within a wall-clock
//! limit. When the limit passes (an endless loop, a promise that never
//! settles) the worker is terminated and the next invocation starts a fresh
//! one, so the page keeps running whatever the code does.

use js_sys::{Function, Object, Promise, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

/// Where trunk puts the worker, relative to the page.
pub const WORKER_URL: &str = "./transform-worker.js";

/// The default wall-clock limit of one invocation.
pub const LIMIT_MS: u32 = 2_000;

/// Why an invocation produced no usable output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SandboxError {
    /// No reply within the limit; the worker was terminated.
    TimedOut { ms: u32 },
    /// The handler threw (or its promise rejected).
    Threw(String),
    /// The code does not compile, or defines no `handler`.
    Compile(String),
    /// The handler returned something that is not `{records: [...]}`.
    NotRecords(String),
    /// The reply is larger than Lambda's 6 MB response limit.
    TooLarge(usize),
    /// The worker could not be started or failed outside the handler.
    NoWorker(String),
}

impl SandboxError {
    /// The reason in English, as it goes into the error-prefix record's
    /// `errorMessage` (AWS writes those in English too).
    pub fn reason(&self) -> String {
        match self {
            SandboxError::TimedOut { ms } => format!("timed out after {}", seconds(*ms)),
            SandboxError::Threw(m) => format!("threw: {m}"),
            SandboxError::Compile(m) => format!("does not compile: {m}"),
            SandboxError::NotRecords(m) => {
                format!("returned something that is not {{records: [...]}}: {m}")
            }
            SandboxError::TooLarge(n) => {
                format!("returned {n} characters, more than the 6 MB Lambda response limit")
            }
            SandboxError::NoWorker(m) => format!("the sandbox could not run the code: {m}"),
        }
    }
}

fn seconds(ms: u32) -> String {
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// One invocation's result and what the code logged.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub result: Result<String, SandboxError>,
    pub logs: Vec<String>,
}

struct Inner {
    worker: Option<Worker>,
    next_id: u64,
    busy: bool,
}

/// The worker and its invocations. Cheap to clone (shared state).
#[derive(Clone)]
pub struct Sandbox {
    inner: Rc<RefCell<Inner>>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

/// What settled an invocation's promise.
enum Settled {
    Reply(JsValue),
    Timeout,
    WorkerError(String),
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            inner: Rc::new(RefCell::new(Inner {
                worker: None,
                next_id: 1,
                busy: false,
            })),
        }
    }

    fn worker(&self) -> Result<Worker, String> {
        let mut inner = self.inner.borrow_mut();
        if let Some(w) = &inner.worker {
            return Ok(w.clone());
        }
        let w = Worker::new(WORKER_URL).map_err(|e| {
            e.as_string()
                .or_else(|| e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
                .unwrap_or_else(|| "Worker could not be created".into())
        })?;
        inner.worker = Some(w.clone());
        Ok(w)
    }

    /// Ends the worker (the page unmounts, or the code hung). The next
    /// invocation starts a fresh one.
    pub fn shutdown(&self) {
        if let Some(w) = self.inner.borrow_mut().worker.take() {
            w.set_onmessage(None);
            w.set_onerror(None);
            w.terminate();
        }
    }

    /// Whether an invocation is in flight.
    pub fn busy(&self) -> bool {
        self.inner.borrow().busy
    }

    /// Runs `code`'s handler on the Lambda event `input` (JSON text) and
    /// returns its output as JSON text, or why there is none.
    pub async fn run(&self, code: &str, input: &str, limit_ms: u32) -> Outcome {
        let fail = |e| Outcome {
            result: Err(e),
            logs: Vec::new(),
        };
        if self.busy() {
            return fail(SandboxError::NoWorker(
                "another invocation is still running".into(),
            ));
        }
        let worker = match self.worker() {
            Ok(w) => w,
            Err(e) => return fail(SandboxError::NoWorker(e)),
        };
        let id = {
            let mut inner = self.inner.borrow_mut();
            inner.busy = true;
            inner.next_id += 1;
            inner.next_id
        };
        let settled = invoke(&worker, id, code, input, limit_ms).await;
        self.inner.borrow_mut().busy = false;
        match settled {
            Settled::Timeout => {
                self.shutdown();
                fail(SandboxError::TimedOut { ms: limit_ms })
            }
            Settled::WorkerError(m) => {
                self.shutdown();
                fail(SandboxError::NoWorker(m))
            }
            Settled::Reply(data) => read_reply(&data),
        }
    }
}

/// Posts one message and waits for its reply, the limit or a worker error.
async fn invoke(worker: &Worker, id: u64, code: &str, input: &str, limit_ms: u32) -> Settled {
    let msg = Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&msg, &JsValue::from_str(k), &v).is_ok();
    if !(set("id", JsValue::from_f64(id as f64))
        && set("code", JsValue::from_str(code))
        && set("input", JsValue::from_str(input)))
    {
        return Settled::WorkerError("could not build the message".into());
    }

    // The handlers settle the promise; they are kept alive here until then.
    let mut on_message = None::<Closure<dyn FnMut(MessageEvent)>>;
    let mut on_error = None::<Closure<dyn FnMut(Event)>>;
    let mut on_timeout = None::<Closure<dyn FnMut()>>;
    let promise = Promise::new(&mut |resolve: Function, _reject: Function| {
        let r = resolve.clone();
        let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            let data = ev.data();
            let same = Reflect::get(&data, &JsValue::from_str("id"))
                .ok()
                .and_then(|v| v.as_f64())
                == Some(id as f64);
            if same {
                let wrapped = Object::new();
                let _ = Reflect::set(&wrapped, &JsValue::from_str("reply"), &data);
                let _ = r.call1(&JsValue::NULL, &wrapped);
            }
        });
        worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        on_message = Some(handler);

        let r = resolve.clone();
        let handler = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
            // Stop the browser reporting it again as an uncaught error.
            ev.prevent_default();
            let what = ev
                .dyn_ref::<ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| format!("{WORKER_URL} did not load"));
            let _ = r.call1(&JsValue::NULL, &JsValue::from_str(&format!("error:{what}")));
        });
        worker.set_onerror(Some(handler.as_ref().unchecked_ref()));
        on_error = Some(handler);

        let handler = Closure::<dyn FnMut()>::new(move || {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str("timeout"));
        });
        on_timeout = Some(handler);
    });
    let timer = on_timeout.as_ref().and_then(|h| {
        web_sys::window().and_then(|w| {
            w.set_timeout_with_callback_and_timeout_and_arguments_0(
                h.as_ref().unchecked_ref(),
                limit_ms.min(i32::MAX as u32) as i32,
            )
            .ok()
        })
    });
    let settled = if let Err(e) = worker.post_message(&msg) {
        Settled::WorkerError(e.as_string().unwrap_or_else(|| "postMessage failed".into()))
    } else {
        match JsFuture::from(promise).await {
            Ok(v) => match v.as_string() {
                Some(s) if s == "timeout" => Settled::Timeout,
                Some(s) => Settled::WorkerError(s.trim_start_matches("error:").to_owned()),
                None => Settled::Reply(
                    Reflect::get(&v, &JsValue::from_str("reply")).unwrap_or(JsValue::UNDEFINED),
                ),
            },
            Err(_) => Settled::WorkerError("the invocation was rejected".into()),
        }
    };
    if let (Some(t), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(t);
    }
    worker.set_onmessage(None);
    worker.set_onerror(None);
    drop((on_message, on_error, on_timeout));
    settled
}

fn read_reply(data: &JsValue) -> Outcome {
    let get = |k: &str| Reflect::get(data, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let text = |k: &str| get(k).as_string().unwrap_or_default();
    let logs = js_sys::Array::from(&get("logs"))
        .iter()
        .filter_map(|v| v.as_string())
        .take(50)
        .collect();
    let result = if get("ok").as_bool() == Some(true) {
        Ok(text("output"))
    } else {
        let message = text("message");
        Err(match text("kind").as_str() {
            "compile" => SandboxError::Compile(message),
            "threw" => SandboxError::Threw(message),
            "shape" => SandboxError::NotRecords(message),
            "size" => SandboxError::TooLarge(message.parse().unwrap_or(0)),
            _ => SandboxError::NoWorker(format!("unexpected reply {message}")),
        })
    };
    Outcome { result, logs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_the_brief_says() {
        assert_eq!(SandboxError::TimedOut { ms: 2000 }.reason(), "timed out after 2 s");
        assert_eq!(SandboxError::TimedOut { ms: 1500 }.reason(), "timed out after 1.5 s");
        assert_eq!(SandboxError::Threw("Error: bad".into()).reason(), "threw: Error: bad");
        assert!(SandboxError::NotRecords("42".into())
            .reason()
            .starts_with("returned something that is not {records: [...]}"));
    }
}
