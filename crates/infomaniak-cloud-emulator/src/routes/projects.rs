//! Projects of a Public Cloud product: list, read, create with a first user (by password or
//! by invitation), rename and delete.
//!
//! Deleting a project deletes its users. The seeded project, the one the account was opened
//! with, answers 400 `public_cloud_project_cannot_be_deleted`, so the emulator always keeps a
//! project to work in.

use std::collections::VecDeque;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{FirstLogin, Ids, accepted, cloud_id, enqueue, find_project, next_due, success};
use crate::app::{Inner, Shared};
use crate::error::{ApiError, ApiResult};
use crate::listing;
use crate::state::{Change, Op, Outcome, Project, ProjectChange, Status, UserChange};
use crate::validate::{Checker, parse_body};

const ORDER_FIELDS: &[&str] = &[
    "name",
    "open_stack_name",
    "resource_level",
    "price",
    "user_count",
    "status",
    "public_cloud_project_id",
    "created_at",
];

fn view(inner: &Inner, project: &Project) -> serde_json::Value {
    project.view(inner.store.project_users(project.id).count())
}

/// `GET /1/public_clouds/{pc}/projects`
pub async fn list(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let inner = state.lock();
    let cloud = cloud_id(&inner.store, &ids)?;
    let query = listing::parse(&pairs, ORDER_FIELDS)?;
    let items = inner
        .store
        .projects
        .values()
        .filter(|p| p.public_cloud_id == cloud)
        .map(|p| view(&inner, p))
        .collect();
    Ok(axum::Json(query.answer(items, &["name", "open_stack_name"])).into_response())
}

/// `GET /1/public_clouds/{pc}/projects/{pj}`
pub async fn get(State(state): State<Arc<Shared>>, Path(ids): Path<Ids>) -> ApiResult<Response> {
    let inner = state.lock();
    let project = find_project(&inner.store, &ids)?;
    Ok(success(view(&inner, project)))
}

/// `POST /1/public_clouds/{pc}/projects`
pub async fn create(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    body: Bytes,
) -> ApiResult<Response> {
    create_project(&state, &ids, &body, FirstLogin::Password)
}

/// `POST /1/public_clouds/{pc}/projects/invite`
pub async fn invite(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    body: Bytes,
) -> ApiResult<Response> {
    create_project(&state, &ids, &body, FirstLogin::Invitation)
}

/// Checks a create's body, whose first user has a password or an e-mail address after
/// `login`; with a password, an e-mail address is optional and gets a link as well.
fn create_project(
    state: &Shared,
    ids: &Ids,
    body: &[u8],
    login: FirstLogin,
) -> ApiResult<Response> {
    let mut inner = state.lock();
    let cloud = cloud_id(&inner.store, ids)?;
    let body = parse_body(body)?;
    let mut check = Checker::new(&body);
    let name = check.name("project_name", true);
    match login {
        FirstLogin::Password => check.password("user_password", true),
        FirstLogin::Invitation => check.email("user_email", true),
    };
    let description = check.description("user_description");
    let invitations = match login {
        FirstLogin::Password => u32::from(check.email("user_email", false).is_some()),
        FirstLogin::Invitation => 1,
    };
    check.finish()?;
    let name = name.unwrap_or_default();
    let password_set = login == FirstLogin::Password;
    Ok(start_create(
        state,
        &mut inner,
        cloud,
        name,
        description,
        password_set,
        invitations,
    ))
}

/// Creates a project and its first user, both `creating` until the latency has elapsed.
fn start_create(
    state: &Shared,
    inner: &mut Inner,
    cloud: u64,
    name: String,
    description: Option<String>,
    password_set: bool,
    invitations: u32,
) -> Response {
    let now = state.clock.unix_now();
    let due = next_due(state, None);
    let id = inner.store.next_id();
    let project = Project {
        id,
        public_cloud_id: cloud,
        open_stack_name: inner.store.new_project_name(),
        name,
        status: Status::Creating,
        created_at: now,
        updated_at: now,
        pending: VecDeque::from([Op {
            change: ProjectChange::Create,
            due_ms: due,
            outcome: Outcome::Ok,
        }]),
    };
    inner.store.projects.insert(id, project);

    let user_id = inner.store.next_id();
    let mut user = inner
        .store
        .new_user(user_id, id, description.as_deref().unwrap_or(""), now);
    user.password_set = password_set;
    user.invitations = invitations;
    user.pending.push_back(Op {
        change: UserChange::Create,
        due_ms: due,
        outcome: Outcome::Ok,
    });
    inner.store.users.insert(user_id, user);
    tracing::info!(project_id = id, user_id, "project create accepted");
    accepted(state, inner, json!(id), due, false)
}

/// Queues a change to a project that is not being deleted.
fn start_change(
    state: &Shared,
    inner: &mut Inner,
    ids: &Ids,
    change: ProjectChange,
) -> ApiResult<Response> {
    let id = find_project(&inner.store, ids)?.id;
    let project = inner.store.projects.get_mut(&id).expect("found above");
    if project.pending.iter().any(|op| op.change.is_delete()) {
        return Err(ApiError::ObjectNotFound);
    }
    let due = enqueue(state, &mut project.pending, change, Outcome::Ok);
    tracing::info!(project_id = id, "project change accepted");
    Ok(accepted(state, inner, json!(true), due, false))
}

/// `PATCH /1/public_clouds/{pc}/projects/{pj}`
pub async fn rename(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut inner = state.lock();
    find_project(&inner.store, &ids)?;
    let body = parse_body(&body)?;
    let mut check = Checker::new(&body);
    let name = check.name("name", true);
    check.finish()?;
    let change = ProjectChange::Rename(name.unwrap_or_default());
    start_change(&state, &mut inner, &ids, change)
}

/// `DELETE /1/public_clouds/{pc}/projects/{pj}`
pub async fn delete(State(state): State<Arc<Shared>>, Path(ids): Path<Ids>) -> ApiResult<Response> {
    let mut inner = state.lock();
    let project = find_project(&inner.store, &ids)?;
    if project.id == inner.store.protected_project_id {
        return Err(ApiError::ProjectCannotBeDeleted);
    }
    start_change(&state, &mut inner, &ids, ProjectChange::Delete)
}
