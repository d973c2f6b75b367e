//! A local, in-memory emulator of the Infomaniak Public Cloud API, for running the provider
//! and other clients offline.
//!
//! Modules, one job each:
//! - [`config`]: what the emulator is started with;
//! - [`state`]: the model (account, products, projects, users) and operations in flight;
//! - [`tasks`]: the asynchronous tasks the live service reports;
//! - `routes`: the API handlers and the gate (log, auth, rate limit) in front of them;
//! - [`control`]: the `/_emulator` control API for tests;
//! - [`faults`], [`ratelimit`], [`persist`], [`listing`], [`validate`], [`names`],
//!   [`credentials`], [`clock`]: the rules those build on;
//! - [`cli`]: the command line of the binary.
//!
//! All timing follows tokio's clock, so a test with paused time sees minutes pass at once.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod control;
pub mod credentials;
pub mod error;
pub mod faults;
pub mod listing;
pub mod names;
pub mod persist;
pub mod ratelimit;
mod routes;
pub mod state;
pub mod tasks;
pub mod validate;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{AsyncStyle, Config};

/// Builds the whole application: the API behind its gate, and the control API.
fn app(shared: Arc<Shared>) -> axum::Router {
    axum::Router::new()
        .nest("/_emulator", control::router(shared.clone()))
        .merge(routes::api(shared))
}

use app::Shared;

/// The emulator's router, for driving it in-process without a socket.
///
/// Panics when the configured state file exists but cannot be read, or cannot be written.
pub fn router(config: Config) -> axum::Router {
    let shared = Shared::new(config).expect("the state file must be readable");
    app(Arc::new(shared))
}

/// A running emulator.
pub struct Emulator {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl Emulator {
    /// Binds `config.listen` (port 0 picks one) and serves on the current tokio runtime.
    ///
    /// Fails when the state file cannot be read, is not valid, or cannot be written.
    pub async fn start(config: Config) -> std::io::Result<Emulator> {
        let listen = config.listen;
        let shared = Shared::new(config).map_err(std::io::Error::other)?;
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let app = app(Arc::new(shared));
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
        });
        tracing::info!(%addr, "emulator listening");
        Ok(Emulator {
            addr,
            stop: Some(stop),
            server: Some(server),
        })
    }

    /// Base URL of the API, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting connections and waits (a few seconds at most) for open ones.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut server) = self.server.take() {
            let grace = std::time::Duration::from_secs(5);
            if tokio::time::timeout(grace, &mut server).await.is_err() {
                // Idle keep-alive connections can hold a graceful shutdown open.
                server.abort();
            }
        }
        tracing::info!(addr = %self.addr, "emulator stopped");
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}
