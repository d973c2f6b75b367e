//! The Infomaniak provider for Terraform and OpenTofu.
//!
//! - [`provider`]: the provider itself, its configuration and the API client it shares.
//! - [`resources`]: one module per resource, translating Terraform values into API calls.
//! - [`timeouts`]: the `timeouts` block every resource carries.
//! - [`diagnostics`]: turns API errors into diagnostics that say what to do.
//!
//! The plugin protocol lives in the `tfplugin` crate and the API client in `infomaniak-api`;
//! this crate is the translation between the two.

// Responses are built with `..Default::default()` even where every field is set, so that
// fields later protocol versions add do not break them.
#![allow(clippy::needless_update)]

pub mod diagnostics;
pub mod provider;
pub mod resources;
pub mod timeouts;

pub use provider::InfomaniakProvider;

/// The source address the provider is published under.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/infomaniak/infomaniak";

/// The provider's version, also sent in the API client's User-Agent.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
