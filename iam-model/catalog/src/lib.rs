//! The AWS service catalog: services, actions, resource types and condition keys.
