//! How a client is configured: where the API is, the token, and how politely to call it.
//!
//! The base URL is checked once, when a client is built: https anywhere, plain http only to
//! this machine (an emulator or a test server), and never with credentials in the URL,
//! whose error messages would otherwise echo them.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use url::{Host, Url};

use crate::error::Error;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://api.infomaniak.com";

/// The User-Agent sent when the caller does not choose one.
pub const DEFAULT_USER_AGENT: &str = concat!("infomaniak-api-rust/", env!("CARGO_PKG_VERSION"));

/// How to reach the API and how politely.
#[derive(Clone)]
pub struct ClientConfig {
    /// The API root, such as `https://api.infomaniak.com`; plain http only to loopback.
    pub base_url: String,
    /// The API token, sent as a bearer token and never shown.
    pub token: String,
    /// The User-Agent header.
    pub user_agent: String,
    /// At most this many requests in any rolling minute; 0 turns the limiter off.
    pub requests_per_minute: u32,
    /// How many times an idempotent request is retried after the first attempt.
    pub max_retries: u32,
    /// How long one HTTP exchange may take; `None` waits forever.
    pub request_timeout: Option<Duration>,
}

impl ClientConfig {
    /// A configuration with the API's documented limit (60 requests a minute) and 5 retries.
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            token: token.into(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            requests_per_minute: 60,
            max_retries: 5,
            request_timeout: Some(Duration::from_secs(60)),
        }
    }
}

impl fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &"<redacted>")
            .field("user_agent", &self.user_agent)
            .field("requests_per_minute", &self.requests_per_minute)
            .field("max_retries", &self.max_retries)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

/// Parses the base URL and enforces https, except towards this machine.
pub(crate) fn check_base_url(raw: &str) -> Result<String, Error> {
    let url = Url::parse(raw.trim()).map_err(|e| Error::InvalidConfig {
        reason: format!("the base URL is not a URL: {e}"),
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::InvalidConfig {
            reason: "the base URL must not carry credentials".into(),
        });
    }
    let shown = || {
        let host = url.host_str().unwrap_or_default();
        match url.port() {
            Some(port) => format!("{}://{host}:{port}", url.scheme()),
            None => format!("{}://{host}", url.scheme()),
        }
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => return Err(Error::InsecureUrl { url: shown() }),
        other => {
            return Err(Error::InvalidConfig {
                reason: format!("unsupported URL scheme {other:?}"),
            });
        }
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_http_only_to_loopback() {
        assert!(check_base_url("https://api.infomaniak.com").is_ok());
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.1.2.3",
            "http://[::1]:9000/",
            "http://localhost:1",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.infomaniak.com",
            "http://10.0.0.1",
            "http://[::2]",
        ] {
            assert!(
                matches!(check_base_url(bad), Err(Error::InsecureUrl { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            check_base_url("ftp://example.com"),
            Err(Error::InvalidConfig { .. })
        ));
        assert_eq!(
            check_base_url("https://api.infomaniak.com/").unwrap(),
            "https://api.infomaniak.com"
        );
    }

    #[test]
    fn credentials_in_the_url_are_refused_without_echo() {
        let err = check_base_url("https://user:hunter2@api.infomaniak.com").unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }
}
