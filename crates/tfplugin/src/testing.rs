//! A test host: starts a provider binary the way Terraform does and talks to it.
//!
//! [`PluginProcess`] launches the binary with the go-plugin environment (cookie,
//! protocol versions, a fresh P-521 host certificate, a private socket directory)
//! and captures its output; [`TestHost`] adds the handshake and a mutual-TLS gRPC
//! connection. [`LaunchOptions`] can break the contract on purpose (wrong cookie,
//! plaintext, presenting another certificate) for negative tests.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use magma_protocol::tfplugin6::provider_client::ProviderClient;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, BufReader};
use tokio::net::UnixStream;
use tokio::process::{Child, Command};
use tokio::sync::mpsc;
use tonic::codegen::http::Uri;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

use crate::handshake::{HandshakeLine, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};
use crate::server::controller_shutdown_path;
use crate::tls::{Identity, client_config};

/// How long a plugin may take to print its handshake line or to exit.
const PATIENCE: Duration = Duration::from_secs(30);

/// What went wrong while hosting a plugin in a test.
#[derive(Debug, thiserror::Error)]
pub enum TestHostError {
    /// The binary could not be started.
    #[error("cannot start the plugin: {0}")]
    Spawn(io::Error),
    /// No valid handshake line was printed.
    #[error("bad or missing handshake: {0}")]
    Handshake(String),
    /// The connection to the plugin failed.
    #[error("cannot connect to the plugin: {0}")]
    Connect(String),
    /// A gRPC call failed.
    #[error("gRPC call failed: {0}")]
    Rpc(Box<tonic::Status>),
    /// The plugin did not do something in time.
    #[error("timed out waiting for the plugin to {0}")]
    Timeout(&'static str),
}

impl From<tonic::Status> for TestHostError {
    fn from(status: tonic::Status) -> Self {
        Self::Rpc(Box::new(status))
    }
}

/// How to start the plugin; the default does exactly what Terraform does.
#[derive(Clone, Debug)]
pub struct LaunchOptions {
    /// The magic cookie to set; `None` leaves it unset.
    pub magic_cookie: Option<String>,
    /// Whether to ask for mutual TLS by passing a host certificate.
    pub tls: bool,
    /// Extra environment variables, such as `TF_LOG`.
    pub env: Vec<(String, String)>,
    /// Extra command-line arguments.
    pub args: Vec<String>,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        Self {
            magic_cookie: Some(MAGIC_COOKIE_VALUE.to_owned()),
            tls: true,
            env: Vec::new(),
            args: Vec::new(),
        }
    }
}

/// A running plugin process and its captured output.
pub struct PluginProcess {
    child: Child,
    /// The host certificate announced in `PLUGIN_CLIENT_CERT`.
    pub host_identity: Identity,
    stdout_lines: Arc<Mutex<Vec<String>>>,
    first_line: mpsc::UnboundedReceiver<String>,
    stderr: Arc<Mutex<String>>,
    socket_dir: tempfile::TempDir,
}

impl PluginProcess {
    /// Starts `binary` as a host would, without waiting for the handshake.
    pub fn spawn(binary: &Path, options: &LaunchOptions) -> Result<Self, TestHostError> {
        let host_identity =
            Identity::generate_host().map_err(|e| TestHostError::Connect(e.to_string()))?;
        let socket_dir = tempfile::tempdir().map_err(TestHostError::Spawn)?;

        let mut command = Command::new(binary);
        command
            .args(&options.args)
            .env("PLUGIN_PROTOCOL_VERSIONS", "6")
            .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir.path())
            .env_remove("TF_DISABLE_PLUGIN_TLS")
            .env_remove("TF_REATTACH_PROVIDERS")
            .envs(options.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        match &options.magic_cookie {
            Some(cookie) => command.env(MAGIC_COOKIE_KEY, cookie),
            None => command.env_remove(MAGIC_COOKIE_KEY),
        };
        if options.tls {
            command.env("PLUGIN_CLIENT_CERT", host_identity.cert_pem());
        } else {
            command.env_remove("PLUGIN_CLIENT_CERT");
        }
        let mut child = command.spawn().map_err(TestHostError::Spawn)?;

        let stdout_lines = Arc::new(Mutex::new(Vec::new()));
        let (first_tx, first_line) = mpsc::unbounded_channel();
        if let Some(stdout) = child.stdout.take() {
            let lines_out = stdout_lines.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(stdout).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let _ = first_tx.send(line.clone());
                    lines_out
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(line);
                }
            });
        }
        let stderr = Arc::new(Mutex::new(String::new()));
        if let Some(err) = child.stderr.take() {
            let stderr_out = stderr.clone();
            tokio::spawn(async move {
                let mut lines = BufReader::new(err).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let mut text = stderr_out.lock().unwrap_or_else(|e| e.into_inner());
                    text.push_str(&line);
                    text.push('\n');
                }
            });
        }
        Ok(Self {
            child,
            host_identity,
            stdout_lines,
            first_line,
            stderr,
            socket_dir,
        })
    }

    /// Waits for the first stdout line and parses it as a handshake.
    pub async fn handshake(&mut self) -> Result<HandshakeLine, TestHostError> {
        let line = tokio::time::timeout(PATIENCE, self.first_line.recv())
            .await
            .map_err(|_| TestHostError::Timeout("print its handshake line"))?
            .ok_or_else(|| {
                TestHostError::Handshake(format!("no output; stderr: {}", self.stderr()))
            })?;
        HandshakeLine::parse(&line).ok_or(TestHostError::Handshake(line))
    }

    /// Connects over the handshake's socket, presenting `identity` when TLS is on.
    pub async fn connect(
        &self,
        line: &HandshakeLine,
        identity: &Identity,
    ) -> Result<Channel, TestHostError> {
        let connect_err = |e: &dyn std::fmt::Display| TestHostError::Connect(e.to_string());
        let tls = match &line.server_cert_der {
            Some(der) => Some(tokio_rustls::TlsConnector::from(
                client_config(identity, der.clone().into()).map_err(|e| connect_err(&e))?,
            )),
            None => None,
        };
        let path = PathBuf::from(&line.address);
        let connector = tower::service_fn(move |_: Uri| {
            let (path, tls) = (path.clone(), tls.clone());
            async move {
                let stream = UnixStream::connect(path).await?;
                let io: Box<dyn Io> = match tls {
                    Some(tls) => {
                        let name = ServerName::try_from("localhost").map_err(io::Error::other)?;
                        Box::new(tls.connect(name, stream).await?)
                    }
                    None => Box::new(stream),
                };
                Ok::<_, io::Error>(TokioIo::new(io))
            }
        });
        // The URI is required by the API but unused: the connector picks the socket.
        Endpoint::from_static("http://localhost")
            .connect_with_connector(connector)
            .await
            .map_err(|e| connect_err(&e))
    }

    /// Waits for the process to exit.
    pub async fn wait(&mut self) -> Result<ExitStatus, TestHostError> {
        tokio::time::timeout(PATIENCE, self.child.wait())
            .await
            .map_err(|_| TestHostError::Timeout("exit"))?
            .map_err(TestHostError::Spawn)
    }

    /// Everything printed on stdout so far, line by line.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout_lines
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Everything printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The directory given in `PLUGIN_UNIX_SOCKET_DIR`.
    pub fn socket_dir(&self) -> &Path {
        self.socket_dir.path()
    }

    /// The process ID.
    pub fn id(&self) -> Option<u32> {
        self.child.id()
    }
}

/// Path of example `name` of `package`, built by cargo next to the running test binary.
///
/// `cargo test` builds examples before running tests, but a filtered build
/// (`--test NAME`) skips them and would leave a stale binary, so under cargo the
/// example is (re)built once per test process with the same cargo and profile.
pub fn example_binary(package: &str, name: &str) -> io::Result<PathBuf> {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();

    // Test binaries live in target/<profile>/deps; examples in target/<profile>/examples.
    let exe = std::env::current_exe()?;
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| io::Error::other("test binary is not inside a cargo target directory"))?;
    let path = profile_dir.join("examples").join(name);

    let Some(cargo) = std::env::var_os("CARGO") else {
        return Ok(path);
    };
    let built = BUILT.get_or_init(|| {
        let mut build = std::process::Command::new(cargo);
        build.args(["build", "--quiet", "--package", package, "--example", name]);
        if profile_dir.file_name().is_some_and(|p| p == "release") {
            build.arg("--release");
        }
        match build.status() {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => Err(format!("building example {name} failed: {status}")),
            Err(err) => Err(format!("cannot run cargo: {err}")),
        }
    });
    built.clone().map_err(io::Error::other)?;
    Ok(path)
}

trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A plugin started and connected as Terraform would.
pub struct TestHost {
    /// The process and its output.
    pub process: PluginProcess,
    /// The parsed handshake line.
    pub handshake: HandshakeLine,
    channel: Channel,
}

impl TestHost {
    /// Starts `binary` with Terraform's environment and connects with mutual TLS.
    pub async fn start(binary: &Path) -> Result<Self, TestHostError> {
        Self::start_with(binary, &LaunchOptions::default()).await
    }

    /// Starts `binary` with `options` and connects presenting the announced certificate.
    pub async fn start_with(binary: &Path, options: &LaunchOptions) -> Result<Self, TestHostError> {
        let mut process = PluginProcess::spawn(binary, options)?;
        let handshake = process.handshake().await?;
        let channel = process.connect(&handshake, &process.host_identity).await?;
        Ok(Self {
            process,
            handshake,
            channel,
        })
    }

    /// A `tfplugin6.Provider` client with the 256 MiB limits Terraform uses.
    pub fn provider(&self) -> ProviderClient<Channel> {
        const LIMIT: usize = 256 * 1024 * 1024;
        ProviderClient::new(self.channel.clone())
            .max_decoding_message_size(LIMIT)
            .max_encoding_message_size(LIMIT)
    }

    /// The status the health service reports for the `plugin` service.
    pub async fn health(&self) -> Result<ServingStatus, TestHostError> {
        let request = HealthCheckRequest {
            service: "plugin".into(),
        };
        let response = HealthClient::new(self.channel.clone())
            .check(request)
            .await?;
        Ok(response.into_inner().status())
    }

    /// Calls `plugin.GRPCController/Shutdown` and waits for the process to exit.
    pub async fn shutdown(mut self) -> Result<ExitStatus, TestHostError> {
        let mut grpc = tonic::client::Grpc::new(self.channel.clone());
        grpc.ready()
            .await
            .map_err(|e| TestHostError::Connect(e.to_string()))?;
        let codec = tonic::codec::ProstCodec::<Empty, Empty>::default();
        let path = tonic::codegen::http::uri::PathAndQuery::from_static(controller_shutdown_path());
        grpc.unary(tonic::Request::new(Empty {}), path, codec)
            .await?;
        drop(grpc);
        drop(self.channel);
        self.process.wait().await
    }
}

/// The `plugin.Empty` message.
#[derive(Clone, Copy, PartialEq, prost::Message)]
struct Empty {}
