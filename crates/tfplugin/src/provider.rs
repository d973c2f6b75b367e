//! The provider interface: what a Terraform provider implements to be served.
//!
//! A provider is a [`Provider`] (configuration schema and configure step) owning
//! [`Resource`]s and [`DataSource`]s. The server decodes every wire value with the
//! schema of the type it belongs to, so implementations only ever see [`Value`]s,
//! and it encodes what they return. Requests carry a [`RequestContext`] whose
//! cancellation token fires when Terraform asks the provider to stop.
//!
//! Responses derive `Default` and are meant to be built with `..Default::default()`,
//! and requests implement `Default` too, so new protocol fields can be added
//! without breaking implementations or their tests.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::diag::{AttributePath, Diagnostics};
use crate::schema::Schema;
use crate::value::{Value, decode_json};

pub use crate::server::{ServeOptions, serve};

/// What the Terraform host announced it can handle in responses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientCapabilities {
    /// The host accepts deferred responses.
    pub deferral_allowed: bool,
    /// The host understands write-only attributes.
    pub write_only_attributes_allowed: bool,
}

/// Per-request context: cancellation and the host's capabilities.
#[derive(Clone, Debug)]
pub struct RequestContext {
    /// Cancelled when Terraform sends `StopProvider` (for example after Ctrl-C).
    pub cancel: CancellationToken,
    /// Capabilities announced by the host in this request, default when it sent none.
    pub client_capabilities: ClientCapabilities,
}

impl RequestContext {
    /// A context with a fresh, never-cancelled token, for tests and direct calls.
    pub fn new_for_test() -> Self {
        Self {
            cancel: CancellationToken::new(),
            client_capabilities: ClientCapabilities::default(),
        }
    }
}

impl Default for RequestContext {
    fn default() -> Self {
        Self::new_for_test()
    }
}

/// A Terraform provider: its configuration and the types it manages.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// Provider configuration schema.
    fn schema(&self) -> Schema;

    /// The managed resource types, each answering for its own type name.
    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    /// The data source types.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }

    /// Checks the provider configuration without side effects.
    async fn validate_config(
        &self,
        _req: ValidateProviderConfigRequest,
    ) -> ValidateProviderConfigResponse {
        ValidateProviderConfigResponse::default()
    }

    /// Configures the provider (credentials, endpoints) before any resource call.
    async fn configure(&self, req: ConfigureProviderRequest) -> ConfigureProviderResponse;
}

/// A managed resource type.
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// The Terraform type name, such as `example_thing`.
    fn type_name(&self) -> &str;

    /// The resource schema; its version is the state version written by Terraform.
    fn schema(&self) -> Schema;

    /// Checks a resource configuration without side effects.
    async fn validate(&self, _req: ValidateResourceRequest) -> ValidateResourceResponse {
        ValidateResourceResponse::default()
    }

    /// Converts stored state to the current schema; the default decodes the JSON as is.
    async fn upgrade_state(
        &self,
        req: UpgradeResourceStateRequest,
    ) -> UpgradeResourceStateResponse {
        let mut resp = UpgradeResourceStateResponse::default();
        let Some(raw) = req.raw_state_json else {
            return resp;
        };
        match decode_json(&raw, &self.schema().value_type()) {
            Ok(state) => resp.upgraded_state = state,
            Err(err) => resp.diagnostics.error(
                "Failed to upgrade the resource state",
                format!(
                    "The stored state of {} (version {}) does not match the current schema: {err}",
                    req.type_name, req.version
                ),
            ),
        }
        resp
    }

    /// Refreshes the state from the remote object; a null `new_state` means it is gone.
    async fn read(&self, req: ReadResourceRequest) -> ReadResourceResponse;

    /// Plans a create or update; never called for a destroy. Defaults to the proposal.
    async fn plan(&self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse {
        PlanResourceChangeResponse {
            planned_state: req.proposed_new_state,
            planned_private: req.prior_private,
            ..Default::default()
        }
    }

    /// Creates, updates or (with a null `planned_state`) deletes the remote object.
    async fn apply(&self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse;

    /// Imports an existing object by its ID; the default refuses.
    async fn import(&self, req: ImportResourceStateRequest) -> ImportResourceStateResponse {
        let mut resp = ImportResourceStateResponse::default();
        resp.diagnostics.error(
            "Import not supported",
            format!("The resource type {} cannot be imported.", req.type_name),
        );
        resp
    }
}

/// A data source type.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// The Terraform type name, such as `example_thing`.
    fn type_name(&self) -> &str;

    /// The data source schema.
    fn schema(&self) -> Schema;

    /// Checks a data source configuration without side effects.
    async fn validate(&self, _req: ValidateDataSourceRequest) -> ValidateDataSourceResponse {
        ValidateDataSourceResponse::default()
    }

    /// Reads the data source.
    async fn read(&self, req: ReadDataSourceRequest) -> ReadDataSourceResponse;
}

/// Implements `Debug` showing only the named fields, because values and private
/// data may hold secrets (passwords, tokens) that must never reach a log.
macro_rules! redacted_debug {
    ($ty:ident $(, $field:ident)*) => {
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($field), &self.$field))*
                    .finish_non_exhaustive()
            }
        }
    };
}

/// Implements `Default` with every value null, so callers can use `..Default::default()`.
macro_rules! null_default {
    ($ty:ident { $($value:ident),* } $(, $other:ident)*) => {
        impl Default for $ty {
            fn default() -> Self {
                Self {
                    $($value: Value::Null,)*
                    $($other: Default::default(),)*
                }
            }
        }
    };
}

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
