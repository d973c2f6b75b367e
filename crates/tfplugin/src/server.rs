//! The plugin process: handshake, listener, gRPC services and shutdown.
//!
//! [`serve`] runs the whole life of a provider process started by Terraform or
//! OpenTofu: check the magic cookie, negotiate protocol 6, listen on a fresh unix
//! socket (with mutual TLS when the host asks for it), print the handshake line,
//! then serve `tfplugin6.Provider`, `grpc.health.v1.Health` and
//! `plugin.GRPCController` until the host calls `Shutdown` or sends SIGTERM.
//! SIGINT is ignored: on Ctrl-C the host sends `StopProvider` itself and expects the
//! plugin to live until the operation ends. With `--debug` the process is started by
//! hand instead and prints a `TF_REATTACH_PROVIDERS` value for the user.

mod controller;
mod convert;
mod grpc;
mod listener;
mod service;
mod unsupported;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use magma_protocol::tfplugin6::provider_server::ProviderServer;
use tokio::net::UnixListener;
use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;
use tonic_health::ServingStatus;

use crate::handshake::{CORE_PROTOCOL_VERSION, HandshakeEnv, HandshakeLine, reattach_config};
use crate::provider::Provider;
use crate::tls::{Identity, parse_cert_pem, server_config};

/// Largest gRPC message accepted or sent: whole configurations and states travel in one.
const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

/// How long in-flight calls may take to finish once shutdown has begun.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How a provider binary presents itself when served.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Full provider address, such as `registry.terraform.io/example/example`.
    pub provider_address: String,
    /// Module name in log lines, such as `provider.example`.
    pub log_module: String,
}

/// Everything that can stop the plugin process from serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The magic cookie is missing or wrong: a person ran the binary directly.
    #[error(
        "This binary is a plugin. It is not meant to be executed directly: it is started \
         by Terraform or OpenTofu when a configuration uses this provider. To debug it, \
         run it with --debug and follow the instructions it prints."
    )]
    NotStartedByHost,
    /// The host does not speak protocol 6.
    #[error(
        "the host offers plugin protocol versions {offered}, but this provider speaks only \
         version 6; use Terraform 1.0 or later, or OpenTofu"
    )]
    UnsupportedProtocol {
        /// The value of `PLUGIN_PROTOCOL_VERSIONS`.
        offered: String,
    },
    /// TLS material could not be made or read.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// The unix socket could not be created.
    #[error("cannot listen on a unix socket in {dir}: {source}")]
    Listen {
        /// The directory the socket was to be created in.
        dir: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// Some other I/O failed (runtime, signals, stdout).
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The underlying error.
        source: io::Error,
    },
    /// The gRPC server stopped with an error.
    #[error("gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

impl ServeError {
    fn io(what: &'static str) -> impl FnOnce(io::Error) -> Self {
        move |source| Self::Io { what, source }
    }
}

/// Serves `provider` as a plugin process and returns the process exit code.
///
/// Reads `--debug` from the command line and the go-plugin settings from the
/// environment, and builds its own tokio runtime.
pub fn serve<P: Provider>(provider: P, options: ServeOptions) -> ExitCode {
    let debug = std::env::args().skip(1).any(|arg| arg == "--debug");
    crate::logging::init(&options.log_module);

    let env = HandshakeEnv::from_env();
    if !debug && let Err(err) = env.check_cookie() {
        eprintln!("{err}");
        return ExitCode::from(1);
    }

    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("cannot start the async runtime: {err}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(run(provider, options, env, debug));

    // Handlers still waiting on the network must not keep a stopped plugin alive.
    runtime.shutdown_timeout(Duration::from_millis(500));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "provider plugin failed");
            eprintln!("{err}");
            ExitCode::from(1)
        }
    }
}

async fn run<P: Provider>(
    provider: P,
    options: ServeOptions,
    env: HandshakeEnv,
    debug: bool,
) -> Result<(), ServeError> {
    let protocol_version = if debug {
        crate::handshake::PROTOCOL_VERSION
    } else {
        env.negotiate_version()?
    };

    // Mutual TLS only when the host gave its certificate; debug mode is always plaintext.
    let client_cert = match env.tls_client_cert() {
        Some(pem) if !debug => Some(parse_cert_pem(pem)?),
        _ => None,
    };
    let (tls, server_cert_der) = match client_cert {
        Some(client_cert) => {
            let identity = Identity::generate_server()?;
            let config = server_config(&identity, client_cert)?;
            (Some(config), Some(identity.cert_der.to_vec()))
        }
        None => (None, None),
    };

    // Signal handlers go in before the handshake line so an early Ctrl-C cannot kill us.
    let shutdown = CancellationToken::new();
    watch_signals(shutdown.clone(), debug)?;

    let (socket, unix_listener) = SocketFile::bind(env.unix_socket_dir.as_deref())?;
    let incoming = listener::incoming(unix_listener, tls, shutdown.clone());

    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status("plugin", ServingStatus::Serving)
        .await;
    let provider_service = ProviderServer::new(service::ProviderService::new(provider))
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE);
    let controller = controller::ControllerServer::new(shutdown.clone());

    let address = socket.path.display().to_string();
    let tls_on = server_cert_der.is_some();
    if debug {
        print_debug_instructions(&options, &address)?;
    } else {
        let line = HandshakeLine {
            core_version: CORE_PROTOCOL_VERSION,
            protocol_version,
            network: "unix".into(),
            address: address.clone(),
            server_cert_der,
        };
        print_stdout(&format!("{line}\n"))?;
    }
    tracing::info!(
        socket = %address,
        protocol_version,
        tls = tls_on,
        "provider plugin serving"
    );

    let server = tonic::transport::Server::builder()
        .add_service(provider_service)
        .add_service(health_service)
        .add_service(controller)
        .serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned());
    tokio::select! {
        result = server => result?,
        () = async {
            shutdown.cancelled().await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => tracing::warn!("in-flight calls did not finish in time; exiting anyway"),
    }
    tracing::info!("provider plugin stopped");
    Ok(())
}

fn watch_signals(shutdown: CancellationToken, debug: bool) -> Result<(), ServeError> {
    let mut interrupt = signal(SignalKind::interrupt()).map_err(ServeError::io("SIGINT"))?;
    let mut terminate = signal(SignalKind::terminate()).map_err(ServeError::io("SIGTERM"))?;
    tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = interrupt.recv() => {
                    if debug {
                        tracing::info!("interrupted; stopping");
                        shutdown.cancel();
                    } else {
                        // The host forwards Ctrl-C to its whole process group, then sends
                        // StopProvider and waits for the operation to end: stay alive.
                        tracing::debug!("ignoring SIGINT; the host stops the provider itself");
                    }
                }
                _ = terminate.recv() => {
                    tracing::info!("terminated; stopping");
                    shutdown.cancel();
                }
            }
        }
    });
    Ok(())
}

fn print_debug_instructions(options: &ServeOptions, socket: &str) -> Result<(), ServeError> {
    let reattach = reattach_config(&options.provider_address, std::process::id(), socket);
    print_stdout(&format!(
        "Provider started in debug mode. To attach Terraform or OpenTofu, set in your shell:\n\n\
         \texport TF_REATTACH_PROVIDERS='{reattach}'\n\n\
         Press Ctrl-C to stop the provider.\n"
    ))
}

fn print_stdout(text: &str) -> Result<(), ServeError> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(ServeError::io("writing to stdout"))
}

/// A unix socket path that is removed when the server stops.
struct SocketFile {
    path: PathBuf,
}

impl SocketFile {
    /// Binds a fresh `plugin*` socket in `dir`, else in the temp directory.
    fn bind(dir: Option<&Path>) -> Result<(Self, UnixListener), ServeError> {
        let dir = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let listen_err = |source| ServeError::Listen {
            dir: dir.clone(),
            source,
        };

        // Reserve a unique name with a temp file, then put the socket in its place.
        let path = tempfile::Builder::new()
            .prefix("plugin")
            .tempfile_in(&dir)
            .and_then(|file| file.into_temp_path().keep().map_err(|e| e.error))
            .map_err(listen_err)?;
        std::fs::remove_file(&path).map_err(listen_err)?;
        let listener = UnixListener::bind(&path).map_err(listen_err)?;
        Ok((Self { path }, listener))
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The gRPC path of `plugin.GRPCController/Shutdown`, for hosts written in Rust.
pub(crate) const fn controller_shutdown_path() -> &'static str {
    controller::SHUTDOWN_PATH
}
