//! Benchmark: reading a synthetic UKE file of outpatient receipts (the generator of
//! `examples/gen_uke.rs`, codes and points of the R6 master in `../shared`), per receipt:
//! the reader alone (bytes in memory, and through a `BufRead`), the reader with the totals
//! check, and the writer. The lead runs it (`cargo bench -p santei-uke`, or `scripts/bench`).

/// The allocator the `santei` binary ships with (see cli/src/main.rs).
#[global_allocator]
static ALLOC: mialloc::Mimalloc = mialloc::Mimalloc;

#[path = "../examples/gen_uke.rs"]
#[allow(dead_code)]
mod gen_uke;

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};

const N: u32 = 10_000;

fn bench(c: &mut Criterion) {
    let src = gen_uke::Source::load(&gen_uke::default_shared());
    let file = gen_uke::generate(&src, N, Vec::new());
    let receipts: Vec<uke::Receipt> = uke::read_bytes(&file, Default::default())
        .filter_map(|i| match i {
            uke::Item::Receipt(r) => Some(r.receipt),
            _ => None,
        })
        .collect();
    assert_eq!(receipts.len(), N as usize);
    let ir = gen_uke::ir();

    let mut g = c.benchmark_group("uke");
    g.throughput(Throughput::Elements(u64::from(N)));
    g.sample_size(20);
    g.bench_function("read 10,000 receipts (bytes in memory)", |b| {
        b.iter(|| uke::read_bytes(black_box(&file), Default::default()).count())
    });
    g.bench_function("read 10,000 receipts (BufRead)", |b| {
        b.iter(|| uke::read_buf(black_box(&file[..]), Default::default()).count())
    });
    g.bench_function("read + totals check, 10,000 receipts", |b| {
        b.iter(|| {
            uke::read_bytes(black_box(&file), Default::default())
                .filter(|i| match i {
                    uke::Item::Receipt(r) => uke::check(&r.receipt).equal,
                    _ => false,
                })
                .count()
        })
    });
    g.bench_function("write 10,000 receipts", |b| {
        b.iter(|| {
            uke::write_file(receipts.iter().map(|r| (&ir, r)))
                .expect("writes")
                .len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
