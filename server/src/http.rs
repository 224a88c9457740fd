//! HTTP plumbing shared by the routes: the error JSON with its status, reading a bounded body,
//! query parameters, and the middleware (access log, in-flight cap, timeouts, error bodies).

use crate::app::App;
use crate::AccessLog;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

/// The peer address of the connection a request came on (set by the accept loop).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Peer(pub SocketAddr);

pub(crate) const JSON: &str = "application/json";
pub(crate) const NDJSON: &str = "application/x-ndjson";

/// An error answer: the published error JSON (`{"error": {"kind", "message"}}`) with a status.
#[derive(Debug)]
pub(crate) struct HttpError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub message: String,
    pub headers: Vec<(header::HeaderName, HeaderValue)>,
}

impl HttpError {
    pub fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        HttpError {
            status,
            kind,
            message: message.into(),
            headers: Vec::new(),
        }
    }
    /// 400, kind `input`.
    pub fn input(message: impl Into<String>) -> Self {
        HttpError::new(StatusCode::BAD_REQUEST, "input", message)
    }
    pub fn with_header(mut self, name: header::HeaderName, value: &str) -> Self {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.push((name, v));
        }
        self
    }
    /// An error of `api` at its usual status: `input` 400, `data` 422, else 500.
    pub fn api(e: api::ApiError) -> Self {
        let status = match e.kind {
            "input" => StatusCode::BAD_REQUEST,
            "data" => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        HttpError {
            status,
            kind: e.kind,
            message: e.message,
            headers: Vec::new(),
        }
    }
    /// The body: what `api::ApiError::to_json` gives (the C ABI's error document), with
    /// a newline.
    pub fn body(&self) -> String {
        let e = api::ApiError {
            kind: self.kind,
            message: api::shorten_lines(&self.message),
        };
        format!("{}\n", e.to_json())
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let mut r = text_response(self.status, JSON, self.body());
        for (k, v) in self.headers {
            r.headers_mut().insert(k, v);
        }
        r
    }
}

/// A response with a body of one text.
pub(crate) fn text_response(
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// What a CLI command prints for a result text: the text and the newline of `println!`.
pub(crate) fn printed(status: StatusCode, text: String) -> Response {
    let mut body = text;
    body.push('\n');
    text_response(status, JSON, body)
}

/// The name a request body is parsed under: it picks the format (`api` reads TOML when
/// the name ends in `.toml`) and starts error messages, as a file name does in the CLI's.
pub(crate) fn body_name(headers: &HeaderMap) -> &'static str {
    let toml = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|t| {
            matches!(
                t.as_str(),
                "application/toml" | "text/toml" | "application/x-toml"
            )
        });
    if toml {
        "request.toml"
    } else {
        "request.json"
    }
}

/// The request body as bytes, at most `max` (413 above; checked against `Content-Length`
/// before reading).
pub(crate) async fn read_bytes(
    headers: &HeaderMap,
    body: Body,
    max: usize,
) -> Result<Bytes, HttpError> {
    let too_large = || {
        HttpError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "input",
            format!("the request body is larger than {max} bytes (santei serve --max-body)"),
        )
        .with_header(header::CONNECTION, "close")
    };
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > max as u64 {
            return Err(too_large());
        }
    }
    match http_body_util::Limited::new(body, max).collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(too_large()),
        Err(e) => Err(HttpError::input(format!("reading the request body: {e}"))),
    }
}

/// The request body as UTF-8 text, at most `max` bytes.
pub(crate) async fn read_text(
    headers: &HeaderMap,
    body: Body,
    max: usize,
) -> Result<String, HttpError> {
    let bytes = read_bytes(headers, body, max).await?;
    String::from_utf8(bytes.into()).map_err(|e| {
        HttpError::input(format!(
            "the request body is not UTF-8 text (byte {}); santei reads UTF-8 JSON or TOML",
            e.utf8_error().valid_up_to() + 1
        ))
    })
}

/// The query parameters, each at most once, only those in `allowed`.
pub(crate) fn params(
    query: Option<&str>,
    allowed: &[&str],
) -> Result<BTreeMap<String, String>, HttpError> {
    let mut out = BTreeMap::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if !allowed.contains(&k.as_ref()) {
            let takes = if allowed.is_empty() {
                "no parameters".to_string()
            } else {
                allowed.join(", ")
            };
            return Err(HttpError::input(format!(
                "unknown parameter {k:?} (this path takes {takes})"
            )));
        }
        if out.insert(k.to_string(), v.to_string()).is_some() {
            return Err(HttpError::input(format!("parameter {k:?} given twice")));
        }
    }
    Ok(out)
}

/// A required parameter.
pub(crate) fn required<'a>(
    p: &'a BTreeMap<String, String>,
    name: &str,
    form: &str,
) -> Result<&'a str, HttpError> {
    p.get(name)
        .map(String::as_str)
        .ok_or_else(|| HttpError::input(format!("{name}: missing (give ?{name}={form})")))
}

// ───────────────────────────── body wrappers ─────────────────────────────

/// A response body that runs `on_end(bytes sent)` once, when it has been sent or dropped (the
/// client went away), and holds `keep` (an in-flight permit) until then.
pub(crate) struct Tracked<K: Send + 'static> {
    inner: Body,
    bytes: u64,
    on_end: Option<Box<dyn FnOnce(u64) + Send>>,
    _keep: K,
}

impl<K: Send + Unpin + 'static> Tracked<K> {
    pub fn new(inner: Body, keep: K, on_end: Option<Box<dyn FnOnce(u64) + Send>>) -> Self {
        Tracked {
            inner,
            bytes: 0,
            on_end,
            _keep: keep,
        }
    }
    fn end(&mut self) {
        if let Some(f) = self.on_end.take() {
            f(self.bytes);
        }
    }
}

impl<K: Send + Unpin + 'static> http_body::Body for Tracked<K> {
    type Data = Bytes;
    type Error = axum::Error;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        let r = Pin::new(&mut self.inner).poll_frame(cx);
        match &r {
            Poll::Ready(Some(Ok(f))) => {
                if let Some(d) = f.data_ref() {
                    self.bytes += d.len() as u64;
                }
            }
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => self.end(),
            Poll::Pending => {}
        }
        r
    }
    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }
    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

impl<K: Send + 'static> Drop for Tracked<K> {
    fn drop(&mut self) {
        if let Some(f) = self.on_end.take() {
            f(self.bytes);
        }
    }
}

// ───────────────────────────── middleware ─────────────────────────────

/// The access log: one JSON line per request, written when its body has been sent.
pub(crate) async fn access_log(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let sink = match &app.access_log {
        AccessLog::Off => return next.run(req).await,
        AccessLog::Stderr => None,
        AccessLog::Custom(f) => Some(f.clone()),
    };
    let start = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let remote = req.extensions().get::<Peer>().map(|p| p.0.to_string());
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let (parts, body) = res.into_parts();
    let on_end = move |bytes: u64| {
        let line = serde_json::json!({
            "time": now(),
            "remote": remote,
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": (start.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            "bytes": bytes,
        })
        .to_string();
        match &sink {
            Some(f) => f(line),
            None => log_line(&line),
        }
    };
    Response::from_parts(
        parts,
        Body::new(Tracked::new(body, (), Some(Box::new(on_end)))),
    )
}

/// The time of day, UTC, RFC 3339 with milliseconds.
pub(crate) fn now() -> String {
    chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now())
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// One line on standard error, in one write.
pub(crate) fn log_line(line: &str) {
    use std::io::Write;
    let mut s = String::with_capacity(line.len() + 1);
    s.push_str(line);
    s.push('\n');
    let _ = std::io::stderr().lock().write_all(s.as_bytes());
}

/// At most `max_concurrent` requests are answered at once; the others wait in line (FIFO) for
/// up to the request timeout, then get 503. The permit is held until the response body has
/// been sent (a streamed batch counts as in flight until its last line).
pub(crate) async fn limit_in_flight(
    State(app): State<Arc<App>>,
    req: Request,
    next: Next,
) -> Response {
    let sem = app.in_flight.clone();
    let permit = match sem.clone().try_acquire_owned() {
        Ok(p) => p,
        Err(_) => match tokio::time::timeout(app.limits.request_timeout, sem.acquire_owned()).await {
            Ok(Ok(p)) => p,
            _ => {
                return HttpError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    format!(
                        "busy: {} requests are being answered and this one waited {} s (santei serve --max-concurrent); try again",
                        app.limits.max_concurrent,
                        app.limits.request_timeout.as_secs_f64()
                    ),
                )
                .with_header(header::RETRY_AFTER, "1")
                .into_response()
            }
        },
    };
    let res = next.run(req).await;
    let (parts, body) = res.into_parts();
    Response::from_parts(parts, Body::new(Tracked::new(body, permit, None)))
}

/// The whole request (body read and answer) within the request timeout, else 408.
pub(crate) async fn request_timeout(
    State(app): State<Arc<App>>,
    req: Request,
    next: Next,
) -> Response {
    let limit = app.limits.request_timeout;
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => HttpError::new(
            StatusCode::REQUEST_TIMEOUT,
            "input",
            format!(
                "the request was not complete within {} s (santei serve --request-timeout)",
                limit.as_secs_f64()
            ),
        )
        .with_header(header::CONNECTION, "close")
        .into_response(),
    }
}

/// Error answers made by the router or the file service (no body, no content type) get the
/// error JSON; API answers get `Cache-Control: no-store`.
pub(crate) async fn error_bodies(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let status = res.status();
    if (status.is_client_error() || status.is_server_error())
        && !res.headers().contains_key(header::CONTENT_TYPE)
    {
        let allow = res
            .headers()
            .get(header::ALLOW)
            .and_then(|v| v.to_str().ok())
            .map(String::from);
        let (kind, message) = match status {
            StatusCode::NOT_FOUND => ("input", format!("no such path: {path}")),
            StatusCode::METHOD_NOT_ALLOWED => (
                "input",
                format!(
                    "{method} is not allowed on {path} (allowed: {})",
                    allow.as_deref().unwrap_or("none")
                ),
            ),
            s if s.is_client_error() => ("input", format!("{path}: {s}")),
            s => ("internal", format!("{path}: {s}")),
        };
        let body = HttpError::new(status, kind, message).body();
        let (mut parts, _) = res.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_ENCODING);
        parts
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
        res = Response::from_parts(parts, Body::from(body));
    }
    if path.starts_with("/v1/") || path == "/healthz" {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// A caught panic (a bug in santei) as a 500 error JSON.
pub(crate) fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    HttpError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        format!("internal error (please report it with the input): {what}"),
    )
    .into_response()
}
