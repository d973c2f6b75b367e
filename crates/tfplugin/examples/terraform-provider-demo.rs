//! A tiny provider with one resource, `demo_echo`, to exercise the plugin server.
//!
//! `demo_echo` stores a message and computes an `id` from it. Two test switches
//! make it misbehave on purpose during apply: `wait_for_stop` blocks until the host
//! sends `StopProvider`, and `crash` panics.

use std::process::ExitCode;
use std::sync::Arc;

use tfplugin::diag::Diagnostics;
use tfplugin::provider::*;
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::value::{Type, Value};

struct DemoProvider;

#[async_trait::async_trait]
impl Provider for DemoProvider {
    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(vec![Attribute::optional("greeting", Type::String)]),
        )
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Echo)]
    }

    async fn configure(&self, req: ConfigureProviderRequest) -> ConfigureProviderResponse {
        tracing::info!(terraform_version = %req.terraform_version, "demo provider configured");
        ConfigureProviderResponse::default()
    }
}

struct Echo;

#[async_trait::async_trait]
impl Resource for Echo {
    fn type_name(&self) -> &str {
        "demo_echo"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new(vec![
                Attribute::computed("id", Type::String),
                Attribute::required("message", Type::String),
                Attribute::optional("wait_for_stop", Type::Bool),
                Attribute::optional("crash", Type::Bool),
            ]),
        )
    }

    async fn read(&self, req: ReadResourceRequest) -> ReadResourceResponse {
        ReadResourceResponse {
            new_state: req.current_state,
            private: req.private,
            ..Default::default()
        }
    }

    async fn plan(&self, req: PlanResourceChangeRequest) -> PlanResourceChangeResponse {
        let mut planned = req.proposed_new_state;
        if req.prior_state.is_null() {
            planned.set("id", Value::Unknown);
        }
        PlanResourceChangeResponse {
            planned_state: planned,
            ..Default::default()
        }
    }

    async fn apply(&self, req: ApplyResourceChangeRequest) -> ApplyResourceChangeResponse {
        // Delete: nothing remote to remove.
        if req.planned_state.is_null() {
            return ApplyResourceChangeResponse::default();
        }
        let flag = |name| req.config.get(name).and_then(Value::as_bool) == Some(true);

        // The test switches.
        if flag("crash") {
            panic!("demo_echo was asked to crash");
        }
        if flag("wait_for_stop") {
            tracing::info!("waiting for the host to stop the provider");
            req.ctx.cancel.cancelled().await;
            let mut diagnostics = Diagnostics::default();
            diagnostics.error("Stopped", "The operation was cancelled by the host.");
            return ApplyResourceChangeResponse {
                diagnostics,
                ..Default::default()
            };
        }

        // Create or update: the id is derived from the message.
        let mut state = req.planned_state;
        let message = state
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let id = format!("echo-{message}");
        tracing::info!(id = %id, "demo_echo applied");
        state.set("id", Value::string(id));
        ApplyResourceChangeResponse {
            new_state: state,
            ..Default::default()
        }
    }
}

fn main() -> ExitCode {
    tfplugin::serve(
        DemoProvider,
        ServeOptions {
            provider_address: "registry.terraform.io/example/demo".into(),
            log_module: "provider.demo".into(),
        },
    )
}
