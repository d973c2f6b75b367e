//! The go-plugin controller service, `plugin.GRPCController`.
//!
//! Its only method, `Shutdown`, is how the host asks a plugin to exit gracefully
//! once it no longer needs it. It takes and returns an empty message, so the
//! message and the routing are written out here rather than generated.

use std::convert::Infallible;
use std::task::{Context, Poll};

use tokio_util::sync::CancellationToken;
use tonic::codegen::{Body, BoxFuture, Service, StdError, http};
use tonic::server::{NamedService, UnaryService};

/// The `plugin.Empty` message.
#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct Empty {}

/// Full gRPC path of the `Shutdown` method.
pub const SHUTDOWN_PATH: &str = "/plugin.GRPCController/Shutdown";

/// Serves `plugin.GRPCController`, cancelling `shutdown` when asked to stop.
#[derive(Clone, Debug)]
pub(crate) struct ControllerServer {
    shutdown: CancellationToken,
}

impl ControllerServer {
    /// A controller that cancels `shutdown` on `Shutdown`.
    pub(crate) fn new(shutdown: CancellationToken) -> Self {
        Self { shutdown }
    }
}

impl NamedService for ControllerServer {
    const NAME: &'static str = "plugin.GRPCController";
}

struct ShutdownMethod(CancellationToken);

impl UnaryService<Empty> for ShutdownMethod {
    type Response = Empty;
    type Future = BoxFuture<tonic::Response<Empty>, tonic::Status>;

    fn call(&mut self, _request: tonic::Request<Empty>) -> Self::Future {
        let shutdown = self.0.clone();
        Box::pin(async move {
            tracing::info!("host requested shutdown");
            // The server drains in-flight calls, this answer included, before exiting.
            shutdown.cancel();
            Ok(tonic::Response::new(Empty {}))
        })
    }
}

impl<B> Service<http::Request<B>> for ControllerServer
where
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        if request.uri().path() != SHUTDOWN_PATH {
            let status = tonic::Status::unimplemented("unknown controller method");
            return Box::pin(async move { Ok(status.into_http()) });
        }
        let method = ShutdownMethod(self.shutdown.clone());
        Box::pin(async move {
            let codec = tonic::codec::ProstCodec::<Empty, Empty>::default();
            Ok(tonic::server::Grpc::new(codec).unary(method, request).await)
        })
    }
}
