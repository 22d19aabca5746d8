//! Statements: one `Effect` over actions, resources and principals, under conditions.

use std::fmt;

use typed_builder::TypedBuilder;

use crate::action::Action;
use crate::condition::{Condition, ConditionOperator, ConditionValue};
use crate::principal::Principal;
use crate::text::Text;

/// `Allow` or `Deny` (case-sensitive in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    /// Grants what the statement matches.
    Allow,
    /// Denies what the statement matches; an explicit deny always wins.
    Deny,
}

impl Effect {
    /// `"Allow"` or `"Deny"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `Action` or `NotAction`: a statement has exactly one of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ActionClause {
    /// `Action`: the statement applies to these actions.
    Action(Vec<Action>),
    /// `NotAction`: the statement applies to every action except these.
    NotAction(Vec<Action>),
}

impl ActionClause {
    /// The actions listed, whichever element they are in.
    pub fn actions(&self) -> &[Action] {
        match self {
            ActionClause::Action(a) | ActionClause::NotAction(a) => a,
        }
    }

    /// True for `NotAction`.
    pub fn is_not(&self) -> bool {
        matches!(self, ActionClause::NotAction(_))
    }

    /// The JSON element name.
    pub fn element(&self) -> &'static str {
        if self.is_not() {
            "NotAction"
        } else {
            "Action"
        }
    }

    fn list_mut(&mut self) -> &mut Vec<Action> {
        match self {
            ActionClause::Action(a) | ActionClause::NotAction(a) => a,
        }
    }
}

/// `Resource` or `NotResource`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResourceClause {
    /// `Resource`: the statement applies to these resources.
    Resource(Vec<Text>),
    /// `NotResource`: the statement applies to every resource except these.
    NotResource(Vec<Text>),
}

impl ResourceClause {
    /// The resources listed, whichever element they are in.
    pub fn resources(&self) -> &[Text] {
        match self {
            ResourceClause::Resource(r) | ResourceClause::NotResource(r) => r,
        }
    }

    /// True for `NotResource`.
    pub fn is_not(&self) -> bool {
        matches!(self, ResourceClause::NotResource(_))
    }

    /// The JSON element name.
    pub fn element(&self) -> &'static str {
        if self.is_not() {
            "NotResource"
        } else {
            "Resource"
        }
    }
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrincipalClause {
    /// `Principal`: the statement is about these principals.
    Principal(Principal),
    /// `NotPrincipal`: the statement is about everyone except these.
    NotPrincipal(Principal),
}

impl PrincipalClause {
    /// The principal, whichever element it is in.
    pub fn principal(&self) -> &Principal {
        match self {
            PrincipalClause::Principal(p) | PrincipalClause::NotPrincipal(p) => p,
        }
    }

    /// True for `NotPrincipal`.
    pub fn is_not(&self) -> bool {
        matches!(self, PrincipalClause::NotPrincipal(_))
    }

    /// The JSON element name.
    pub fn element(&self) -> &'static str {
        if self.is_not() {
            "NotPrincipal"
        } else {
            "Principal"
        }
    }
}

/// One policy statement.
///
/// Build one fluently, in the order it reads:
///
/// ```
/// use iam_model::{ArnTemplate, Condition, Statement};
/// let read = Statement::allow()
///     .sid("ReadReports")
///     .actions(["s3:GetObject", "s3:GetObjectVersion"])
///     .resource(ArnTemplate::s3("reports/*"))
///     .condition(Condition::bool("aws:SecureTransport", true));
/// assert_eq!(read.action.actions().len(), 2);
/// ```
///
/// or with the derived builder, which refuses to build without an effect and an action clause:
///
/// ```
/// use iam_model::{ActionClause, Effect, Statement};
/// let s = Statement::builder()
///     .effect(Effect::Deny)
///     .action(ActionClause::Action(vec!["*".into()]))
///     .build();
/// assert!(s.resource.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, TypedBuilder)]
pub struct Statement {
    /// The statement id.
    #[builder(default, setter(strip_option, into))]
    pub sid: Option<String>,
    /// Allow or Deny.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal` (trust and resource policies only).
    #[builder(default, setter(strip_option))]
    pub principal: Option<PrincipalClause>,
    /// `Action` or `NotAction`.
    pub action: ActionClause,
    /// `Resource` or `NotResource` (absent in trust policies).
    #[builder(default, setter(strip_option))]
    pub resource: Option<ResourceClause>,
    /// The conditions; empty when there are none.
    #[builder(default)]
    pub condition: Condition,
}

impl Statement {
    /// A statement with the given effect and no action yet.
    pub fn with_effect(effect: Effect) -> Statement {
        Statement {
            sid: None,
            effect,
            principal: None,
            action: ActionClause::Action(Vec::new()),
            resource: None,
            condition: Condition::new(),
        }
    }

    /// An `Allow` statement to be filled in fluently.
    pub fn allow() -> Statement {
        Statement::with_effect(Effect::Allow)
    }

    /// A `Deny` statement to be filled in fluently.
    pub fn deny() -> Statement {
        Statement::with_effect(Effect::Deny)
    }

    /// Sets the statement id.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Adds one action (to `Action`, or to `NotAction` after [`Statement::not_actions`]).
    pub fn action(mut self, action: impl Into<Action>) -> Self {
        self.action.list_mut().push(action.into());
        self
    }

    /// Adds actions (to `Action`, or to `NotAction` after [`Statement::not_actions`]).
    pub fn actions<A: Into<Action>>(mut self, actions: impl IntoIterator<Item = A>) -> Self {
        self.action
            .list_mut()
            .extend(actions.into_iter().map(Into::into));
        self
    }

    /// Switches to `NotAction` with these actions (replacing any listed so far).
    pub fn not_actions<A: Into<Action>>(mut self, actions: impl IntoIterator<Item = A>) -> Self {
        self.action = ActionClause::NotAction(actions.into_iter().map(Into::into).collect());
        self
    }

    /// Adds one resource to `Resource` (or `NotResource` after [`Statement::not_resources`]).
    pub fn resource(mut self, resource: impl Into<Text>) -> Self {
        let r = resource.into();
        match &mut self.resource {
            Some(ResourceClause::Resource(v)) | Some(ResourceClause::NotResource(v)) => v.push(r),
            None => self.resource = Some(ResourceClause::Resource(vec![r])),
        }
        self
    }

    /// Adds resources to `Resource` (or `NotResource`).
    pub fn resources<R: Into<Text>>(mut self, resources: impl IntoIterator<Item = R>) -> Self {
        for r in resources {
            self = self.resource(r);
        }
        self
    }

    /// Switches to `NotResource` with these resources.
    pub fn not_resources<R: Into<Text>>(mut self, resources: impl IntoIterator<Item = R>) -> Self {
        self.resource = Some(ResourceClause::NotResource(
            resources.into_iter().map(Into::into).collect(),
        ));
        self
    }

    /// Sets the `Principal`.
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(PrincipalClause::Principal(principal));
        self
    }

    /// Sets a `NotPrincipal`.
    pub fn not_principal(mut self, principal: Principal) -> Self {
        self.principal = Some(PrincipalClause::NotPrincipal(principal));
        self
    }

    /// Adds the tests of `condition` to the statement's conditions.
    pub fn condition(mut self, condition: Condition) -> Self {
        self.condition = std::mem::take(&mut self.condition).merge(condition);
        self
    }

    /// Adds one condition test.
    pub fn when<V: Into<ConditionValue>>(
        self,
        operator: impl Into<ConditionOperator>,
        key: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.condition(Condition::test(operator, key, values))
    }
}
