//! # server — santei as a local HTTP service (`santei serve`)
//!
//! Job: answer santei's JSON interface over HTTP for programs written in any language, and serve
//! the browser page, on a maintained stack (hyper for HTTP/1.1, axum for routing, tower-http for
//! static files and compression, tokio underneath).
//!
//! | route | what it answers |
//! |---|---|
//! | `POST /v1/calc`, `/v1/copay`, `/v1/tier?from=&to=` | exactly what `santei calc` / `copay` / `tier` print |
//! | `POST /v1/batch[?trace=false]` | JSON lines in, JSON lines out, streamed, one record per input line, in order ([`batch`]) |
//! | `POST /v1/uke/audit` | 501 until the UKE audit exists (see [`routes`]) |
//! | `GET /v1/master/{code}?date=`, `/v1/master/diff?from=&to=`, `/v1/version` | `santei master show` / `master diff` / `version` |
//! | `GET /v1/openapi.json` | an OpenAPI 3.1 document built from `schemas/v1/` ([`openapi`]) |
//! | `POST /v1/admin/reload` | the official data read again and swapped in atomically |
//! | `GET /healthz` | `{"status": "ok"}` |
//! | anything else (`GET`/`HEAD`) | the page folder (precompressed `.br`/`.gz` beside a file are used when fresh) |
//!
//! Invariants:
//! - The handlers call the same functions of `api` the CLI prints from, and send their
//!   text plus the newline `println!` adds: the bytes equal the CLI's. Errors are the published
//!   error JSON (`{"error": {"kind", "message"}}`, `schemas/v1/error.json`): 400 for bad
//!   input, 422 for a claim whose `errors` is not empty (the body is then the result itself, as
//!   the CLI prints it before exiting 1), 404/405 (with `Allow`), 408, 413, 503 when busy; 500
//!   only for a bug (a caught panic) or a failed reload, never for input.
//! - Every request is bounded: header size and time, body size, whole-request time (for batch:
//!   the longest pause and the whole batch), the time an answer may stay unread, in-flight
//!   requests (a FIFO queue behind a semaphore whose permit lives until the response body has
//!   been sent), open connections (the accept loop waits: backpressure reaches the client as
//!   a slower connect).
//! - The engine is behind an atomic pointer ([`arc_swap`]): a request takes the engine of the
//!   moment it starts and finishes on it; a reload builds the new engine first and swaps it in
//!   only when it loaded, so a failed reload leaves the old one serving.
//! - Shutdown (SIGTERM, SIGINT, [`Running::shutdown`]) stops accepting, lets requests in
//!   flight finish (up to [`Limits::shutdown_timeout`]) and closes idle connections.
//! - One JSON line per request to the access log (method, path, status, duration_ms, bytes),
//!   written when the response body has been sent.

pub mod batch;
pub mod openapi;

mod app;
mod http;
mod listen;
mod page;
mod routes;

pub use app::{load_engine, DataSource, LoadError};
pub use listen::{bind, run, start, Running, ServeError, BACKLOG};

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The bounds every request is held to (`santei serve --help` lists the flags).
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest request body of one call (413 above). For `/v1/batch`, the longest line.
    pub max_body: usize,
    /// Largest request line and headers together (431 above, answered by hyper).
    pub max_header: usize,
    /// The request line and headers must arrive within this; a keep-alive connection idle
    /// this long is closed.
    pub header_timeout: Duration,
    /// After the headers: the body and the answer within this (408). For `/v1/batch`, the
    /// longest pause between two pieces of the body. Also the longest a client may leave the
    /// answer unread (writing blocked) before its connection is closed.
    pub request_timeout: Duration,
    /// The longest a whole `/v1/batch` request may take.
    pub batch_timeout: Duration,
    /// Requests being answered at once; more wait in line (FIFO) for up to `request_timeout`,
    /// then get 503 with `Retry-After`.
    pub max_concurrent: usize,
    /// Open connections; when reached the server stops accepting until one closes (the
    /// kernel's backlog holds the rest).
    pub max_connections: usize,
    /// On shutdown, how long requests in flight may take to finish.
    pub shutdown_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 1 << 20,
            max_header: 16 << 10,
            header_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            batch_timeout: Duration::from_secs(300),
            max_concurrent: 64,
            max_connections: 512,
            shutdown_timeout: Duration::from_secs(30),
        }
    }
}

/// Who may call `POST /v1/admin/reload`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AdminAccess {
    /// Only clients on this machine (a loopback peer address), and no cross-site browser
    /// request (an `Origin` other than the server's own is refused).
    #[default]
    Loopback,
    /// Any client that can reach the server (put it behind your own access control).
    Any,
    /// The admin route answers 403; reload with SIGHUP instead.
    Off,
}

/// Where the access log goes.
#[derive(Clone, Default)]
pub enum AccessLog {
    /// One JSON line per request on standard error.
    #[default]
    Stderr,
    /// No access log.
    Off,
    /// Each line (without its newline) handed to a function (embedding, tests).
    Custom(Arc<dyn Fn(String) + Send + Sync>),
}

impl std::fmt::Debug for AccessLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AccessLog::Stderr => "Stderr",
            AccessLog::Off => "Off",
            AccessLog::Custom(_) => "Custom",
        })
    }
}

/// Everything `santei serve` is started with.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The browser page's folder (`wasm/build-page` builds `wasm/www`); `None` serves the API
    /// alone.
    pub page: Option<PathBuf>,
    /// The data the engine is built from, read again on every reload.
    pub data: DataSource,
    pub limits: Limits,
    pub admin: AdminAccess,
    pub access_log: AccessLog,
}

/// The routes this server answers (method, path as in the OpenAPI document). The OpenAPI
/// document has exactly these paths and operations (tested).
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/v1/calc"),
    ("post", "/v1/copay"),
    ("post", "/v1/tier"),
    ("post", "/v1/batch"),
    ("post", "/v1/uke/audit"),
    ("get", "/v1/master/{code}"),
    ("get", "/v1/master/diff"),
    ("get", "/v1/version"),
    ("get", "/v1/openapi.json"),
    ("post", "/v1/admin/reload"),
    ("get", "/healthz"),
];
