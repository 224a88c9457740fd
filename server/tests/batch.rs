//! `POST /v1/batch`: one record per input line, in order, streamed; the same bytes per line as
//! `server::batch::line` (what `santei batch` writes — `cli/tests/serve.rs` compares with the
//! binary); bad lines give records and the batch goes on; a stalled batch ends with a record.

mod common;

use common::*;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

fn expected(lines: &[&[u8]], no_trace: bool) -> Vec<u8> {
    let engine = calc::Engine::embedded().unwrap();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        match std::str::from_utf8(l) {
            Ok(t) => {
                server::batch::line(&engine, i + 1, t, no_trace, &mut out);
            }
            Err(e) => server::batch::not_utf8(i + 1, e.valid_up_to(), &mut out),
        }
    }
    out
}

fn one_line(json: &str) -> String {
    serde_json::to_string(&serde_json::from_str::<serde_json::Value>(json).unwrap()).unwrap()
}

#[tokio::test]
async fn records_in_order_with_errors_and_receipts() {
    let s = start(config()).await;
    let claim = one_line(&read("examples/claim.json"));
    let receipt = one_line(
        &api::golden::Case::parse("r", &read("goldens/copay/gen-age-70-after.toml"))
            .unwrap()
            .input_json(),
    );
    let lines: Vec<&[u8]> = vec![
        claim.as_bytes(),
        b"{\"date\": \"2025-04-10\"",
        receipt.as_bytes(),
        b"",
        b"\xff\xfe not text",
        claim.as_bytes(),
    ];
    // CRLF line ends, no newline at the end.
    let mut body = lines.join(&b"\r\n"[..]);
    body.extend_from_slice(b"");
    for (path, no_trace) in [("/v1/batch", false), ("/v1/batch?trace=false", true)] {
        let r = request(s.addr(), "POST", path, &[], &body).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("application/x-ndjson"));
        let want = expected(&lines, no_trace);
        assert_eq!(
            String::from_utf8_lossy(&r.body),
            String::from_utf8_lossy(&want)
        );
        let out: Vec<serde_json::Value> = r
            .text()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(out.len(), 6);
        assert_eq!(out[1]["line"], 2);
        assert_eq!(out[3]["line"], 4);
        assert!(out[4]["error"].as_str().unwrap().contains("not UTF-8"));
        // examples/claim.json: 304 points (as `santei calc` — see the README's example).
        assert_eq!(out[0]["total_points"].to_string(), "304");
        assert_eq!(
            out[0]["trace"].as_array().is_some_and(|t| t.is_empty()),
            no_trace
        );
        assert!(out[2].get("patient_pays").is_some());
    }
    let r = request(s.addr(), "POST", "/v1/batch?trace=no", &[], b"{}").await;
    assert_eq!(r.status, 400);
    s.shutdown();
    s.join().await;
}

#[tokio::test]
async fn results_stream_while_the_body_is_still_coming() {
    let mut c = config();
    c.limits.max_body = 8 << 10;
    c.limits.request_timeout = Duration::from_millis(800);
    let s = start(c).await;
    let claim = one_line(&read("examples/claim.json"));
    let mut sock = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    sock.write_all(
        b"POST /v1/batch?trace=false HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    )
    .await
    .unwrap();
    let (rd, mut wr) = sock.into_split();
    let mut rd = BufReader::new(rd);
    let chunk = |text: &str| format!("{:x}\r\n{text}\r\n", text.len());
    // First line: its result arrives before the second line is sent.
    wr.write_all(chunk(&format!("{claim}\n")).as_bytes())
        .await
        .unwrap();
    let mut head = String::new();
    loop {
        let mut l = String::new();
        rd.read_line(&mut l).await.unwrap();
        head.push_str(&l);
        if l == "\r\n" {
            break;
        }
    }
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let mut size = String::new();
    rd.read_line(&mut size).await.unwrap();
    let n = usize::from_str_radix(size.trim(), 16).unwrap();
    let mut first = vec![0; n];
    rd.read_exact(&mut first).await.unwrap();
    let mut crlf = [0; 2];
    rd.read_exact(&mut crlf).await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(v["total_points"].to_string(), "304");
    // A line longer than max_body: a record, skipped; then a pause longer than the request
    // timeout: the answer ends with a record naming the next line.
    let long = "x".repeat(10 << 10);
    wr.write_all(chunk(&format!("{long}\n{claim}\n{{")).as_bytes())
        .await
        .unwrap();
    let mut rest = Vec::new();
    rd.read_to_end(&mut rest).await.unwrap();
    let rest = String::from_utf8(dechunk(&rest)).unwrap();
    let recs: Vec<serde_json::Value> = rest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 3, "{rest}");
    assert_eq!(recs[0]["line"], 2);
    assert!(recs[0]["error"]
        .as_str()
        .unwrap()
        .contains("longer than 8192 bytes"));
    assert_eq!(recs[1]["total_points"].to_string(), "304");
    assert_eq!(recs[2]["line"], 4);
    assert!(
        recs[2]["error"].as_str().unwrap().contains("stopped here"),
        "{}",
        recs[2]
    );
    s.shutdown();
    s.join().await;
}
