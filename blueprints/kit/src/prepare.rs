//! The one path from a config to a validated deployment: [`prepare`] builds a blueprint's
//! deployment from its config, applies the deploy-time flags ([`Overrides`]) and validates the
//! result. `render`, `plan`, `apply` and `destroy` all take it, so a flag means the same, and
//! is checked the same way, in every command.
//!
//! The flags are declared once too ([`OverrideArgs`], flattened into each command line) and
//! parsed once ([`Overrides::parse`]): an account id is an [`AccountId`] from here on, a
//! `NAME=VALUE` flag with an empty name or value is refused everywhere, a name the deployment
//! does not declare is an error with a suggestion, and a flag never silently replaces a value
//! the config fixes (`--generated external_id=X` against a `custom_external_id`).

use std::collections::BTreeMap;

use iam_model::deployment::{Deployment, DeploymentFinding, DeploymentOptions};
use iam_model::validate::DEFAULT_TRUST_POLICY_QUOTA;
use iam_model::AccountId;

use crate::{Blueprint, BlueprintError, ConfigSource};

/// The flags that change a deployment, as every command declares them.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct OverrideArgs {
    /// The instance name (ownership tags); default: the one the blueprint gives.
    #[arg(long, value_name = "NAME")]
    pub instance: Option<String>,
    /// An account id: `KEY=ID` for the account keyed KEY, or a bare `ID` for every account the
    /// config gives no id. Overrides the config's id for that account.
    #[arg(long = "account-id", value_name = "ID|KEY=ID")]
    pub account_ids: Vec<String>,
    /// A role to assume to reach the account keyed KEY (Terraform's provider `assume_role`;
    /// apply's credentials unless `--account-role` says otherwise). Overrides the config's.
    #[arg(long = "assume-role", value_name = "KEY=ROLE_ARN")]
    pub assume_roles: Vec<String>,
    /// A generated value, e.g. the external id a first deployment generated. A value the config
    /// fixes (such as `custom_external_id`) cannot be overridden: a different one is an error.
    #[arg(long = "generated", value_name = "NAME=VALUE")]
    pub generated: Vec<String>,
    /// An external value, e.g. the role ARN a partner handed out; overrides the config's.
    #[arg(long = "external", value_name = "NAME=VALUE")]
    pub externals: Vec<String>,
    /// The target accounts' role trust policy quota in characters (2,048 unless raised in
    /// Service Quotas, quota L-C07B4B0D).
    #[arg(long = "trust-quota", value_name = "N", default_value_t = DEFAULT_TRUST_POLICY_QUOTA)]
    pub trust_quota: usize,
    /// Managed policies attachable per role (10 unless raised in Service Quotas).
    #[arg(long = "attachments-per-role", value_name = "N", default_value_t = 10)]
    pub attachments_per_role: usize,
}

impl Default for OverrideArgs {
    fn default() -> Self {
        OverrideArgs {
            instance: None,
            account_ids: Vec::new(),
            assume_roles: Vec::new(),
            generated: Vec::new(),
            externals: Vec::new(),
            trust_quota: DEFAULT_TRUST_POLICY_QUOTA,
            attachments_per_role: 10,
        }
    }
}

/// The deploy-time flags, parsed and checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--instance`.
    pub instance: Option<String>,
    /// `--account-id KEY=ID`.
    pub account_ids: BTreeMap<String, AccountId>,
    /// `--account-id ID`: every account without an id.
    pub default_account_id: Option<AccountId>,
    /// `--assume-role KEY=ROLE_ARN`.
    pub assume_roles: BTreeMap<String, String>,
    /// `--generated NAME=VALUE`.
    pub generated: BTreeMap<String, String>,
    /// `--external NAME=VALUE`.
    pub externals: BTreeMap<String, String>,
    /// Quotas for validation (`--trust-quota`, `--attachments-per-role`).
    pub options: DeploymentOptions,
}

/// Why a config did not become a deployment.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PrepareError {
    /// A flag is malformed or names nothing the deployment has (a usage problem).
    #[error("`{flag} {value}`: {message}")]
    #[diagnostic(code(rolewright::prepare::flag), help("{help}"))]
    Flag {
        /// The flag (`--account-id`).
        flag: &'static str,
        /// Its value as given.
        value: String,
        /// What is wrong, lowercase.
        message: String,
        /// What to do instead.
        help: String,
    },
    /// The config could not be read as the blueprint's inputs, or the blueprint rejects them.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Blueprint(#[from] BlueprintError),
    /// The deployment has validation errors.
    #[error("the deployment of `{blueprint}` has {} error(s)", .findings.iter().filter(|f| f.is_error()).count())]
    #[diagnostic(
        code(rolewright::prepare::invalid),
        help("fix the config (or the blueprint) so that these findings go away")
    )]
    Invalid {
        /// The blueprint.
        blueprint: String,
        /// Every finding, errors and the rest.
        findings: Vec<DeploymentFinding>,
    },
}

impl PrepareError {
    /// True for a usage problem (a bad flag): the commands exit with status 2 for it.
    pub fn is_usage(&self) -> bool {
        matches!(self, PrepareError::Flag { .. })
    }
}

fn flag_error(flag: &'static str, value: &str, message: String, help: &str) -> PrepareError {
    PrepareError::Flag {
        flag,
        value: value.to_owned(),
        message,
        help: help.to_owned(),
    }
}

/// `NAME=VALUE`, neither part empty.
fn pair<'a>(flag: &'static str, item: &'a str) -> Result<(&'a str, &'a str), PrepareError> {
    match item.split_once('=') {
        Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok((k, v)),
        _ => Err(flag_error(
            flag,
            item,
            "expected NAME=VALUE".to_owned(),
            "give both the name and a non-empty value, e.g. `NAME=VALUE`",
        )),
    }
}

impl Overrides {
    /// Parses and checks the flags.
    pub fn parse(args: &OverrideArgs) -> Result<Self, PrepareError> {
        let mut o = Overrides {
            instance: args.instance.clone(),
            options: DeploymentOptions {
                trust_policy_quota: args.trust_quota,
                attachments_per_role: args.attachments_per_role,
                ..DeploymentOptions::default()
            },
            ..Overrides::default()
        };
        if let Some(instance) = &args.instance {
            let ok = !instance.is_empty()
                && instance
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.:/=+-@".contains(c));
            if !ok {
                return Err(flag_error(
                    "--instance",
                    instance,
                    "not a valid instance name".to_owned(),
                    "use letters, digits and `_.:/=+-@` (it becomes a tag value)",
                ));
            }
        }
        if args.trust_quota == 0 {
            return Err(flag_error(
                "--trust-quota",
                "0",
                "the quota must be a positive number of characters".to_owned(),
                "pass the quota Service Quotas shows, e.g. `4096`",
            ));
        }
        for a in &args.account_ids {
            let (key, id) = match a.split_once('=') {
                Some((k, id)) => (Some(k), id),
                None => (None, a.as_str()),
            };
            let id = AccountId::parse(id).map_err(|e| {
                flag_error(
                    "--account-id",
                    a,
                    e.to_string(),
                    "an account id is exactly 12 digits: `--account-id KEY=123456789012`",
                )
            })?;
            let previous = match key {
                Some("") => {
                    return Err(flag_error(
                        "--account-id",
                        a,
                        "the account key is empty".to_owned(),
                        "write `KEY=ID`, or a bare `ID` for every account",
                    ))
                }
                Some(k) => o.account_ids.insert(k.to_owned(), id.clone()),
                None => o.default_account_id.replace(id.clone()),
            };
            if previous.is_some_and(|p| p != id) {
                return Err(flag_error(
                    "--account-id",
                    a,
                    "contradicts an earlier `--account-id` for the same account".to_owned(),
                    "give each account one id",
                ));
            }
        }
        for item in &args.assume_roles {
            let (key, arn) = pair("--assume-role", item)?;
            let ok = iam_model::Arn::parse(arn)
                .is_ok_and(|a| a.service() == "iam" && a.resource().starts_with("role/"));
            if !ok {
                return Err(flag_error(
                    "--assume-role",
                    item,
                    format!("`{arn}` is not a role ARN"),
                    "write `KEY=arn:aws:iam::ACCOUNT:role/NAME`",
                ));
            }
            o.assume_roles.insert(key.to_owned(), arn.to_owned());
        }
        for (flag, list, map) in [
            ("--generated", &args.generated, &mut o.generated),
            ("--external", &args.externals, &mut o.externals),
        ] {
            for item in list {
                let (name, value) = pair(flag, item)?;
                map.insert(name.to_owned(), value.to_owned());
            }
        }
        Ok(o)
    }

    /// Applies the flags to `d`: every name must be one `d` declares.
    pub fn apply(&self, d: &mut Deployment) -> Result<(), PrepareError> {
        fn unknown(
            flag: &'static str,
            name: &str,
            value: &str,
            kind: &str,
            blueprint: &str,
            known: Vec<&str>,
        ) -> PrepareError {
            let help = match iam_model::suggest::nearest(name, known.iter().copied(), 1).first() {
                Some(s) => format!("did you mean `{s}`?"),
                None if known.is_empty() => format!("blueprint `{blueprint}` declares no {kind}"),
                None => format!(
                    "blueprint `{blueprint}` declares {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            flag_error(
                flag,
                &format!("{name}={value}"),
                format!("blueprint `{blueprint}` has no {kind} `{name}`"),
                &help,
            )
        }
        let account_keys = || d.accounts.iter().map(|a| a.key.as_str()).collect();
        for (flag, map) in [
            ("--account-id", self.account_ids_as_text()),
            ("--assume-role", self.assume_roles.clone()),
        ] {
            for (key, value) in &map {
                if d.account(key).is_none() {
                    return Err(unknown(
                        flag,
                        key,
                        value,
                        "account",
                        &d.blueprint,
                        account_keys(),
                    ));
                }
            }
        }
        for (name, value) in &self.generated {
            let Some(g) = d.generated.iter().find(|g| &g.name == name) else {
                let known = d.generated.iter().map(|g| g.name.as_str()).collect();
                return Err(unknown(
                    "--generated",
                    name,
                    value,
                    "generated value",
                    &d.blueprint,
                    known,
                ));
            };
            if let Some(fixed) = g.fixed.as_deref().filter(|f| f != value) {
                let by = g
                    .fixed_by
                    .as_deref()
                    .map(|input| format!(" (`{input}`)"))
                    .unwrap_or_default();
                return Err(flag_error(
                    "--generated",
                    &format!("{name}={value}"),
                    format!("the config fixes `{name}` to `{fixed}`{by}"),
                    "drop the flag, or change the value in the config",
                ));
            }
        }
        for (name, value) in &self.externals {
            if !d.externals.iter().any(|e| &e.name == name) {
                let known = d.externals.iter().map(|e| e.name.as_str()).collect();
                return Err(unknown(
                    "--external",
                    name,
                    value,
                    "external value",
                    &d.blueprint,
                    known,
                ));
            }
        }
        if let Some(i) = &self.instance {
            d.instance.clone_from(i);
        }
        for a in &mut d.accounts {
            if let Some(id) = self.account_ids.get(&a.key) {
                a.id = Some(id.clone());
            } else if a.id.is_none() {
                a.id.clone_from(&self.default_account_id);
            }
            if let Some(arn) = self.assume_roles.get(&a.key) {
                a.assume_role_arn = Some(arn.clone());
            }
        }
        for g in &mut d.generated {
            if let Some(v) = self.generated.get(&g.name) {
                g.fixed = Some(v.clone());
            }
        }
        for e in &mut d.externals {
            if let Some(v) = self.externals.get(&e.name) {
                e.value = Some(v.clone());
            }
        }
        Ok(())
    }

    fn account_ids_as_text(&self) -> BTreeMap<String, String> {
        self.account_ids
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect()
    }
}

/// A deployment ready to render, plan or apply, with what validation found besides errors.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The deployment, flags applied.
    pub deployment: Deployment,
    /// Warnings, security findings and acknowledged findings (no errors).
    pub findings: Vec<DeploymentFinding>,
}

/// Builds `blueprint`'s deployment from `config`, applies `overrides` and validates it: the one
/// path every command takes from a config file to a deployment.
pub fn prepare(
    blueprint: &dyn Blueprint,
    config: &ConfigSource,
    overrides: &Overrides,
) -> Result<Prepared, PrepareError> {
    let mut deployment = blueprint.build(config)?;
    overrides.apply(&mut deployment)?;
    let findings = deployment.validate(&overrides.options);
    if findings.iter().any(DeploymentFinding::is_error) {
        return Err(PrepareError::Invalid {
            blueprint: deployment.blueprint,
            findings,
        });
    }
    Ok(Prepared {
        deployment,
        findings,
    })
}

#[cfg(test)]
mod tests {

    use super::*;
    use iam_model::deployment::{Account, ExternalValue, GeneratedValue};

    fn args(flags: &[&str]) -> OverrideArgs {
        #[derive(clap::Parser)]
        struct Cli {
            #[command(flatten)]
            o: OverrideArgs,
        }
        let argv = std::iter::once("x").chain(flags.iter().copied());
        <Cli as clap::Parser>::try_parse_from(argv).unwrap().o
    }

    fn deployment() -> Deployment {
        Deployment::builder()
            .blueprint("bp")
            .instance("i")
            .accounts(vec![Account::new("default"), Account::new("member")])
            .generated(vec![
                GeneratedValue::builder().name("external_id").build(),
                GeneratedValue::builder()
                    .name("pinned")
                    .fixed("abc")
                    .fixed_by("custom_pinned")
                    .build(),
            ])
            .externals(vec![ExternalValue::builder()
                .name("partner_role_arn")
                .description("d")
                .build()])
            .build()
    }

    fn err(flags: &[&str]) -> String {
        match Overrides::parse(&args(flags)).and_then(|o| o.apply(&mut deployment())) {
            Err(e) => {
                let help = miette::Diagnostic::help(&e).map(|h| h.to_string());
                format!("{e} | {}", help.unwrap_or_default())
            }
            Ok(()) => panic!("{flags:?} was accepted"),
        }
    }

    #[test]
    fn flags_are_checked_the_same_for_every_command() {
        assert_eq!(
            err(&["--external", "partner_role_arn="]),
            "`--external partner_role_arn=`: expected NAME=VALUE | give both the name and a non-empty value, e.g. `NAME=VALUE`"
        );
        assert_eq!(
            err(&["--account-id", "membr=123456789012"]),
            "`--account-id membr=123456789012`: blueprint `bp` has no account `membr` | did you mean `member`?"
        );
        assert_eq!(
            err(&["--account-id", "12345"]),
            "`--account-id 12345`: `12345` is not a 12-digit AWS account id | an account id is exactly 12 digits: `--account-id KEY=123456789012`"
        );
        assert_eq!(
            err(&["--generated", "pinned=other"]),
            "`--generated pinned=other`: the config fixes `pinned` to `abc` (`custom_pinned`) | drop the flag, or change the value in the config"
        );
        assert_eq!(
            err(&["--generated", "external_ld=x"]),
            "`--generated external_ld=x`: blueprint `bp` has no generated value `external_ld` | did you mean `external_id`?"
        );
        assert!(err(&["--trust-quota", "0"]).starts_with("`--trust-quota 0`"));
        assert!(err(&[
            "--account-id",
            "a=111111111111",
            "--account-id",
            "a=222222222222"
        ])
        .contains("contradicts an earlier `--account-id`"));
        assert!(err(&["--assume-role", "member=arn:aws:s3:::b"]).contains("is not a role ARN"));
    }

    #[test]
    fn flags_fill_the_deployment() {
        let o = Overrides::parse(&args(&[
            "--account-id",
            "member=210987654321",
            "--account-id",
            "123456789012",
            "--generated",
            "external_id=kept",
            "--generated",
            "pinned=abc",
            "--external",
            "partner_role_arn=arn:aws:iam::999999999999:role/p",
            "--instance",
            "prod",
            "--trust-quota",
            "4096",
        ]))
        .unwrap();
        assert_eq!(o.options.trust_policy_quota, 4096);
        let mut d = deployment();
        o.apply(&mut d).unwrap();
        assert_eq!(d.instance, "prod");
        assert_eq!(d.accounts[0].id.as_deref(), Some("123456789012"));
        assert_eq!(d.accounts[1].id.as_deref(), Some("210987654321"));
        assert_eq!(d.generated[0].fixed.as_deref(), Some("kept"));
        assert_eq!(
            d.externals[0].value.as_deref(),
            Some("arn:aws:iam::999999999999:role/p")
        );
    }
}
