//! Findings: what validation reports, with a stable code, a severity and a location.

use std::fmt;

use crate::json::{JsonPath, Span};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// The policy is invalid: IAM rejects it, or it cannot do what it says.
    Error,
    /// Probably a mistake, but IAM accepts the policy.
    Warning,
    /// A risky grant; the policy is valid.
    Security,
}

impl Severity {
    /// `error`, `warning` or `security`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Security => "security",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($variant:ident = $sev:ident, $doc:literal;)*) => {
        /// The stable finding codes (see `docs/finding-codes.md`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(non_camel_case_types)]
        #[non_exhaustive]
        pub enum Code {
            $(
                #[doc = $doc]
                $variant,
            )*
        }

        impl Code {
            /// Every code.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as reported, e.g. `UNKNOWN_ACTION`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => stringify!($variant),)* }
            }

            /// The severity findings of this code have.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// What the code means.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }

            /// The code for its name.
            pub fn from_name(name: &str) -> Option<Code> {
                match name { $(stringify!($variant) => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    JSON_SYNTAX = Error, "The input is not strict RFC 8259 JSON.";
    DUPLICATE_KEY = Error, "The same key appears twice in one JSON object.";
    NESTING_TOO_DEEP = Error, "The JSON nests deeper than the validator's limit.";
    INPUT_TOO_LARGE = Error, "The document is larger than 131,072 characters.";
    INVALID_ENCODING = Error, "The bytes are not UTF-8, or an escape encodes a lone surrogate.";
    INVALID_CHARACTER = Error, "A string holds a character outside the policy character set.";
    DATA_TYPE_MISMATCH = Error, "An element has the wrong JSON type.";
    MISSING_STATEMENT = Error, "There is no statement.";
    UNKNOWN_ELEMENT = Error, "An element name the policy language does not define.";
    INVALID_VERSION = Error, "Version is neither 2012-10-17 nor 2008-10-17.";
    MISSING_VERSION = Warning, "Version is absent.";
    OLD_VERSION = Warning, "Version is 2008-10-17.";
    ID_IN_IDENTITY_POLICY = Warning, "Id appears in an identity policy.";
    MISSING_EFFECT = Error, "A statement has no Effect.";
    INVALID_EFFECT = Error, "Effect is not exactly Allow or Deny.";
    MISSING_ACTION = Error, "A statement has neither Action nor NotAction.";
    EMPTY_ACTION = Error, "Action or NotAction is an empty list.";
    MISSING_RESOURCE = Error, "An identity or resource statement has neither Resource nor NotResource.";
    EMPTY_RESOURCE = Error, "Resource or NotResource is an empty list.";
    ELEMENT_COMBINATION = Error, "A statement has two mutually exclusive elements.";
    DUPLICATE_SID = Error, "Two statements share a Sid.";
    INVALID_SID = Error, "A Sid has a character outside A-Z, a-z and 0-9.";
    EMPTY_SID = Warning, "A Sid is the empty string.";
    PRINCIPAL_NOT_ALLOWED = Error, "Principal or NotPrincipal in an identity policy.";
    MISSING_PRINCIPAL = Error, "A trust or resource statement has no Principal.";
    EMPTY_PRINCIPAL = Error, "The Principal is empty.";
    INVALID_PRINCIPAL_FORMAT = Error, "The Principal is neither \"*\" nor a map.";
    INVALID_PRINCIPAL_KEY = Error, "A principal map key other than AWS, Service, Federated or CanonicalUser.";
    INVALID_PRINCIPAL = Error, "A malformed principal value.";
    PRINCIPAL_PARTIAL_WILDCARD = Error, "A wildcard inside a principal value; only a whole \"*\" is allowed.";
    NOTPRINCIPAL_NOT_ALLOWED = Error, "NotPrincipal in a trust policy.";
    RESOURCE_NOT_ALLOWED = Error, "Resource or NotResource in a trust policy.";
    TRUST_PRINCIPAL_WILDCARD = Error, "\"Principal\": \"*\" in a trust policy.";
    TRUST_ACTION_INVALID = Error, "A trust statement allows an action other than the sts:AssumeRole family and session actions.";
    MISMATCHED_ACTION_FOR_PRINCIPAL = Error, "A SAML or OIDC provider without its matching sts:AssumeRoleWith* action.";
    INVALID_ACTION_FORMAT = Error, "The action is not `prefix:Name`.";
    UNKNOWN_SERVICE = Error, "The action's service prefix is not in the catalog.";
    UNKNOWN_ACTION = Error, "The service is known but the action is not.";
    ACTION_WILDCARD_NO_MATCH = Error, "A wildcard action pattern matches no action.";
    SERVICE_NAME_WILDCARD = Warning, "A wildcard inside the service prefix.";
    INVALID_ARN = Error, "A resource is neither `*` nor a well-formed ARN.";
    INVALID_ARN_PARTITION = Error, "The ARN's partition does not exist.";
    INVALID_ARN_ACCOUNT = Error, "The ARN's account field is not 12 digits.";
    ARN_REGION_NOT_ALLOWED = Error, "A region in an ARN whose format has none.";
    ARN_ACCOUNT_NOT_ALLOWED = Error, "An account in an ARN whose format has none.";
    ARN_REGION_MISSING = Error, "No region in an ARN whose format requires one.";
    ARN_SERVICE_WILDCARD = Error, "A wildcard in the ARN's service segment.";
    RESOURCE_TYPE_MISMATCH = Error, "No resource of the statement fits an action's resource types.";
    VARIABLE_SYNTAX = Error, "A malformed policy variable.";
    VARIABLE_NOT_ALLOWED = Error, "A policy variable where IAM does not evaluate one.";
    VARIABLE_REQUIRES_2012 = Error, "A policy variable while Version is absent or 2008-10-17.";
    UNKNOWN_CONDITION_OPERATOR = Error, "An unknown condition operator.";
    NULL_WITH_IFEXISTS = Error, "The Null operator with IfExists.";
    INVALID_CONDITION_KEY_FORMAT = Error, "A condition key without a `prefix:`.";
    UNKNOWN_GLOBAL_CONDITION_KEY = Error, "An `aws:` condition key that does not exist.";
    UNKNOWN_SERVICE_CONDITION_KEY = Error, "A service condition key unknown to that service.";
    TAG_KEY_MISSING = Error, "A tag condition key without its `/tag-key`.";
    DUPLICATE_CONDITION_KEY = Error, "One operator repeats a condition key that differs only in case.";
    CONDITION_VALUE_TYPE = Error, "A condition value is an object, null or a nested list.";
    CONDITION_VALUE_INVALID = Error, "A condition value the operator can never match.";
    MULTIPLE_BOOLEAN_VALUES = Error, "A list of Boolean values for one key.";
    MISSING_QUALIFIER = Warning, "A multivalued key with a plain operator: IAM accepts it, but it is only clear-cut when the request carries one value.";
    PRIVATE_SOURCE_IP = Error, "Every aws:SourceIp value is private address space, which aws:SourceIp never sees.";
    CONDITION_OPERATOR_MISMATCH = Warning, "The operator does not fit the key's type.";
    CONDITION_KEY_NOT_FOR_ACTION = Warning, "None of the statement's actions supports the condition key.";
    WILDCARD_WITHOUT_LIKE = Warning, "A `*` or `?` in a value of a non-Like operator is literal.";
    POLICY_SIZE_EXCEEDED = Error, "The policy is over its size quota.";
    TRUST_POLICY_SIZE_EXCEEDED = Error, "The trust policy is over the account's trust policy quota.";
    INVALID_NAME = Error, "A role, policy or inline policy name, or a path, breaks IAM's rules.";
    DUPLICATE_NAME = Error, "Two objects of one kind share a name in one account.";
    UNRESOLVED_REFERENCE = Error, "A reference to an object, account or value the deployment does not have.";
    INVALID_ROLE_SETTING = Error, "A role setting out of range: session duration, description, boundary.";
    INVALID_TAG = Error, "A tag key or value breaks IAM's rules, or there are more than 50 tags.";
    ATTACHMENT_QUOTA_EXCEEDED = Error, "More managed policies attached to a role than the account allows.";
    INVALID_OIDC_PROVIDER = Error, "An OIDC provider URL, client id or thumbprint IAM rejects.";
    FULL_ADMIN = Security, "Allow of every action on every resource.";
    PASSROLE_WILDCARD_RESOURCE = Security, "iam:PassRole on any role without iam:PassedToService.";
    PERMISSIONS_MANAGEMENT_STAR = Security, "Permissions-management actions on every resource without a condition.";
    ALLOW_NOT_ACTION = Security, "Allow with NotAction grants every other action, future ones too.";
    ALLOW_NOT_RESOURCE = Security, "Allow with NotResource grants every other resource.";
    ALLOW_NOT_PRINCIPAL = Security, "Allow with NotPrincipal grants everyone else.";
    FORALLVALUES_SINGLE_VALUED_KEY = Security, "ForAllValues on a single-valued key is true when the key is absent.";
    PUBLIC_TRUST = Security, "A role anyone in any account can assume.";
    CROSS_ACCOUNT_TRUST_NO_EXTERNAL_ID = Security, "Trust of another account without sts:ExternalId or an organization condition.";
    GITHUB_OIDC_NO_SUB = Security, "GitHub OIDC trust without a `sub` condition: any repository can assume the role.";
    GITHUB_OIDC_WILDCARD_SUB = Warning, "The GitHub `sub` condition contains a wildcard.";
    OIDC_NO_CONDITION = Security, "OIDC trust without a condition on the provider's claims.";
    PUBLIC_RESOURCE_ACCESS = Security, "A resource policy grants access to everyone.";
    SERVICE_PRINCIPAL_NO_SOURCE = Security, "A resource policy grants a service principal access without a source condition.";
    CHECK_BUDGET_EXCEEDED = Warning, "The document used up the validator's work budget: the costliest checks stopped early.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing validation found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Finding {
    /// The stable code.
    pub code: Code,
    /// The severity (the code's, unless a caller overrides it).
    pub severity: Severity,
    /// Where in the document.
    pub path: JsonPath,
    /// What is wrong, lowercase, with the offending input in backticks.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
    /// Where in the source text, when the finding came from parsed text.
    pub span: Option<Span>,
}

impl Finding {
    /// A finding with the code's severity and no help.
    pub fn new(code: Code, path: JsonPath, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity: code.severity(),
            path,
            message: message.into(),
            help: None,
            span: None,
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a "did you mean" help line when there are suggestions.
    pub fn with_suggestions<S: AsRef<str>>(self, suggestions: &[S]) -> Self {
        match suggestions {
            [] => self,
            [one] => self.with_help(format!("did you mean `{}`?", one.as_ref())),
            many => {
                let list: Vec<String> = many.iter().map(|s| format!("`{}`", s.as_ref())).collect();
                self.with_help(format!("did you mean one of {}?", list.join(", ")))
            }
        }
    }

    /// Overrides the severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Adds a help line unless there is one already.
    pub fn or_help(self, help: impl Into<String>) -> Self {
        if self.help.is_some() {
            self
        } else {
            self.with_help(help)
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} [{}] at `{}`: {}",
            self.severity, self.code, self.path, self.message
        )?;
        if let Some(h) = &self.help {
            write!(f, " (help: {h})")?;
        }
        Ok(())
    }
}
