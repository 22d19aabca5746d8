//! Writes the validation benchmark's corpus (`benches/support/corpus.rs`) to a folder, one
//! `policy-NNNNN.json` per policy, so that other validators can be measured on exactly the
//! same policies (see `benches/parliament/README.md`).
//!
//! ```text
//! cargo run -p iam-model --release --example bench_corpus -- DIR [COUNT]
//! ```

#[path = "../benches/support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: bench_corpus DIR [COUNT]");
        return ExitCode::from(2);
    };
    let count = match args.next().map(|s| s.parse::<usize>()) {
        None => 10_000,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("error: COUNT must be a number");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("error: cannot create `{}`: {e}", dir.display());
        return ExitCode::from(2);
    }
    for (i, policy) in corpus::policies(corpus::SEED, count).iter().enumerate() {
        let path = dir.join(format!("policy-{i:05}.json"));
        if let Err(e) = std::fs::write(&path, policy) {
            eprintln!("error: cannot write `{}`: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    println!("wrote {count} policies to {}", dir.display());
    ExitCode::SUCCESS
}
