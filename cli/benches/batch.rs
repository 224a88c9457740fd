//! `santei batch` end to end (read, compute, write) on 20,000 generated outpatient claims,
//! all cores. Reported as claims per second (criterion's element throughput).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::process::Command;

const N: usize = 20_000;

fn claims() -> String {
    let variants = [
        r#"{"code": "111000110"}"#,
        r#"{"code": "112007410"}, {"code": "112011010"}"#,
        r#"{"code": "111000110"}, {"code": "120002910"}, {"code": "120004270"}"#,
        r#"{"code": "112007410"}, {"code": "113001810"}, {"code": "120002910"}"#,
    ];
    let mut s = String::with_capacity(N * 330);
    for i in 0..N {
        let month = 4 + (i % 8);
        let tier = 1 + (i % 6);
        s.push_str(&format!(
            r#"{{"date": "2025-{month:02}-{:02}", "patient": {{"birth_date": "1960-05-01", "mynumber_card": {}}}, "facility": {{"kind": "clinic", "standards": [{{"code": "4035", "tier": {tier}, "from": "2024-06-01"}}], "e_prescription_since": "2024-01-01"}}, "items": [{}]}}"#,
            1 + i % 28,
            i % 3 != 0,
            variants[i % variants.len()]
        ));
        s.push('\n');
    }
    s
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("santei-batch-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("claims.jsonl");
    let output = dir.join("out.jsonl");
    std::fs::write(&input, claims()).unwrap();
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    for (label, extra) in [
        ("santei batch end to end (with trace)", None),
        ("santei batch end to end (--no-trace)", Some("--no-trace")),
    ] {
        g.bench_function(label, |b| {
            b.iter(|| {
                let mut cmd = Command::new(env!("CARGO_BIN_EXE_santei"));
                cmd.args([
                    "batch",
                    "--input",
                    input.to_str().unwrap(),
                    "--output",
                    output.to_str().unwrap(),
                ]);
                if let Some(x) = extra {
                    cmd.arg(x);
                }
                let st = cmd.output().unwrap();
                assert!(
                    st.status.success(),
                    "{}",
                    String::from_utf8_lossy(&st.stderr)
                );
            })
        });
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench);
criterion_main!(benches);
