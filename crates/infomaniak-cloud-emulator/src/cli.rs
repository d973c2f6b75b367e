//! The command line of the `infomaniak-cloud-emulator` binary.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::{AsyncStyle, Config, Emulator};

/// Local emulator of the Infomaniak Public Cloud API. Prints its base URL as the first
/// line on stdout; logs go to stderr.
#[derive(Parser)]
#[command(name = "infomaniak-cloud-emulator", version)]
pub struct Cli {
    /// Address to listen on: `IP:PORT` or `localhost:PORT` (port 0 picks a free port).
    #[arg(
        long,
        env = "INFOMANIAK_EMULATOR_LISTEN",
        default_value = "127.0.0.1:8080",
        value_parser = parse_listen
    )]
    pub listen: SocketAddr,

    /// Allow listening on a non-loopback address.
    #[arg(long, env = "INFOMANIAK_EMULATOR_ALLOW_REMOTE")]
    pub allow_remote: bool,

    /// Bearer token the API accepts.
    #[arg(
        long,
        env = "INFOMANIAK_EMULATOR_TOKEN",
        default_value = "emulator-token",
        hide_env_values = true
    )]
    pub token: String,

    /// How asynchronous writes answer: `delayed` (live: a task to poll) or `asynchronous`
    /// (documented: the result at once).
    #[arg(
        long,
        env = "INFOMANIAK_EMULATOR_ASYNC_STYLE",
        value_enum,
        default_value = "delayed"
    )]
    pub async_style: AsyncStyle,

    /// How long asynchronous operations take, e.g. `500ms`, `2s`.
    #[arg(long, env = "INFOMANIAK_EMULATOR_LATENCY", default_value = "1s", value_parser = humantime::parse_duration)]
    pub latency: Duration,

    /// Requests allowed per token in any rolling minute; 0 disables the limit.
    #[arg(long, env = "INFOMANIAK_EMULATOR_RATE_LIMIT", default_value_t = 60)]
    pub rate_limit: u32,

    /// Id of the seeded account.
    #[arg(long, env = "INFOMANIAK_EMULATOR_ACCOUNT_ID", default_value_t = 1000)]
    pub account_id: u64,

    /// Id of the seeded Public Cloud product.
    #[arg(
        long,
        env = "INFOMANIAK_EMULATOR_PUBLIC_CLOUD_ID",
        default_value_t = 1001
    )]
    pub public_cloud_id: u64,

    /// Id of the seeded project.
    #[arg(long, env = "INFOMANIAK_EMULATOR_PROJECT_ID", default_value_t = 2001)]
    pub project_id: u64,

    /// State file: loaded at start if present, rewritten atomically after every change.
    #[arg(long, env = "INFOMANIAK_EMULATOR_STATE_FILE")]
    pub state_file: Option<PathBuf>,
}

impl Cli {
    /// The emulator configuration, refusing a non-loopback address unless allowed.
    pub fn config(self) -> Result<Config, String> {
        if !self.listen.ip().is_loopback() && !self.allow_remote {
            return Err(format!(
                "refusing to listen on non-loopback address {}; pass --allow-remote to do so",
                self.listen
            ));
        }
        Ok(Config {
            listen: self.listen,
            token: self.token,
            async_style: self.async_style,
            latency: self.latency,
            rate_limit_per_minute: self.rate_limit,
            account_id: self.account_id,
            public_cloud_id: self.public_cloud_id,
            project_id: self.project_id,
            state_file: self.state_file,
        })
    }
}

/// Parses `--listen`: an `IP:PORT` socket address, or `localhost:PORT`, which means
/// `127.0.0.1:PORT` (no name lookup, so it cannot land on a non-loopback address).
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let port = text
        .rsplit_once(':')
        .filter(|(host, _)| host.eq_ignore_ascii_case("localhost"))
        .map(|(_, port)| port);
    match port {
        Some(port) => port
            .parse::<u16>()
            .map(|port| SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
            .map_err(|_| format!("invalid port {port:?}")),
        None => Err("expected IP:PORT or localhost:PORT, e.g. 127.0.0.1:8080".to_owned()),
    }
}

/// Runs the binary until Ctrl-C or SIGTERM; returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let config = match cli.config() {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let emulator = match Emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("error: cannot start the emulator: {error}");
            return 1;
        }
    };

    // Scripts read the first stdout line to learn where to connect.
    let mut stdout = std::io::stdout().lock();
    let printed = writeln!(stdout, "{}", emulator.base_url()).and_then(|()| stdout.flush());
    drop(stdout);
    if let Err(error) = printed {
        eprintln!("error: cannot write the base URL: {error}");
    }

    wait_for_signal().await;
    emulator.shutdown().await;
    0
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_library_defaults() {
        let cli = Cli::parse_from(["infomaniak-cloud-emulator"]);
        let config = cli.config().unwrap();
        let default = Config::default();
        assert_eq!(config.listen, default.listen);
        assert_eq!(config.latency, default.latency);
        assert_eq!(config.rate_limit_per_minute, 60);
        assert_eq!(config.async_style, AsyncStyle::Delayed);
    }

    #[test]
    fn parses_durations_and_styles() {
        let cli = Cli::parse_from([
            "x",
            "--latency",
            "500ms",
            "--async-style",
            "asynchronous",
            "--rate-limit",
            "0",
        ]);
        let config = cli.config().unwrap();
        assert_eq!(config.latency, Duration::from_millis(500));
        assert_eq!(config.async_style, AsyncStyle::Asynchronous);
        assert_eq!(config.rate_limit_per_minute, 0);
    }

    #[test]
    fn listen_accepts_localhost_as_the_loopback_address() {
        let cli = Cli::parse_from(["x", "--listen", "localhost:0"]);
        assert_eq!(cli.config().unwrap().listen, "127.0.0.1:0".parse().unwrap());
        let cli = Cli::parse_from(["x", "--listen", "LOCALHOST:8080"]);
        assert_eq!(cli.listen, "127.0.0.1:8080".parse().unwrap());
        let cli = Cli::parse_from(["x", "--listen", "[::1]:9"]);
        assert_eq!(cli.listen, "[::1]:9".parse().unwrap());
    }

    #[test]
    fn listen_refuses_other_names_and_bad_ports() {
        for bad in [
            "example.com:80",
            "localhost",
            "localhost:http",
            "localhost:70000",
        ] {
            let parsed = Cli::try_parse_from(["x", "--listen", bad]);
            assert!(parsed.is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn refuses_remote_addresses_unless_allowed() {
        let cli = Cli::parse_from(["x", "--listen", "0.0.0.0:8080"]);
        assert!(cli.config().is_err());
        let cli = Cli::parse_from(["x", "--listen", "0.0.0.0:8080", "--allow-remote"]);
        assert!(cli.config().is_ok());
    }
}
