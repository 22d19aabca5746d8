//! Config text → every registered blueprint → validation → Terraform JSON. Any input must end
//! in a deployment or in located errors: no panic, no stack overflow, no unbounded memory (run
//! with `-rss_limit_mb=2048`, libFuzzer's default, to catch alias amplification).
#![no_main]

use blueprint_kit::ConfigSource;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The same text as JSON exercises the other reader (and its depth and size bounds).
    let _ = ConfigSource::new("fuzz.json", text).parse();
    let source = ConfigSource::new("fuzz.yaml", text);
    for blueprint in blueprints::all() {
        let Ok(deployment) = blueprint.build(&source) else {
            continue;
        };
        let _ = deployment.validate(&iam_model::deployment::DeploymentOptions::default());
        let _ = iam_model::render::terraform::render(
            &deployment,
            &iam_model::render::TerraformOptions::default(),
        );
    }
});
