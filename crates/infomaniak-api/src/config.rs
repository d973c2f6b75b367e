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
///
/// The URL is the API's root: scheme, host and port only. Every request path starts with
/// `/1/` or `/2/` from there, so a path, query or fragment would only turn into 404s later.
pub(crate) fn check_base_url(raw: &str) -> Result<String, Error> {
    let invalid = |reason: String| Error::InvalidConfig { reason };
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(invalid(format!(
            "the base URL is empty; the API is at {DEFAULT_BASE_URL}"
        )));
    }
    let url = Url::parse(raw).map_err(|e| invalid(format!("the base URL is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("the base URL must not carry credentials".into()));
    }
    match url.scheme() {
        "https" | "http" => {}
        other => return Err(invalid(format!("unsupported URL scheme {other:?}"))),
    }

    // The query and fragment are not echoed: they are the parts that could hold a secret.
    let only_root = "give only the scheme, host and port, such as https://api.infomaniak.com";
    if url.path() != "/" {
        return Err(invalid(format!(
            "the base URL must not have a path (found {:?}): {only_root}",
            url.path()
        )));
    }
    if url.query().is_some() {
        return Err(invalid(format!(
            "the base URL must not have a query: {only_root}"
        )));
    }
    if url.fragment().is_some() {
        return Err(invalid(format!(
            "the base URL must not have a fragment: {only_root}"
        )));
    }

    if url.scheme() == "http" && !is_loopback(&url) {
        let host = url.host_str().unwrap_or_default();
        let url = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        return Err(Error::InsecureUrl { url });
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
    fn base_url_with_a_path_query_or_fragment_is_refused() {
        for bad in [
            "http://127.0.0.1:8080/v1",
            "https://api.infomaniak.com/1/",
            "https://api.infomaniak.com//",
            "https://api.infomaniak.com?x=1",
            "https://api.infomaniak.com/?",
            "https://api.infomaniak.com#top",
        ] {
            let err = check_base_url(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidConfig { .. }), "{bad}: {err:?}");
            assert!(
                err.to_string().contains("the base URL must not have"),
                "{err}"
            );
        }
        let err = check_base_url("http://127.0.0.1:8080/v1").unwrap_err();
        assert!(err.to_string().contains("path (found \"/v1\")"), "{err}");
        let err = check_base_url("https://api.infomaniak.com?token=hunter2").unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");

        // One trailing slash is the root itself.
        assert_eq!(
            check_base_url("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn empty_base_url_is_refused_clearly() {
        for empty in ["", "  \n"] {
            let err = check_base_url(empty).unwrap_err();
            assert!(matches!(err, Error::InvalidConfig { .. }), "{err:?}");
            assert!(err.to_string().contains("the base URL is empty"), "{err}");
        }
    }

    #[test]
    fn plain_http_refusal_is_short_and_names_the_host() {
        let err = check_base_url("http://api.infomaniak.com:8080").unwrap_err();
        assert_eq!(
            err.to_string(),
            "refusing to send the API token over plain http to api.infomaniak.com:8080: \
             only loopback addresses may use http"
        );
    }

    #[test]
    fn credentials_in_the_url_are_refused_without_echo() {
        let err = check_base_url("https://user:hunter2@api.infomaniak.com").unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
    }
}
