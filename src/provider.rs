//! The `infomaniak` provider: its configuration and the API client its resources share.
//!
//! Terraform starts one provider process per command and configures it once; every
//! resource of that process shares one [`Client`], and so one rate limiter for the token.

use std::env;
use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use infomaniak_api::{Client, ClientConfig};
use tfplugin::diag::{AttributePath, Diagnostics};
use tfplugin::provider::{
    ConfigureProviderRequest, ConfigureProviderResponse, DataSource, Provider, Resource,
    ValidateProviderConfigRequest, ValidateProviderConfigResponse,
};
use tfplugin::schema::{Attribute, Block, Schema};
use tfplugin::value::{Type, Value};

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

/// Largest `requests_per_minute` accepted; anything above is a typo.
const MAX_REQUESTS_PER_MINUTE: i64 = 100_000;

/// How the provider reaches the API, from its block and the environment.
#[derive(PartialEq)]
struct Settings {
    token: String,
    host: String,
    requests_per_minute: u32,
}

/// Checks the provider block's known values; unknown ones are checked at configure.
fn validate_block(config: &Value, diagnostics: &mut Diagnostics) {
    let known = |name: &str| config.get(name).filter(|v| !v.is_null() && !v.is_unknown());
    if let Some(rate) = known("requests_per_minute")
        && rate
            .as_i64()
            .is_none_or(|n| !(1..=MAX_REQUESTS_PER_MINUTE).contains(&n))
    {
        diagnostics.attribute_error(
            AttributePath::root("requests_per_minute"),
            "Invalid request rate",
            format!(
                "`requests_per_minute` must be a whole number from 1 to \
                 {MAX_REQUESTS_PER_MINUTE}; the API allows 60 per token."
            ),
        );
    }
    if let Some(host) = known("host").and_then(Value::as_str)
        && let Err(detail) = check_host(host, "`host`")
    {
        diagnostics.attribute_error(AttributePath::root("host"), "Invalid API host", detail);
    }
    if let Some(token) = known("token").and_then(Value::as_str)
        && let Err(detail) = check_token(token, "`token`")
    {
        diagnostics.attribute_error(AttributePath::root("token"), "Invalid API token", detail);
    }
}

/// Resolves the settings: the provider block first, then the environment, then defaults.
///
/// A variable that is set but empty is an error rather than a fall-back: an empty
/// `INFOMANIAK_HOST` must not send a test pipeline's token to the production API.
fn settings(config: &Value, env: impl Fn(&str) -> Option<String>) -> Result<Settings, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    validate_block(config, &mut diagnostics);
    let text = |name: &str| config.get(name).and_then(Value::as_str).map(str::to_string);

    // The token: explicit, else the environment; surrounding white space is a copy artefact.
    let token = match text("token").or_else(|| env(TOKEN_ENV)) {
        Some(token) if !token.trim().is_empty() => token.trim().to_string(),
        _ => {
            diagnostics.attribute_error(
                AttributePath::root("token"),
                "Missing API token",
                format!(
                    "The provider needs an Infomaniak API token. Set `token` in the provider \
                     block or the {TOKEN_ENV} environment variable. A token is created in \
                     the Infomaniak Manager under API tokens."
                ),
            );
            String::new()
        }
    };
    if let Err(detail) = check_token(&token, TOKEN_ENV) {
        diagnostics.attribute_error(AttributePath::root("token"), "Invalid API token", detail);
    }

    // The host: explicit, else the environment, else the public API.
    let host = match (text("host"), env(HOST_ENV)) {
        (Some(host), _) => host.trim().to_string(),
        (None, Some(host)) => {
            if let Err(detail) = check_host(&host, HOST_ENV) {
                diagnostics.attribute_error(
                    AttributePath::root("host"),
                    "Invalid API host",
                    detail,
                );
            }
            host.trim().to_string()
        }
        (None, None) => DEFAULT_HOST.to_string(),
    };

    let requests_per_minute = config
        .get("requests_per_minute")
        .and_then(Value::as_i64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(DEFAULT_REQUESTS_PER_MINUTE);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Settings {
        token,
        host,
        requests_per_minute,
    })
}

/// Where the host came from, for error messages.
fn host_source(config: &Value) -> &'static str {
    match config.get("host") {
        Some(host) if !host.is_null() => "The provider's `host`",
        _ if env::var_os(HOST_ENV).is_some() => HOST_ENV,
        _ => "The default host",
    }
}

/// A host must be a whole http(s) URL; `source` names where it came from.
fn check_host(host: &str, source: &str) -> Result<(), String> {
    let host = host.trim();
    if host.is_empty() {
        return Err(format!(
            "{source} is set but empty. Give the API's URL, such as {DEFAULT_HOST} or a local \
             emulator's http://127.0.0.1:PORT, or unset it to use {DEFAULT_HOST}."
        ));
    }
    let lower = host.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(format!(
            "{source} must be a URL starting with https:// (or http:// for a loopback \
             address such as a local emulator), such as {DEFAULT_HOST}."
        ));
    }
    Ok(())
}

/// A token is one word of printable characters; the check never shows it.
fn check_token(token: &str, source: &str) -> Result<(), String> {
    if token.trim().chars().any(|c| !c.is_ascii_graphic()) {
        return Err(format!(
            "The token from {source} contains spaces, line breaks, control or non-ASCII \
             characters; an API token is a single word of ASCII letters, digits and marks. \
             Check how it was copied."
        ));
    }
    Ok(())
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

    async fn validate_config(
        &self,
        req: ValidateProviderConfigRequest,
    ) -> ValidateProviderConfigResponse {
        let mut diagnostics = Diagnostics::default();
        validate_block(&req.config, &mut diagnostics);
        ValidateProviderConfigResponse {
            diagnostics,
            ..Default::default()
        }
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
        let settings = match settings(&req.config, |name| env::var(name).ok()) {
            Ok(settings) => settings,
            Err(diagnostics) => {
                return ConfigureProviderResponse {
                    diagnostics,
                    ..Default::default()
                };
            }
        };

        // One client, and so one rate limiter, for every resource of this process.
        let Settings {
            token,
            host,
            requests_per_minute,
        } = settings;
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
                format!("{}: {err}.", host_source(&req.config)),
            ),
        }
        ConfigureProviderResponse {
            diagnostics,
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(pairs: &[(&str, Value)]) -> Value {
        Value::object(pairs.iter().map(|(k, v)| (*k, v.clone())))
    }

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn error_paths(result: Result<Settings, Diagnostics>) -> Vec<String> {
        match result {
            Ok(_) => Vec::new(),
            Err(diagnostics) => diagnostics
                .0
                .iter()
                .map(|d| {
                    d.attribute
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                })
                .collect(),
        }
    }

    #[test]
    fn explicit_configuration_wins_over_the_environment() {
        let config = block(&[
            ("token", Value::string("from-block")),
            ("host", Value::string("http://127.0.0.1:9")),
        ]);
        let env = env_of(&[(TOKEN_ENV, "from-env"), (HOST_ENV, "https://other.example")]);
        let Ok(settings) = settings(&config, env) else {
            panic!("valid settings")
        };
        assert_eq!(settings.token, "from-block");
        assert_eq!(settings.host, "http://127.0.0.1:9");
        assert_eq!(settings.requests_per_minute, 60);
    }

    #[test]
    fn environment_fills_in_and_the_public_api_is_the_default() {
        let Ok(settings) = settings(&block(&[]), env_of(&[(TOKEN_ENV, "tok\n")])) else {
            panic!("valid settings")
        };
        assert_eq!(
            settings.token, "tok",
            "a trailing newline is a copy artefact"
        );
        assert_eq!(settings.host, DEFAULT_HOST);
    }

    #[test]
    fn an_empty_host_variable_never_falls_back_to_production() {
        let env = env_of(&[(TOKEN_ENV, "tok"), (HOST_ENV, "")]);
        assert_eq!(error_paths(settings(&block(&[]), env)), ["host"]);
        let config = block(&[("host", Value::string(" "))]);
        assert_eq!(
            error_paths(settings(&config, env_of(&[(TOKEN_ENV, "tok")]))),
            ["host"]
        );
    }

    #[test]
    fn bad_values_name_their_attribute() {
        assert_eq!(error_paths(settings(&block(&[]), env_of(&[]))), ["token"]);
        let spaced = env_of(&[(TOKEN_ENV, "two words")]);
        assert_eq!(error_paths(settings(&block(&[]), spaced)), ["token"]);
        let accented = env_of(&[(TOKEN_ENV, "tøk")]);
        assert_eq!(error_paths(settings(&block(&[]), accented)), ["token"]);
        for rate in [Value::int(0), Value::int(-1), Value::int(1_000_000)] {
            let config = block(&[("requests_per_minute", rate)]);
            assert_eq!(
                error_paths(settings(&config, env_of(&[(TOKEN_ENV, "tok")]))),
                ["requests_per_minute"]
            );
        }
    }
}
