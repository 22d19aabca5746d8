//! Typed AWS IAM policy model.
pub use iam_catalog as catalog;
