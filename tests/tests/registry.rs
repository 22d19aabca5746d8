//! Every blueprint crate under `blueprints/` is registered: a folder whose package is named
//! `blueprint-<name>` (other than the kit and the test harness) must be found by
//! `blueprints::find("<name>")`, so that render, plan, apply and the tests reach it.

use std::path::Path;

/// The crates under `blueprints/` that are not blueprints.
const NOT_BLUEPRINTS: [&str; 3] = ["blueprint-kit", "blueprints", "blueprint-testing"];

#[test]
fn every_blueprint_folder_is_registered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../blueprints");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("blueprints/ is readable") {
        let path = entry.expect("a folder entry").path();
        let Ok(manifest) = std::fs::read_to_string(path.join("Cargo.toml")) else {
            continue;
        };
        let package = manifest
            .lines()
            .find_map(|l| l.trim().strip_prefix("name = "))
            .map(|n| n.trim_matches('"').to_owned())
            .unwrap_or_else(|| panic!("{}: no package name", path.display()));
        if NOT_BLUEPRINTS.contains(&package.as_str()) {
            continue;
        }
        let name = package.strip_prefix("blueprint-").unwrap_or_else(|| {
            panic!(
                "{}: a blueprint package is named `blueprint-<name>`, not `{package}`",
                path.display()
            )
        });
        assert!(
            blueprints::find(name).is_some(),
            "`{}` holds blueprint `{name}`, but blueprints/registry/src/lib.rs does not register it",
            path.display()
        );
        found.push(name.to_owned());
    }
    assert_eq!(
        found.len(),
        blueprints::all().len(),
        "registered blueprints without a folder under blueprints/: compare {found:?} with the registry"
    );
}
