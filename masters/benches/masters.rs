//! Benchmarks of the official file loaders (the figures go in the README):
//! parsing `s_ALL20240531.csv`, the full 2022→2025 replay, and a code+date lookup.
//! Reads ../shared/masters/ika (or $SANTEI_SHARED/masters/ika).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use masters::{Code, Dataset, NamedFile, Schedule};
use std::path::PathBuf;

fn ika() -> PathBuf {
    std::env::var_os("SANTEI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
        .join("masters/ika")
}

fn all_files() -> Vec<NamedFile> {
    let mut v: Vec<NamedFile> = std::fs::read_dir(ika())
        .expect("../shared/masters/ika")
        .map(|e| e.unwrap().path())
        .map(|p| NamedFile {
            name: p.file_name().unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(&p).unwrap(),
        })
        .collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

fn bench(c: &mut Criterion) {
    let full = std::fs::read(ika().join("s_ALL20240531.csv")).unwrap();
    let mut g = c.benchmark_group("masters");
    g.sample_size(20);
    g.bench_function("parse s_ALL20240531.csv", |b| {
        b.iter(|| {
            let mut s = Schedule::new();
            s.apply_full("s_ALL20240531.csv", black_box(&full)).unwrap();
            s
        })
    });
    let files = all_files();
    g.sample_size(10);
    g.bench_function("replay 2022→2025 (2 full + 78 update files)", |b| {
        b.iter(|| Dataset::load_files(black_box(files.clone())).unwrap())
    });
    g.finish();
    let ds = Dataset::load_files(files).unwrap();
    let code = Code::parse("111703470").unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2025, 4, 10).unwrap();
    c.bench_function("lookup code+date", |b| {
        b.iter(|| {
            ds.schedule
                .lookup(black_box(code), black_box(date))
                .unwrap()
                .record()
                .points
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
