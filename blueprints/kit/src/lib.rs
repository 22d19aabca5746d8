//! What every rolewright blueprint is made of.
//!
//! A blueprint is a crate under `blueprints/` with a typed inputs struct (deriving
//! [`Inputs`](trait@Inputs)) and a function from inputs to a [`Deployment`]. This crate holds
//! the traits that connect them to `cargo xtask render`, the config loader that reads inputs
//! from YAML or JSON with errors that name the file, line and input, and the generators for
//! the inputs table and the role diagram in each blueprint's README.

// Lets the derives' absolute `::blueprint_kit::…` paths resolve inside this crate's own tests.
extern crate self as blueprint_kit;

pub mod check;
pub mod config;
pub mod docs;
pub mod inputs;
pub mod prepare;

use iam_model::deployment::{Deployment, Variable};

pub use config::{
    ConfigError, ConfigErrors, ConfigNode, ConfigSource, ConfigValue, InputPath, Location,
};
pub use docs::{inputs_markdown, mermaid, outputs_markdown, readme_section_check};
pub use iam_macros::{InputEnum, Inputs};
pub use inputs::{Fields, InputEnum, InputKey, InputValue};
pub use prepare::{prepare, OverrideArgs, Overrides, PrepareError, Prepared};

/// Describes one input for docs and for Terraform `variable` blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSpec {
    /// The input's name as users write it (`teams_config`, `sym_account_ids`).
    pub name: String,
    /// Its description (from the field's doc comment).
    pub description: String,
    /// Its type.
    pub input_type: iam_model::deployment::InputType,
    /// The default as JSON text, or `None` when the input is required.
    pub default: Option<String>,
    /// An example value as JSON text.
    pub example: Option<String>,
}

impl InputSpec {
    /// True when the input has no default.
    pub fn is_required(&self) -> bool {
        self.default.is_none()
    }
}

/// Why a blueprint could not build a deployment from its inputs.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[non_exhaustive]
pub enum BlueprintError {
    /// The config file could not be read as inputs.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigErrors),
    /// The inputs are well-formed but the blueprint rejects them (the original module's
    /// validation rules, such as an unknown addon).
    #[error("invalid input `{input}`: {message}")]
    #[diagnostic(code(rolewright::blueprint::input))]
    Input {
        /// The input's path, e.g. `addon_params.aws/kinesis-data-stream.stream_arns`.
        input: String,
        /// What is wrong, lowercase.
        message: String,
        /// How to fix it.
        #[help]
        help: Option<String>,
        /// Where the input is written, when the inputs came from a config file
        /// ([`Blueprint::build`] fills it in): the value, or the map that lacks it.
        location: Option<config::Location>,
    },
}

impl BlueprintError {
    /// An input error.
    pub fn input(input: impl Into<String>, message: impl Into<String>) -> Self {
        BlueprintError::Input {
            input: input.into(),
            message: message.into(),
            help: None,
            location: None,
        }
    }

    /// The error as command lines print it, for the config file named `config`: one line per
    /// problem, `file:line:column: input \`path\`: message`, each followed by its help line.
    pub fn report(&self, config: &str) -> String {
        match self {
            // Already `file:line:col: input: message (help: ...)`, one line per problem.
            BlueprintError::Config(errors) => errors.to_string(),
            BlueprintError::Input {
                input,
                message,
                help,
                location,
            } => {
                let at = match location {
                    Some(l) => format!("{config}:{}:{}", l.line, l.column),
                    None => config.to_owned(),
                };
                match help {
                    Some(h) => format!("{at}: input `{input}`: {message}\n  help: {h}"),
                    None => format!("{at}: input `{input}`: {message}"),
                }
            }
        }
    }

    /// The help line of an input error.
    pub fn help_text(&self) -> Option<&str> {
        match self {
            BlueprintError::Input { help, .. } => help.as_deref(),
            BlueprintError::Config(_) => None,
        }
    }

    /// Adds a help line to an input error.
    pub fn with_help(self, help: impl Into<String>) -> Self {
        match self {
            BlueprintError::Input {
                input,
                message,
                location,
                ..
            } => BlueprintError::Input {
                input,
                message,
                help: Some(help.into()),
                location,
            },
            other => other,
        }
    }
}

/// A blueprint with typed inputs. Implement this; the registry wraps it as a
/// [`Blueprint`] trait object.
pub trait TypedBlueprint {
    /// The inputs struct.
    type Inputs: Inputs;
    /// The blueprint's name (`runtime-connector`).
    const NAME: &'static str;
    /// One line about what it creates.
    const DESCRIPTION: &'static str;
    /// Builds the deployment.
    fn deployment(inputs: &Self::Inputs) -> Result<Deployment, BlueprintError>;
}

/// A blueprint as `cargo xtask render` sees it: name, inputs, and config → deployment.
pub trait Blueprint: Send + Sync {
    /// The blueprint's name.
    fn name(&self) -> &'static str;
    /// One line about what it creates.
    fn description(&self) -> &'static str;
    /// The inputs, for docs and variable blocks.
    fn input_specs(&self) -> Vec<InputSpec>;
    /// Loads inputs from a config file's text and builds the deployment.
    fn build(&self, source: &ConfigSource) -> Result<Deployment, BlueprintError>;
}

/// Wraps a [`TypedBlueprint`] as a [`Blueprint`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Registered<B>(std::marker::PhantomData<fn() -> B>);

impl<B> Registered<B> {
    /// The wrapper.
    pub const fn new() -> Self {
        Registered(std::marker::PhantomData)
    }
}

impl<B: TypedBlueprint> Blueprint for Registered<B> {
    fn name(&self) -> &'static str {
        B::NAME
    }
    fn description(&self) -> &'static str {
        B::DESCRIPTION
    }
    fn input_specs(&self) -> Vec<InputSpec> {
        B::Inputs::input_specs()
    }
    fn build(&self, source: &ConfigSource) -> Result<Deployment, BlueprintError> {
        let node = source.inputs_node(Some(B::NAME))?;
        let inputs = B::Inputs::load_node(source, &node)?;
        B::deployment(&inputs).map_err(|e| match e {
            BlueprintError::Input {
                input,
                message,
                help,
                location: None,
            } => BlueprintError::Input {
                location: Some(node.locate(&input)),
                input,
                message,
                help,
            },
            other => other,
        })
    }
}

/// Typed blueprint inputs: derive it with `#[derive(Inputs)]` (re-exported from `iam-macros`).
///
/// ```
/// use std::collections::BTreeMap;
/// use blueprint_kit::{ConfigSource, Inputs};
///
/// /// Inputs of the runtime connector.
/// #[derive(Debug, Clone, PartialEq, Inputs)]
/// pub struct RuntimeConnectorInputs {
///     /// An environment name, used in every object's name.
///     pub environment: String,
///     /// Sym production account ids trusted to assume the runtime role.
///     #[input(default = vec!["803477428605".to_string()])]
///     pub sym_account_ids: Vec<String>,
///     /// Extra managed policies to attach.
///     #[input(default)]
///     pub policy_arns: BTreeMap<String, String>,
/// }
///
/// let inputs = RuntimeConnectorInputs::load(&ConfigSource::new("prod.yaml", "environment: prod\n")).unwrap();
/// assert_eq!(inputs.sym_account_ids, ["803477428605"]);
/// let err = RuntimeConnectorInputs::load(&ConfigSource::new("prod.yaml", "enviroment: prod\n")).unwrap_err();
/// assert_eq!(err.to_string(), "prod.yaml:1:1: missing input `environment` (help: add `environment` to the config)\n\
///     prod.yaml:1:1: enviroment: unknown input `enviroment` (help: did you mean `environment`?)");
/// ```
pub trait Inputs: Sized {
    /// Reads the inputs from a parsed config, reporting every problem: the node must be a map
    /// (or null, when every input has a default); unknown keys are reported with the nearest
    /// input name.
    fn from_config(
        node: &ConfigNode,
        path: &InputPath,
        errors: &mut Vec<ConfigError>,
    ) -> Option<Self> {
        let mut fields = Fields::new(node, path, errors)?;
        let value = Self::read_fields(&mut fields, errors);
        fields.finish(errors, &Self::input_names());
        value
    }
    /// Takes this struct's inputs from a map's members (the derive generates it; flattened
    /// structs share their parent's map).
    fn read_fields(fields: &mut Fields<'_>, errors: &mut Vec<ConfigError>) -> Option<Self>;
    /// The names of the inputs, as written in config files (flattened inputs included).
    fn input_names() -> Vec<&'static str>;
    /// The inputs' descriptions.
    fn input_specs() -> Vec<InputSpec>;
    /// The inputs and their values as Terraform `variable` blocks (`Deployment.variables`).
    fn to_variables(&self) -> Vec<Variable>;
    /// Parses a config file (YAML or JSON) and reads the inputs from it. An atmos stack file
    /// must hold exactly one Terraform component (use [`Inputs::load_component`] otherwise).
    fn load(source: &ConfigSource) -> Result<Self, ConfigErrors> {
        let node = source.inputs_node(None)?;
        Self::load_node(source, &node)
    }
    /// Like [`Inputs::load`], reading the vars of the atmos component `component` when the
    /// file is a stack file (the file's only component when it has no such one).
    fn load_component(source: &ConfigSource, component: &str) -> Result<Self, ConfigErrors> {
        let node = source.inputs_node(Some(component))?;
        Self::load_node(source, &node)
    }
    /// Reads the inputs from a node parsed from `source`.
    fn load_node(source: &ConfigSource, node: &ConfigNode) -> Result<Self, ConfigErrors> {
        let mut errors = Vec::new();
        let value = Self::from_config(node, &InputPath::root(), &mut errors);
        match value {
            Some(v) if errors.is_empty() => Ok(v),
            _ => Err(ConfigErrors::new(source, errors)),
        }
    }
}
