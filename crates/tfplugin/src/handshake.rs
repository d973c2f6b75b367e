//! The go-plugin handshake: how a host starts a plugin process and learns where to connect.
//!
//! The host sets a magic cookie and the protocol versions it speaks in the environment,
//! optionally its client certificate for automatic mutual TLS. The plugin answers with a
//! single line on stdout: core protocol version, app protocol version, network, address,
//! wire protocol and the base64 DER of its server certificate.

use std::fmt;
use std::path::PathBuf;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use crate::server::ServeError;

/// Environment variable carrying the magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";

/// The cookie value Terraform and OpenTofu set for provider plugins.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// The go-plugin core protocol version, first field of the handshake line.
pub const CORE_PROTOCOL_VERSION: u32 = 1;

/// The only plugin protocol version served.
pub const PROTOCOL_VERSION: u32 = 6;

/// The plugin's startup settings, as read from the environment.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HandshakeEnv {
    /// Value of `TF_PLUGIN_MAGIC_COOKIE`.
    pub magic_cookie: Option<String>,
    /// Value of `PLUGIN_PROTOCOL_VERSIONS`, such as `5,6`.
    pub protocol_versions: Option<String>,
    /// Value of `PLUGIN_UNIX_SOCKET_DIR`.
    pub unix_socket_dir: Option<PathBuf>,
    /// Value of `PLUGIN_CLIENT_CERT`: the host's certificate in PEM.
    pub client_cert_pem: Option<String>,
    /// Whether `TF_DISABLE_PLUGIN_TLS` is set to a non-empty value.
    pub tls_disabled: bool,
}

impl fmt::Debug for HandshakeEnv {
    // The cookie is not secret, but printing it invites copying it into scripts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandshakeEnv")
            .field("magic_cookie_set", &self.magic_cookie.is_some())
            .field("protocol_versions", &self.protocol_versions)
            .field("unix_socket_dir", &self.unix_socket_dir)
            .field("client_cert_set", &self.client_cert_pem.is_some())
            .field("tls_disabled", &self.tls_disabled)
            .finish()
    }
}

impl HandshakeEnv {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads the settings through `lookup`, so tests need not touch the real environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let non_empty = |key: &str| lookup(key).filter(|v| !v.is_empty());
        Self {
            magic_cookie: lookup(MAGIC_COOKIE_KEY),
            protocol_versions: non_empty("PLUGIN_PROTOCOL_VERSIONS"),
            unix_socket_dir: non_empty("PLUGIN_UNIX_SOCKET_DIR").map(PathBuf::from),
            client_cert_pem: non_empty("PLUGIN_CLIENT_CERT"),
            tls_disabled: non_empty("TF_DISABLE_PLUGIN_TLS").is_some(),
        }
    }

    /// Fails unless the host set the expected magic cookie.
    pub fn check_cookie(&self) -> Result<(), ServeError> {
        match self.magic_cookie.as_deref() {
            Some(MAGIC_COOKIE_VALUE) => Ok(()),
            _ => Err(ServeError::NotStartedByHost),
        }
    }

    /// Picks the protocol version to serve from those the host offers.
    pub fn negotiate_version(&self) -> Result<u32, ServeError> {
        // Hosts that predate version negotiation send nothing and take what is served.
        let Some(offered) = self.protocol_versions.as_deref() else {
            return Ok(PROTOCOL_VERSION);
        };
        let speaks_ours = offered
            .split(',')
            .any(|v| v.trim().parse::<u32>() == Ok(PROTOCOL_VERSION));
        if speaks_ours {
            Ok(PROTOCOL_VERSION)
        } else {
            Err(ServeError::UnsupportedProtocol {
                offered: offered.to_owned(),
            })
        }
    }

    /// The host's certificate when mutual TLS is wanted, `None` for plaintext.
    pub fn tls_client_cert(&self) -> Option<&str> {
        if self.tls_disabled {
            return None;
        }
        self.client_cert_pem.as_deref()
    }
}

/// The line a plugin prints on stdout once it listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandshakeLine {
    /// The go-plugin core protocol version (1).
    pub core_version: u32,
    /// The negotiated plugin protocol version.
    pub protocol_version: u32,
    /// `unix` or `tcp`.
    pub network: String,
    /// The socket path or `host:port`.
    pub address: String,
    /// DER of the server certificate; `None` when serving plaintext.
    pub server_cert_der: Option<Vec<u8>>,
}

impl fmt::Display for HandshakeLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cert = self
            .server_cert_der
            .as_deref()
            .map(|der| STANDARD_NO_PAD.encode(der))
            .unwrap_or_default();
        write!(
            f,
            "{}|{}|{}|{}|grpc|{cert}",
            self.core_version, self.protocol_version, self.network, self.address
        )
    }
}

impl HandshakeLine {
    /// Parses a handshake line as a host does; `None` if it is malformed.
    pub fn parse(line: &str) -> Option<Self> {
        let parts: Vec<&str> = line.trim_end_matches(['\r', '\n']).split('|').collect();
        let [core, proto, network, address, "grpc", rest @ ..] = parts.as_slice() else {
            return None;
        };
        let server_cert_der = match rest {
            [] | [""] => None,
            [cert] => Some(STANDARD_NO_PAD.decode(cert.trim_end_matches('=')).ok()?),
            _ => return None,
        };
        Some(Self {
            core_version: core.parse().ok()?,
            protocol_version: proto.parse().ok()?,
            network: (*network).to_owned(),
            address: (*address).to_owned(),
            server_cert_der,
        })
    }
}

/// The `TF_REATTACH_PROVIDERS` value that points Terraform at a provider started by hand.
pub fn reattach_config(provider_address: &str, pid: u32, socket: &str) -> String {
    serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": { "Network": "unix", "String": socket },
        }
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HandshakeEnv {
        HandshakeEnv::from_lookup(|key| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn cookie_must_match_exactly() {
        assert!(
            env(&[(MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE)])
                .check_cookie()
                .is_ok()
        );
        assert!(env(&[(MAGIC_COOKIE_KEY, "nope")]).check_cookie().is_err());
        assert!(env(&[]).check_cookie().is_err());
    }

    #[test]
    fn version_six_is_chosen_when_offered() {
        let e = env(&[("PLUGIN_PROTOCOL_VERSIONS", "5, 6")]);
        assert_eq!(e.negotiate_version().unwrap(), 6);
        assert_eq!(env(&[]).negotiate_version().unwrap(), 6);
    }

    #[test]
    fn version_negotiation_fails_without_six() {
        let err = env(&[("PLUGIN_PROTOCOL_VERSIONS", "4,5,61")])
            .negotiate_version()
            .unwrap_err();
        assert!(err.to_string().contains("4,5,61"), "{err}");
    }

    #[test]
    fn tls_is_skipped_when_disabled_or_without_cert() {
        let e = env(&[("PLUGIN_CLIENT_CERT", "PEM")]);
        assert_eq!(e.tls_client_cert(), Some("PEM"));
        let e = env(&[
            ("PLUGIN_CLIENT_CERT", "PEM"),
            ("TF_DISABLE_PLUGIN_TLS", "1"),
        ]);
        assert_eq!(e.tls_client_cert(), None);
        assert_eq!(env(&[]).tls_client_cert(), None);
    }

    #[test]
    fn handshake_line_has_unpadded_certificate() {
        let line = HandshakeLine {
            core_version: 1,
            protocol_version: 6,
            network: "unix".into(),
            address: "/s/plugin1".into(),
            server_cert_der: Some(vec![1, 2, 3, 4]),
        };
        assert_eq!(line.to_string(), "1|6|unix|/s/plugin1|grpc|AQIDBA");
        assert_eq!(HandshakeLine::parse(&line.to_string()).unwrap(), line);
    }

    #[test]
    fn handshake_line_without_tls_ends_with_empty_field() {
        let line = HandshakeLine {
            core_version: 1,
            protocol_version: 6,
            network: "unix".into(),
            address: "/s/p".into(),
            server_cert_der: None,
        };
        assert_eq!(line.to_string(), "1|6|unix|/s/p|grpc|");
        assert_eq!(HandshakeLine::parse("1|6|unix|/s/p|grpc|\n").unwrap(), line);
        assert!(HandshakeLine::parse("1|6|unix|/s/p|netrpc|").is_none());
    }

    #[test]
    fn reattach_config_names_the_socket() {
        let json: serde_json::Value =
            serde_json::from_str(&reattach_config("example.com/ns/demo", 42, "/s/p")).unwrap();
        let entry = &json["example.com/ns/demo"];
        assert_eq!(entry["ProtocolVersion"], 6);
        assert_eq!(entry["Pid"], 42);
        assert_eq!(entry["Addr"]["String"], "/s/p");
    }
}
