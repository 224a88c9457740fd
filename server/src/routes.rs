//! The routes: each handler calls the `api` function the matching CLI command prints
//! from, and answers its text with the newline `println!` adds.
//!
//! `POST /v1/uke/audit` reads the body as bytes (UKE files are CP932, not UTF-8) under the same
//! limits and answers with `api::uke_audit` (JSON lines).

use crate::app::App;
use crate::http::{
    access_log, body_name, error_bodies, limit_in_flight, panic_response, params, printed,
    read_bytes, read_text, request_timeout, required, text_response, HttpError, Peer, JSON, NDJSON,
};
use crate::AdminAccess;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::Response;
use axum::routing::{any, get, post};
use axum::{Extension, Router};
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;

type Answer = Result<Response, HttpError>;

/// Every route of [`crate::ROUTES`], the page as the fallback, and the middleware (outermost
/// first): access log, error bodies, panic → 500, compression (gzip/br when asked for), the
/// in-flight cap; the request timeout on every route but `/v1/batch` (which bounds itself).
pub(crate) fn router(app: Arc<App>) -> Router {
    let timed = Router::new()
        .route("/v1/calc", post(calc))
        .route("/v1/copay", post(copay))
        .route("/v1/tier", post(tier))
        .route("/v1/uke/audit", post(uke_audit))
        .route("/v1/master/diff", get(master_diff))
        .route("/v1/master/{code}", get(master_show))
        .route("/v1/version", get(version))
        .route("/v1/openapi.json", get(openapi))
        .route("/v1/admin/reload", post(reload))
        .route("/healthz", get(healthz))
        .route("/v1/{*rest}", any(unknown))
        .route_layer(from_fn_with_state(app.clone(), request_timeout));
    let inner = Router::new()
        .merge(timed)
        .route("/v1/batch", post(crate::batch::handler))
        .fallback(crate::page::handler)
        .layer(from_fn_with_state(app.clone(), limit_in_flight))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(app.clone());
    // The error bodies are written outside the routes: the router sets `Allow` of a 405 last.
    Router::new()
        .fallback_service(inner)
        .layer(from_fn(error_bodies))
        .layer(from_fn_with_state(app, access_log))
}

/// Whether a pretty-printed calc result has a non-empty top-level `errors` (the CLI exits 1
/// then). A top-level key of pretty JSON stands alone on a line indented by two spaces (a
/// string never holds a raw newline), so the marker cannot match inside a value; if the shape
/// ever changes the text is parsed instead.
pub(crate) fn has_errors(pretty: &str) -> bool {
    const KEY: &str = "\n  \"errors\": ";
    match pretty.find(KEY) {
        Some(i) => !pretty[i + KEY.len()..].starts_with("[]"),
        None => serde_json::from_str::<serde_json::Value>(pretty)
            .ok()
            .and_then(|v| {
                v.get("errors")
                    .and_then(|e| e.as_array())
                    .map(|a| !a.is_empty())
            })
            .unwrap_or(false),
    }
}

/// `POST /v1/calc`: one claim → `santei calc` (422 when its `errors` is not empty).
///
/// `?lang=ja` gives the texts in Japanese (the message catalog's wording; keys, ids and numbers
/// unchanged); the default is English (`lang=en`), byte-identical to `santei calc`.
async fn calc(State(app): State<Arc<App>>, uri: Uri, headers: HeaderMap, body: Body) -> Answer {
    let p = params(uri.query(), &["lang"])?;
    let lang = match p.get("lang") {
        None => api::Lang::En,
        Some(l) => match l.as_str() {
            "ja" => api::Lang::Ja,
            "en" => api::Lang::En,
            other => {
                return Err(HttpError::input(format!(
                    "lang: {other:?} is not one of ja, en"
                )))
            }
        },
    };
    let text = read_text(&headers, body, app.limits.max_body).await?;
    let engine = app.engine();
    let out = api::calc_output_in(&engine, body_name(&headers), &text, lang)
        .map(|(_, json)| json)
        .map_err(|e| HttpError::api(e.in_lang(lang)))?;
    let status = if has_errors(&out) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(printed(status, out))
}

/// `POST /v1/copay`: one receipt → `santei copay` (with the server's `--local`/`--tables`).
async fn copay(State(app): State<Arc<App>>, uri: Uri, headers: HeaderMap, body: Body) -> Answer {
    params(uri.query(), &[])?;
    let text = read_text(&headers, body, app.limits.max_body).await?;
    let engine = app.engine();
    let out = api::copay(&engine, body_name(&headers), &text).map_err(HttpError::api)?;
    Ok(printed(StatusCode::OK, out))
}

/// `POST /v1/tier?from=YYYY-MM[&to=YYYY-MM]`: a facility profile → `santei tier`.
async fn tier(State(app): State<Arc<App>>, uri: Uri, headers: HeaderMap, body: Body) -> Answer {
    let p = params(uri.query(), &["from", "to"])?;
    let from = required(&p, "from", "YYYY-MM")?;
    let to = p.get("to").map(String::as_str).unwrap_or(from);
    let text = read_text(&headers, body, app.limits.max_body).await?;
    let engine = app.engine();
    let out = api::tier(&engine, body_name(&headers), &text, from, to).map_err(HttpError::api)?;
    Ok(printed(StatusCode::OK, out))
}

/// `POST /v1/uke/audit`: a UKE file's bytes (CP932 as published) → the JSON lines of
/// `santei uke audit` (`application/x-ndjson`, the same bytes as `api::uke_audit` for a file
/// named `RECEIPTC.UKE`). The facts the UKE does not carry may be given as the JSON of
/// `santei uke audit --options` in the `X-Santei-Audit-Options` header; `?lang=ja` gives the
/// texts in Japanese (`santei uke audit --lang ja`).
async fn uke_audit(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let p = params(uri.query(), &["lang"])?;
    let lang = match p.get("lang").map(String::as_str) {
        None | Some("en") => api::Lang::En,
        Some("ja") => api::Lang::Ja,
        Some(other) => {
            return Err(HttpError::input(format!(
                "lang: {other:?} is not one of ja, en"
            )))
        }
    };
    let options = match headers.get("x-santei-audit-options") {
        Some(v) => Some(
            v.to_str()
                .map_err(|_| HttpError::input("X-Santei-Audit-Options: not visible ASCII JSON"))?
                .to_string(),
        ),
        None => None,
    };
    let bytes = read_bytes(&headers, body, app.limits.max_body).await?;
    let engine = app.engine();
    // Thousands of receipts take milliseconds to seconds: off the request threads.
    tokio::task::spawn_blocking(move || {
        let out = api::uke_audit_in(&engine, "RECEIPTC.UKE", &bytes, options.as_deref(), lang)
            .map_err(HttpError::api)?;
        Ok(text_response(StatusCode::OK, NDJSON, out))
    })
    .await
    .map_err(|e| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
}

/// `GET /v1/master/{code}?date=YYYY-MM-DD` → `santei master show` (404 when the code is not
/// valid on the date: the message names the dates it is valid).
async fn master_show(
    State(app): State<Arc<App>>,
    uri: Uri,
    code: Result<Path<String>, axum::extract::rejection::PathRejection>,
) -> Answer {
    let Path(code) = code.map_err(|e| HttpError::input(format!("code: {e}")))?;
    let p = params(uri.query(), &["date"])?;
    let date = required(&p, "date", "YYYY-MM-DD")?;
    let engine = app.engine();
    match api::master_show(&engine, &code, date) {
        Ok(out) => Ok(printed(StatusCode::OK, out)),
        Err(e) if e.kind == "data" => Err(HttpError::new(StatusCode::NOT_FOUND, "data", e.message)),
        Err(e) => Err(HttpError::api(e)),
    }
}

/// Whether the client asked for JSON lines (`Accept: application/x-ndjson`).
fn wants_lines(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| {
            let t = t.split(';').next().unwrap_or("").trim();
            t.eq_ignore_ascii_case(NDJSON) || t.eq_ignore_ascii_case("application/jsonl")
        })
}

/// `GET /v1/master/diff?from=YYYY-MM-DD&to=YYYY-MM-DD`: a JSON array (what `santei_master_diff`
/// returns, `schemas/v1/master-diff-output.json`), or with `Accept: application/x-ndjson`
/// exactly the JSON lines `santei master diff` prints.
async fn master_diff(State(app): State<Arc<App>>, uri: Uri, headers: HeaderMap) -> Answer {
    let p = params(uri.query(), &["from", "to"])?;
    let from = required(&p, "from", "YYYY-MM-DD")?.to_string();
    let to = required(&p, "to", "YYYY-MM-DD")?.to_string();
    let engine = app.engine();
    let lines = wants_lines(&headers);
    // A diff over years of official files takes milliseconds: off the request threads.
    tokio::task::spawn_blocking(move || {
        let entries = api::diff_entries(&engine, &from, &to).map_err(HttpError::api)?;
        if lines {
            let mut out = String::new();
            for d in &entries {
                let line = serde_json::to_string(d).map_err(|e| {
                    HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
                })?;
                out.push_str(&line);
                out.push('\n');
            }
            Ok(text_response(StatusCode::OK, NDJSON, out))
        } else {
            let out = api::render(&entries).map_err(HttpError::api)?;
            Ok(printed(StatusCode::OK, out))
        }
    })
    .await
    .map_err(|e| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
}

/// `GET /v1/version` → `santei version` (with the server's `--master`).
async fn version(State(app): State<Arc<App>>, uri: Uri) -> Answer {
    params(uri.query(), &[])?;
    let out = api::version(&app.engine(), None).map_err(HttpError::api)?;
    Ok(printed(StatusCode::OK, out))
}

/// `GET /v1/openapi.json`.
async fn openapi(State(app): State<Arc<App>>) -> Response {
    text_response(StatusCode::OK, JSON, app.openapi.clone())
}

/// `GET /healthz`.
async fn healthz() -> Response {
    text_response(StatusCode::OK, JSON, "{\"status\": \"ok\"}\n".into())
}

/// `POST /v1/admin/reload`: read the data again (`--master`, `--local`, `--tables`) and swap it
/// in; 200 with the new `santei version` report, or 500 (kind `data`) with the reason while the
/// data in use stays.
async fn reload(
    State(app): State<Arc<App>>,
    uri: Uri,
    headers: HeaderMap,
    peer: Option<Extension<Peer>>,
) -> Answer {
    params(uri.query(), &[])?;
    admin_allowed(&app, &headers, peer.map(|p| p.0 .0))?;
    // In a task of its own: a reload that outlasts the request timeout still completes.
    let task = tokio::spawn(async move { app.reload("POST /v1/admin/reload").await });
    let result = task.await.map_err(|e| {
        HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string())
    })?;
    match result {
        Ok(report) => Ok(printed(StatusCode::OK, report)),
        Err(message) => Err(HttpError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "data",
            message,
        )),
    }
}

fn admin_allowed(
    app: &App,
    headers: &HeaderMap,
    peer: Option<std::net::SocketAddr>,
) -> Result<(), HttpError> {
    let forbidden = |m: &str| HttpError::new(StatusCode::FORBIDDEN, "input", m);
    match app.admin {
        AdminAccess::Off => Err(forbidden(
            "the admin routes are off (santei serve --admin off); reload with SIGHUP",
        )),
        AdminAccess::Any => Ok(()),
        AdminAccess::Loopback => {
            let local = peer.is_some_and(|p| p.ip().to_canonical().is_loopback());
            if !local {
                return Err(forbidden(
                    "the admin routes answer only clients on this machine (santei serve --admin any allows others)",
                ));
            }
            // A page of another site open in a browser on this machine must not reload.
            if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
                let host = headers
                    .get(header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                if origin != format!("http://{host}") {
                    return Err(forbidden(&format!(
                        "a cross-site request (Origin {origin}) may not use the admin routes"
                    )));
                }
            }
            Ok(())
        }
    }
}

/// Any other path under `/v1/`.
async fn unknown(uri: Uri) -> HttpError {
    HttpError::new(
        StatusCode::NOT_FOUND,
        "input",
        format!(
            "no such path: {} (GET /v1/openapi.json lists the paths)",
            uri.path()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_marker() {
        let empty = "{\n  \"total_points\": 1,\n  \"warnings\": [],\n  \"errors\": [],\n  \"trace\": [\n    {\n      \"errors\": [\"x\"]\n    }\n  ]\n}";
        assert!(!has_errors(empty));
        let full = "{\n  \"total_points\": 1,\n  \"errors\": [\n    \"背反: A and B\"\n  ],\n  \"trace\": []\n}";
        assert!(has_errors(full));
        // Another shape: parsed.
        assert!(has_errors("{\"errors\": [\"x\"]}"));
        assert!(!has_errors("{\"errors\": []}"));
    }

    #[test]
    fn ndjson_negotiation() {
        let mut h = HeaderMap::new();
        assert!(!wants_lines(&h));
        h.insert(
            header::ACCEPT,
            "text/html, application/x-ndjson;q=0.9".parse().unwrap(),
        );
        assert!(wants_lines(&h));
        h.insert(header::ACCEPT, "application/json".parse().unwrap());
        assert!(!wants_lines(&h));
    }
}
