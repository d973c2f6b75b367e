//! A client of the Infomaniak Public Cloud API (`https://api.infomaniak.com`).
//!
//! It speaks the API's JSON envelopes, waits for its asynchronous writes, stays under its
//! rate limit and retries what is safe to retry. It knows nothing of any tool built on it.
//!
//! Modules:
//! - `config`: the client's configuration and the checks on its base URL.
//! - `client`: authentication, the shared rate limiter, retries.
//! - `envelope`: the success, error and asynchronous answer shapes, and error mapping.
//! - `error`: the one error type, classified by kind.
//! - `ratelimit`: at most N requests in any rolling minute, across clones of a client.
//! - `wait`: the poller behind every wait, with jittered back-off, deadline and cancel.
//! - `models`: users, statuses, request bodies, pages, tasks.
//! - `tasks`: reading tasks and waiting for a write's operation to finish.
//! - `users`: the user calls and waits.
//! - `projects`: the project calls.
//! - `public_clouds`: products, accounts and the profile, to discover ids.
//! - `credentials`: openrc and other authentication files of a user.

mod client;
mod config;
mod credentials;
mod envelope;
mod error;
mod models;
mod projects;
mod public_clouds;
mod ratelimit;
mod tasks;
mod users;
mod wait;

pub use client::Client;
pub use config::{ClientConfig, DEFAULT_BASE_URL, DEFAULT_USER_AGENT};
pub use credentials::parse_openrc;
pub use error::{Error, FieldError};
pub use models::{
    CreateUser, InviteUser, Operation, Page, PageRequest, ProjectStatus, Task, TaskStatus,
    UpdateUser, User, UserStatus,
};
pub use projects::{CreateProject, InviteProject, Project};
pub use public_clouds::{Account, Profile, PublicCloud};
pub use tokio_util::sync::CancellationToken;
pub use wait::{Clock, PollState, TokioClock, Wait, backoff_delay, poll_until};
