//! What the create, read, update and delete of a user share: time limits, private state,
//! and turning values and errors into responses.

use std::time::Duration;

use infomaniak_api::{Client, Error, Operation, Wait};
use serde::{Deserialize, Serialize};
use tfplugin::RequestContext;
use tfplugin::diag::Diagnostics;
use tfplugin::provider::{ApplyResourceChangeResponse, ReadResourceResponse};
use tfplugin::value::{Value, from_value, to_value};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::model::CloudUser;
use super::{DEFAULT_TIMEOUTS, schema};
use crate::diagnostics::api_error;
use crate::provider::ProviderData;
use crate::timeouts::Timeouts;

/// How long after creation a 404 of a user never seen ready is taken for the API catching
/// up rather than for a deletion.
pub(super) const NOT_FOUND_GRACE: Duration = Duration::from_secs(60);

/// Pause between reads of a user that the API does not show yet.
pub(super) const NOT_FOUND_RETRY: Duration = Duration::from_secs(2);

/// What the provider keeps beside a user's state, out of sight of the configuration.
#[derive(Default, Deserialize, Serialize)]
pub(super) struct Private {
    /// Unix seconds when this provider created the user, while the API has not yet shown
    /// it; cleared once a read finds it.
    pub(super) unconfirmed_since: Option<i64>,
}

impl Private {
    pub(super) fn decode(bytes: &[u8]) -> Self {
        serde_json::from_slice(bytes).unwrap_or_default()
    }

    pub(super) fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// What became of a create's pending task.
pub(super) enum PendingCreate {
    /// The task made this user.
    Made(u64),
    /// The task has not finished yet.
    Running,
    /// The task failed: no user was made.
    Failed,
}

/// Asks the API once what the pending create task `uuid` has made so far.
pub(super) async fn check_pending_create(
    client: &Client,
    uuid: &str,
    cancel: &CancellationToken,
) -> Result<PendingCreate, Error> {
    // A wait with no time left polls exactly once.
    let once = Wait::new(Duration::ZERO, cancel.clone());
    match client
        .wait_operation(Operation::<u64>::Task(uuid.to_string()), &once)
        .await
    {
        Ok(user_id) => Ok(PendingCreate::Made(user_id)),
        Err(Error::WaitTimedOut { .. }) => Ok(PendingCreate::Running),
        Err(Error::TaskFailed { .. }) => Ok(PendingCreate::Failed),
        Err(err) => Err(err),
    }
}

/// Adds the diagnostics of a failed API call, pointing field errors at their attributes.
pub(super) fn report(diagnostics: &mut Diagnostics, action: &str, err: &Error) {
    api_error(diagnostics, action, err, attribute_of);
}

/// Maps an API field name to the attribute it came from.
fn attribute_of(field: &str) -> Option<&'static str> {
    match field {
        "password" => Some("password"),
        "description" => Some("description"),
        "email" => Some("invite_email"),
        _ => None,
    }
}

/// One operation's time limit, shared by each wait the operation makes.
pub(super) struct Deadline {
    end: Instant,
    limit: Duration,
    cancel: CancellationToken,
}

impl Deadline {
    /// The time limit of `operation` ("create", "update" or "delete") from the `timeouts`
    /// block, cancelled with the request.
    pub(super) fn for_operation(
        timeouts: Option<&Timeouts>,
        operation: &str,
        ctx: &RequestContext,
    ) -> Self {
        Self::new(
            Timeouts::get(timeouts, operation, DEFAULT_TIMEOUTS),
            ctx.cancel.clone(),
        )
    }

    pub(super) fn new(timeout: Duration, cancel: CancellationToken) -> Self {
        Self {
            end: Instant::now() + timeout,
            limit: timeout,
            cancel,
        }
    }

    /// Waiter settings for what remains of the time limit.
    pub(super) fn wait(&self) -> Wait {
        let remaining = self.end.saturating_duration_since(Instant::now());
        Wait::new(remaining, self.cancel.clone())
    }

    /// The whole time limit of the operation.
    pub(super) fn limit(&self) -> Duration {
        self.limit
    }

    /// Whether the time limit is used up.
    pub(super) fn expired(&self) -> bool {
        Instant::now() >= self.end
    }

    /// Sleeps, unless cancelled or past the deadline first.
    pub(super) async fn pause(&self, duration: Duration) -> Result<(), Error> {
        let until = (Instant::now() + duration).min(self.end);
        tokio::select! {
            () = self.cancel.cancelled() => Err(Error::Cancelled {
                what: "waiting for the user".into(),
                last_seen: "not found".into(),
            }),
            () = tokio::time::sleep_until(until) => Ok(()),
        }
    }
}

/// Whether a user created moments ago has not been seen by the API yet.
pub(super) fn recently_created(private: &Private) -> bool {
    private
        .unconfirmed_since
        .is_some_and(|at| unix_now() - at < NOT_FOUND_GRACE.as_secs() as i64)
}

pub(super) fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub(super) fn configured<'a>(
    data: &'a ProviderData,
    diagnostics: &mut Diagnostics,
) -> Option<&'a Client> {
    let client = data.client();
    if client.is_none() {
        diagnostics.error(
            "Provider not configured",
            "The provider configuration is not known yet (it depends on values known only \
             after apply), so the API cannot be reached. Apply its dependencies first.",
        );
    }
    client
}

pub(super) fn decode<T: serde::de::DeserializeOwned>(
    value: &Value,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    match from_value(value) {
        Ok(decoded) => Some(decoded),
        Err(err) => {
            diagnostics.error("Invalid user value", err.to_string());
            None
        }
    }
}

/// The state value of a user; the write-only password never goes into it.
pub(super) fn encode(state: &CloudUser, diagnostics: &mut Diagnostics) -> Value {
    let state = CloudUser {
        password_wo: None,
        ..state.clone()
    };
    match to_value(&state, &schema().value_type()) {
        Ok(value) => value,
        Err(err) => {
            diagnostics.error("Failed to encode the user's state", err.to_string());
            Value::Null
        }
    }
}

pub(super) fn respond_read(
    state: &CloudUser,
    private: Vec<u8>,
    mut diagnostics: Diagnostics,
) -> ReadResourceResponse {
    ReadResourceResponse {
        new_state: encode(state, &mut diagnostics),
        private,
        diagnostics,
        ..Default::default()
    }
}

pub(super) fn respond_apply(
    state: &CloudUser,
    private: Vec<u8>,
    mut diagnostics: Diagnostics,
) -> ApplyResourceChangeResponse {
    ApplyResourceChangeResponse {
        new_state: encode(state, &mut diagnostics),
        private,
        diagnostics,
        ..Default::default()
    }
}

pub(super) fn removed() -> ReadResourceResponse {
    ReadResourceResponse {
        new_state: Value::Null,
        ..Default::default()
    }
}

pub(super) fn failed(state: Value, diagnostics: Diagnostics) -> ApplyResourceChangeResponse {
    ApplyResourceChangeResponse {
        new_state: state,
        diagnostics,
        ..Default::default()
    }
}
