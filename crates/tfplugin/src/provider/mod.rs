//! The provider interface: what a Terraform provider implements to be served.
//!
//! A provider is a [`Provider`] (configuration schema and configure step) owning
//! [`Resource`]s and [`DataSource`]s. The server decodes every wire value with the
//! schema of the type it belongs to, so implementations only ever see
//! [`Value`](crate::value::Value)s, and it encodes what they return. Requests carry a
//! [`RequestContext`] whose cancellation token fires when Terraform asks the provider to
//! stop.
//!
//! The messages of each call are in `requests` and `responses`, re-exported here.
//! Responses derive `Default` and are meant to be built with `..Default::default()`,
//! and requests implement `Default` too, so new protocol fields can be added
//! without breaking implementations or their tests.

use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::schema::Schema;
use crate::value::decode_json;

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
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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
                    $($value: $crate::value::Value::Null,)*
                    $($other: Default::default(),)*
                }
            }
        }
    };
}

mod requests;
mod responses;

pub use requests::*;
pub use responses::*;
