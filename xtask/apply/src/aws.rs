//! Everything that talks to AWS: credentials and clients per account ([`client`]), reading an
//! account's IAM state ([`read`]), executing a plan's calls with IAM's real behaviour handled
//! ([`write`]), and the engine that ties them to the plan ([`engine`]).

pub mod client;
pub mod engine;
pub mod error;
pub mod ledger;
pub mod limit;
pub mod lock;
pub mod preflight;
pub mod read;
pub mod write;
