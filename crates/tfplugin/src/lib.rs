//! A small server for the Terraform plugin protocol, version 6.
//!
//! A provider binary implements [`Provider`] and calls [`serve`] from `main`; this
//! crate does the rest of what Terraform and OpenTofu expect from a plugin process.
//! It knows nothing about any particular cloud.
//!
//! - [`value`]: wire values and their msgpack and JSON encodings.
//! - [`schema`]: schemas of providers, resources and data sources.
//! - [`diag`]: diagnostics and the attribute paths they point at.
//! - [`provider`]: the traits a provider implements and their requests and responses.
//! - [`handshake`]: the go-plugin startup contract (magic cookie, versions, handshake line).
//! - [`tls`]: automatic mutual TLS with the host's pinned certificate.
//! - [`server`]: the gRPC services and the process lifecycle around them.
//! - [`logging`]: JSON log lines on stderr in the shape the host understands.
//! - [`testing`]: a test host that starts a provider binary the way Terraform does.

pub mod diag;
pub mod handshake;
pub mod logging;
pub mod provider;
pub mod schema;
pub mod server;
pub mod testing;
pub mod tls;
pub mod value;

pub use provider::{DataSource, Provider, RequestContext, Resource};
pub use server::{ServeOptions, serve};
