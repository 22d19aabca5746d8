//! Snapshots of every config variant: each object with its policies in canonical pretty JSON
//! (late-bound values as `{{name}}`), and the same policies resolved in a test account. A
//! change to what the blueprint creates shows up here as a reviewable diff.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use blueprint_runtime_connector::build;
use common::{dump, resolved, variants};

#[test]
fn deployments() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        insta::assert_snapshot!(name, dump(&d));
    }
}

#[test]
fn resolved_policies() {
    for (name, inputs) in variants() {
        let d = build(&inputs).unwrap();
        let mut out = String::new();
        for r in &d.roles {
            out.push_str(&format!("# trust of {}\n", r.name));
            out.push_str(&resolved(&d, &r.trust).to_json_pretty().unwrap());
            out.push('\n');
        }
        for p in &d.policies {
            out.push_str(&format!("# {}\n", p.name));
            out.push_str(&resolved(&d, &p.document).to_json_pretty().unwrap());
            out.push('\n');
        }
        insta::assert_snapshot!(format!("{name}_resolved"), out);
    }
}
