//! Under load: 1,000 concurrent requests all answered correctly (behind a small in-flight cap
//! and connection cap, so most wait), 503 for a request that waits too long, reload under load
//! with no request lost (and requests in flight finishing on the old data), shutdown draining
//! a request in flight. Bounded: every loop stops by itself, all on loopback.

mod common;

use common::*;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn claim_on(date: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&read("examples/claim.json")).unwrap();
    v["date"] = date.into();
    v.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_are_all_answered() {
    let mut c = config();
    c.limits.max_concurrent = 8;
    c.limits.max_connections = 300;
    let s = start(c).await;
    let engine = calc::Engine::embedded().unwrap();
    // Ten claims on different dates, each with its own answer.
    let dates: Vec<String> = (1..=10).map(|d| format!("2025-05-{d:02}")).collect();
    let cases: Arc<Vec<(String, String)>> = Arc::new(
        dates
            .iter()
            .map(|d| {
                let claim = claim_on(d);
                let want = api::calc(&engine, "request.json", &claim).unwrap() + "\n";
                (claim, want)
            })
            .collect(),
    );
    let barrier = Arc::new(tokio::sync::Barrier::new(1000));
    let addr = s.addr();
    let mut tasks = Vec::new();
    for i in 0..1000 {
        let cases = cases.clone();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            let (claim, want) = &cases[i % cases.len()];
            barrier.wait().await;
            let r = post(addr, "/v1/calc", claim).await;
            (r.status, r.text() == want)
        }));
    }
    let mut ok = 0;
    for t in tasks {
        let (status, same) = t.await.unwrap();
        assert_eq!(status, 200);
        assert!(same);
        ok += 1;
    }
    assert_eq!(ok, 1000);
    s.shutdown();
    s.join().await;
}

/// A batch request that sends a line every 100 ms for `lines` lines (holding its in-flight
/// permit all along), then ends; its answer.
async fn slow_batch(addr: std::net::SocketAddr, line: String, lines: usize) -> Reply {
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    sock.write_all(
        b"POST /v1/batch?trace=false HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
    )
    .await
    .unwrap();
    let (mut rd, mut wr) = sock.into_split();
    let reader = tokio::spawn(async move {
        let mut got = Vec::new();
        rd.read_to_end(&mut got).await.unwrap();
        got
    });
    for _ in 0..lines {
        let text = format!("{line}\n");
        wr.write_all(format!("{:x}\r\n{text}\r\n", text.len()).as_bytes())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wr.write_all(b"0\r\n\r\n").await.unwrap();
    parse(&reader.await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_cut() {
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = log.clone();
    let mut c = config();
    c.limits.max_concurrent = 1;
    c.limits.request_timeout = Duration::from_secs(1);
    c.access_log = server::AccessLog::Custom(Arc::new(move |l| sink.lock().unwrap().push(l)));
    let s = start(c).await;
    let addr = s.addr();
    // A batch of 3,000 claims whose answer is never read (a small receive buffer, so the
    // server's writes block soon); it holds the only in-flight permit while it lasts.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut sock = socket.connect(addr).await.unwrap();
    let claim = claim_on("2025-05-01");
    let writer = tokio::spawn(async move {
        sock.write_all(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            .await?;
        for _ in 0..3000 {
            let text = format!("{claim}\n");
            sock.write_all(format!("{:x}\r\n{text}\r\n", text.len()).as_bytes())
                .await?;
        }
        sock.write_all(b"0\r\n\r\n").await?;
        // Still not reading: wait for the server to close.
        let mut one = [0u8; 1];
        tokio::time::sleep(Duration::from_secs(30)).await;
        sock.read(&mut one).await.map(|_| ())
    });
    // Within a few seconds the permit is free again: a calc request is answered.
    let t = std::time::Instant::now();
    let claim = claim_on("2025-05-02");
    loop {
        let r = post(addr, "/v1/calc", &claim).await;
        if r.status == 200 {
            break;
        }
        assert_eq!(r.status, 503, "{}", r.text());
        assert!(
            t.elapsed() < Duration::from_secs(15),
            "the stalled batch was not cut"
        );
    }
    // The batch was cut, not finished: its log line counts fewer bytes than 3,000 results.
    let one = api::calc(
        &calc::Engine::embedded().unwrap(),
        "x",
        &claim_on("2025-05-01"),
    )
    .unwrap();
    let compact =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&one).unwrap()).unwrap();
    // The permit is released before the access log line is written (the connection task
    // logs when it ends), so wait for the line rather than read the log once.
    let find_batch = || {
        log.lock()
            .unwrap()
            .iter()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|v| v["path"] == "/v1/batch")
    };
    let waited = std::time::Instant::now();
    let batch = loop {
        if let Some(b) = find_batch() {
            break b;
        }
        assert!(
            waited.elapsed() < Duration::from_secs(20),
            "the batch's log line was never written"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        batch["bytes"].as_u64().unwrap() < 3000 * compact.len() as u64 / 2,
        "{batch}"
    );
    writer.abort();
    s.shutdown();
    s.join().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_waits_too_long_gets_503() {
    let mut c = config();
    c.limits.max_concurrent = 1;
    c.limits.request_timeout = Duration::from_millis(600);
    let s = start(c).await;
    let addr = s.addr();
    let claim = claim_on("2025-05-01");
    // The batch holds the only permit for about 1.5 s (until its last line is answered).
    let batch = tokio::spawn(slow_batch(addr, claim.clone(), 15));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let r = post(addr, "/v1/calc", &claim).await;
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.error().0, "unavailable");
    let b = batch.await.unwrap();
    assert_eq!((b.status, b.text().lines().count()), (200, 15));
    // Free again.
    assert_eq!(post(addr, "/v1/calc", &claim).await.status, 200);
    s.shutdown();
    s.join().await;
}

/// A local programme like goldens/copay/local-kodomo.toml with the given per-visit cap.
fn local_programme(cap: u32) -> String {
    format!(
        "[[programme]]\nlaw = \"88\"\nname = \"子ども医療費助成 (test)\"\norder = 1\nrate = \"0.1\"\n\
         per_visit_cap = {cap}\nmax_charged_visits = 4\nmin_age = 0\nmax_age = 14\n\
         until_school_year_end = true\nfrom = \"2023-04-01\"\nsource = \"test\"\n"
    )
}

/// The receipt of goldens/copay/local-kodomo.toml: 8 years old, 1,000点, 国保, the local 88
/// programme. Its source (copayment.md §4): the patient pays min(1割 × 10,000円, cap) — 500 with
/// a cap of 500, 200 with a cap of 200.
fn kodomo_receipt() -> String {
    api::golden::Case::parse("k", &read("goldens/copay/local-kodomo.toml"))
        .unwrap()
        .input_json()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_under_load_loses_no_request() {
    let dir = std::env::temp_dir().join(format!("santei-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let local = dir.join("local.toml");
    std::fs::write(&local, local_programme(500)).unwrap();
    let mut c = config();
    c.data.local = vec![local.clone()];
    let s = start(c).await;
    let addr = s.addr();
    let receipt = Arc::new(kodomo_receipt());

    // The caps in force after each successful reload (generation g → caps[g]).
    let caps = [500u64, 200, 500, 200];
    let generation = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::<(usize, u64)>::new()));
    let mut clients = Vec::new();
    for _ in 0..16 {
        let (receipt, generation, stop, seen) = (
            receipt.clone(),
            generation.clone(),
            stop.clone(),
            seen.clone(),
        );
        clients.push(tokio::spawn(async move {
            let mut c = Client::connect(addr).await;
            let mut n = 0;
            // Bounded: at most 5,000 requests per client, stopped by the flag before that.
            while !stop.load(Ordering::SeqCst) && n < 5000 {
                let g = generation.load(Ordering::SeqCst);
                let r = c
                    .send("POST", "/v1/copay", &receipt)
                    .await
                    .expect("no request lost");
                assert_eq!(r.status, 200, "{}", r.text());
                let pays = r.json()["patient_pays"].as_u64().unwrap();
                seen.lock().unwrap().push((g, pays));
                n += 1;
            }
            n
        }));
    }
    let pause = || tokio::time::sleep(Duration::from_millis(150));
    pause().await;
    for (g, cap) in caps.iter().enumerate().skip(1) {
        std::fs::write(&local, local_programme(*cap as u32)).unwrap();
        s.reload().await.expect("reload");
        generation.store(g, Ordering::SeqCst);
        pause().await;
        if g == 2 {
            // A broken file: the reload fails, names the file, the data in use stays.
            std::fs::write(&local, "[[programme]]\nlaw = \"88\"\nrate = ").unwrap();
            let e = s.reload().await.expect_err("broken file");
            assert!(e.contains("local.toml"), "{e}");
            pause().await;
        }
    }
    // Over HTTP as well.
    std::fs::write(&local, local_programme(200)).unwrap();
    let r = post(addr, "/v1/admin/reload", "").await;
    assert_eq!(r.status, 200, "{}", r.text());
    pause().await;
    stop.store(true, Ordering::SeqCst);
    let mut total = 0;
    for c in clients {
        total += c.await.unwrap();
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), total);
    assert!(total >= 100, "only {total} requests");
    for &(g, pays) in &seen {
        // A request started after reload g finished sees caps[g]; one in flight during the
        // next reload may already see the next.
        let next = caps.get(g + 1).copied().unwrap_or(200);
        assert!(pays == caps[g] || pays == next, "generation {g}: {pays}");
    }
    // Every generation was observed (generation 2 spans the failed reload: its 500 stayed).
    for (g, &cap) in caps.iter().enumerate() {
        assert!(
            seen.iter().any(|&(x, p)| x == g && p == cap),
            "generation {g}"
        );
    }
    s.shutdown();
    s.join().await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_in_flight_finishes_on_the_old_data() {
    let dir = std::env::temp_dir().join(format!("santei-reload-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let local = dir.join("local.toml");
    std::fs::write(&local, local_programme(500)).unwrap();
    let mut c = config();
    c.data.local = vec![local.clone()];
    let s = Arc::new(start(c).await);
    let addr = s.addr();
    let receipt = serde_json::from_str::<serde_json::Value>(&kodomo_receipt())
        .unwrap()
        .to_string();
    // Lines every 100 ms for 1 s; the reload happens in the middle.
    let batch = tokio::spawn(slow_batch(addr, receipt.clone(), 10));
    tokio::time::sleep(Duration::from_millis(400)).await;
    std::fs::write(&local, local_programme(200)).unwrap();
    s.reload().await.expect("reload");
    // A new request sees the new data at once…
    let r = post(addr, "/v1/copay", &receipt).await;
    assert_eq!(r.json()["patient_pays"], 200);
    // …while every line of the batch was computed on the data it started with.
    let b = batch.await.unwrap();
    let pays: Vec<u64> = b
        .text()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["patient_pays"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(pays, vec![500; 10]);
    s.shutdown();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_the_request_in_flight_finish() {
    let s = start(config()).await;
    let addr = s.addr();
    let claim = claim_on("2025-05-01");
    let want =
        api::calc(&calc::Engine::embedded().unwrap(), "request.json", &claim).unwrap() + "\n";
    // An idle keep-alive connection, and a request whose body is half sent.
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /v1/calc HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        claim.len()
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    let (a, b) = claim.as_bytes().split_at(claim.len() / 2);
    sock.write_all(a).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    s.shutdown();
    tokio::time::sleep(Duration::from_millis(100)).await;
    // No new connections…
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    // …the idle one is closed…
    let mut buf = Vec::new();
    idle.read_to_end(&mut buf).await.unwrap();
    assert!(buf.is_empty());
    // …and the request in flight gets its whole answer.
    sock.write_all(b).await.unwrap();
    let mut got = Vec::new();
    sock.read_to_end(&mut got).await.unwrap();
    let r = parse(&got);
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), want);
    tokio::time::timeout(Duration::from_secs(5), s.join())
        .await
        .expect("stopped after the last request");
}
