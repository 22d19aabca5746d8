//! Procedural macros for rolewright.
