//! Procedural macros for rolewright.
//!
//! Thin entry points only: each macro lives in its own module, which parses, validates and
//! expands with `proc_macro2` types (so the expansion is unit-tested without a compiler run).
//! See the crate README for the syntax of each macro and their compile-time cost.

mod action;
mod arn;
mod catalog;
mod diag;
mod input_enum;
mod inputs;
mod policy;
mod template;

use proc_macro::TokenStream;

/// An `::iam_model::Action`, checked against the AWS service catalog at compile time.
///
/// ```
/// let a: iam_model::Action = iam_macros::action!("s3:GetObject");
/// assert_eq!(a.as_str(), "s3:GetObject");
/// ```
///
/// An unknown service or action, a malformed action or a wildcard that matches no action is a
/// compile error on the literal, with the nearest valid names as help.
#[proc_macro]
pub fn action(input: TokenStream) -> TokenStream {
    action::action(input.into()).into()
}

/// An array of `::iam_model::Action`s, each checked as by [`action!`](macro@action).
///
/// ```
/// let read: [iam_model::Action; 2] = iam_macros::actions!("s3:GetObject", "s3:List*");
/// assert_eq!(read[1].as_str(), "s3:List*");
/// ```
#[proc_macro]
pub fn actions(input: TokenStream) -> TokenStream {
    action::actions(input.into()).into()
}

/// An ARN checked at compile time: an `::iam_model::Arn`, or an `::iam_model::Text` when it
/// uses the placeholders `{partition}`, `{region}`, `{account}` or `{account:KEY}` (late-bound
/// values; IAM policy variables such as `${aws:username}` stay literal text).
///
/// ```
/// let bucket: iam_model::Arn = iam_macros::arn!("arn:aws:s3:::my-bucket/*");
/// assert_eq!(bucket.service(), "s3");
/// let roles: iam_model::Text = iam_macros::arn!("arn:{partition}:iam::{account}:role/sym/*");
/// assert_eq!(roles.to_string(), "arn:{{partition}}:iam::{{account_id}}:role/sym/*");
/// ```
#[proc_macro]
pub fn arn(input: TokenStream) -> TokenStream {
    arn::arn(input.into()).into()
}

/// An `::iam_model::PolicyDocument` written as JSON, validated at compile time by
/// `iam_model::validate`: every error finding (an unknown element, action, condition operator
/// or key, a malformed ARN, a resource type an action cannot take, ...) is a compile error on
/// the token it is about.
///
/// Strings in resources, principals and condition values may use the placeholders of
/// [`arn!`](macro@arn). A Rust expression may stand for an action, a resource, a principal or
/// a condition value (`..expr` spreads an iterator into a list), and, in parentheses, for a
/// condition key. The policy kind may be written first: `policy!(trust { ... })`; otherwise
/// it is inferred from the statements.
///
/// ```
/// let bucket = String::from("reports");
/// let doc = iam_macros::policy! {
///     "Version": "2012-10-17",
///     "Statement": [{
///         "Effect": "Allow",
///         "Action": ["s3:GetObject", "s3:ListBucket"],
///         "Resource": [format!("arn:aws:s3:::{bucket}"), "arn:{partition}:s3:::logs/*"],
///         "Condition": {"Bool": {"aws:SecureTransport": true}}
///     }]
/// };
/// assert_eq!(doc.statements[0].action.actions().len(), 2);
/// ```
#[proc_macro]
pub fn policy(input: TokenStream) -> TokenStream {
    policy::policy(input.into()).into()
}

/// Derives `blueprint_kit::Inputs` (and `InputValue`, so the struct can also be nested in
/// another inputs struct) for a struct of blueprint inputs.
///
/// Each field is an input named after the field; its `///` doc comment is its description.
/// Field attributes, in `#[input(...)]`:
///
/// * `default` (`Default::default()`) or `default = <expr>`: the value when the input is
///   absent or null; without it the input is required (an `Option` field is `None`);
/// * `range = 3600..=43200` (also `a..b`, `a..`, `..=b`): bounds of a number, or of each
///   number in an `Option`, `Vec` or map;
/// * `pattern = "[0-9]{12}"`: a regular expression (regex-lite syntax) the whole string must
///   match; checked at compile time;
/// * `example = "..."`: an example value for docs and for help lines;
/// * `rename = "name"`: the input's name in config files;
/// * `sensitive`: marks the Terraform variable sensitive;
/// * `flatten`: the field is a struct deriving `Inputs` whose inputs sit at this level.
///
/// On the struct, `#[input(crate = "path")]` names the `blueprint_kit` crate if it is
/// reached by another path.
#[proc_macro_derive(Inputs, attributes(input))]
pub fn derive_inputs(input: TokenStream) -> TokenStream {
    inputs::derive(input.into()).into()
}

/// Derives `blueprint_kit::InputEnum`, `InputValue` and `InputKey` for an enum of unit
/// variants, read from strings: each variant is written as its
/// `#[input(rename = "aws/secretsmgr")]` or as its name in snake case.
#[proc_macro_derive(InputEnum, attributes(input))]
pub fn derive_input_enum(input: TokenStream) -> TokenStream {
    input_enum::derive(input.into()).into()
}
