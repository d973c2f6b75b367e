//! Reading a user: what the API says now, or its removal from state when it is gone.

use tfplugin::diag::Diagnostics;
use tfplugin::provider::{ReadResourceRequest, ReadResourceResponse};

use super::model::{CloudUser, UserKey};
use super::support::{
    PendingCreate, Private, check_pending_create, configured, decode, recently_created, removed,
    report, respond_read,
};
use crate::provider::ProviderData;

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
    let private = Private::decode(&req.private);

    // A create that was not seen to finish: ask its task which user it made.
    if let Some(task) = state.pending_task().map(str::to_string) {
        match check_pending_create(client, &task, &req.ctx.cancel).await {
            Ok(PendingCreate::Made(user_id)) => {
                let (Some(public_cloud_id), Some(project_id)) =
                    (state.public_cloud_id, state.project_id)
                else {
                    return keep(diagnostics);
                };
                state.set_key(UserKey {
                    public_cloud_id,
                    project_id,
                    user_id,
                });
                tracing::info!(user = %state.id.clone().unwrap_or_default(), "pending create resolved");
            }
            Ok(PendingCreate::Failed) => return removed(),
            Ok(PendingCreate::Running) => {
                diagnostics.warning(
                    "User still being created",
                    format!(
                        "The API is still creating this user (task {task}); it stays in state \
                         until the API names it."
                    ),
                );
                return keep(diagnostics);
            }
            Err(err) => {
                report(&mut diagnostics, "check the pending create", &err);
                return keep(diagnostics);
            }
        }
    }
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
            report(&mut diagnostics, "read user", &err);
            return keep(diagnostics);
        }
    };

    // A user being deleted is as good as gone.
    if user.status.as_str() == "deleting" {
        tracing::info!(user = %key.id(), "user is being deleted; removing it from state");
        return removed();
    }
    state.apply_user(&user);

    // A user that cannot log in is worth a word in every plan.
    match user.status.as_str() {
        "error" => diagnostics.warning(
            "User in error",
            format!(
                "The API reports user {} ({}) in status \"error\": an operation on it failed. \
                 Check it in the Manager, or replace it with `terraform apply -replace=<address>`.",
                key.id(),
                user.open_stack_name
            ),
        ),
        "disabled" | "disabling" => diagnostics.warning(
            "User disabled",
            format!(
                "The API reports user {} ({}) as {}: it cannot log in to OpenStack until it is \
                 enabled again in the Manager.",
                key.id(),
                user.open_stack_name,
                user.status.as_str()
            ),
        ),
        _ => {}
    }
    respond_read(&state, Private::default().encode(), diagnostics)
}
