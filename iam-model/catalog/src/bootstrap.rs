//! Empty stand-ins for the generated tables (`src/generated/mod.rs`): copied over
//! `src/generated/mod.rs` when the generated code no longer compiles, so that
//! `cargo xtask codegen` can build and regenerate it (see the crate docs).

use crate::keys::{GlobalConditionKey, IdpConditionKey};
use crate::{CatalogMetadata, Service};

pub(crate) static SERVICES: [&Service; 0] = [];
pub(crate) static GLOBAL_CONDITION_KEYS: [GlobalConditionKey; 0] = [];
pub(crate) static IDP_CONDITION_KEYS: [IdpConditionKey; 0] = [];
pub(crate) static KEY_PREFIX_OWNERS: [(&str, &[&Service]); 0] = [];
pub(crate) static METADATA: CatalogMetadata = CatalogMetadata {
    source_package: "",
    source_version: "",
    updated_at: "",
    license: "",
    services: 0,
    actions: 0,
    resource_types: 0,
    condition_keys: 0,
    global_condition_keys: 0,
    idp_condition_keys: 0,
};
