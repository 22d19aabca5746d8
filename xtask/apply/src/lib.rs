//! The apply engine behind `cargo xtask plan | apply | destroy`.
//!
//! The live account is the state: every run reads what the accounts hold ([`state`]),
//! resolves the deployment against them ([`desired`]), computes a [`plan`] (a pure function,
//! tested with recorded observations), shows it ([`report`]) and, for apply and destroy,
//! executes it through `aws-sdk-iam` ([`aws`]). Only this crate depends on the AWS SDK; it is
//! kept out of the workspace's default members so `cargo build` and `cargo xtask render`
//! never compile it.

pub mod args;
pub mod aws;
pub mod cli;
pub mod desired;
pub mod plan;
pub mod report;
pub mod state;
