//! `kinesis-lab serve`: a local Kinesis Data Streams endpoint on 127.0.0.1,
//! speaking the JSON 1.1 protocol (POST /, `X-Amz-Target`,
//! `application/x-amz-json-1.1`), for the real AWS CLI and SDKs. SigV4
//! headers are accepted and not verified. Simulated time follows the wall
//! clock here; the engine is the same code the browser runs.
//!
//! SubscribeToShard answers with an AWS event stream over a chunked HTTP/1.1
//! body, one chunk per message, written and flushed as it happens: each open
//! subscription gets a thread that, every half push delay, locks the shared
//! engine and asks `api::subscribe` what to send. The thread ends when the
//! subscription's five minutes are over, when its closed shard has been
//! delivered (the event with `ChildShards`), when it fails (taken over,
//! consumer deregistered), or when the client hangs up (a write fails).

use clap::Args;
use kinesis_lab_core::api::error::{ApiError, ErrorType};
use kinesis_lab_core::api::eventstream;
use kinesis_lab_core::api::handle;
use kinesis_lab_core::api::subscribe::{is_subscribe, OpenSubscription, Push, Subscriptions};
use kinesis_lab_core::stream::engine::{Engine, PUSH_PROPAGATION_MS};
use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::sync::{mpsc, Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tiny_http::{HTTPVersion, Header, Method, Request, Response, Server};

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

/// How often an open subscription asks the engine for pushed records: half
/// the push delay, so a record reaches the client 70 to 105 ms after it
/// arrived.
const POLL: Duration = Duration::from_millis(PUSH_PROPAGATION_MS / 2);
/// With nothing to push, an empty event (progress only) goes out this
/// often. It also finds out, by failing to write, that a client has gone.
/// The lab's choice, not a documented AWS figure.
const HEARTBEAT: Duration = Duration::from_secs(1);
/// How long the main thread waits for a request before it prints what the
/// subscription threads reported.
const LOG_EVERY: Duration = Duration::from_millis(250);
/// Open subscriptions (one thread each) the endpoint accepts at once.
const MAX_OPEN_SUBSCRIPTIONS: usize = 256;

/// What every request thread shares: the engine and the subscriptions.
struct Endpoint {
    engine: Engine,
    subscriptions: Subscriptions,
}

type Shared = Arc<Mutex<Endpoint>>;

/// The engine never panics on input (a core rule); should a thread panic
/// while holding the lock anyway, keep serving rather than panic in turn.
fn lock(shared: &Shared) -> MutexGuard<'_, Endpoint> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
    let shared: Shared = Arc::new(Mutex::new(Endpoint {
        engine: Engine::new(),
        subscriptions: Subscriptions::new(),
    }));
    // Subscription threads report here; the main thread, which holds
    // stderr, prints their lines between requests.
    let (log, log_lines) = mpsc::channel::<String>();
    loop {
        for line in log_lines.try_iter() {
            let _ = writeln!(err, "kinesis-lab: {line}");
        }
        let mut request = match server.recv_timeout(LOG_EVERY) {
            Ok(Some(request)) => request,
            Ok(None) => continue,
            Err(e) => {
                let _ = writeln!(err, "kinesis-lab: could not accept a connection: {e}");
                continue;
            }
        };
        let target = request
            .headers()
            .iter()
            .find(|h| h.field.equiv("X-Amz-Target"))
            .map(|h| h.value.as_str().to_owned());
        let mut body = Vec::new();
        let read = request.as_reader().take(MAX_BODY).read_to_end(&mut body);
        let result = match (request.method(), target, read) {
            (Method::Post, Some(target), Ok(_)) if is_subscribe(&target) => {
                match subscribe(&shared, &request, &body) {
                    Ok(open) => {
                        start_stream(&shared, &log, request, open);
                        continue;
                    }
                    Err(e) => Err(e),
                }
            }
            (Method::Post, Some(target), Ok(_)) => {
                handle(&mut lock(&shared).engine, now_ms(), &target, &body)
            }
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
}

/// Opens a subscription, or says why not (an ordinary JSON error).
fn subscribe(
    shared: &Shared,
    request: &Request,
    body: &[u8],
) -> Result<OpenSubscription, ApiError> {
    if *request.http_version() < HTTPVersion(1, 1) {
        return Err(ApiError::new(
            ErrorType::InvalidArgumentException,
            "SubscribeToShard streams its events in chunks, which needs HTTP/1.1.",
        ));
    }
    let mut guard = lock(shared);
    let ep = &mut *guard;
    if ep.subscriptions.open_count() >= MAX_OPEN_SUBSCRIPTIONS {
        return Err(ApiError::new(
            ErrorType::LimitExceededException,
            format!("This endpoint already serves {MAX_OPEN_SUBSCRIPTIONS} open subscriptions."),
        ));
    }
    ep.subscriptions.subscribe(&mut ep.engine, now_ms(), body)
}

/// An open subscription that closes itself however its thread ends
/// (normally, on a write error, by a panic, or if the thread never starts).
struct Streaming {
    shared: Shared,
    open: OpenSubscription,
}

impl Drop for Streaming {
    fn drop(&mut self) {
        lock(&self.shared).subscriptions.close(&self.open);
    }
}

/// Why a stream ended.
enum Finish {
    Expired,
    ShardEnd,
    Failed(String),
}

fn start_stream(
    shared: &Shared,
    log: &mpsc::Sender<String>,
    request: Request,
    open: OpenSubscription,
) {
    let streaming = Streaming {
        shared: Arc::clone(shared),
        open,
    };
    let thread_log = log.clone();
    let spawned = thread::Builder::new()
        .name("subscribe-to-shard".into())
        .spawn(move || {
            let mut streaming = streaming;
            let what = format!(
                "subscription of {} to {}",
                streaming.open.consumer_arn(),
                streaming.open.shard_id()
            );
            let mut out = request.into_writer();
            let why = match pump(&streaming.shared, &mut streaming.open, &mut *out) {
                Ok(Finish::Expired) => "its 5 minutes are over".to_owned(),
                Ok(Finish::ShardEnd) => "the shard is closed and fully delivered".to_owned(),
                Ok(Finish::Failed(why)) => why,
                Err(e) => format!("the client went away ({e})"),
            };
            // The main thread may be gone already; then nobody reads logs.
            let _ = thread_log.send(format!("{what} ended: {why}"));
        });
    // If the thread cannot start, the request and the subscription are
    // dropped with the closure: tiny_http answers 500, and `Streaming`
    // closes the subscription.
    if let Err(e) = spawned {
        let _ = log.send(format!("cannot start a subscription thread: {e}"));
    }
}

/// Writes one HTTP chunk and sends it now.
fn chunk(out: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    write!(out, "{:x}\r\n", bytes.len())?;
    out.write_all(bytes)?;
    out.write_all(b"\r\n")?;
    out.flush()
}

/// The whole response of one subscription. tiny_http's own chunked
/// responses gather 8 KiB before they send anything, so the head and the
/// chunks are written here, each event flushed as it is made.
fn pump(shared: &Shared, open: &mut OpenSubscription, out: &mut dyn Write) -> io::Result<Finish> {
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nTransfer-Encoding: chunked\r\nx-amzn-RequestId: {:032x}\r\n\r\n",
        eventstream::CONTENT_TYPE,
        now_ms()
    )?;
    chunk(out, &eventstream::initial_response())?;
    let mut last_sent = Instant::now();
    let end = loop {
        thread::sleep(POLL);
        let step = {
            let mut guard = lock(shared);
            let ep = &mut *guard;
            ep.subscriptions.next(&mut ep.engine, now_ms(), open)
        };
        match step {
            Push::Event {
                payload,
                records,
                shard_end,
            } => {
                if records > 0 || shard_end || last_sent.elapsed() >= HEARTBEAT {
                    match eventstream::event("SubscribeToShardEvent", &payload) {
                        Ok(bytes) => chunk(out, &bytes)?,
                        Err(e) => {
                            let err = ApiError::new(
                                ErrorType::InvalidArgumentException,
                                format!("The event could not be encoded: {e}."),
                            );
                            chunk(out, &eventstream::exception(&err))?;
                            break Finish::Failed(err.to_string());
                        }
                    }
                    last_sent = Instant::now();
                }
                if shard_end {
                    break Finish::ShardEnd;
                }
            }
            Push::Expired => break Finish::Expired,
            Push::Failed(err) => {
                chunk(out, &eventstream::exception(&err))?;
                break Finish::Failed(err.to_string());
            }
        }
    };
    // The last chunk: the response is complete and the connection reusable.
    out.write_all(b"0\r\n\r\n")?;
    out.flush()?;
    Ok(end)
}
