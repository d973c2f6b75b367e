//! Creating a user: send the create, learn the new id, record it, wait until it is ready.
//!
//! Once the API has named the user, it is in the state this returns, even when a later wait
//! fails, so that Terraform keeps tracking it (tainted) instead of leaving it behind.

use infomaniak_api::{Client, CreateUser, Error, InviteUser, Operation, User};
use tfplugin::diag::Diagnostics;
use tfplugin::provider::{ApplyResourceChangeRequest, ApplyResourceChangeResponse};
use tfplugin::value::Value;
use tokio::time::Instant;

use super::model::{CloudUser, UserKey};
use super::support::{
    Deadline, NOT_FOUND_GRACE, NOT_FOUND_RETRY, Private, configured, decode, failed, report,
    respond_apply, unix_now,
};
use crate::provider::ProviderData;
use crate::timeouts::format_duration;

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
    let deadline = Deadline::for_operation(config.timeouts.as_ref(), "create", &req.ctx);
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
        Ok(operation) => match client
            .wait_operation(operation.clone(), &deadline.wait())
            .await
        {
            Ok(id) => id,
            // Accepted, not finished: keep its task in state; the next read names the user.
            Err(err) if unconfirmed(&err) && matches!(operation, Operation::Task(_)) => {
                let Operation::Task(task) = operation else {
                    unreachable!("matched above")
                };
                report(&mut diagnostics, "create user", &err);
                diagnostics.error(
                    "User creation not confirmed",
                    format!(
                        "The API accepted the create (task {task}) but had not finished it. \
                         The user is kept in state as tainted with that task: the next plan \
                         finds out which user it made, and the next apply replaces it, so no \
                         user is left behind untracked."
                    ),
                );
                state.status = Some("creating".to_string());
                state.set_pending(cloud, project, &task);
                return respond_apply(&state, Private::default().encode(), diagnostics);
            }
            // Accepted but not confirmed (interrupted, timed out): the user may exist.
            Err(err) if unconfirmed(&err) => {
                match adopt(client, cloud, project, &config, started_unix, &deadline).await {
                    Found(id) => id,
                    Nothing => {
                        report(&mut diagnostics, "create user", &err);
                        diagnostics.error(
                            "User creation not confirmed",
                            format!(
                                "The API accepted the create but had not finished it, and no \
                                 new user is in project {project} yet. If a user described \
                                 {:?} appears there, import it with `terraform import \
                                 <address> {cloud}/{project}/<user_id>` instead of applying \
                                 again, which would create a second one.",
                                config.description.clone().unwrap_or_default()
                            ),
                        );
                        return failed(Value::Null, diagnostics);
                    }
                    Unclear(detail) => {
                        report(&mut diagnostics, "create user", &err);
                        diagnostics.error("User creation not confirmed", detail);
                        return failed(Value::Null, diagnostics);
                    }
                }
            }
            Err(err) => {
                report(&mut diagnostics, "create user", &err);
                return failed(Value::Null, diagnostics);
            }
        },
        // The answer was lost: the create may or may not have happened.
        Err(err) if answer_lost(&err) => {
            match adopt(client, cloud, project, &config, started_unix, &deadline).await {
                Found(id) => id,
                Nothing => {
                    diagnostics.error(
                        "Failed to create user",
                        format!(
                            "{err}. No new user appeared in the project, so nothing was \
                             created; apply again to retry."
                        ),
                    );
                    return failed(Value::Null, diagnostics);
                }
                Unclear(detail) => {
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
                    "User {} exists but did not become ready within the create time limit \
                     ({}, from `timeouts.create`); it is kept in state as tainted, so the next \
                     apply replaces it.",
                    key.id(),
                    format_duration(deadline.limit())
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

/// What looking for the user a create made found.
enum Adopted {
    /// Exactly one candidate: this is the user.
    Found(u64),
    /// No candidate.
    Nothing,
    /// The project could not be listed, or several users match; the detail says which.
    Unclear(String),
}
use Adopted::{Found, Nothing, Unclear};

/// After a create that was not confirmed, finds the one user it made, if any.
///
/// A candidate is a user of the project created since the request was sent with the
/// configured description; more than one candidate is not guessed between. When the
/// operation is interrupted or out of time, the project is listed once, without waiting.
async fn adopt(
    client: &Client,
    cloud: u64,
    project: u64,
    config: &CloudUser,
    started_unix: i64,
    deadline: &Deadline,
) -> Adopted {
    let description = config.description.clone().unwrap_or_default();
    let mut candidates = Vec::new();
    for attempt in 0..3 {
        if attempt > 0 && (deadline.expired() || deadline.pause(NOT_FOUND_RETRY).await.is_err()) {
            break;
        }
        let users = match client.list_all_users(cloud, project).await {
            Ok(users) => users,
            Err(err) => {
                return Unclear(format!(
                    "Listing the project's users to find the new one failed ({err}); check \
                     project {project} for a user described {description:?} before applying \
                     again, and import it if it is there."
                ));
            }
        };
        candidates = users
            .into_iter()
            .filter(|u| {
                u.created_at >= started_unix - 5
                    && u.description == description
                    && u.status.as_str() != "deleting"
            })
            .collect::<Vec<_>>();
        if !candidates.is_empty() {
            break;
        }
    }
    match candidates.as_slice() {
        [] => Nothing,
        [user] => {
            tracing::warn!(
                user_id = user.public_cloud_user_id,
                "the create was not confirmed; adopting the user it made"
            );
            Found(user.public_cloud_user_id)
        }
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
            Unclear(format!(
                "Several users created just now match: {}. Some may belong to other \
                 resources of this configuration. Import the one this resource made with \
                 `terraform import <address> <id>`; delete in the Manager only a user that \
                 no resource manages.",
                ids.join(", ")
            ))
        }
    }
}

/// A create whose answer never arrived may still have made the user.
fn answer_lost(err: &Error) -> bool {
    matches!(err, Error::Server { .. } | Error::Transport { .. })
}

/// A create whose task was not seen to finish may still make the user.
fn unconfirmed(err: &Error) -> bool {
    matches!(err, Error::Cancelled { .. } | Error::WaitTimedOut { .. }) || err.is_retryable()
}

/// The status a failed wait last saw, for the state of a tainted user.
fn last_status(err: &Error) -> String {
    match err {
        Error::UserFailed { status, .. } => status.clone(),
        _ => "creating".to_string(),
    }
}
