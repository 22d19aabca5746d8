//! Runnable walkthroughs: see `examples/*.rs`.
