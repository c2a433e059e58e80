//! The lazily loaded Parquet encoder: a dedicated Web Worker.
//!
//! The page (app/src/parquet.rs) starts it only when a student downloads a
//! `.parquet` object, so the first load does not carry the Parquet writer.
//! Protocol: the worker posts `"ready"` once its module runs; the page then
//! posts one job (core's `firehose::job::encode_job` text) and gets back
//! `{ok: Uint8Array}` or `{error: "…"}`.

use kinesis_lab_core::firehose::{job::decode_job, parquet::write_parquet};
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

fn encode(data: &JsValue) -> Result<Vec<u8>, String> {
    let text = data.as_string().ok_or("job: expected text")?;
    let (schema, rows) = decode_job(&text)?;
    write_parquet(&schema, &rows)
}

fn reply(result: Result<Vec<u8>, String>) -> JsValue {
    let out = js_sys::Object::new();
    let (key, value): (&str, JsValue) = match result {
        Ok(bytes) => ("ok", js_sys::Uint8Array::from(&bytes[..]).into()),
        Err(e) => ("error", e.into()),
    };
    // Setting a property on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&out, &key.into(), &value);
    out.into()
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let answer = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let _ = answer.post_message(&reply(encode(&e.data())));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&"ready".into());
}
