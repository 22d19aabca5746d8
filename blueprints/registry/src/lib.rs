//! The registry: every blueprint, once. `cargo xtask render` and the workspace tests iterate
//! [`all`], so adding a blueprint is a new crate under `blueprints/` plus one line here.

use blueprint_kit::{Blueprint, Registered};

static AWS_TEAMS: Registered<blueprint_aws_teams::AwsTeams> = Registered::new();
static INVENTORY: Registered<blueprint_inventory::Inventory> = Registered::new();
static LANDING_ZONE: Registered<blueprint_landing_zone::LandingZone> = Registered::new();
static RUNTIME_CONNECTOR: Registered<blueprint_runtime_connector::RuntimeConnector> =
    Registered::new();
static TABLEFLOW: Registered<blueprint_tableflow::Tableflow> = Registered::new();

/// Every registered blueprint, in a stable order.
pub fn all() -> Vec<&'static dyn Blueprint> {
    vec![
        &AWS_TEAMS,
        &INVENTORY,
        &LANDING_ZONE,
        &RUNTIME_CONNECTOR,
        &TABLEFLOW,
    ]
}

/// The blueprint named `name`.
pub fn find(name: &str) -> Option<&'static dyn Blueprint> {
    all().into_iter().find(|b| b.name() == name)
}
