#![doc = include_str!("../README.md")]

pub mod account_id;
pub mod action;
pub mod arn;
pub mod budget;
pub mod condition;
pub mod deployment;
pub mod equivalence;
pub mod eval;
pub mod finding;
pub mod graph;
pub mod json;
pub mod managed_policy_arn;
pub mod parse;
pub mod policy;
pub mod principal;
pub mod reason;
pub mod render;
mod scan;
pub mod statement;
pub mod suggest;
pub mod text;
pub mod validate;
pub mod write;

pub use iam_catalog as catalog;

pub use account_id::AccountId;
pub use action::Action;
pub use arn::{Arn, ArnTemplate};
pub use condition::{BaseOperator, Condition, ConditionOperator, ConditionValue};
pub use equivalence::equivalent;
pub use finding::{Code, Finding, Severity};
pub use managed_policy_arn::ManagedPolicyArn;
pub use parse::{parse_policy, ParsePolicyError};
pub use policy::{Attachment, PolicyDocument, PolicyKind, Version};
pub use principal::{Principal, PrincipalKind};
pub use statement::{ActionClause, Effect, PrincipalClause, ResourceClause, Statement};
pub use text::{LateBound, Resolver, Text};
pub use validate::{validate, validate_json, Report, ValidationContext};
pub use write::JsonStyle;
