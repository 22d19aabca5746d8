//! Helpers shared by the workspace-level tests.

pub mod render_fixtures;
