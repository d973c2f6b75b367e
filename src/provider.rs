//! The `infomaniak` provider: its configuration and the API client its resources share.
//!
//! Terraform starts one provider process per command and configures it once; every
//! resource of that process shares one [`Client`], and so one rate limiter for the token.

use std::env;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use infomaniak_api::{Client, ClientConfig};
use serde::Deserialize;
use tfplugin::diag::{AttributePath, Diagnostics};
use tfplugin::provider::{
    ConfigureProviderRequest, ConfigureProviderResponse, DataSource, Provider, Resource,
};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::value::{Type, from_value};

use crate::resources::cloud_user::CloudUserResource;
use crate::resources::cloud_user::reads::UserReads;

/// Where the API lives unless `host` or `INFOMANIAK_HOST` says otherwise.
pub const DEFAULT_HOST: &str = "https://api.infomaniak.com";

/// Environment variable that gives the API token.
pub const TOKEN_ENV: &str = "INFOMANIAK_TOKEN";

/// Environment variable that gives the API host.
pub const HOST_ENV: &str = "INFOMANIAK_HOST";

/// The API's documented quota per token.
const DEFAULT_REQUESTS_PER_MINUTE: u32 = 60;

/// What the resources of one provider process share.
#[derive(Default)]
pub struct ProviderData {
    client: OnceLock<Client>,
    user_reads: UserReads,
}

impl ProviderData {
    /// The configured API client, or `None` while the provider configuration is unknown.
    pub fn client(&self) -> Option<&Client> {
        self.client.get()
    }

    /// Reads of users, batched per project across the resources of this process.
    pub fn user_reads(&self) -> &UserReads {
        &self.user_reads
    }
}

/// The provider registered under [`crate::PROVIDER_ADDRESS`].
#[derive(Default)]
pub struct InfomaniakProvider {
    data: Arc<ProviderData>,
}

/// The provider block as written in HCL.
#[derive(Debug, Deserialize)]
struct ProviderConfig {
    token: Option<String>,
    host: Option<String>,
    requests_per_minute: Option<u32>,
}

#[async_trait]
impl Provider for InfomaniakProvider {
    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block {
                description: "Manages Infomaniak Public Cloud resources through the \
                              Infomaniak API."
                    .into(),
                attributes: vec![
                    Attribute::optional("token", Type::String)
                        .sensitive()
                        .description(
                            "API token created in the Infomaniak Manager. Can also be given \
                         with the `INFOMANIAK_TOKEN` environment variable.",
                        ),
                    Attribute::optional("host", Type::String).description(
                        "Base URL of the API. Defaults to `https://api.infomaniak.com`, or \
                         the `INFOMANIAK_HOST` environment variable. Must be HTTPS, except \
                         for a loopback address such as a local emulator.",
                    ),
                    Attribute::optional("requests_per_minute", Type::Number).description(
                        "Most requests the provider sends in any minute. Defaults to 60, \
                         the API's quota per token.",
                    ),
                ],
                ..Block::default()
            },
        )
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(CloudUserResource::new(self.data.clone()))]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }

    async fn configure(&self, req: ConfigureProviderRequest) -> ConfigureProviderResponse {
        let mut diagnostics = Diagnostics::default();

        // Values known only after apply (a token from another resource): nothing to set up yet.
        if !req.config.is_fully_known() {
            return ConfigureProviderResponse::default();
        }
        let config: ProviderConfig = match from_value(&req.config) {
            Ok(config) => config,
            Err(err) => {
                diagnostics.error("Invalid provider configuration", err.to_string());
                return ConfigureProviderResponse {
                    diagnostics,
                    ..Default::default()
                };
            }
        };

        // Explicit configuration wins over the environment.
        let token = config
            .token
            .filter(|t| !t.is_empty())
            .or_else(|| env::var(TOKEN_ENV).ok().filter(|t| !t.is_empty()));
        let Some(token) = token else {
            diagnostics.attribute_error(
                AttributePath::root("token"),
                "Missing API token",
                format!(
                    "The provider needs an Infomaniak API token. Set `token` in the provider \
                     block or the {TOKEN_ENV} environment variable. A token is created in the \
                     Infomaniak Manager under API tokens."
                ),
            );
            return ConfigureProviderResponse {
                diagnostics,
                ..Default::default()
            };
        };
        let host = config
            .host
            .filter(|h| !h.is_empty())
            .or_else(|| env::var(HOST_ENV).ok().filter(|h| !h.is_empty()))
            .unwrap_or_else(|| DEFAULT_HOST.to_string());
        let requests_per_minute = config
            .requests_per_minute
            .unwrap_or(DEFAULT_REQUESTS_PER_MINUTE);
        if requests_per_minute == 0 {
            diagnostics.attribute_error(
                AttributePath::root("requests_per_minute"),
                "Invalid request rate",
                "`requests_per_minute` must be at least 1.",
            );
            return ConfigureProviderResponse {
                diagnostics,
                ..Default::default()
            };
        }

        let mut client_config = ClientConfig::new(host.clone(), token);
        client_config.user_agent = format!("terraform-provider-infomaniak/{}", crate::VERSION);
        client_config.requests_per_minute = requests_per_minute;
        match Client::new(client_config) {
            Ok(client) => {
                // A second ConfigureProvider in one process keeps the first client.
                let _ = self.data.client.set(client);
                tracing::info!(host = %host, requests_per_minute, "provider configured");
            }
            Err(err) => diagnostics.attribute_error(
                AttributePath::root("host"),
                "Invalid API host",
                format!(
                    "{err}. Use an https:// URL; plain http:// is accepted only for a \
                     loopback address such as a local emulator."
                ),
            ),
        }
        ConfigureProviderResponse {
            diagnostics,
            ..Default::default()
        }
    }
}
