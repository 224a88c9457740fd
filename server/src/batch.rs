//! Batch: one claim or receipt per line in, one result per line out, in input order — the
//! per-line logic `santei batch` uses (it calls [`line`]) and `POST /v1/batch`, which streams.
//!
//! A line with a top-level `"month"` key is a receipt (`santei copay`), any other a claim
//! (`santei calc`); the result is compact JSON on one line (without the trace when asked). A
//! line that cannot be computed gives `{"line": N, "error": "…"}` (`schemas/v1/batch-error.json`)
//! and the batch goes on.
//!
//! `POST /v1/batch[?trace=false]` reads the body as it arrives and answers as it goes
//! (`application/x-ndjson`, status 200 sent first). Memory stays flat: at most one line of
//! [`crate::Limits::max_body`] bytes is held (a longer line gives an error record and is
//! skipped), and at most [`AHEAD`] pieces of results wait for the client to read them — when
//! the client does not read, the server stops reading its body. A client that sends the whole
//! body before reading anything can therefore send only as much as fits in those buffers and
//! the sockets' (about a thousand claims with the trace); send more as several requests, or
//! read while sending (curl does). A pause longer than `request_timeout` between two pieces of
//! the body, or a batch longer than `batch_timeout`, ends the answer with a last record
//! `{"line": N, "error": "… stopped here"}` (N: the first line not answered). One request is
//! computed on one thread at a time; send several requests at once to use every core.

use crate::app::App;
use crate::http::{params, HttpError, NDJSON};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::Response;
use calc::Engine;
use futures_util::StreamExt;
use std::sync::Arc;
use tokio::time::Instant;

/// Pieces of results (one per piece of the body read) computed ahead of what the client has
/// read.
pub const AHEAD: usize = 16;

pub use api::batch::line;

/// `{"line": N, "error": "…"}` and a newline.
pub fn error_record(line_no: usize, error: &str, out: &mut Vec<u8>) {
    api::batch::error_record(out, line_no, error);
    out.push(b'\n');
}

/// The record of a line that is not UTF-8 (`valid_up_to`: its valid prefix, in bytes).
pub fn not_utf8(line_no: usize, valid_up_to: usize, out: &mut Vec<u8>) {
    error_record(
        line_no,
        &format!("not UTF-8 text (byte {} of the line)", valid_up_to + 1),
        out,
    );
}

/// One line read from the body.
enum Item {
    Line(usize, Vec<u8>),
    TooLong(usize),
}

/// Splits the body into lines as it arrives, holding at most `max` bytes of one line.
struct Splitter {
    pending: Vec<u8>,
    /// The current line is longer than `max`: skipped to its end.
    skipping: bool,
    /// Lines completed so far.
    lines: usize,
    max: usize,
}

impl Splitter {
    fn push(&mut self, mut bytes: &[u8], items: &mut Vec<Item>) {
        while !bytes.is_empty() {
            let (segment, complete) = match bytes.iter().position(|&b| b == b'\n') {
                Some(i) => (&bytes[..i], true),
                None => (bytes, false),
            };
            bytes = if complete {
                &bytes[segment.len() + 1..]
            } else {
                &[]
            };
            if !self.skipping {
                if self.pending.len() + segment.len() > self.max {
                    self.skipping = true;
                    self.pending = Vec::new();
                } else {
                    self.pending.extend_from_slice(segment);
                }
            }
            if complete {
                self.finish_line(items);
            }
        }
    }

    fn finish_line(&mut self, items: &mut Vec<Item>) {
        self.lines += 1;
        if self.skipping {
            items.push(Item::TooLong(self.lines));
            self.skipping = false;
        } else {
            let mut text = std::mem::take(&mut self.pending);
            if text.last() == Some(&b'\r') {
                text.pop();
            }
            items.push(Item::Line(self.lines, text));
        }
    }

    /// At the end of the body: the last line when it has no newline.
    fn finish(&mut self, items: &mut Vec<Item>) {
        if self.skipping || !self.pending.is_empty() {
            self.finish_line(items);
        }
    }
}

fn compute(engine: &Engine, items: Vec<Item>, no_trace: bool, max: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.len() * 2048);
    for item in items {
        match item {
            Item::TooLong(n) => error_record(
                n,
                &format!("longer than {max} bytes (santei serve --max-body): not read"),
                &mut out,
            ),
            Item::Line(n, bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => {
                    let mark = out.len();
                    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        line(engine, n, text, no_trace, &mut out)
                    }));
                    if done.is_err() {
                        out.truncate(mark);
                        error_record(
                            n,
                            "internal error (please report it with the input)",
                            &mut out,
                        );
                    }
                }
                Err(e) => not_utf8(n, e.valid_up_to(), &mut out),
            },
        }
    }
    out
}

/// Read the body, compute piece by piece, send results through `tx` (bounded).
async fn produce(
    engine: Arc<Engine>,
    body: Body,
    tx: tokio::sync::mpsc::Sender<Bytes>,
    limits: crate::Limits,
    no_trace: bool,
) {
    let started = Instant::now();
    let deadline = started + limits.batch_timeout;
    let mut stream = body.into_data_stream();
    let mut split = Splitter {
        pending: Vec::new(),
        skipping: false,
        lines: 0,
        max: limits.max_body,
    };
    loop {
        let wait = deadline.min(Instant::now() + limits.request_timeout);
        let mut items = Vec::new();
        let mut stop: Option<String> = None;
        let mut end = false;
        match tokio::time::timeout_at(wait, stream.next()).await {
            Err(_) if Instant::now() >= deadline => {
                stop = Some(format!(
                    "the batch took longer than {} s (santei serve --batch-timeout): stopped here",
                    limits.batch_timeout.as_secs_f64()
                ))
            }
            Err(_) => {
                stop = Some(format!(
                "no data from the client for {} s (santei serve --request-timeout): stopped here",
                limits.request_timeout.as_secs_f64()
            ))
            }
            Ok(None) => {
                split.finish(&mut items);
                end = true;
            }
            Ok(Some(Err(e))) => stop = Some(format!("reading the request body: {e}: stopped here")),
            Ok(Some(Ok(bytes))) => split.push(&bytes, &mut items),
        }
        if !items.is_empty() {
            let engine = engine.clone();
            let max = limits.max_body;
            let out =
                match tokio::task::spawn_blocking(move || compute(&engine, items, no_trace, max))
                    .await
                {
                    Ok(out) => out,
                    Err(e) => {
                        let mut out = Vec::new();
                        error_record(
                            split.lines,
                            &format!("internal error: {e}: stopped here"),
                            &mut out,
                        );
                        let _ = tx.send(out.into()).await;
                        return;
                    }
                };
            if tx.send(out.into()).await.is_err() {
                return; // the client went away
            }
        }
        if let Some(why) = stop {
            let mut out = Vec::new();
            error_record(split.lines + 1, &why, &mut out);
            let _ = tx.send(out.into()).await;
            return;
        }
        if end {
            return;
        }
    }
}

/// `POST /v1/batch[?trace=false]`.
pub(crate) async fn handler(
    State(app): State<Arc<App>>,
    uri: Uri,
    body: Body,
) -> Result<Response, HttpError> {
    let p = params(uri.query(), &["trace"])?;
    let no_trace = match p.get("trace").map(String::as_str) {
        None | Some("true") => false,
        Some("false") => true,
        Some(v) => {
            return Err(HttpError::input(format!(
                "trace: {v:?} is not true or false"
            )))
        }
    };
    let engine = app.engine();
    let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(AHEAD);
    tokio::spawn(produce(engine, body, tx, app.limits.clone(), no_trace));
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|b| (Ok::<_, std::convert::Infallible>(b), rx))
    });
    let mut r = Response::new(Body::from_stream(stream));
    *r.status_mut() = StatusCode::OK;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(NDJSON));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(pieces: &[&[u8]], max: usize) -> Vec<String> {
        let mut s = Splitter {
            pending: Vec::new(),
            skipping: false,
            lines: 0,
            max,
        };
        let mut items = Vec::new();
        for p in pieces {
            s.push(p, &mut items);
        }
        s.finish(&mut items);
        items
            .into_iter()
            .map(|i| match i {
                Item::Line(n, b) => format!("{n}:{}", String::from_utf8_lossy(&b)),
                Item::TooLong(n) => format!("{n}:too long"),
            })
            .collect()
    }

    #[test]
    fn lines_across_pieces() {
        assert_eq!(
            split(&[b"ab", b"c\nde\r\n", b"f"], 10),
            ["1:abc", "2:de", "3:f"]
        );
        assert_eq!(split(&[b"a\n\nb\n"], 10), ["1:a", "2:", "3:b"]);
        assert_eq!(split(&[b""], 10), Vec::<String>::new());
        // A line longer than max is skipped to its end, in one piece or across several.
        assert_eq!(
            split(&[b"0123", b"456789AB\nok\n"], 10),
            ["1:too long", "2:ok"]
        );
        assert_eq!(split(&[b"0123456789ABC"], 10), ["1:too long"]);
        assert_eq!(split(&[b"0123456789\n"], 10), ["1:0123456789"]);
    }
}
