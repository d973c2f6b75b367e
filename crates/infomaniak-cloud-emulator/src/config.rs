//! Emulator configuration: where to listen, which token to accept, and how the simulated
//! service behaves (answer style for asynchronous writes, how long they take, rate limit).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// How the emulator answers an asynchronous write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AsyncStyle {
    /// Live behaviour: HTTP 202 `{"result":"delayed","data":"<task uuid>"}`, poll the task.
    #[default]
    Delayed,
    /// Documented behaviour: HTTP 202 `{"result":"asynchronous","data":<id or true>}`.
    Asynchronous,
}

/// Everything the emulator needs to start.
#[derive(Clone)]
pub struct Config {
    /// Socket address to bind; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The only bearer token the API accepts.
    pub token: String,
    /// Answer style of asynchronous writes.
    pub async_style: AsyncStyle,
    /// How long an asynchronous operation takes from request to completion.
    pub latency: Duration,
    /// Requests allowed per token in any rolling 60 seconds; 0 disables the limit.
    pub rate_limit_per_minute: u32,
    /// Id of the seeded account.
    pub account_id: u64,
    /// Id of the seeded Public Cloud product.
    pub public_cloud_id: u64,
    /// Id of the seeded project.
    pub project_id: u64,
    /// File the state is loaded from at start and written to after every change.
    pub state_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 8080)),
            token: "emulator-token".to_owned(),
            async_style: AsyncStyle::Delayed,
            latency: Duration::from_secs(1),
            rate_limit_per_minute: 60,
            account_id: 1000,
            public_cloud_id: 1001,
            project_id: 2001,
            state_file: None,
        }
    }
}

// The token is a secret: Debug shows that one is set, never its value.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("token", &"<redacted>")
            .field("async_style", &self.async_style)
            .field("latency", &self.latency)
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("account_id", &self.account_id)
            .field("public_cloud_id", &self.public_cloud_id)
            .field("project_id", &self.project_id)
            .field("state_file", &self.state_file)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_redacts_the_token() {
        let config = Config {
            token: "s3cret-token-value".to_owned(),
            ..Config::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cret-token-value"));
        assert!(shown.contains("<redacted>"));
    }
}
