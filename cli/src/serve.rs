//! `kinesis-lab serve`: a local Kinesis Data Streams endpoint on 127.0.0.1,
//! speaking the JSON 1.1 protocol (POST /, `X-Amz-Target`,
//! `application/x-amz-json-1.1`), for the real AWS CLI and SDKs. SigV4
//! headers are accepted and not verified. Simulated time follows the wall
//! clock here; the engine is the same code the browser runs.

use clap::Args;
use kinesis_lab_core::api::error::{ApiError, ErrorType};
use kinesis_lab_core::api::handle;
use kinesis_lab_core::stream::engine::Engine;
use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};
use tiny_http::{Header, Method, Response, Server};

#[derive(Args)]
pub struct ServeArgs {
    #[arg(long, default_value_t = 4567)]
    port: u16,
    /// Address to listen on. Only loopback is sensible: nothing is authenticated.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
}

/// Largest request body read (PutRecords allows 5 MiB of data, base64 adds a third).
const MAX_BODY: u64 = 8 * 1024 * 1024;

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

pub fn run(args: &ServeArgs, err: &mut dyn Write) -> io::Result<ExitCode> {
    let addr = format!("{}:{}", args.host, args.port);
    let server = match Server::http(&addr) {
        Ok(s) => s,
        Err(e) => {
            writeln!(err, "error: cannot listen on {addr}: {e}")?;
            return Ok(ExitCode::from(2));
        }
    };
    writeln!(err, "kinesis-lab: Kinesis endpoint on http://{addr} (use: aws --endpoint-url http://{addr} kinesis ...)")?;
    let mut engine = Engine::new();
    for mut request in server.incoming_requests() {
        let target = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("X-Amz-Target"))
            .map(|h| h.value.as_str().to_owned());
        let mut body = Vec::new();
        let read = request.as_reader().take(MAX_BODY).read_to_end(&mut body);
        let result = match (request.method(), target, read) {
            (Method::Post, Some(target), Ok(_)) => handle(&mut engine, now_ms(), &target, &body),
            (Method::Post, None, _) => Err(ApiError::new(
                ErrorType::UnknownOperationException,
                "Missing X-Amz-Target header.",
            )),
            (_, _, Err(e)) => Err(ApiError::new(
                ErrorType::SerializationException,
                format!("Could not read the body: {e}"),
            )),
            _ => Err(ApiError::new(
                ErrorType::UnknownOperationException,
                "Send POST / with an X-Amz-Target header.",
            )),
        };
        let (status, json, kind) = match result {
            Ok(v) => (200, v, None),
            Err(e) => (400, e.body(), Some(e.kind.name())),
        };
        let mut response = Response::from_string(json.to_string())
            .with_status_code(status)
            .with_header(header("Content-Type", "application/x-amz-json-1.1"))
            .with_header(header("x-amzn-RequestId", &format!("{:032x}", now_ms())));
        if let Some(kind) = kind {
            response = response.with_header(header("x-amzn-ErrorType", kind));
        }
        // A client that hung up is not the server's problem.
        let _ = request.respond(response);
    }
    Ok(ExitCode::SUCCESS)
}
