//! The `tfplugin6.Provider` gRPC service, mapped onto the [`Provider`] traits.
//!
//! Every wire value is decoded with the schema type of the provider, resource or
//! data source it belongs to, and every answer is encoded back as msgpack. Failures
//! (unknown type names, undecodable values, panicking handlers) become error
//! diagnostics rather than gRPC errors, because Terraform shows diagnostics to the
//! user with their context. Methods for features this layer does not offer answer
//! `UNIMPLEMENTED`, which Terraform treats as "not supported".

use std::sync::PoisonError;

use magma_protocol::tfplugin6 as proto;
use magma_protocol::tfplugin6::provider_server::Provider as GrpcProvider;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use super::convert::{decode_input, encode_into, guarded};
use super::service::{ProviderService, finish};
use crate::diag::Diagnostics;
use crate::provider::*;
use crate::value::Value;

// tonic's generated trait fixes the error type, so its size is not ours to choose:
// the functions returning it allow `clippy::result_large_err`.
pub(super) type Reply<T> = Result<Response<T>, Status>;

#[allow(clippy::result_large_err)]
fn unsupported<T>(rpc: &str) -> Reply<T> {
    Err(Status::unimplemented(format!(
        "{rpc} is not supported by this provider"
    )))
}

#[tonic::async_trait]
impl<P: Provider> GrpcProvider for ProviderService<P> {
    async fn get_metadata(
        &self,
        _: Request<proto::get_metadata::Request>,
    ) -> Reply<proto::get_metadata::Response> {
        tracing::debug!(rpc = "GetMetadata", "call");
        Ok(Response::new(proto::get_metadata::Response {
            server_capabilities: Some(Self::server_capabilities()),
            resources: self
                .resources
                .keys()
                .cloned()
                .map(|type_name| proto::get_metadata::ResourceMetadata { type_name })
                .collect(),
            data_sources: self
                .data_sources
                .keys()
                .cloned()
                .map(|type_name| proto::get_metadata::DataSourceMetadata { type_name })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<proto::get_provider_schema::Request>,
    ) -> Reply<proto::get_provider_schema::Response> {
        tracing::debug!(rpc = "GetProviderSchema", "call");
        Ok(Response::new(proto::get_provider_schema::Response {
            provider: Some(self.schema.to_proto()),
            resource_schemas: self
                .resources
                .iter()
                .map(|(name, e)| (name.clone(), e.schema.to_proto()))
                .collect(),
            data_source_schemas: self
                .data_sources
                .iter()
                .map(|(name, e)| (name.clone(), e.schema.to_proto()))
                .collect(),
            server_capabilities: Some(Self::server_capabilities()),
            ..Default::default()
        }))
    }

    async fn validate_provider_config(
        &self,
        request: Request<proto::validate_provider_config::Request>,
    ) -> Reply<proto::validate_provider_config::Response> {
        let req = request.into_inner();
        let result = async {
            let call = ValidateProviderConfigRequest {
                ctx: self.ctx(None),
                config: decode_input(req.config.as_ref(), &self.ty, "provider configuration")?,
            };
            let provider = self.provider.clone();
            let resp = guarded("ValidateProviderConfig", async move {
                provider.validate_config(call).await
            })
            .await?;
            Ok(proto::validate_provider_config::Response {
                diagnostics: resp.diagnostics.to_proto(),
            })
        };
        finish("ValidateProviderConfig", "", result.await)
    }

    async fn configure_provider(
        &self,
        request: Request<proto::configure_provider::Request>,
    ) -> Reply<proto::configure_provider::Response> {
        let req = request.into_inner();
        tracing::info!(terraform_version = %req.terraform_version, "configuring provider");
        let result = async {
            let call = ConfigureProviderRequest {
                ctx: self.ctx(req.client_capabilities),
                terraform_version: req.terraform_version.clone(),
                config: decode_input(req.config.as_ref(), &self.ty, "provider configuration")?,
            };
            let provider = self.provider.clone();
            let resp = guarded("ConfigureProvider", async move {
                provider.configure(call).await
            })
            .await?;
            Ok(proto::configure_provider::Response {
                diagnostics: resp.diagnostics.to_proto(),
            })
        };
        finish("ConfigureProvider", "", result.await)
    }

    async fn validate_resource_config(
        &self,
        request: Request<proto::validate_resource_config::Request>,
    ) -> Reply<proto::validate_resource_config::Response> {
        let req = request.into_inner();
        tracing::debug!(rpc = "ValidateResourceConfig", type_name = %req.type_name, "call");
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let call = ValidateResourceRequest {
                ctx: self.ctx(req.client_capabilities),
                type_name: req.type_name.clone(),
                config: decode_input(req.config.as_ref(), &entry.ty, "configuration")?,
            };

            // Hosts that predate write-only attributes would store their values in plan and
            // state; refuse rather than leak them there.
            let mut diags = Diagnostics::default();
            if !call.ctx.client_capabilities.write_only_attributes_allowed {
                for path in entry.schema.block.set_write_only_paths(&call.config) {
                    diags.attribute_error(
                        path,
                        "Write-only attribute not supported",
                        "This attribute is write-only: its value is never stored in plan or \
                         state. It needs Terraform 1.11 or OpenTofu 1.11 or later; with an \
                         older version, use the attribute it stands in for.",
                    );
                }
            }
            let handler = entry.handler.clone();
            let resp = guarded("ValidateResourceConfig", async move {
                handler.validate(call).await
            })
            .await?;
            diags.extend(resp.diagnostics);
            Ok(proto::validate_resource_config::Response {
                diagnostics: diags.to_proto(),
            })
        };
        finish("ValidateResourceConfig", &req.type_name, result.await)
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<proto::validate_data_resource_config::Request>,
    ) -> Reply<proto::validate_data_resource_config::Response> {
        let req = request.into_inner();
        tracing::debug!(rpc = "ValidateDataResourceConfig", type_name = %req.type_name, "call");
        let result = async {
            let entry = self.data_source(&req.type_name)?;
            let call = ValidateDataSourceRequest {
                ctx: self.ctx(None),
                type_name: req.type_name.clone(),
                config: decode_input(req.config.as_ref(), &entry.ty, "configuration")?,
            };
            let handler = entry.handler.clone();
            let resp = guarded("ValidateDataResourceConfig", async move {
                handler.validate(call).await
            })
            .await?;
            Ok(proto::validate_data_resource_config::Response {
                diagnostics: resp.diagnostics.to_proto(),
            })
        };
        finish("ValidateDataResourceConfig", &req.type_name, result.await)
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<proto::upgrade_resource_state::Request>,
    ) -> Reply<proto::upgrade_resource_state::Response> {
        let req = request.into_inner();
        tracing::debug!(rpc = "UpgradeResourceState", type_name = %req.type_name, version = req.version, "call");
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let call = UpgradeResourceStateRequest {
                ctx: self.ctx(None),
                type_name: req.type_name.clone(),
                version: req.version,
                raw_state_json: req
                    .raw_state
                    .map(|raw| raw.json)
                    .filter(|json| !json.is_empty()),
            };
            let handler = entry.handler.clone();
            let resp = guarded("UpgradeResourceState", async move {
                handler.upgrade_state(call).await
            })
            .await?;
            let mut diags = resp.diagnostics;
            let mut upgraded = resp.upgraded_state;
            entry.schema.block.null_write_only(&mut upgraded);
            let upgraded_state = encode_into(&upgraded, &entry.ty, "upgraded state", &mut diags);
            Ok(proto::upgrade_resource_state::Response {
                upgraded_state,
                diagnostics: diags.to_proto(),
            })
        };
        finish("UpgradeResourceState", &req.type_name, result.await)
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<proto::get_resource_identity_schemas::Request>,
    ) -> Reply<proto::get_resource_identity_schemas::Response> {
        Ok(Response::new(Default::default()))
    }

    async fn read_resource(
        &self,
        request: Request<proto::read_resource::Request>,
    ) -> Reply<proto::read_resource::Response> {
        let req = request.into_inner();
        tracing::debug!(rpc = "ReadResource", type_name = %req.type_name, "call");
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let call = ReadResourceRequest {
                ctx: self.ctx(req.client_capabilities),
                type_name: req.type_name.clone(),
                current_state: decode_input(req.current_state.as_ref(), &entry.ty, "state")?,
                private: req.private,
            };
            let handler = entry.handler.clone();
            let mut resp = guarded("ReadResource", async move { handler.read(call).await }).await?;
            entry.schema.block.null_write_only(&mut resp.new_state);
            let mut diags = resp.diagnostics;
            let new_state = encode_into(&resp.new_state, &entry.ty, "state", &mut diags);
            Ok(proto::read_resource::Response {
                new_state,
                private: resp.private,
                diagnostics: diags.to_proto(),
                ..Default::default()
            })
        };
        finish("ReadResource", &req.type_name, result.await)
    }

    async fn plan_resource_change(
        &self,
        request: Request<proto::plan_resource_change::Request>,
    ) -> Reply<proto::plan_resource_change::Response> {
        let req = request.into_inner();
        tracing::debug!(rpc = "PlanResourceChange", type_name = %req.type_name, "call");
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let proposed_new_state =
                decode_input(req.proposed_new_state.as_ref(), &entry.ty, "proposed state")?;

            // A destroy needs no planning: the only possible plan is "gone".
            if proposed_new_state == Value::Null {
                let mut diags = Diagnostics::default();
                let planned_state = encode_into(&Value::Null, &entry.ty, "plan", &mut diags);
                return Ok(proto::plan_resource_change::Response {
                    planned_state,
                    planned_private: req.prior_private,
                    diagnostics: diags.to_proto(),
                    ..Default::default()
                });
            }

            let call = PlanResourceChangeRequest {
                ctx: self.ctx(req.client_capabilities),
                type_name: req.type_name.clone(),
                prior_state: decode_input(req.prior_state.as_ref(), &entry.ty, "prior state")?,
                proposed_new_state,
                config: decode_input(req.config.as_ref(), &entry.ty, "configuration")?,
                prior_private: req.prior_private,
            };
            let handler = entry.handler.clone();
            let mut resp = guarded(
                "PlanResourceChange",
                async move { handler.plan(call).await },
            )
            .await?;
            // Write-only values never enter a plan, whatever the resource returned.
            entry.schema.block.null_write_only(&mut resp.planned_state);
            let mut diags = resp.diagnostics;
            let planned_state = encode_into(&resp.planned_state, &entry.ty, "plan", &mut diags);
            Ok(proto::plan_resource_change::Response {
                planned_state,
                requires_replace: resp.requires_replace.iter().map(|p| p.to_proto()).collect(),
                planned_private: resp.planned_private,
                diagnostics: diags.to_proto(),
                ..Default::default()
            })
        };
        finish("PlanResourceChange", &req.type_name, result.await)
    }

    async fn apply_resource_change(
        &self,
        request: Request<proto::apply_resource_change::Request>,
    ) -> Reply<proto::apply_resource_change::Response> {
        let req = request.into_inner();
        tracing::debug!(rpc = "ApplyResourceChange", type_name = %req.type_name, "call");
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let call = ApplyResourceChangeRequest {
                ctx: self.ctx(None),
                type_name: req.type_name.clone(),
                prior_state: decode_input(req.prior_state.as_ref(), &entry.ty, "prior state")?,
                planned_state: decode_input(req.planned_state.as_ref(), &entry.ty, "plan")?,
                config: decode_input(req.config.as_ref(), &entry.ty, "configuration")?,
                planned_private: req.planned_private,
            };
            let handler = entry.handler.clone();
            let mut resp = guarded(
                "ApplyResourceChange",
                async move { handler.apply(call).await },
            )
            .await?;
            entry.schema.block.null_write_only(&mut resp.new_state);
            let mut diags = resp.diagnostics;
            let new_state = encode_into(&resp.new_state, &entry.ty, "state", &mut diags);
            Ok(proto::apply_resource_change::Response {
                new_state,
                private: resp.private,
                diagnostics: diags.to_proto(),
                ..Default::default()
            })
        };
        finish("ApplyResourceChange", &req.type_name, result.await)
    }

    async fn import_resource_state(
        &self,
        request: Request<proto::import_resource_state::Request>,
    ) -> Reply<proto::import_resource_state::Response> {
        let req = request.into_inner();
        tracing::debug!(rpc = "ImportResourceState", type_name = %req.type_name, "call");
        let result = async {
            let entry = self.resource(&req.type_name)?;
            let call = ImportResourceStateRequest {
                ctx: self.ctx(req.client_capabilities),
                type_name: req.type_name.clone(),
                id: req.id.clone(),
            };
            let handler = entry.handler.clone();
            let resp = guarded(
                "ImportResourceState",
                async move { handler.import(call).await },
            )
            .await?;
            let mut diags = resp.diagnostics;
            let mut imported_resources = Vec::new();
            for imported in resp.imported {
                let target = match self.resource(&imported.type_name) {
                    Ok(entry) => entry,
                    Err(unknown) => {
                        diags.extend(unknown);
                        continue;
                    }
                };
                let mut value = imported.state;
                target.schema.block.null_write_only(&mut value);
                let state = encode_into(&value, &target.ty, "imported state", &mut diags);
                imported_resources.push(proto::import_resource_state::ImportedResource {
                    type_name: imported.type_name,
                    state,
                    private: imported.private,
                    identity: None,
                });
            }
            Ok(proto::import_resource_state::Response {
                imported_resources,
                diagnostics: diags.to_proto(),
                deferred: None,
            })
        };
        finish("ImportResourceState", &req.type_name, result.await)
    }

    async fn read_data_source(
        &self,
        request: Request<proto::read_data_source::Request>,
    ) -> Reply<proto::read_data_source::Response> {
        let req = request.into_inner();
        tracing::debug!(rpc = "ReadDataSource", type_name = %req.type_name, "call");
        let result = async {
            let entry = self.data_source(&req.type_name)?;
            let call = ReadDataSourceRequest {
                ctx: self.ctx(req.client_capabilities),
                type_name: req.type_name.clone(),
                config: decode_input(req.config.as_ref(), &entry.ty, "configuration")?,
            };
            let handler = entry.handler.clone();
            let resp = guarded("ReadDataSource", async move { handler.read(call).await }).await?;
            let mut diags = resp.diagnostics;
            let state = encode_into(&resp.state, &entry.ty, "data source state", &mut diags);
            Ok(proto::read_data_source::Response {
                state,
                diagnostics: diags.to_proto(),
                deferred: None,
            })
        };
        finish("ReadDataSource", &req.type_name, result.await)
    }

    async fn get_functions(
        &self,
        _: Request<proto::get_functions::Request>,
    ) -> Reply<proto::get_functions::Response> {
        Ok(Response::new(Default::default()))
    }

    async fn stop_provider(
        &self,
        _: Request<proto::stop_provider::Request>,
    ) -> Reply<proto::stop_provider::Response> {
        // Cancel what runs now; later calls get a fresh token so the plugin stays usable.
        let old = {
            let mut stop = self.stop.lock().unwrap_or_else(PoisonError::into_inner);
            std::mem::replace(&mut *stop, CancellationToken::new())
        };
        old.cancel();
        tracing::info!("host asked to stop; in-flight calls cancelled");
        Ok(Response::new(proto::stop_provider::Response::default()))
    }

    crate::server::unsupported::unsupported_methods!();
}
