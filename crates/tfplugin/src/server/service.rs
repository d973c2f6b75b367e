//! The state behind the `tfplugin6.Provider` service: the provider with its resources and
//! data sources indexed by type name, the stop token every request derives from, and how
//! a call that failed early still answers with its diagnostics.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use magma_protocol::tfplugin6 as proto;
use tokio_util::sync::CancellationToken;
use tonic::Response;

use super::convert::{capabilities, unknown_type};
use super::grpc::Reply;
use crate::diag::Diagnostics;
use crate::provider::{DataSource, Provider, RequestContext, Resource};
use crate::schema::Schema;
use crate::value::Type;

/// A registered resource or data source with its schema and value type.
pub(super) struct Entry<T: ?Sized> {
    pub(super) handler: Arc<T>,
    pub(super) schema: Schema,
    pub(super) ty: Type,
}

/// Indexes `handlers` by type name; a name seen twice keeps its first handler.
fn register<T: ?Sized>(
    kind: &str,
    handlers: Vec<Arc<T>>,
    describe: impl Fn(&T) -> (String, Schema),
) -> BTreeMap<String, Entry<T>> {
    let mut entries = BTreeMap::new();
    for handler in handlers {
        let (name, schema) = describe(&handler);
        if entries.contains_key(&name) {
            tracing::warn!(type_name = %name, "duplicate {kind} type ignored");
            continue;
        }
        let ty = schema.value_type();
        entries.insert(
            name,
            Entry {
                handler,
                schema,
                ty,
            },
        );
    }
    entries
}

/// Serves one provider over `tfplugin6.Provider`.
pub(crate) struct ProviderService<P> {
    pub(super) provider: Arc<P>,
    pub(super) schema: Schema,
    pub(super) ty: Type,
    pub(super) resources: BTreeMap<String, Entry<dyn Resource>>,
    pub(super) data_sources: BTreeMap<String, Entry<dyn DataSource>>,
    /// Parent of every request's token; replaced by a fresh one on each StopProvider.
    pub(super) stop: Mutex<CancellationToken>,
}

impl<P: Provider> ProviderService<P> {
    /// Collects the provider's types and schemas once, up front.
    pub(crate) fn new(provider: P) -> Self {
        let schema = provider.schema();
        let resources = register("resource", provider.resources(), |h| {
            (h.type_name().to_owned(), h.schema())
        });
        let data_sources = register("data source", provider.data_sources(), |h| {
            (h.type_name().to_owned(), h.schema())
        });
        Self {
            ty: schema.value_type(),
            schema,
            provider: Arc::new(provider),
            resources,
            data_sources,
            stop: Mutex::new(CancellationToken::new()),
        }
    }

    pub(super) fn ctx(&self, caps: Option<proto::ClientCapabilities>) -> RequestContext {
        let stop = self.stop.lock().unwrap_or_else(PoisonError::into_inner);
        RequestContext {
            cancel: stop.child_token(),
            client_capabilities: capabilities(caps),
        }
    }

    pub(super) fn resource(&self, type_name: &str) -> Result<&Entry<dyn Resource>, Diagnostics> {
        self.resources
            .get(type_name)
            .ok_or_else(|| unknown_type("resource", type_name))
    }

    pub(super) fn data_source(
        &self,
        type_name: &str,
    ) -> Result<&Entry<dyn DataSource>, Diagnostics> {
        self.data_sources
            .get(type_name)
            .ok_or_else(|| unknown_type("data source", type_name))
    }

    pub(super) fn server_capabilities() -> proto::ServerCapabilities {
        proto::ServerCapabilities {
            // Destroy plans are answered here without calling the resource.
            plan_destroy: false,
            get_provider_schema_optional: true,
            move_resource_state: false,
            generate_resource_config: false,
        }
    }
}

/// A response message that can carry only diagnostics, for calls that failed early.
pub(super) trait Failed: Default {
    fn set_diagnostics(&mut self, diagnostics: Vec<proto::Diagnostic>);
}

macro_rules! failed {
    ($($module:ident),*) => {
        $(impl Failed for proto::$module::Response {
            fn set_diagnostics(&mut self, diagnostics: Vec<proto::Diagnostic>) {
                self.diagnostics = diagnostics;
            }
        })*
    };
}

failed!(
    validate_provider_config,
    configure_provider,
    validate_resource_config,
    validate_data_resource_config,
    upgrade_resource_state,
    read_resource,
    plan_resource_change,
    apply_resource_change,
    import_resource_state,
    read_data_source
);

/// Logs the outcome and sends either the message or the diagnostics that stopped it.
#[allow(clippy::result_large_err)]
pub(super) fn finish<T: Failed>(
    rpc: &'static str,
    type_name: &str,
    result: Result<T, Diagnostics>,
) -> Reply<T> {
    let message = result.unwrap_or_else(|diags| {
        let mut message = T::default();
        message.set_diagnostics(diags.to_proto());
        message
    });
    tracing::debug!(rpc, type_name, "call finished");
    Ok(Response::new(message))
}
