//! One partition rule for every blueprint, in both formats: rendered for a region of another
//! partition (`us-gov-west-1`, `cn-north-1`), no output names the `aws` partition — not in
//! policies, trusts, principals, conditions, attachments, outputs or provider blocks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use iam_model::render::{iam, terraform, TerraformOptions};
use tests::render_fixtures::{example_deployments, resolution_for};

const REGIONS: [(&str, &str); 2] = [("us-gov-west-1", "aws-us-gov"), ("cn-north-1", "aws-cn")];

#[test]
fn iam_format_uses_the_partition_everywhere() {
    for (name, d) in example_deployments() {
        for (region, partition) in REGIONS {
            // An external value (Confluent's role ARN) is the user's, given for the partition
            // the deployment is applied in.
            let mut d = d.clone();
            for e in &mut d.externals {
                if let Some(v) = &mut e.value {
                    *v = iam_model::arn::in_partition(v, partition);
                }
            }
            let mut r = resolution_for(&d);
            r.region = Some(region.to_owned());
            r.partition = Some(partition.to_owned());
            let json = iam::render(&d, &r).unwrap();
            assert!(
                !json.contains("arn:aws:"),
                "{name} ({partition}) names the aws partition:\n{json}"
            );
            assert!(
                json.contains(&format!("arn:{partition}:")),
                "{name} ({partition})"
            );
        }
    }
}

#[test]
fn terraform_format_reads_the_partition_from_the_provider() {
    for (name, d) in example_deployments() {
        for (region, partition) in REGIONS {
            let files = terraform::render(&d, &TerraformOptions::with_region(region)).unwrap();
            let mut late = false;
            for f in &files {
                // Variable defaults are values the user gives for a partition (tableflow's
                // Confluent role ARN, an external value), as given.
                if f.name == "variables.tf.json" {
                    continue;
                }
                assert!(
                    !f.contents.contains("arn:aws:"),
                    "{name} ({region}): {} names the aws partition:\n{}",
                    f.name,
                    f.contents
                );
                late |= f.contents.contains("data.aws_partition.");
            }
            assert!(late, "{name}: no ARN reads the partition");
            let providers = files
                .iter()
                .find(|f| f.name == "providers.tf.json")
                .unwrap();
            if providers.contents.contains("role_arn") {
                assert!(
                    providers.contents.contains(&format!("arn:{partition}:")),
                    "{name}: {}",
                    providers.contents
                );
            }
        }
    }
}
