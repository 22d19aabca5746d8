//! Config loading cost: a YAML map of 10,000 and of 100,000 keys, and 100,000 tags under one
//! input (the shape that took 233 s while duplicate keys were checked pairwise), read into a
//! located `ConfigNode` tree. Target: 100,000 keys under 1 s, and the 100k case about ten
//! times the 10k one (linear). The same 100,000 keys as JSON are the reference.
#![allow(missing_docs, clippy::unwrap_used)]

use blueprint_kit::ConfigSource;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn yaml_keys(n: usize) -> String {
    let mut s = String::with_capacity(n * 24);
    for i in 0..n {
        s.push_str(&format!("key_{i:06}: value {i}\n"));
    }
    s
}

fn yaml_tags(n: usize) -> String {
    let mut s = String::from("environment: prod\ntags:\n");
    for i in 0..n {
        s.push_str(&format!("  Tag{i}: v{i}\n"));
    }
    s
}

fn json_keys(n: usize) -> String {
    let members: Vec<String> = (0..n)
        .map(|i| format!("\"key_{i:06}\": \"value {i}\""))
        .collect();
    format!("{{{}}}", members.join(",\n"))
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("config_load");
    group.sample_size(10);
    for n in [10_000, 100_000] {
        let yaml = ConfigSource::new("keys.yaml", yaml_keys(n));
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("yaml_keys", n), &yaml, |b, s| {
            b.iter(|| s.parse().unwrap())
        });
    }
    let tags = ConfigSource::new("tags.yaml", yaml_tags(100_000));
    group.bench_function("yaml_tags/100000", |b| b.iter(|| tags.parse().unwrap()));
    let json = ConfigSource::new("keys.json", json_keys(100_000));
    group.bench_function("json_keys/100000", |b| b.iter(|| json.parse().unwrap()));
    group.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
