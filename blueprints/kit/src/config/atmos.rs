//! atmos stack files: a blueprint's inputs from `components.terraform.<component>.vars`.
//!
//! An atmos stack (Cloud Posse's stack configuration, as in the `aws-teams` seed) sets
//! Terraform variables at three levels, each deep-merged over the one before: the stack's
//! `vars`, `terraform.vars`, and the component's own `vars`. Maps merge key by key and
//! everything else (lists included) is replaced, as atmos does. Values keep the locations
//! where they are written, so an error names the line in the component or in the global
//! section, whichever the value came from.
//!
//! Out of scope, and reported as errors rather than ignored (ignoring them would build a
//! deployment from partial inputs): `import` (other stack files) and component inheritance
//! (`metadata.inherits`).

use super::{ConfigError, ConfigNode, ConfigValue, InputPath};

/// True when the document is an atmos stack: a map with a `components` key.
pub fn is_stack(root: &ConfigNode) -> bool {
    root.get("components").is_some()
}

/// The merged `vars` of a Terraform component. With `component` `None`, or naming a component
/// the file does not have while `fallback_single` is set, the file's only component is used.
pub fn component_vars(
    root: &ConfigNode,
    component: Option<&str>,
    fallback_single: bool,
) -> Result<ConfigNode, Vec<ConfigError>> {
    let mut errors = Vec::new();
    if !is_stack(root) {
        errors.push(
            ConfigError::at(
                root,
                &InputPath::root(),
                "not an atmos stack file: there is no `components` key",
            )
            .with_help("a stack file has `components: {terraform: {<component>: {vars: ...}}}`"),
        );
        return Err(errors);
    }
    if let Some((key, _)) = member(root, "import") {
        errors.push(
            ConfigError::at(
                key,
                &InputPath::root().key("import"),
                "atmos `import` is not supported",
            )
            .with_help(
                "rolewright reads one stack file; copy the imported stacks' `vars` into this file",
            ),
        );
    }
    let components_path = InputPath::root().key("components").key("terraform");
    let terraform = root.get("components").and_then(|c| c.get("terraform"));
    let members: &[(ConfigNode, ConfigNode)] = match terraform.map(|t| &t.value) {
        Some(ConfigValue::Map(m)) => m,
        _ => {
            let at = terraform.or_else(|| root.get("components")).unwrap_or(root);
            errors.push(
                ConfigError::at(
                    at,
                    &components_path,
                    "the stack has no Terraform components",
                )
                .with_help(
                    "write the component's inputs under `components.terraform.<component>.vars`",
                ),
            );
            return Err(errors);
        }
    };
    let names: Vec<String> = members
        .iter()
        .filter_map(|(k, _)| k.value.scalar_text())
        .collect();
    let chosen = match component {
        Some(name) if names.iter().any(|n| n == name) => Some(name.to_owned()),
        _ if (component.is_none() || fallback_single) && names.len() == 1 => names.first().cloned(),
        _ => None,
    };
    let Some(chosen) = chosen else {
        let listed: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        let at = terraform.unwrap_or(root);
        let e = match component {
            Some(name) => {
                let suggestion =
                    iam_model::suggest::nearest(name, names.iter().map(String::as_str), 1);
                ConfigError::at(
                    at,
                    &components_path,
                    format!("no component `{name}` in the stack"),
                )
                .with_help(match suggestion.first() {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("the stack's components: {}", listed.join(", ")),
                })
            }
            None => ConfigError::at(
                at,
                &components_path,
                "the stack has several components; name the one to read",
            )
            .with_help(format!("the stack's components: {}", listed.join(", "))),
        };
        errors.push(e);
        return Err(errors);
    };
    let component_path = components_path.key(chosen.clone());
    let Some(node) = terraform.and_then(|t| t.get(&chosen)) else {
        return Err(errors);
    };
    if let Some((key, _)) = node.get("metadata").and_then(|m| member(m, "inherits")) {
        errors.push(
            ConfigError::at(
                key,
                &component_path.key("metadata").key("inherits"),
                "atmos component inheritance is not supported",
            )
            .with_help("write the inherited `vars` into this component"),
        );
    }
    let mut merged = ConfigNode::new(ConfigValue::Map(Vec::new()), node.location);
    let levels = [
        (root.get("vars"), InputPath::root().key("vars")),
        (
            root.get("terraform").and_then(|t| t.get("vars")),
            InputPath::root().key("terraform").key("vars"),
        ),
        (node.get("vars"), component_path.key("vars")),
    ];
    for (vars, path) in levels {
        let Some(vars) = vars else { continue };
        match vars.value {
            ConfigValue::Map(_) => {
                merged.location = vars.location;
                merged = deep_merge(merged, vars.clone());
            }
            ConfigValue::Null => {}
            ref other => errors.push(ConfigError::at(
                vars,
                &path,
                format!("expected a map of variables, found {}", other.describe()),
            )),
        }
    }
    if errors.is_empty() {
        Ok(merged)
    } else {
        Err(errors)
    }
}

fn member<'a>(node: &'a ConfigNode, key: &str) -> Option<(&'a ConfigNode, &'a ConfigNode)> {
    match &node.value {
        ConfigValue::Map(m) => m
            .iter()
            .find(|(k, _)| matches!(&k.value, ConfigValue::String(s) if s == key))
            .map(|(k, v)| (k, v)),
        _ => None,
    }
}

/// `over` merged into `base`: maps key by key (recursively), anything else replaced.
pub fn deep_merge(base: ConfigNode, over: ConfigNode) -> ConfigNode {
    match (base.value, over.value) {
        (ConfigValue::Map(mut base_members), ConfigValue::Map(over_members)) => {
            for (k, v) in over_members {
                match base_members.iter().position(|(bk, _)| bk.value == k.value) {
                    Some(i) => {
                        if let Some(slot) = base_members.get_mut(i) {
                            let old = std::mem::replace(
                                &mut slot.1,
                                ConfigNode::new(ConfigValue::Null, v.location),
                            );
                            slot.1 = deep_merge(old, v);
                        }
                    }
                    None => base_members.push((k, v)),
                }
            }
            ConfigNode::new(ConfigValue::Map(base_members), over.location)
        }
        (_, value) => ConfigNode::new(value, over.location),
    }
}
