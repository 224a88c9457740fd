//! `santei serve` as the built binary on a free loopback port, against the CLI itself:
//! - every golden case (`santei golden inputs`) through `/v1/calc`, `/v1/copay`, `/v1/tier`
//!   gives the bytes `santei calc` / `copay [--local]` / `tier` print (422 where the CLI exits
//!   1; where it exits 2, 400 with the same message);
//! - `/v1/batch` gives the bytes `santei batch` writes for the same lines;
//! - `master show`, `master diff` and `version` on the official files (`--master`) equal the
//!   CLI's;
//! - SIGTERM lets the request in flight finish, then the server exits 0; SIGHUP reloads.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_santei");
const IKA: &str = "../../shared/masters/ika";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// `santei serve --port 0 ARGS…` in `dir` (no page folder there: the API alone).
    fn start(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(BIN)
            .args(["serve", "--port", "0", "--no-access-log"])
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("santei serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("first line");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.trim().trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server { child, addr }
    }

    fn pid(&self) -> String {
        self.child.id().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8")
    }
    fn error_message(&self) -> String {
        let v: Value = serde_json::from_slice(&self.body).expect("error JSON");
        v["error"]["message"].as_str().expect("message").to_string()
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&b[..i]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + size]);
        b = &b[i + 2 + size + 2..];
    }
    out
}

fn parse(bytes: &[u8]) -> Reply {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("response head");
    let head = String::from_utf8_lossy(&bytes[..end]).to_ascii_lowercase();
    let status = head[9..12].parse().expect("status");
    let rest = &bytes[end + 4..];
    let body = if head.contains("transfer-encoding: chunked") {
        dechunk(rest)
    } else {
        rest.to_vec()
    };
    Reply { status, body }
}

fn send(addr: SocketAddr, method: &str, path: &str, extra: &str, body: &[u8]) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{extra}Content-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut got = Vec::new();
    s.read_to_end(&mut got).unwrap();
    parse(&got)
}

fn santei(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("santei");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("santei-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn every_golden_case_gives_the_cli_bytes() {
    let (rc, out, err) = santei(&repo(), &["golden", "inputs"]);
    assert_eq!(rc, 0, "{err}");
    let cases: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    let dir = temp_dir("goldens");
    let plain = Server::start(&dir, &[]);
    // One server per distinct set of local programmes (`--local`, as `santei copay --local`).
    let mut with_local: Vec<(String, Server)> = Vec::new();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for c in &cases {
        let kind = c["kind"].as_str().unwrap();
        let file = c["file"].as_str().unwrap();
        let input = c["input"].as_str().unwrap();
        // The server names its body request.json; the CLI reads a file of that name.
        std::fs::write(dir.join("request.json"), input).unwrap();
        let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let (args, path, addr) = match (kind, c["local"].as_str()) {
            ("calc", _) => (
                strings(&["calc", "request.json"]),
                "/v1/calc".to_string(),
                plain.addr,
            ),
            ("copay", None) => (
                strings(&["copay", "request.json"]),
                "/v1/copay".to_string(),
                plain.addr,
            ),
            ("copay", Some(local)) => {
                let i = match with_local.iter().position(|(l, _)| l == local) {
                    Some(i) => i,
                    None => {
                        let name = format!("local-{}.toml", with_local.len());
                        std::fs::write(dir.join(&name), local).unwrap();
                        with_local
                            .push((local.to_string(), Server::start(&dir, &["--local", &name])));
                        with_local.len() - 1
                    }
                };
                let name = format!("local-{i}.toml");
                (
                    strings(&["copay", "request.json", "--local", &name]),
                    "/v1/copay".to_string(),
                    with_local[i].1.addr,
                )
            }
            ("tier", _) => {
                let (from, to) = (c["from"].as_str().unwrap(), c["to"].as_str().unwrap());
                (
                    strings(&["tier", "request.json", "--from", from, "--to", to]),
                    format!("/v1/tier?from={from}&to={to}"),
                    plain.addr,
                )
            }
            (other, _) => panic!("{file}: kind {other}"),
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (rc, out, err) = santei(&dir, &args);
        let r = send(
            addr,
            "POST",
            &path,
            "Content-Type: application/json\r\n",
            input.as_bytes(),
        );
        let ok = match rc {
            0 => r.status == 200 && r.body == out.as_bytes(),
            1 => kind == "calc" && r.status == 422 && r.body == out.as_bytes(),
            2 => {
                *counts.entry("errors".into()).or_default() += 1;
                let cli = err
                    .trim_end()
                    .strip_prefix("santei: error: ")
                    .unwrap_or(&err);
                r.status == 400 && r.error_message() == cli
            }
            _ => false,
        };
        *counts.entry(kind.into()).or_default() += 1;
        if !ok {
            let a = r.text();
            let i = a
                .bytes()
                .zip(out.bytes())
                .take_while(|(x, y)| x == y)
                .count();
            failures.push(format!(
                "{file}: CLI exit {rc}, server {}; differ at byte {i}: server …{:?} CLI …{:?} {err}",
                r.status,
                a.get(i..(i + 80).min(a.len())).unwrap_or(""),
                out.get(i..(i + 80).min(out.len())).unwrap_or("")
            ));
        }
    }
    eprintln!("serve identity: {} cases {counts:?}", cases.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(counts.get("calc").is_some_and(|&n| n >= 100));
    assert!(counts.get("copay").is_some_and(|&n| n >= 80));
    assert!(counts.get("tier").is_some_and(|&n| n >= 100));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn batch_gives_the_bytes_of_santei_batch() {
    let (rc, out, err) = santei(&repo(), &["golden", "inputs"]);
    assert_eq!(rc, 0, "{err}");
    // Every calc and copay golden input as one line, plus bad lines.
    let mut body = Vec::new();
    for l in out.lines() {
        let c: Value = serde_json::from_str(l).unwrap();
        if c["kind"] == "calc" || c["kind"] == "copay" {
            let v: Value = serde_json::from_str(c["input"].as_str().unwrap()).unwrap();
            body.extend_from_slice(v.to_string().as_bytes());
            body.push(b'\n');
        }
    }
    body.extend_from_slice(b"{\"date\": \"2025-13-01\"}\n\nnot json\n\xff\xfe\n{\"month\": 5}");
    let dir = temp_dir("batch");
    std::fs::write(dir.join("in.jsonl"), &body).unwrap();
    let server = Server::start(&dir, &[]);
    for (query, flag) in [("", None), ("?trace=false", Some("--no-trace"))] {
        let mut args = vec!["batch", "--input", "in.jsonl", "--jobs", "2"];
        args.extend(flag);
        let (rc, cli, err) = santei(&dir, &args);
        assert_eq!(rc, 1, "bad lines make santei batch exit 1: {err}");
        let r = send(
            server.addr,
            "POST",
            &format!("/v1/batch{query}"),
            "Content-Type: application/x-ndjson\r\n",
            &body,
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.body.len(), cli.len(), "{query}");
        assert!(r.body == cli.as_bytes(), "{query}: the outputs differ");
        assert!(cli.lines().count() >= 200);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn master_and_version_on_official_files_equal_the_cli() {
    let cli_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let server = Server::start(&cli_dir, &["--master", IKA]);
    for (code, date) in [
        ("111000110", "2024-05-31"),
        ("111000110", "2024-06-01"),
        ("111703370", "2024-06-01"),
    ] {
        let (rc, out, err) = santei(
            &cli_dir,
            &["master", "show", code, "--date", date, "--master", IKA],
        );
        assert_eq!(rc, 0, "{err}");
        let r = send(
            server.addr,
            "GET",
            &format!("/v1/master/{code}?date={date}"),
            "",
            b"",
        );
        assert_eq!((r.status, r.text()), (200, out));
    }
    // Not valid on the date: the CLI exits 1 with the message, the server 404 with it.
    let (rc, _, err) = santei(
        &cli_dir,
        &[
            "master",
            "show",
            "111703370",
            "--date",
            "2024-05-31",
            "--master",
            IKA,
        ],
    );
    assert_eq!(rc, 1);
    let r = send(
        server.addr,
        "GET",
        "/v1/master/111703370?date=2024-05-31",
        "",
        b"",
    );
    assert_eq!(r.status, 404);
    assert_eq!(format!("santei: {}\n", r.error_message()), err);
    // Diff as JSON lines: the CLI's bytes.
    let (rc, out, err) = santei(
        &cli_dir,
        &[
            "master",
            "diff",
            "--from",
            "2024-05-31",
            "--to",
            "2024-06-01",
            "--master",
            IKA,
        ],
    );
    assert_eq!(rc, 0, "{err}");
    let r = send(
        server.addr,
        "GET",
        "/v1/master/diff?from=2024-05-31&to=2024-06-01",
        "Accept: application/x-ndjson\r\n",
        b"",
    );
    assert_eq!(r.text(), out);
    assert!(out.lines().count() > 100);
    let (rc, out, _) = santei(&cli_dir, &["version", "--master", IKA]);
    assert_eq!(rc, 0);
    let r = send(server.addr, "GET", "/v1/version", "", b"");
    assert_eq!(r.text(), out);
    assert!(out.contains("s_ALL"));
}

#[cfg(unix)]
#[test]
fn sigterm_drains_and_sighup_reloads() {
    let dir = temp_dir("signals");
    let mut server = Server::start(&dir, &[]);
    let claim = std::fs::read_to_string(repo().join("examples/claim.json")).unwrap();
    let (_, want, _) = santei(&repo(), &["calc", "examples/claim.json"]);
    // SIGHUP: reloaded, still answering.
    assert!(Command::new("kill")
        .args(["-HUP", &server.pid()])
        .status()
        .unwrap()
        .success());
    std::thread::sleep(Duration::from_millis(300));
    let r = send(server.addr, "POST", "/v1/calc", "", claim.as_bytes());
    assert_eq!((r.status, r.text()), (200, want.clone()));
    // A request whose body is half sent when SIGTERM arrives.
    let mut s = TcpStream::connect(server.addr).unwrap();
    write!(
        s,
        "POST /v1/calc HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        claim.len()
    )
    .unwrap();
    let (a, b) = claim.as_bytes().split_at(claim.len() / 2);
    s.write_all(a).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert!(Command::new("kill")
        .args(["-TERM", &server.pid()])
        .status()
        .unwrap()
        .success());
    std::thread::sleep(Duration::from_millis(300));
    // No longer accepting…
    assert!(TcpStream::connect(server.addr).is_err());
    assert!(
        server.child.try_wait().unwrap().is_none(),
        "exited with a request in flight"
    );
    // …the request in flight gets its answer, then the server exits 0.
    s.write_all(b).unwrap();
    let mut got = Vec::new();
    s.read_to_end(&mut got).unwrap();
    let r = parse(&got);
    assert_eq!((r.status, r.text()), (200, want));
    let t = Instant::now();
    let status = loop {
        if let Some(st) = server.child.try_wait().unwrap() {
            break st;
        }
        assert!(t.elapsed() < Duration::from_secs(5), "still running");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
