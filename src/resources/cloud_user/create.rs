//! Creating a user: send the create, learn the new id, record it, wait until it is ready.
//!
//! Once the API has named the user, it is in the state this returns, even when a later wait
//! fails, so that Terraform keeps tracking it (tainted) instead of leaving it behind.

use infomaniak_api::{Client, CreateUser, Error, InviteUser, User};
use tfplugin::diag::Diagnostics;
use tfplugin::provider::{ApplyResourceChangeRequest, ApplyResourceChangeResponse};
use tfplugin::value::Value;
use tokio::time::Instant;

use super::DEFAULT_TIMEOUTS;
use super::model::{CloudUser, UserKey};
use super::support::{
    Deadline, NOT_FOUND_GRACE, NOT_FOUND_RETRY, Private, configured, decode, failed, report,
    respond_apply, unix_now,
};
use crate::provider::ProviderData;
use crate::timeouts::Timeouts;

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
    let password = config.password.as_ref().or(config.password_wo.as_ref());
    let sent = match (password, &config.invite_email) {
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
                report(&mut diagnostics, "create user", &err);
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
            report(&mut diagnostics, "create user", &err);
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
            report(&mut diagnostics, "wait for the new user", &err);
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

/// Waits until the user is ready, taking a 404 shortly after creation for the API lagging.
pub(super) async fn wait_ready(
    client: &Client,
    key: UserKey,
    deadline: &Deadline,
) -> Result<User, Error> {
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
