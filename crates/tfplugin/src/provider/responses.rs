//! What a provider answers, one message per call, before its values are encoded.
//!
//! Like the requests, their `Debug` leaves values and private data out.

use crate::diag::{AttributePath, Diagnostics};
use crate::value::Value;

/// Result of validating the provider configuration.
#[derive(Debug, Default)]
pub struct ValidateProviderConfigResponse {
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Result of configuring the provider.
#[derive(Debug, Default)]
pub struct ConfigureProviderResponse {
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Result of validating a resource configuration.
#[derive(Debug, Default)]
pub struct ValidateResourceResponse {
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// The state converted to the current schema.
pub struct UpgradeResourceStateResponse {
    /// The upgraded state, shaped by the current schema.
    pub upgraded_state: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}
redacted_debug!(UpgradeResourceStateResponse, diagnostics);
null_default!(UpgradeResourceStateResponse { upgraded_state }, diagnostics);

/// The refreshed state.
pub struct ReadResourceResponse {
    /// The new state; null when the remote object no longer exists.
    pub new_state: Value,
    /// Provider-private data to store with the state.
    pub private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}
redacted_debug!(ReadResourceResponse, diagnostics);
null_default!(ReadResourceResponse { new_state }, private, diagnostics);

/// The planned change.
pub struct PlanResourceChangeResponse {
    /// The planned state; attributes the apply will compute must be unknown.
    pub planned_state: Value,
    /// Attributes whose change forces the object to be replaced.
    pub requires_replace: Vec<AttributePath>,
    /// Provider-private data to hand to the apply.
    pub planned_private: Vec<u8>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}
redacted_debug!(PlanResourceChangeResponse, requires_replace, diagnostics);
null_default!(
    PlanResourceChangeResponse { planned_state },
    requires_replace,
    planned_private,
    diagnostics
);

/// The outcome of a change.
pub struct ApplyResourceChangeResponse {
    /// The new state; null after a delete.
    pub new_state: Value,
    /// Provider-private data to store with the state.
    pub private: Vec<u8>,
    /// Problems found; on error Terraform still stores `new_state` if it is not null.
    pub diagnostics: Diagnostics,
}
redacted_debug!(ApplyResourceChangeResponse, diagnostics);
null_default!(
    ApplyResourceChangeResponse { new_state },
    private,
    diagnostics
);

/// One object found by an import.
pub struct ImportedResource {
    /// The resource type name of the object.
    pub type_name: String,
    /// Its state; Terraform reads it right after.
    pub state: Value,
    /// Provider-private data to store with the state.
    pub private: Vec<u8>,
}
redacted_debug!(ImportedResource, type_name);

/// The objects found by an import.
#[derive(Debug, Default)]
pub struct ImportResourceStateResponse {
    /// The imported objects (Terraform expects exactly one).
    pub imported: Vec<ImportedResource>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// Result of validating a data source configuration.
#[derive(Debug, Default)]
pub struct ValidateDataSourceResponse {
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// The data read.
pub struct ReadDataSourceResponse {
    /// The data source state.
    pub state: Value,
    /// Problems found.
    pub diagnostics: Diagnostics,
}
redacted_debug!(ReadDataSourceResponse, diagnostics);
null_default!(ReadDataSourceResponse { state }, diagnostics);
