//! The routes of `santei serve`, in process on a free loopback port: answers equal to what
//! `api` gives (the CLI prints the same text; `cli/tests/serve.rs` compares with the
//! binary for every golden case), statuses, the error JSON, limits, the page, the access log,
//! the admin route.

mod common;

use common::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn engine() -> calc::Engine {
    calc::Engine::embedded().expect("embedded")
}

/// The input of a golden case as the commands read it.
fn golden_input(path: &str) -> String {
    let case = api::golden::Case::parse(path, &read(path)).expect("case");
    case.input_json()
}

#[tokio::test]
async fn calc_copay_tier_answer_what_the_api_prints() {
    let s = start(config()).await;
    let e = engine();
    // examples/claim.json: a 初診 with the DX add-ons.
    let claim = read("examples/claim.json");
    let r = post(s.addr(), "/v1/calc", &claim).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let want = api::calc(&e, "request.json", &claim).expect("calc") + "\n";
    assert_eq!(r.text(), want);

    // The same claim as TOML (Content-Type: application/toml).
    let toml_claim = "date = \"2025-04-10\"\nkind = \"ika\"\nsetting = \"outpatient\"\n\
        items = [{ code = \"111000110\", count = 1 }]\n\
        patient = { birth_date = \"1980-05-01\", mynumber_card = true }\n\
        facility = { kind = \"clinic\", standards = [] }\n";
    let r = request(
        s.addr(),
        "POST",
        "/v1/calc",
        &[("Content-Type", "application/toml; charset=utf-8")],
        toml_claim.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.text(),
        api::calc(&e, "request.toml", toml_claim).expect("calc") + "\n"
    );
    // 初診料 111000110 on 2025-04-10: 291 points (s_20240306, from 2024-06-01 — the golden
    // sources above cite the same row).
    assert_eq!(r.json()["total_points"].to_string(), "291");

    // A claim that breaks a rule (goldens/dx/gen-gating-by-hand.toml: 111703670 listed by hand
    // without the 4035 filing): 422 with the result itself, errors naming 4035.
    let bad = golden_input("goldens/dx/gen-gating-by-hand.toml");
    let r = post(s.addr(), "/v1/calc", &bad).await;
    assert_eq!(r.status, 422, "{}", r.text());
    assert_eq!(
        r.text(),
        api::calc(&e, "request.json", &bad).expect("calc") + "\n"
    );
    assert!(r.json()["errors"][0].as_str().unwrap().contains("4035"));

    // Copay: a golden receipt.
    let receipt = golden_input("goldens/copay/gen-age-70-after.toml");
    let r = post(s.addr(), "/v1/copay", &receipt).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.text(),
        api::copay(&e, "request.json", &receipt).expect("copay") + "\n"
    );

    // Tier: `to` defaults to `from`, as `santei tier`.
    let profile = r#"{"kind": "clinic", "usage": [{"month": "2025-01", "receipt_based": "0.47"}]}"#;
    let r = post(s.addr(), "/v1/tier?from=2025-04&to=2025-06", profile).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.text(),
        api::tier(&e, "request.json", profile, "2025-04", "2025-06").expect("tier") + "\n"
    );
    let r = post(s.addr(), "/v1/tier?from=2025-04", profile).await;
    assert_eq!(r.json().as_array().map(|a| a.len()), Some(1));
    s.shutdown();
    s.join().await;
}

#[tokio::test]
async fn master_version_health_openapi() {
    let s = start(config()).await;
    let e = engine();
    // 初診料 on 2025-04-01: 291 points (s_20240306 from 2024-06-01).
    let r = get(s.addr(), "/v1/master/111000110?date=2025-04-01").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.text(),
        api::master_show(&e, "111000110", "2025-04-01").unwrap() + "\n"
    );
    assert_eq!(r.json()["points"].to_string(), "291");
    // 医療情報取得加算１（初診） 111703170 starts 2024-06-01: not valid the day before → 404, kind
    // data, naming the dates.
    let r = get(s.addr(), "/v1/master/111703170?date=2024-05-31").await;
    assert_eq!(r.status, 404, "{}", r.text());
    let (kind, message) = r.error();
    assert_eq!(kind, "data");
    assert!(message.contains("2024-06-01"), "{message}");
    // Bad date, missing date, unknown parameter: 400.
    for (path, want) in [
        ("/v1/master/111000110?date=2025-13-01", "date:"),
        ("/v1/master/111000110", "date: missing"),
        (
            "/v1/master/111000110?date=2025-04-01&x=1",
            "unknown parameter \"x\"",
        ),
        ("/v1/master/diff?from=2024-06-01", "to: missing"),
        (
            "/v1/master/diff?from=2024-06-01&to=2024-05-01",
            "is before from",
        ),
    ] {
        let r = get(s.addr(), path).await;
        assert_eq!(r.status, 400, "{path}: {}", r.text());
        let (kind, message) = r.error();
        assert_eq!(kind, "input");
        assert!(message.contains(want), "{path}: {message}");
    }
    // Diff: the array santei_master_diff returns, or the CLI's JSON lines.
    let r = get(s.addr(), "/v1/master/diff?from=2024-05-31&to=2024-06-01").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.text(),
        api::diff(&e, "2024-05-31", "2024-06-01").unwrap() + "\n"
    );
    let r = request(
        s.addr(),
        "GET",
        "/v1/master/diff?from=2024-05-31&to=2024-06-01",
        &[("Accept", "application/x-ndjson")],
        b"",
    )
    .await;
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    let entries = api::diff_entries(&e, "2024-05-31", "2024-06-01").unwrap();
    let lines: String = entries
        .iter()
        .map(|d| serde_json::to_string(d).unwrap() + "\n")
        .collect();
    assert_eq!(r.text(), lines);
    // 111000110 初診料 288 → 291 on 2024-06-01 (s_20240306).
    assert!(r.text().lines().any(|l| l.contains("\"111000110\"")
        && l.contains("\"288.00\"")
        && l.contains("\"291.00\"")));

    let r = get(s.addr(), "/v1/version").await;
    assert_eq!(r.text(), api::version(&e, None).unwrap() + "\n");
    let r = get(s.addr(), "/healthz").await;
    assert_eq!((r.status, r.json()["status"].as_str()), (200, Some("ok")));
    let r = get(s.addr(), "/v1/openapi.json").await;
    assert_eq!(r.json()["openapi"], "3.1.0");
    // HEAD of a GET route: the headers, no body.
    let r = request(s.addr(), "HEAD", "/healthz", &[], b"").await;
    assert_eq!((r.status, r.body.len()), (200, 0));
    s.shutdown();
    s.join().await;
}

#[tokio::test]
async fn bad_input_and_unknown_routes_give_the_error_json() {
    let s = start(config()).await;
    let a = s.addr();
    // Malformed JSON: 400, the message names the body and where.
    let r = post(a, "/v1/calc", "{\"date\": ").await;
    assert_eq!(r.status, 400);
    let (kind, message) = r.error();
    assert_eq!(kind, "input");
    assert!(message.starts_with("request.json"), "{message}");
    // A field with a bad value: the message names the field and the value.
    let r = post(a, "/v1/calc", r#"{"date": "2025-02-30", "items": []}"#).await;
    assert_eq!(r.status, 400);
    assert!(r.error().1.contains("2025-02-30"), "{}", r.text());
    // Not UTF-8.
    let r = request(a, "POST", "/v1/copay", &[], b"{\"month\": \"\xff\"}").await;
    assert_eq!(r.status, 400);
    assert!(r.error().1.contains("not UTF-8"), "{}", r.text());
    // Tier without `from`, with a bad month.
    let r = post(a, "/v1/tier", "{}").await;
    assert_eq!(
        (r.status, r.error().1.starts_with("from: missing")),
        (400, true)
    );
    let r = post(a, "/v1/tier?from=2025-4", "{\"kind\": \"clinic\"}").await;
    assert_eq!(r.status, 400, "{}", r.text());
    // Parameters a route does not take.
    let r = post(a, "/v1/calc?format=table", "{}").await;
    assert_eq!(r.status, 400);
    assert!(r.error().1.contains("unknown parameter \"format\""));
    // 404 for an unknown API path (not the page), 405 with Allow.
    let r = get(a, "/v1/nope").await;
    assert_eq!((r.status, r.error().0.as_str()), (404, "input"));
    let r = get(a, "/v1/calc").await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST"));
    assert!(r.error().1.contains("allowed: POST"));
    let r = request(
        a,
        "DELETE",
        "/v1/master/111000110?date=2025-04-01",
        &[],
        b"",
    )
    .await;
    assert_eq!((r.status, r.header("allow")), (405, Some("GET,HEAD")));
    // No page folder: 404 JSON for other paths.
    let r = get(a, "/index.html").await;
    assert_eq!(r.status, 404);
    // The UKE audit: bad audit options are a 400 naming the field.
    let r = request(
        a,
        "POST",
        "/v1/uke/audit",
        &[("X-Santei-Audit-Options", "{\"nope\": 1}")],
        b"IR,1\r\n",
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.error().1.contains("nope"), "{}", r.error().1);
    s.shutdown();
    s.join().await;
}

#[tokio::test]
async fn oversized_bodies_and_headers_are_refused() {
    let mut c = config();
    c.limits.max_body = 64 << 10;
    let s = start(c).await;
    let a = s.addr();
    // Content-Length above the limit: 413 before reading the body.
    let big = vec![b' '; (64 << 10) + 1];
    let r = request(a, "POST", "/v1/calc", &[], &big).await;
    assert_eq!(r.status, 413);
    let (kind, message) = r.error();
    assert_eq!(kind, "input");
    assert!(message.contains("65536"), "{message}");
    // Chunked, no length: 413 once the limit is passed.
    let mut req = b"POST /v1/copay HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..5 {
        req.extend_from_slice(format!("{:x}\r\n", 16 << 10).as_bytes());
        req.extend(std::iter::repeat_n(b' ', 16 << 10));
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(raw(a, &req).await.status, 413);
    // Exactly the limit is read (and then refused as JSON: 400, not 413).
    let r = request(a, "POST", "/v1/calc", &[], &big[1..]).await;
    assert_eq!(r.status, 400, "{}", r.text());
    // Headers larger than 16 KiB: 431 (hyper).
    let long = "x".repeat(20 << 10);
    let r = request(a, "GET", "/healthz", &[("X-Long", &long)], b"").await;
    assert_eq!(r.status, 431);
    s.shutdown();
    s.join().await;
}

/// Writes `bytes` one at a time every `every` until the server closes; the time it took.
async fn trickle(
    addr: std::net::SocketAddr,
    head: &[u8],
    bytes: &[u8],
    every: Duration,
) -> (Duration, Vec<u8>) {
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    sock.write_all(head).await.unwrap();
    let t = Instant::now();
    let (mut rd, mut wr) = sock.into_split();
    let reader = tokio::spawn(async move {
        let mut got = Vec::new();
        let _ = rd.read_to_end(&mut got).await;
        got
    });
    for b in bytes {
        tokio::time::sleep(every).await;
        if wr.write_all(&[*b]).await.is_err() || reader.is_finished() {
            break;
        }
    }
    let got = reader.await.unwrap();
    (t.elapsed(), got)
}

#[tokio::test]
async fn slow_clients_are_cut() {
    let mut c = config();
    c.limits.header_timeout = Duration::from_secs(1);
    c.limits.request_timeout = Duration::from_secs(1);
    let s = start(c).await;
    let a = s.addr();
    // Headers one byte every 200 ms: the connection is closed after the 1 s header timeout
    // (it would take 8 s to send them).
    let head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaa\r\n\r\n";
    let (took, _) = trickle(a, b"", head.as_bytes(), Duration::from_millis(200)).await;
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(2500),
        "{took:?}"
    );
    // A body one byte every 200 ms: 408 after the 1 s request timeout.
    let body = read("examples/claim.json");
    let head = format!(
        "POST /v1/calc HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let (took, got) = trickle(
        a,
        head.as_bytes(),
        body.as_bytes(),
        Duration::from_millis(200),
    )
    .await;
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_millis(2500),
        "{took:?}"
    );
    let r = parse(&got);
    assert_eq!(r.status, 408);
    assert_eq!(r.error().0, "input");
    // An idle keep-alive connection is closed after the header timeout too.
    let mut sock = tokio::net::TcpStream::connect(a).await.unwrap();
    let t = Instant::now();
    let mut buf = Vec::new();
    let _ = sock.read_to_end(&mut buf).await;
    assert!(
        t.elapsed() < Duration::from_millis(2500),
        "{:?}",
        t.elapsed()
    );
    s.shutdown();
    s.join().await;
}

#[tokio::test]
async fn the_page_folder() {
    let dir = std::env::temp_dir().join(format!("santei-serve-page-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    let html = "<!doctype html><title>santei</title><p>".to_string() + &"ページ ".repeat(200);
    std::fs::write(dir.join("index.html"), &html).unwrap();
    std::fs::write(dir.join("pkg/engine.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.join("app.js"), "console.log(1);\n".repeat(100)).unwrap();
    std::fs::write(dir.join(".env"), "SECRET=1").unwrap();
    // A fresh precompressed copy (gzip) of app.js, and a stale one (br) written before it.
    std::fs::write(dir.join("app.js.br"), b"stale").unwrap();
    std::thread::sleep(Duration::from_millis(30));
    std::fs::write(dir.join("app.js"), "console.log(2);\n".repeat(100)).unwrap();
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all("console.log(2);\n".repeat(100).as_bytes())
            .unwrap();
        e.finish().unwrap()
    };
    std::fs::write(dir.join("app.js.gz"), &gz).unwrap();
    let mut c = config();
    c.page = Some(dir.clone());
    let s = start(c).await;
    let a = s.addr();

    let r = get(a, "/").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), html);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    let csp = r.header("content-security-policy").expect("CSP");
    assert!(
        csp.contains("default-src 'self'") && csp.contains("'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert!(r.header("last-modified").is_some());

    let r = get(a, "/pkg/engine.wasm").await;
    assert_eq!(r.header("content-type"), Some("application/wasm"));
    assert_eq!(r.body, b"\0asm\x01\0\0\0");
    let r = get(a, "/app.js").await;
    assert!(r.header("content-type").unwrap().contains("javascript"));

    // gzip: the precompressed file itself, byte for byte.
    let r = request(a, "GET", "/app.js", &[("Accept-Encoding", "gzip")], b"").await;
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(r.body, gz);
    // br: app.js.br is older than app.js, so it is compressed on the fly instead (never the
    // stale bytes).
    let r = request(a, "GET", "/app.js", &[("Accept-Encoding", "br")], b"").await;
    assert_eq!(r.header("content-encoding"), Some("br"));
    assert_ne!(r.body, b"stale");
    // index.html has no precompressed copy: gzip on the fly, decompresses to the file.
    let r = request(a, "GET", "/index.html", &[("Accept-Encoding", "gzip")], b"").await;
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    let mut plain = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&r.body[..]), &mut plain)
        .unwrap();
    assert_eq!(plain, html);
    assert!(r.body.len() < html.len() / 4);

    // Dotfiles, escapes, missing files: 404 with the error JSON.
    for path in [
        "/.env",
        "/%2eenv",
        "/pkg/../.env",
        "/../../etc/passwd",
        "/nope.js",
    ] {
        let r = get(a, path).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.error().0, "input");
    }
    let r = request(a, "POST", "/index.html", &[], b"").await;
    assert_eq!((r.status, r.header("allow")), (405, Some("GET,HEAD")));
    s.shutdown();
    s.join().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn one_access_log_line_per_request() {
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = lines.clone();
    let mut c = config();
    c.access_log = server::AccessLog::Custom(Arc::new(move |l| sink.lock().unwrap().push(l)));
    let s = start(c).await;
    let a = s.addr();
    let r1 = post(a, "/v1/calc", &read("examples/claim.json")).await;
    let r2 = get(a, "/v1/nope").await;
    let r3 = request(a, "POST", "/v1/batch", &[], b"{}\n{}\n").await;
    s.shutdown();
    s.join().await;
    let lines = lines.lock().unwrap().clone();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    let v: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |p: &str| {
        v.iter()
            .find(|x| x["path"] == p)
            .unwrap_or_else(|| panic!("{p}: {lines:#?}"))
    };
    for (x, r, method, path) in [
        (find("/v1/calc"), &r1, "POST", "/v1/calc"),
        (find("/v1/nope"), &r2, "GET", "/v1/nope"),
        (find("/v1/batch"), &r3, "POST", "/v1/batch"),
    ] {
        assert_eq!(x["method"], method);
        assert_eq!(x["path"], path);
        assert_eq!(x["status"], r.status);
        // The bytes of the body sent (a batch is streamed: counted as it goes).
        assert_eq!(x["bytes"].as_u64(), Some(r.body.len() as u64), "{x}");
        assert!(x["duration_ms"].as_f64().is_some_and(|d| d >= 0.0));
        assert!(x["time"].as_str().is_some_and(|t| t.ends_with('Z')));
        assert!(x["remote"]
            .as_str()
            .is_some_and(|t| t.starts_with("127.0.0.1:")));
    }
}

#[tokio::test]
async fn the_admin_route_is_guarded() {
    let mut c = config();
    c.admin = server::AdminAccess::Off;
    let s = start(c).await;
    let r = post(s.addr(), "/v1/admin/reload", "").await;
    assert_eq!(r.status, 403);
    assert!(r.error().1.contains("--admin off"));
    s.shutdown();
    s.join().await;

    let s = start(config()).await;
    // From loopback: reloaded, the new version report.
    let r = post(s.addr(), "/v1/admin/reload", "").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.text(), api::version(&engine(), None).unwrap() + "\n");
    // A browser page of another site: refused.
    let host = s.addr().to_string();
    let r = request(
        s.addr(),
        "POST",
        "/v1/admin/reload",
        &[("Origin", "http://evil.example")],
        b"",
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.text());
    // The server's own page: allowed.
    let own = format!("http://{host}");
    let r = request(
        s.addr(),
        "POST",
        "/v1/admin/reload",
        &[("Origin", &own)],
        b"",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text());
    s.shutdown();
    s.join().await;
}

/// `POST /v1/uke/audit` answers exactly what `api::uke_audit` gives (the CLI prints the same
/// lines: `cli/tests/uke_audit.rs`): the receiptisan sample (CP932 bytes), and a file with a
/// malformed IR.
#[tokio::test]
async fn uke_audit_answers_what_the_api_prints() {
    let s = start(config()).await;
    let e = engine();
    let sample = std::fs::read(
        repo().join("../shared/oracles/receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE"),
    )
    .expect("sample");
    let r = request(s.addr(), "POST", "/v1/uke/audit", &[], &sample).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
    let want = api::uke_audit(&e, "RECEIPTC.UKE", &sample, None).expect("audit");
    assert_eq!(r.text(), want);
    // 75 receipts, then the summary.
    let lines: Vec<&str> = want.lines().collect();
    assert_eq!(lines.len(), 76);
    assert!(lines[75].starts_with("{\"summary\":{\"receipts\":75,"));
    // A malformed IR: its error line, then the summary.
    let bad = b"IR,X,12,1,0000000,,,202111,00,\r\n";
    let r = request(s.addr(), "POST", "/v1/uke/audit", &[], bad).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.text(),
        api::uke_audit(&e, "RECEIPTC.UKE", bad, None).unwrap()
    );
    assert!(r.text().contains("審査支払機関"), "{}", r.text());
    s.shutdown();
    s.join().await;
}
