//! A small load client for `santei serve` (not a test: figures depend on the machine).
//!
//! ```sh
//! python3 scripts/gen-claims.py 100000 > /tmp/claims.jsonl
//! cargo build --release -p santei-cli --example load -p santei-server
//! target/release/santei serve --port 8080 --no-access-log &
//! target/release/examples/load --addr 127.0.0.1:8080 --input /tmp/claims.jsonl \
//!     --requests 100000 --concurrency 64 --santei target/release/santei --server-pid $!
//! ```
//!
//! Each of `--concurrency` tasks keeps one HTTP/1.1 connection open and sends `POST --path`
//! (default `/v1/calc`) with the next line of `--input` as the body, until `--requests` have
//! been sent; it times each request from sending to the last byte of the answer. Prints
//! requests/s, latency percentiles, the statuses, and the load average before and after. With
//! `--server-pid PID` it also prints the server's CPU time per request (from /proc). With
//! `--santei BIN`, it then runs `BIN batch --input FILE --output /dev/null` on the same claims
//! (`--requests` lines of them) as the floor and prints the ratio.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    addr: String,
    input: String,
    path: String,
    requests: usize,
    concurrency: usize,
    santei: Option<String>,
    server_pid: Option<u32>,
}

fn args() -> Args {
    let mut a = Args {
        addr: "127.0.0.1:8080".into(),
        input: String::new(),
        path: "/v1/calc".into(),
        requests: 100_000,
        concurrency: 64,
        santei: None,
        server_pid: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--addr" => a.addr = v(),
            "--input" => a.input = v(),
            "--path" => a.path = v(),
            "--requests" => a.requests = v().parse().expect("--requests N"),
            "--concurrency" => a.concurrency = v().parse().expect("--concurrency N"),
            "--santei" => a.santei = Some(v()),
            "--server-pid" => a.server_pid = Some(v().parse().expect("--server-pid PID")),
            other => panic!("unknown argument {other}"),
        }
    }
    assert!(!a.input.is_empty(), "--input FILE.jsonl is needed");
    a
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// CPU seconds (user + system) of a process, and of its waited-for children, from
/// /proc/PID/stat (clock ticks of 1/100 s, Linux's USER_HZ).
fn cpu(pid: &str) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // Fields 14–17 of stat: utime stime cutime cstime (rest starts at field 3).
    Some(((f[11] + f[12]) / 100.0, (f[13] + f[14]) / 100.0))
}

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    f64::from(sorted[i]) / 1000.0
}

#[tokio::main]
async fn main() {
    let a = args();
    let text = std::fs::read_to_string(&a.input).expect("input");
    let lines: Arc<Vec<Bytes>> = Arc::new(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| Bytes::from(l.to_string()))
            .collect(),
    );
    assert!(!lines.is_empty(), "no lines in {}", a.input);
    let next = Arc::new(AtomicUsize::new(0));
    let before = loadavg();
    let server_pid = a.server_pid.map(|p| p.to_string());
    let server_cpu0 = server_pid.as_deref().and_then(cpu).map(|c| c.0);
    let client_cpu0 = cpu("self").map(|c| c.0);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..a.concurrency {
        let (lines, next, addr, path, n) = (
            lines.clone(),
            next.clone(),
            a.addr.clone(),
            a.path.clone(),
            a.requests,
        );
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(&addr)
                .await
                .expect("connect");
            stream.set_nodelay(true).ok();
            let (mut tx, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .expect("handshake");
            tokio::spawn(conn);
            let mut lat = Vec::new();
            let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
            let mut bytes = 0usize;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let body = lines[i % lines.len()].clone();
                let req = hyper::Request::post(path.as_str())
                    .header("host", addr.as_str())
                    .header("content-type", "application/json")
                    .body(Full::new(body))
                    .expect("request");
                let t = Instant::now();
                tx.ready().await.expect("connection");
                let res = tx.send_request(req).await.expect("response");
                let status = res.status().as_u16();
                let got = res.into_body().collect().await.expect("body").to_bytes();
                lat.push(t.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
                *statuses.entry(status).or_default() += 1;
                bytes += got.len();
            }
            (lat, statuses, bytes)
        }));
    }
    let mut lat = Vec::with_capacity(a.requests);
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let mut bytes = 0;
    for t in tasks {
        let (l, s, b) = t.await.expect("task");
        lat.extend(l);
        for (k, v) in s {
            *statuses.entry(k).or_default() += v;
        }
        bytes += b;
    }
    let secs = started.elapsed().as_secs_f64();
    let server_cpu = server_pid
        .as_deref()
        .and_then(cpu)
        .zip(server_cpu0)
        .map(|(c, c0)| c.0 - c0);
    let client_cpu = cpu("self").zip(client_cpu0).map(|(c, c0)| c.0 - c0);
    lat.sort_unstable();
    let rate = lat.len() as f64 / secs;
    println!(
        "{} POST {} at concurrency {} in {secs:.2} s: {rate:.0} requests/s, {:.1} MB answered",
        lat.len(),
        a.path,
        a.concurrency,
        bytes as f64 / 1e6
    );
    println!(
        "latency ms: p50 {:.3}  p90 {:.3}  p99 {:.3}  p99.9 {:.3}  max {:.3}",
        pct(&lat, 0.50),
        pct(&lat, 0.90),
        pct(&lat, 0.99),
        pct(&lat, 0.999),
        pct(&lat, 1.0)
    );
    println!("statuses: {statuses:?}");
    let per = |c: f64| c * 1e6 / lat.len().max(1) as f64;
    if let Some(c) = server_cpu {
        println!("server CPU {c:.2} s = {:.1} µs per request", per(c));
    }
    if let Some(c) = client_cpu {
        println!("client CPU {c:.2} s = {:.1} µs per request", per(c));
    }
    println!("load average before {before}, after {}", loadavg());
    if let Some(bin) = a.santei {
        // The floor: the same claims through `santei batch` (every core, no HTTP).
        let file = std::env::temp_dir().join(format!("santei-load-{}.jsonl", std::process::id()));
        let mut body = String::new();
        for i in 0..a.requests {
            body.push_str(std::str::from_utf8(&lines[i % lines.len()]).expect("UTF-8"));
            body.push('\n');
        }
        std::fs::write(&file, body).expect("write");
        std::thread::sleep(Duration::from_millis(500));
        let t = Instant::now();
        let out = std::process::Command::new(&bin)
            .args(["batch", "--input"])
            .arg(&file)
            .args(["--output", "/dev/null"])
            .output()
            .expect("santei batch");
        let bsecs = t.elapsed().as_secs_f64();
        let children = cpu("self").map(|c| c.1).unwrap_or(0.0);
        let _ = std::fs::remove_file(&file);
        let brate = a.requests as f64 / bsecs;
        println!(
            "santei batch, same {} claims → /dev/null: {bsecs:.2} s, {brate:.0} claims/s ({})",
            a.requests,
            String::from_utf8_lossy(&out.stderr).trim()
        );
        println!(
            "santei batch CPU {children:.2} s = {:.1} µs per claim",
            children * 1e6 / a.requests as f64
        );
        println!(
            "ratio HTTP / batch: {:.3} ({:.1}x slower over HTTP); load average now {}",
            rate / brate,
            brate / rate,
            loadavg()
        );
        if let Some(c) = server_cpu {
            println!(
                "CPU per claim, server / batch: {:.1}x",
                per(c) / (children * 1e6 / a.requests as f64)
            );
        }
    }
}
