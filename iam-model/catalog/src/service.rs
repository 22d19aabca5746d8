//! Services, actions, resource types and condition keys.
//!
//! The generated tables (`src/generated/<service>.rs`) build these types directly. To keep
//! the data cheap to compile they hold no nested slices and no references besides names:
//! per service, the actions' resource rows live in one flat `rows` array and every list of
//! condition keys is a range of one flat `key_refs` array of indices into the service's
//! keys; actions and resource types know their service by its index in the service list.
//! The accessors below resolve the indices (never panicking: a bad index reads as empty).

use std::fmt;
use std::hash::{Hash, Hasher};

use crate::arn::arn_format_matches;
use crate::text::{
    cmp_ignore_ascii_case, glob_match_ignore_ascii_case, has_wildcard, is_template, literal_prefix,
    starts_with_ignore_ascii_case, template_matches,
};
use crate::ConditionKeyType;

/// The access level of an action, as the Service Authorization Reference classifies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    /// `List`: list resources, without reading their content.
    List,
    /// `Read`: read resource content or attributes.
    Read,
    /// `Write`: create, change or delete resources.
    Write,
    /// `Permissions management`: change who may do what (policies, grants, ACLs).
    PermissionsManagement,
    /// `Tagging`: change tags only.
    Tagging,
}

impl AccessLevel {
    /// Every access level.
    pub const ALL: [Self; 5] = [
        Self::List,
        Self::Read,
        Self::Write,
        Self::PermissionsManagement,
        Self::Tagging,
    ];

    /// The name as AWS spells it (`Permissions management`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::List => "List",
            Self::Read => "Read",
            Self::Write => "Write",
            Self::PermissionsManagement => "Permissions management",
            Self::Tagging => "Tagging",
        }
    }
}

impl fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An AWS service: its prefix, name, actions, resource types and condition keys.
///
/// Two `Service` values are equal when their prefixes are.
pub struct Service {
    pub(crate) prefix: &'static str,
    pub(crate) name: &'static str,
    /// Sorted by ASCII-lowercase name.
    pub(crate) actions: &'static [ActionDef],
    /// Sorted by ASCII-lowercase name.
    pub(crate) resource_types: &'static [ResourceTypeDef],
    /// Sorted by ASCII-lowercase name.
    pub(crate) condition_keys: &'static [ConditionKeyDef],
    /// Indices of the templated keys in `condition_keys`.
    pub(crate) templated_keys: &'static [u16],
    /// The resource rows of all actions; an action holds a range of it.
    pub(crate) rows: &'static [ActionResourceDef],
    /// Indices into `condition_keys`; actions, rows and resource types hold ranges of it.
    pub(crate) key_refs: &'static [u16],
}

/// Stands in for the service of a corrupt service index (never happens with generated data).
static NO_SERVICE: Service = Service {
    prefix: "",
    name: "",
    actions: &[],
    resource_types: &[],
    condition_keys: &[],
    templated_keys: &[],
    rows: &[],
    key_refs: &[],
};

/// The service at `index` of the generated service list.
fn service_at(index: u16) -> &'static Service {
    crate::generated::SERVICES
        .get(usize::from(index))
        .copied()
        .unwrap_or(&NO_SERVICE)
}

/// `slice[start..start + len]`, or empty when out of range.
fn range<T>(slice: &'static [T], start: u32, len: u16) -> &'static [T] {
    let start = start as usize;
    slice
        .get(start..start.saturating_add(usize::from(len)))
        .unwrap_or_default()
}

impl Service {
    /// The service prefix (`s3`, `iam`, `access-analyzer`).
    pub const fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// The service name (`Amazon S3`).
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// Every action, sorted by ASCII-lowercase name.
    pub const fn actions(&self) -> &'static [ActionDef] {
        self.actions
    }

    /// The action `name` (`GetObject`, `getobject`), ignoring ASCII case. A binary search.
    pub fn action(&self, name: &str) -> Option<&'static ActionDef> {
        let actions = self.actions;
        actions
            .binary_search_by(|a| cmp_ignore_ascii_case(a.0, name))
            .ok()
            .and_then(|i| actions.get(i))
    }

    /// The actions whose name matches the glob `pattern` (`Get*`, `*Object`, `?etObject`,
    /// `*`), ignoring ASCII case, in name order. Without a wildcard this is
    /// [`Service::action`].
    pub fn matching_actions(&self, pattern: &str) -> Vec<&'static ActionDef> {
        if !has_wildcard(pattern) {
            return self.action(pattern).into_iter().collect();
        }
        // Narrow to the actions starting with the pattern's literal prefix (a sorted range).
        let prefix = literal_prefix(pattern);
        let actions = self.actions;
        let start = actions.partition_point(|a| cmp_ignore_ascii_case(a.0, prefix).is_lt());
        actions
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|a| starts_with_ignore_ascii_case(a.0, prefix))
            .filter(|a| glob_match_ignore_ascii_case(pattern, a.0))
            .collect()
    }

    /// Every resource type, sorted by ASCII-lowercase name.
    pub const fn resource_types(&self) -> &'static [ResourceTypeDef] {
        self.resource_types
    }

    /// The resource type `name` (`object`, `bucket`), ignoring ASCII case.
    pub fn resource_type(&self, name: &str) -> Option<&'static ResourceTypeDef> {
        let types = self.resource_types;
        types
            .binary_search_by(|r| cmp_ignore_ascii_case(r.0, name))
            .ok()
            .and_then(|i| types.get(i))
    }

    /// Every condition key the service defines, sorted by ASCII-lowercase name. Besides the
    /// service's own keys this includes the `aws:` tag keys it supports and, for a few
    /// services, keys under another prefix (`sts` defines the identity-provider claim keys).
    pub const fn condition_keys(&self) -> &'static [ConditionKeyDef] {
        self.condition_keys
    }

    /// The condition key `key`, given in full (`s3:prefix`), ignoring ASCII case. Templated
    /// keys match their instances: `ec2:ResourceTag/team` finds `ec2:ResourceTag/${TagKey}`.
    pub fn condition_key(&self, key: &str) -> Option<&'static ConditionKeyDef> {
        let keys = self.condition_keys;
        if let Ok(i) = keys.binary_search_by(|k| cmp_ignore_ascii_case(k.0, key)) {
            return keys.get(i);
        }
        self.templated_keys
            .iter()
            .filter_map(|&i| keys.get(usize::from(i)))
            .find(|k| template_matches(k.0, key))
    }

    /// The key indices `key_refs[start..start + len]`.
    fn key_refs(&self, start: u32, len: u16) -> &'static [u16] {
        range(self.key_refs, start, len)
    }

    /// Resolves key indices of the generated tables.
    fn keys_at(&self, indices: &'static [u16]) -> impl Iterator<Item = &'static ConditionKeyDef> {
        let keys = self.condition_keys;
        indices
            .iter()
            .filter_map(move |&i| keys.get(usize::from(i)))
    }
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service")
            .field("prefix", &self.prefix)
            .field("name", &self.name)
            .field("actions", &self.actions.len())
            .field("resource_types", &self.resource_types.len())
            .field("condition_keys", &self.condition_keys.len())
            .finish()
    }
}

impl PartialEq for Service {
    fn eq(&self, other: &Self) -> bool {
        self.prefix == other.prefix
    }
}

impl Eq for Service {}

impl Hash for Service {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.prefix.hash(state);
    }
}

/// An action of a service (`s3:GetObject`).
///
/// Fields: name, access level, first resource row and row count (in the service's `rows`),
/// first key and key count of the action-level keys (in the service's `key_refs`), and the
/// service's index. Two actions are equal when their service prefixes and names are.
/// `Display` writes `prefix:Name`.
pub struct ActionDef(
    pub(crate) &'static str,
    pub(crate) AccessLevel,
    pub(crate) u32,
    pub(crate) u16,
    pub(crate) u32,
    pub(crate) u16,
    pub(crate) u16,
);

/// A resource row of an action in the generated tables: resource-type index, required flag,
/// first key and key count (in the service's `key_refs`).
pub(crate) struct ActionResourceDef(
    pub(crate) u16,
    pub(crate) bool,
    pub(crate) u32,
    pub(crate) u16,
);

impl ActionDef {
    /// The name as AWS spells it (`GetObject`).
    pub const fn name(&self) -> &'static str {
        self.0
    }

    /// The access level.
    pub const fn access_level(&self) -> AccessLevel {
        self.1
    }

    /// The service the action belongs to.
    pub fn service(&self) -> &'static Service {
        service_at(self.6)
    }

    /// The resource types the action can be scoped to, with their required flag
    /// (`object*` in the AWS tables), in the order AWS lists them. Empty when the action
    /// only supports `"Resource": "*"`.
    pub fn resource_types(&self) -> impl Iterator<Item = (&'static ResourceTypeDef, bool)> {
        self.resources().map(|r| (r.resource_type, r.required))
    }

    /// The resource rows of the action: resource type, required flag and the condition keys
    /// that apply to this action on that resource type.
    pub fn resources(&self) -> impl Iterator<Item = ActionResource> {
        let service = self.service();
        range(service.rows, self.2, self.3)
            .iter()
            .filter_map(move |row| {
                service
                    .resource_types
                    .get(usize::from(row.0))
                    .map(|resource_type| ActionResource {
                        resource_type,
                        required: row.1,
                        keys: service.key_refs(row.2, row.3),
                        service,
                    })
            })
    }

    /// The action-level condition keys (the row of the AWS table without a resource type).
    /// See [`ActionDef::supports_condition_key`] for the keys of the resource rows too.
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static ConditionKeyDef> {
        let service = self.service();
        service.keys_at(service.key_refs(self.4, self.5))
    }

    /// Whether a request for the action can carry `key` (ignoring ASCII case; templates
    /// match their instances): the action lists it at action level or on one of its
    /// resource rows, or one of its resource types lists it. The Service Authorization
    /// Reference gives the keys of a resource (`kms:KeySpec`, `rds:cluster-tag/${TagKey}`,
    /// `ec2:ResourceTag/${TagKey}`) once, in the resource-type table, and not again in the
    /// row of every action on that resource.
    pub fn supports_condition_key(&self, key: &str) -> bool {
        self.condition_keys().any(|k| k.matches(key))
            || self.resources().any(|r| {
                r.condition_keys().any(|k| k.matches(key))
                    || r.resource_type.condition_keys().any(|k| k.matches(key))
            })
    }

    /// Whether the action supports only `"Resource": "*"` (no resource types).
    pub const fn supports_only_wildcard_resource(&self) -> bool {
        self.3 == 0
    }
}

impl fmt::Display for ActionDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service().prefix, self.0)
    }
}

impl fmt::Debug for ActionDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionDef")
            .field("action", &format_args!("{self}"))
            .field("access_level", &self.1)
            .field("resources", &self.resources().collect::<Vec<_>>())
            .field(
                "condition_keys",
                &self.condition_keys().map(|k| k.0).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl PartialEq for ActionDef {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.6 == other.6
    }
}

impl Eq for ActionDef {}

impl Hash for ActionDef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.service().prefix.hash(state);
        self.0.hash(state);
    }
}

/// One resource row of an action: the resource type, whether it is required, and the
/// condition keys that apply to the action on that resource type.
#[derive(Clone, Copy)]
pub struct ActionResource {
    pub(crate) resource_type: &'static ResourceTypeDef,
    pub(crate) required: bool,
    pub(crate) keys: &'static [u16],
    pub(crate) service: &'static Service,
}

impl ActionResource {
    /// The resource type.
    pub const fn resource_type(&self) -> &'static ResourceTypeDef {
        self.resource_type
    }

    /// Whether the resource type is required (`object*` in the AWS tables).
    pub const fn is_required(&self) -> bool {
        self.required
    }

    /// The condition keys listed for the action on this resource type.
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static ConditionKeyDef> {
        self.service.keys_at(self.keys)
    }
}

impl fmt::Debug for ActionResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ActionResource")
            .field("resource_type", &self.resource_type.0)
            .field("required", &self.required)
            .field(
                "condition_keys",
                &self.condition_keys().map(|k| k.0).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl PartialEq for ActionResource {
    fn eq(&self, other: &Self) -> bool {
        self.resource_type == other.resource_type
            && self.required == other.required
            && self.keys == other.keys
    }
}

impl Eq for ActionResource {}

/// A resource type of a service (`s3` `object`).
///
/// Fields: name, ARN formats, first key and key count (in the service's `key_refs`), and
/// the service's index. Two resource types are equal when their service prefixes and names
/// are.
pub struct ResourceTypeDef(
    pub(crate) &'static str,
    pub(crate) &'static [&'static str],
    pub(crate) u32,
    pub(crate) u16,
    pub(crate) u16,
);

impl ResourceTypeDef {
    /// The name as AWS spells it (`object`, `RestApi`; a few contain spaces: `bot alias`).
    pub const fn name(&self) -> &'static str {
        self.0
    }

    /// The ARN formats, as AWS writes them
    /// (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`). Usually one; a few resource
    /// types have several.
    pub const fn arn_formats(&self) -> &'static [&'static str] {
        self.1
    }

    /// The condition keys that apply to the resource type.
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static ConditionKeyDef> {
        let service = self.service();
        service.keys_at(service.key_refs(self.2, self.3))
    }

    /// The service the resource type belongs to.
    pub fn service(&self) -> &'static Service {
        service_at(self.4)
    }

    /// Whether the resource ARN (or ARN pattern) `arn` can name a resource of this type:
    /// [`arn_format_matches`] against any of its formats.
    pub fn matches_arn(&self, arn: &str) -> bool {
        self.1.iter().any(|format| arn_format_matches(format, arn))
    }
}

impl fmt::Debug for ResourceTypeDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceTypeDef")
            .field("service", &self.service().prefix)
            .field("name", &self.0)
            .field("arn_formats", &self.1)
            .field(
                "condition_keys",
                &self.condition_keys().map(|k| k.0).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl PartialEq for ResourceTypeDef {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 && self.4 == other.4
    }
}

impl Eq for ResourceTypeDef {}

impl Hash for ResourceTypeDef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.service().prefix.hash(state);
        self.0.hash(state);
    }
}

/// A condition key defined by a service (`s3:prefix`, `s3:ResourceTag/${TagKey}`).
///
/// Fields: the key as AWS spells it, and its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConditionKeyDef(pub(crate) &'static str, pub(crate) ConditionKeyType);

impl ConditionKeyDef {
    /// The full key as AWS spells it (`s3:prefix`).
    pub const fn name(&self) -> &'static str {
        self.0
    }

    /// Its type.
    pub const fn key_type(&self) -> ConditionKeyType {
        self.1
    }

    /// Whether it is multivalued (an `ArrayOf…` type).
    pub const fn is_multivalued(&self) -> bool {
        self.1.is_multivalued()
    }

    /// Whether the name is a template (`s3:ResourceTag/${TagKey}`,
    /// `s3:ExistingObjectTag/<key>`).
    pub fn is_template(&self) -> bool {
        is_template(self.0)
    }

    /// Whether `key` is this key, or an instance of this template, ignoring ASCII case.
    pub fn matches(&self, key: &str) -> bool {
        template_matches(self.0, key)
    }
}
