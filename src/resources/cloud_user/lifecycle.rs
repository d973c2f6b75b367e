//! Create, read, update and delete of a cloud user, each waiting on the API's async work.
//!
//! The rule throughout: once the API has named a user, the user is in the state we return,
//! even when a later wait fails, so that Terraform keeps tracking it (tainted after a failed
//! create) instead of leaving an untracked user behind.

use std::time::Duration;

use infomaniak_api::{Client, CreateUser, Error, InviteUser, UpdateUser, User, Wait};
use serde::{Deserialize, Serialize};
use tfplugin::diag::Diagnostics;
use tfplugin::provider::{
    ApplyResourceChangeRequest, ApplyResourceChangeResponse, ReadResourceRequest,
    ReadResourceResponse,
};
use tfplugin::value::{Value, from_value, to_value};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::model::{CloudUser, UserKey};
use super::{DEFAULT_TIMEOUTS, schema};
use crate::diagnostics::api_error;
use crate::provider::ProviderData;
use crate::timeouts::Timeouts;

/// How long after creation a 404 of a user never seen ready is taken for the API catching
/// up rather than for a deletion.
const NOT_FOUND_GRACE: Duration = Duration::from_secs(60);

/// Pause between reads of a user that the API does not show yet.
const NOT_FOUND_RETRY: Duration = Duration::from_secs(2);

/// What the provider keeps beside a user's state, out of sight of the configuration.
#[derive(Default, Deserialize, Serialize)]
struct Private {
    /// Unix seconds when this provider created the user, while the API has not yet shown
    /// it; cleared once a read finds it.
    unconfirmed_since: Option<i64>,
}

impl Private {
    fn decode(bytes: &[u8]) -> Self {
        serde_json::from_slice(bytes).unwrap_or_default()
    }

    fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
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

/// Reads the user; a user gone or being deleted leaves the state, so plan proposes a create.
pub async fn read(data: &ProviderData, req: ReadResourceRequest) -> ReadResourceResponse {
    let mut diagnostics = Diagnostics::default();
    let keep = |diagnostics| ReadResourceResponse {
        new_state: req.current_state.clone(),
        private: req.private.clone(),
        diagnostics,
        ..Default::default()
    };
    let Some(client) = configured(data, &mut diagnostics) else {
        return keep(diagnostics);
    };
    let mut state: CloudUser = match decode(&req.current_state, &mut diagnostics) {
        Some(state) => state,
        None => return keep(diagnostics),
    };
    let Some(key) = state.key() else {
        diagnostics.error(
            "Incomplete state",
            "The state of this user lacks its ids; import it again with \
             `terraform import` and <public_cloud_id>/<project_id>/<user_id>.",
        );
        return keep(diagnostics);
    };

    // Fetch the user as the API sees it now.
    let user = match data.user_reads().get(client, key).await {
        Ok(user) => user,
        Err(err) if err.is_not_found() => {
            // A user we created but never saw may just not be listed yet.
            let private = Private::decode(&req.private);
            if recently_created(&private) {
                diagnostics.warning(
                    "User not visible yet",
                    format!(
                        "The API does not show user {} yet although it was created moments \
                         ago; it is kept in state.",
                        key.id()
                    ),
                );
                return keep(diagnostics);
            }
            tracing::info!(user = %key.id(), "user no longer exists; removing it from state");
            return removed();
        }
        Err(err) => {
            api_error(&mut diagnostics, "read user", &err, attribute_of);
            return keep(diagnostics);
        }
    };

    // A user being deleted is as good as gone.
    if user.status.as_str() == "deleting" {
        tracing::info!(user = %key.id(), "user is being deleted; removing it from state");
        return removed();
    }
    state.apply_user(&user);
    respond_read(&state, Private::default().encode(), diagnostics)
}

/// Creates the user, waits until it is ready, and records it as soon as its id is known.
pub async fn create(
    data: &ProviderData,
    req: ApplyResourceChangeRequest,
) -> ApplyResourceChangeResponse {
    let mut diagnostics = Diagnostics::default();
    let Some(client) = configured(data, &mut diagnostics) else {
        return failed(Value::Null, diagnostics);
    };
    let Some(config) = decode::<CloudUser>(&req.config, &mut diagnostics) else {
        return failed(Value::Null, diagnostics);
    };
    let (Some(cloud), Some(project)) = (config.public_cloud_id, config.project_id) else {
        diagnostics.error(
            "Missing ids",
            "`public_cloud_id` and `project_id` are required.",
        );
        return failed(Value::Null, diagnostics);
    };
    let deadline = Deadline::new(
        Timeouts::get(config.timeouts.as_ref(), "create", DEFAULT_TIMEOUTS),
        req.ctx.cancel.clone(),
    );
    let mut state = config.clone();
    tracing::info!(
        public_cloud_id = cloud,
        project_id = project,
        "creating cloud user"
    );

    // Send the create; its answer names the user, or a task that will.
    let started_unix = unix_now();
    let sent = match (&config.password, &config.invite_email) {
        (_, Some(email)) => {
            let body = InviteUser {
                email: email.clone(),
                description: config.description.clone(),
            };
            client.invite_user(cloud, project, &body).await
        }
        (Some(password), None) => {
            let body = CreateUser {
                password: password.clone(),
                description: config.description.clone(),
            };
            client.create_user(cloud, project, &body).await
        }
        (None, None) => {
            diagnostics.error(
                "Missing credentials",
                "Set `password` or `invite_email` to create a user.",
            );
            return failed(Value::Null, diagnostics);
        }
    };

    // Find out which user the create made: from its answer, or by looking when it got lost.
    let user_id = match sent {
        Ok(operation) => match client.wait_operation(operation, &deadline.wait()).await {
            Ok(id) => id,
            Err(err) => {
                api_error(&mut diagnostics, "create user", &err, attribute_of);
                return failed(Value::Null, diagnostics);
            }
        },
        Err(err) if answer_lost(&err) => {
            match adopt(client, cloud, project, &config, started_unix, &deadline).await {
                Ok(id) => id,
                Err(detail) => {
                    diagnostics.error("Failed to create user", format!("{err}. {detail}"));
                    return failed(Value::Null, diagnostics);
                }
            }
        }
        Err(err) => {
            api_error(&mut diagnostics, "create user", &err, attribute_of);
            return failed(Value::Null, diagnostics);
        }
    };

    // Record the id at once: a failure from here on leaves a tainted user, never a lost one.
    let key = UserKey {
        public_cloud_id: cloud,
        project_id: project,
        user_id,
    };
    state.set_key(key);
    tracing::info!(user = %key.id(), "user created; waiting until it is ready");
    let mut private = Private::default();

    // Wait until the user is ready.
    match wait_ready(client, key, &deadline).await {
        Ok(user) => {
            state.apply_user(&user);
            tracing::info!(user = %key.id(), username = %user.open_stack_name, "user ready");
        }
        Err(err) => {
            if err.is_not_found() {
                private.unconfirmed_since = Some(started_unix);
            }
            state.status = Some(last_status(&err));
            api_error(
                &mut diagnostics,
                "wait for the new user",
                &err,
                attribute_of,
            );
            diagnostics.error(
                "User created but not ready",
                format!(
                    "User {} exists but did not become ready; it is kept in state as \
                     tainted, so the next apply replaces it.",
                    key.id()
                ),
            );
        }
    }
    respond_apply(&state, private.encode(), diagnostics)
}

/// Changes description, password or invitation address in one PATCH, then waits.
pub async fn update(
    data: &ProviderData,
    req: ApplyResourceChangeRequest,
) -> ApplyResourceChangeResponse {
    let mut diagnostics = Diagnostics::default();
    let Some(client) = configured(data, &mut diagnostics) else {
        return failed(req.prior_state, diagnostics);
    };
    let (Some(prior), Some(config)) = (
        decode::<CloudUser>(&req.prior_state, &mut diagnostics),
        decode::<CloudUser>(&req.config, &mut diagnostics),
    ) else {
        return failed(req.prior_state, diagnostics);
    };
    let Some(key) = prior.key() else {
        diagnostics.error("Incomplete state", "The state of this user lacks its ids.");
        return failed(req.prior_state, diagnostics);
    };

    // Patch only what changed.
    let mut body = UpdateUser::default();
    if config.description != prior.description {
        body.description = Some(config.description.clone().unwrap_or_default());
    }
    if config.password != prior.password {
        body.password = config.password.clone();
    }
    if config.invite_email != prior.invite_email {
        body.email = config.invite_email.clone();
    }
    let mut state = config.clone();
    state.set_key(key);
    for (to, from) in [
        (&mut state.username, &prior.username),
        (&mut state.status, &prior.status),
        (&mut state.created_at, &prior.created_at),
        (&mut state.updated_at, &prior.updated_at),
    ] {
        *to = from.clone();
    }
    let nothing_to_send =
        body.description.is_none() && body.password.is_none() && body.email.is_none();
    if nothing_to_send {
        return respond_apply(&state, req.planned_private, diagnostics);
    }

    let deadline = Deadline::new(
        Timeouts::get(config.timeouts.as_ref(), "update", DEFAULT_TIMEOUTS),
        req.ctx.cancel.clone(),
    );
    tracing::info!(user = %key.id(), "updating cloud user");

    // Send the change, wait for its task, then for the user to be ready again.
    let result = async {
        let operation = client
            .update_user(key.public_cloud_id, key.project_id, key.user_id, &body)
            .await?;
        client.wait_operation(operation, &deadline.wait()).await?;
        wait_ready(client, key, &deadline).await
    }
    .await;
    match result {
        Ok(user) => {
            state.apply_user(&user);
            tracing::info!(user = %key.id(), "user updated");
            respond_apply(&state, req.planned_private, diagnostics)
        }
        Err(err) => {
            // Keep the prior values so that the next plan proposes the change again.
            let mut kept = prior;
            if let Error::UserFailed { status, .. } = &err {
                kept.status = Some(status.clone());
            }
            api_error(&mut diagnostics, "update user", &err, attribute_of);
            respond_apply(&kept, req.planned_private, diagnostics)
        }
    }
}

/// Deletes the user and waits until it is gone; a user already gone is a success.
pub async fn delete(
    data: &ProviderData,
    req: ApplyResourceChangeRequest,
) -> ApplyResourceChangeResponse {
    let mut diagnostics = Diagnostics::default();
    let Some(client) = configured(data, &mut diagnostics) else {
        return failed(req.prior_state, diagnostics);
    };
    let Some(prior) = decode::<CloudUser>(&req.prior_state, &mut diagnostics) else {
        return failed(req.prior_state, diagnostics);
    };
    let Some(key) = prior.key() else {
        // Nothing was ever created under this state.
        return ApplyResourceChangeResponse::default();
    };
    let deadline = Deadline::new(
        Timeouts::get(prior.timeouts.as_ref(), "delete", DEFAULT_TIMEOUTS),
        req.ctx.cancel.clone(),
    );
    tracing::info!(user = %key.id(), "deleting cloud user");

    // Delete, wait for the task, then until the API no longer finds the user.
    let result = async {
        let operation = client
            .delete_user(key.public_cloud_id, key.project_id, key.user_id)
            .await?;
        client.wait_operation(operation, &deadline.wait()).await?;
        client
            .wait_user_deleted(
                key.public_cloud_id,
                key.project_id,
                key.user_id,
                &deadline.wait(),
            )
            .await
    }
    .await;
    match result {
        Ok(()) => {}
        Err(err) if err.is_not_found() => {}
        Err(err) => {
            api_error(&mut diagnostics, "delete user", &err, attribute_of);
            return failed(req.prior_state, diagnostics);
        }
    }
    tracing::info!(user = %key.id(), "user deleted");
    ApplyResourceChangeResponse {
        new_state: Value::Null,
        diagnostics,
        ..Default::default()
    }
}

/// Waits until the user is ready, taking a 404 shortly after creation for the API lagging.
async fn wait_ready(client: &Client, key: UserKey, deadline: &Deadline) -> Result<User, Error> {
    let first_seen = Instant::now();
    loop {
        let result = client
            .wait_user_ready(
                key.public_cloud_id,
                key.project_id,
                key.user_id,
                &deadline.wait(),
            )
            .await;
        match result {
            Err(err)
                if err.is_not_found()
                    && first_seen.elapsed() < NOT_FOUND_GRACE
                    && !deadline.expired() =>
            {
                tracing::debug!(user = %key.id(), "new user not visible yet; retrying");
                deadline.pause(NOT_FOUND_RETRY).await?;
            }
            other => return other,
        }
    }
}

/// After a create whose answer was lost, finds the one user it made, if any.
///
/// A candidate is a user of the project created since the request was sent with the
/// configured description; more than one candidate is not guessed between.
async fn adopt(
    client: &Client,
    cloud: u64,
    project: u64,
    config: &CloudUser,
    started_unix: i64,
    deadline: &Deadline,
) -> Result<u64, String> {
    let description = config.description.clone().unwrap_or_default();
    let mut candidates = Vec::new();
    for attempt in 0..3 {
        if attempt > 0 && deadline.pause(NOT_FOUND_RETRY).await.is_err() {
            break;
        }
        let users = client
            .list_all_users(cloud, project)
            .await
            .map_err(|err| format!("Listing the project's users to find it failed: {err}."))?;
        candidates = users
            .into_iter()
            .filter(|u| u.created_at >= started_unix - 5 && u.description == description)
            .collect::<Vec<_>>();
        if !candidates.is_empty() {
            break;
        }
    }
    match candidates.as_slice() {
        [user] => {
            tracing::warn!(
                user_id = user.public_cloud_user_id,
                "the create's answer was lost; adopting the user it made"
            );
            Ok(user.public_cloud_user_id)
        }
        [] => Err(
            "No new user appeared in the project, so nothing was created; \
                   apply again to retry."
                .to_string(),
        ),
        several => {
            let ids: Vec<String> = several
                .iter()
                .map(|u| {
                    format!(
                        "{cloud}/{project}/{} ({})",
                        u.public_cloud_user_id, u.open_stack_name
                    )
                })
                .collect();
            Err(format!(
                "The answer was lost and several new users match: {}. Import the one this \
                 resource made with `terraform import <address> <id>` and delete the others.",
                ids.join(", ")
            ))
        }
    }
}

/// A create whose answer never arrived may still have made the user.
fn answer_lost(err: &Error) -> bool {
    matches!(err, Error::Server { .. } | Error::Transport { .. })
}

/// The status a failed wait last saw, for the state of a tainted user.
fn last_status(err: &Error) -> String {
    match err {
        Error::UserFailed { status, .. } => status.clone(),
        _ => "creating".to_string(),
    }
}

/// One operation's time limit, shared by each wait the operation makes.
struct Deadline {
    end: Instant,
    cancel: CancellationToken,
}

impl Deadline {
    fn new(timeout: Duration, cancel: CancellationToken) -> Self {
        Self {
            end: Instant::now() + timeout,
            cancel,
        }
    }

    /// Waiter settings for what remains of the time limit.
    fn wait(&self) -> Wait {
        let remaining = self.end.saturating_duration_since(Instant::now());
        Wait::new(remaining, self.cancel.clone())
    }

    /// Whether the time limit is used up.
    fn expired(&self) -> bool {
        Instant::now() >= self.end
    }

    /// Sleeps, unless cancelled or past the deadline first.
    async fn pause(&self, duration: Duration) -> Result<(), Error> {
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

fn recently_created(private: &Private) -> bool {
    private
        .unconfirmed_since
        .is_some_and(|at| unix_now() - at < NOT_FOUND_GRACE.as_secs() as i64)
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn configured<'a>(data: &'a ProviderData, diagnostics: &mut Diagnostics) -> Option<&'a Client> {
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

fn decode<T: serde::de::DeserializeOwned>(
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

fn encode(state: &CloudUser, diagnostics: &mut Diagnostics) -> Value {
    match to_value(state, &schema().value_type()) {
        Ok(value) => value,
        Err(err) => {
            diagnostics.error("Failed to encode the user's state", err.to_string());
            Value::Null
        }
    }
}

fn respond_read(
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

fn respond_apply(
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

fn removed() -> ReadResourceResponse {
    ReadResourceResponse {
        new_state: Value::Null,
        ..Default::default()
    }
}

fn failed(state: Value, diagnostics: Diagnostics) -> ApplyResourceChangeResponse {
    ApplyResourceChangeResponse {
        new_state: state,
        diagnostics,
        ..Default::default()
    }
}
