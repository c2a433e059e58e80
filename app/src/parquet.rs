//! Parquet bytes for a format-converted object, from the lazily loaded
//! encoder (app/parquet-worker, a Web Worker that trunk builds beside the
//! page). The first load carries no Parquet code: the worker's module is
//! fetched the first time a student downloads a `.parquet` object.
//!
//! One worker per download: start it, wait for its `"ready"`, post the job
//! (core's `firehose::job::encode_job` text), take the reply, terminate it.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// The worker's loader, next to index.html (relative, so sub-path hosting works).
const WORKER_URL: &str = "./parquet-worker_loader.js";

/// Encode `job` to Parquet in the worker. The error says what went wrong
/// in words a student can act on (the encoder could not be loaded, or the
/// rows were refused and why).
pub async fn encode(job: String) -> Result<Vec<u8>, String> {
    let worker = Worker::new(WORKER_URL)
        .map_err(|e| format!("could not start the Parquet encoder: {}", describe(&e)))?;
    let result = run(&worker, job).await;
    worker.terminate();
    result
}

async fn run(worker: &Worker, job: String) -> Result<Vec<u8>, String> {
    // The closures must outlive the promise; they are dropped with `keep`.
    let keep: Rc<RefCell<Vec<Box<dyn std::any::Any>>>> = Rc::default();
    let keep2 = keep.clone();
    let w = worker.clone();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let job = job.clone();
        let w2 = w.clone();
        let reject2 = reject.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            if data.as_string().as_deref() == Some("ready") {
                if let Err(err) = w2.post_message(&JsValue::from_str(&job)) {
                    let _ = reject2.call1(&JsValue::NULL, &JsValue::from_str(&describe(&err)));
                }
            } else {
                let _ = resolve.call1(&JsValue::NULL, &data);
            }
        });
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
            let msg = if e.message().is_empty() {
                "the Parquet encoder could not be loaded".to_string()
            } else {
                e.message()
            };
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&msg));
        });
        w.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        w.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        keep2.borrow_mut().push(Box::new(on_message));
        keep2.borrow_mut().push(Box::new(on_error));
    });
    let reply = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|e| describe(&e));
    worker.set_onmessage(None);
    worker.set_onerror(None);
    drop(keep);
    let reply = reply?;
    let ok = js_sys::Reflect::get(&reply, &"ok".into()).unwrap_or(JsValue::UNDEFINED);
    if let Some(bytes) = ok.dyn_ref::<js_sys::Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    let err = js_sys::Reflect::get(&reply, &"error".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| "the Parquet encoder sent an answer the page does not understand".into());
    Err(err)
}

fn describe(v: &JsValue) -> String {
    v.as_string()
        .or_else(|| v.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
        .unwrap_or_else(|| format!("{v:?}"))
}
