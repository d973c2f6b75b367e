//! What the host asks of a provider, one message per call, with every value decoded.
//!
//! `Debug` shows only names and versions, never values or private data, which may hold
//! secrets; `Default` makes every value null.

use super::RequestContext;
use crate::value::Value;

/// Provider configuration to validate.
#[derive(Clone)]
pub struct ValidateProviderConfigRequest {
    /// Request context.
    pub ctx: RequestContext,
    /// The configuration, possibly with unknown values.
    pub config: Value,
}
redacted_debug!(ValidateProviderConfigRequest);
null_default!(ValidateProviderConfigRequest { config }, ctx);

/// Provider configuration to apply.
#[derive(Clone)]
pub struct ConfigureProviderRequest {
    /// Request context.
    pub ctx: RequestContext,
    /// Version of the Terraform (or OpenTofu) host.
    pub terraform_version: String,
    /// The configuration, possibly with unknown values.
    pub config: Value,
}
redacted_debug!(ConfigureProviderRequest, terraform_version);
null_default!(ConfigureProviderRequest { config }, ctx, terraform_version);

/// Resource configuration to validate.
#[derive(Clone)]
pub struct ValidateResourceRequest {
    /// Request context.
    pub ctx: RequestContext,
    /// The resource type name.
    pub type_name: String,
    /// The configuration, possibly with unknown values.
    pub config: Value,
}
redacted_debug!(ValidateResourceRequest, type_name);
null_default!(ValidateResourceRequest { config }, ctx, type_name);

/// Stored state to bring to the current schema version.
#[derive(Clone, Default)]
pub struct UpgradeResourceStateRequest {
    /// Request context.
    pub ctx: RequestContext,
    /// The resource type name.
    pub type_name: String,
    /// The schema version the state was written with.
    pub version: i64,
    /// The stored state as JSON; `None` when the host sent only the legacy flatmap.
    pub raw_state_json: Option<Vec<u8>>,
}
redacted_debug!(UpgradeResourceStateRequest, type_name, version);

/// State to refresh.
#[derive(Clone)]
pub struct ReadResourceRequest {
    /// Request context.
    pub ctx: RequestContext,
    /// The resource type name.
    pub type_name: String,
    /// The state as last stored.
    pub current_state: Value,
    /// Provider-private data stored with the state.
    pub private: Vec<u8>,
}
redacted_debug!(ReadResourceRequest, type_name);
null_default!(
    ReadResourceRequest { current_state },
    ctx,
    type_name,
    private
);

/// A create or update to plan.
#[derive(Clone)]
pub struct PlanResourceChangeRequest {
    /// Request context.
    pub ctx: RequestContext,
    /// The resource type name.
    pub type_name: String,
    /// The current state; null on create.
    pub prior_state: Value,
    /// Terraform's proposal: the configuration merged with the prior state.
    pub proposed_new_state: Value,
    /// The configuration, possibly with unknown values.
    pub config: Value,
    /// Provider-private data stored with the prior state.
    pub prior_private: Vec<u8>,
}
redacted_debug!(PlanResourceChangeRequest, type_name);
null_default!(
    PlanResourceChangeRequest {
        prior_state,
        proposed_new_state,
        config
    },
    ctx,
    type_name,
    prior_private
);

/// A planned change to carry out.
#[derive(Clone)]
pub struct ApplyResourceChangeRequest {
    /// Request context.
    pub ctx: RequestContext,
    /// The resource type name.
    pub type_name: String,
    /// The current state; null on create.
    pub prior_state: Value,
    /// The planned state; null on delete.
    pub planned_state: Value,
    /// The configuration, wholly known; null on delete.
    pub config: Value,
    /// Provider-private data returned by the plan.
    pub planned_private: Vec<u8>,
}
redacted_debug!(ApplyResourceChangeRequest, type_name);
null_default!(
    ApplyResourceChangeRequest {
        prior_state,
        planned_state,
        config
    },
    ctx,
    type_name,
    planned_private
);

/// An existing object to import by ID.
#[derive(Clone, Debug, Default)]
pub struct ImportResourceStateRequest {
    /// Request context.
    pub ctx: RequestContext,
    /// The resource type name.
    pub type_name: String,
    /// The ID given to `terraform import` or an `import` block.
    pub id: String,
}

/// Data source configuration to validate.
#[derive(Clone)]
pub struct ValidateDataSourceRequest {
    /// Request context.
    pub ctx: RequestContext,
    /// The data source type name.
    pub type_name: String,
    /// The configuration, possibly with unknown values.
    pub config: Value,
}
redacted_debug!(ValidateDataSourceRequest, type_name);
null_default!(ValidateDataSourceRequest { config }, ctx, type_name);

/// Data source to read.
#[derive(Clone)]
pub struct ReadDataSourceRequest {
    /// Request context.
    pub ctx: RequestContext,
    /// The data source type name.
    pub type_name: String,
    /// The configuration, wholly known.
    pub config: Value,
}
redacted_debug!(ReadDataSourceRequest, type_name);
null_default!(ReadDataSourceRequest { config }, ctx, type_name);
