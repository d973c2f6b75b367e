//! Changing a user in place, and deleting it; each waits until the API has done it.

use infomaniak_api::{Client, Error, Operation, UpdateUser};
use tfplugin::diag::Diagnostics;
use tfplugin::provider::{ApplyResourceChangeRequest, ApplyResourceChangeResponse};
use tfplugin::value::Value;

use super::create::wait_ready;
use super::model::{CloudUser, UserKey};
use super::support::{Deadline, configured, decode, failed, report, respond_apply};
use crate::provider::ProviderData;

/// Changes description, password or invitation address in one PATCH, then waits.
pub async fn update(
    data: &ProviderData,
    req: ApplyResourceChangeRequest,
) -> ApplyResourceChangeResponse {
    let mut diagnostics = Diagnostics::default();
    let (client, prior) = match prior_user(data, &req, &mut diagnostics) {
        Some(found) => found,
        None => return failed(req.prior_state, diagnostics),
    };
    let Some(config) = decode::<CloudUser>(&req.config, &mut diagnostics) else {
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
    if config.password_wo_version != prior.password_wo_version && config.password_wo.is_some() {
        body.password = config.password_wo.clone();
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

    let deadline = Deadline::for_operation(config.timeouts.as_ref(), "update", &req.ctx);
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
            report(&mut diagnostics, "update user", &err);
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
    let (client, prior) = match prior_user(data, &req, &mut diagnostics) {
        Some(found) => found,
        None => return failed(req.prior_state, diagnostics),
    };
    let deadline = Deadline::for_operation(prior.timeouts.as_ref(), "delete", &req.ctx);

    // A create that was not seen to finish: wait for its task to name the user to delete.
    let pending = prior.pending_task().map(str::to_string);
    let key = match (
        prior.key(),
        pending,
        prior.public_cloud_id,
        prior.project_id,
    ) {
        (Some(key), _, _, _) => key,
        (None, Some(task), Some(public_cloud_id), Some(project_id)) => {
            let operation = Operation::<u64>::Task(task);
            match client.wait_operation(operation, &deadline.wait()).await {
                Ok(user_id) => UserKey {
                    public_cloud_id,
                    project_id,
                    user_id,
                },
                // The create failed: there is nothing to delete.
                Err(Error::TaskFailed { .. }) => return ApplyResourceChangeResponse::default(),
                Err(err) => {
                    report(&mut diagnostics, "find the user to delete", &err);
                    return failed(req.prior_state, diagnostics);
                }
            }
        }
        // Nothing was ever created under this state.
        _ => return ApplyResourceChangeResponse::default(),
    };
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
            report(&mut diagnostics, "delete user", &err);
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

/// The configured client and the user as the state has it, for a change or a delete.
fn prior_user<'a>(
    data: &'a ProviderData,
    req: &ApplyResourceChangeRequest,
    diagnostics: &mut Diagnostics,
) -> Option<(&'a Client, CloudUser)> {
    let client = configured(data, diagnostics)?;
    let prior = decode::<CloudUser>(&req.prior_state, diagnostics)?;
    Some((client, prior))
}
