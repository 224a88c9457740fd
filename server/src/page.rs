//! The browser page: files of the page folder (`GET`/`HEAD`), by tower-http's `ServeDir`.
//!
//! - Nothing outside the folder: `..` is refused by `ServeDir`; a path whose target (after
//!   symbolic links) lies outside is 404; so is any name starting with `.` (dotfiles).
//! - `X.br` / `X.gz` beside `X` (`wasm/build-page` writes them) are sent to clients that accept
//!   them — only while not older than `X` (a page edited after the build is never served
//!   stale); otherwise the compression layer compresses on the fly.
//! - Headers: a Content-Security-Policy for the page (scripts, styles, the worker and the
//!   `.wasm` from this server only; WebAssembly compilation allowed; style attributes allowed,
//!   which the tier chart's legend sets), `Cache-Control: no-cache` (revalidated by
//!   `Last-Modified`, since the file names carry no hash), `nosniff`, `Referrer-Policy`. MIME
//!   types by extension (`application/wasm`, `text/javascript` …).

use crate::app::App;
use crate::http::HttpError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The page's Content-Security-Policy.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
worker-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The file a request path names inside `root`, when it is allowed: no segment starting with
/// `.`, and (when it exists) its real path inside `root`. `None`: answer 404.
fn allowed(root: &Path, path: &str) -> Option<PathBuf> {
    let mut p = root.to_path_buf();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let seg = percent_encoding::percent_decode_str(seg)
            .decode_utf8()
            .ok()?;
        if seg.starts_with('.') || seg.contains(['/', '\\', '\0']) {
            return None;
        }
        p.push(seg.as_ref());
    }
    if p.is_dir() {
        p.push("index.html");
    }
    match p.canonicalize() {
        Ok(real) => real.starts_with(root).then_some(real),
        // Not there: ServeDir answers 404 (or redirects a folder without its slash).
        Err(_) => Some(p),
    }
}

/// Whether `file.ext` exists and is not older than `file`.
fn fresh(file: &Path, ext: &str) -> bool {
    let mut name = file.as_os_str().to_owned();
    name.push(ext);
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(Path::new(&name)), modified(file)) {
        (Some(c), Some(f)) => c >= f,
        _ => false,
    }
}

/// `Accept-Encoding` without the codings whose precompressed file is missing or stale, so
/// `ServeDir` picks only fresh ones.
fn usable_encodings(accept: &str, file: &Path) -> String {
    accept
        .split(',')
        .filter(|t| {
            let coding = t
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            match coding.as_str() {
                "br" => fresh(file, ".br"),
                "gzip" | "x-gzip" => fresh(file, ".gz"),
                _ => true,
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The fallback route: a file of the page folder.
pub(crate) async fn handler(State(app): State<Arc<App>>, mut req: Request) -> Response {
    let Some(root) = app.page.as_deref() else {
        return HttpError::new(
            StatusCode::NOT_FOUND,
            "input",
            format!(
                "no such path: {} (this server has no page folder; the API is under /v1/)",
                req.uri().path()
            ),
        )
        .into_response();
    };
    let Some(file) = allowed(root, req.uri().path()) else {
        // The error layer writes the body.
        return StatusCode::NOT_FOUND.into_response();
    };
    if let Some(accept) = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    {
        let usable = usable_encodings(accept, &file);
        match HeaderValue::from_str(&usable) {
            Ok(v) => req.headers_mut().insert(header::ACCEPT_ENCODING, v),
            Err(_) => req.headers_mut().remove(header::ACCEPT_ENCODING),
        };
    }
    let served = ServeDir::new(root)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(req)
        .await;
    let mut res = match served {
        Ok(r) => r.map(Body::new),
        Err(e) => {
            return HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("reading the page folder: {e}"),
            )
            .into_response()
        }
    };
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        let dir = std::env::temp_dir().join(format!("santei-page-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("index.html"), "<p>x</p>").unwrap();
        std::fs::write(dir.join("pkg/a b.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.join(".secret"), b"x").unwrap();
        let root = dir.canonicalize().unwrap();
        assert_eq!(allowed(&root, "/"), Some(root.join("index.html")));
        assert_eq!(
            allowed(&root, "/pkg/a%20b.wasm"),
            Some(root.join("pkg/a b.wasm"))
        );
        assert_eq!(allowed(&root, "/.secret"), None);
        assert_eq!(allowed(&root, "/%2esecret"), None);
        assert_eq!(allowed(&root, "/pkg/%2e%2e/%2e%2e/etc/passwd"), None);
        assert_eq!(allowed(&root, "/pkg%2f..%2f..%2fetc"), None);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", dir.join("etc")).unwrap();
            assert_eq!(allowed(&root, "/etc/hostname"), None);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_precompressed_files_are_not_offered() {
        let dir = std::env::temp_dir().join(format!("santei-page-enc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("app.js");
        std::fs::write(dir.join("app.js.br"), b"old").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&f, b"new").unwrap();
        std::fs::write(dir.join("app.js.gz"), b"fresh").unwrap();
        assert_eq!(
            usable_encodings("gzip, br;q=1, identity", &f),
            "gzip, identity"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
