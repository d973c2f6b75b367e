//! Users of a project: list, read, create (with a password or by invitation), change,
//! delete, send a password link, and hand out credential files.
//!
//! While a delete is in flight the user stays readable with status `deleting`; once the
//! operation completes it answers 404 `object_not_found`. Writes to a user that is being
//! deleted answer 404 as well, since the user is already on its way out; so does a create
//! in a project that is being deleted.
//!
//! A user stuck in `creating` (fault `stuck_creating`) keeps every change queued behind the
//! create that never ends: a PATCH is accepted and its task ends, but the user stays
//! `creating` and the change never shows. A DELETE drops the stuck create and completes
//! after the latency like any other.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{
    FirstLogin, Ids, accepted, delayed, enqueue, find_project, find_user, next_due, success,
};
use crate::app::{Inner, Shared};
use crate::clock::NEVER;
use crate::config::AsyncStyle;
use crate::credentials::{self, Identity, Region};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::faults::{Fault, FaultKind};
use crate::listing;
use crate::state::{Change, Op, Outcome, UserChange};
use crate::tasks::{Task, TaskResult};
use crate::validate::{Checker, parse_body};

type Pairs = Query<Vec<(String, String)>>;

const ORDER_FIELDS: &[&str] = &[
    "description",
    "open_stack_name",
    "email",
    "status",
    "public_cloud_user_id",
    "created_at",
    "updated_at",
];

/// `GET .../users`
pub async fn list(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    Query(pairs): Pairs,
) -> ApiResult<Response> {
    let inner = state.lock();
    let project = find_project(&inner.store, &ids)?.id;
    let query = listing::parse(&pairs, ORDER_FIELDS)?;
    let items = inner
        .store
        .project_users(project)
        .map(|u| u.view())
        .collect();
    let body = query.answer(items, &["description", "open_stack_name"]);
    Ok(axum::Json(body).into_response())
}

/// `GET .../users/{id}`
pub async fn get(State(state): State<Arc<Shared>>, Path(ids): Path<Ids>) -> ApiResult<Response> {
    let mut inner = state.lock();
    let user = find_user(&mut inner.store, &ids)?;
    if user.hidden_reads > 0 {
        user.hidden_reads -= 1;
        return Err(ApiError::ObjectNotFound);
    }
    Ok(success(user.view()))
}

/// `POST .../users`
pub async fn create(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    body: Bytes,
) -> ApiResult<Response> {
    create_user(&state, &ids, &body, FirstLogin::Password)
}

/// `POST .../users/invite`
pub async fn invite(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    body: Bytes,
) -> ApiResult<Response> {
    create_user(&state, &ids, &body, FirstLogin::Invitation)
}

/// Checks a create's body, which carries a password or an e-mail address after `login`.
fn create_user(state: &Shared, ids: &Ids, body: &[u8], login: FirstLogin) -> ApiResult<Response> {
    let mut inner = state.lock();
    let project = find_project(&inner.store, ids)?;
    if project.pending.iter().any(|op| op.change.is_delete()) {
        // The project is on its way out and would take the new user with it.
        return Err(ApiError::ObjectNotFound);
    }
    let project = project.id;
    let body = parse_body(body)?;
    let mut check = Checker::new(&body);
    match login {
        FirstLogin::Password => check.password("password", true),
        FirstLogin::Invitation => check.email("email", true),
    };
    let description = check.description("description");
    check.finish()?;
    start_create(state, &mut inner, project, description, login)
}

/// Creates a user in `creating` and answers the asynchronous write, applying the faults
/// that target creates.
fn start_create(
    state: &Shared,
    inner: &mut Inner,
    project: u64,
    description: Option<String>,
    login: FirstLogin,
) -> ApiResult<Response> {
    let failed = inner.faults.take(FaultKind::TaskFailed).is_some();
    let error = inner.faults.take(FaultKind::UserError).is_some();
    let stuck = inner.faults.take(FaultKind::StuckCreating).is_some();
    let hidden_reads = match inner.faults.take(FaultKind::NotFoundAfterCreate) {
        Some(Fault::NotFoundAfterCreate { reads }) => reads,
        _ => 0,
    };
    let answer_500 = inner.faults.take(FaultKind::Create500).is_some();

    let id = inner.store.next_id();
    let now = state.clock.unix_now();
    let mut user = inner
        .store
        .new_user(id, project, description.as_deref().unwrap_or(""), now);
    user.password_set = login == FirstLogin::Password;
    user.invitations = u32::from(login == FirstLogin::Invitation);
    user.hidden_reads = hidden_reads;
    let due = next_due(state, None);
    user.pending.push_back(Op {
        change: UserChange::Create,
        due_ms: if stuck { NEVER } else { due },
        outcome: outcome(failed, error),
    });
    inner.store.users.insert(id, user);
    tracing::info!(user_id = id, project_id = project, "user create accepted");

    if answer_500 {
        // The fault answers an error although the user exists, as a flaky gateway would.
        state.save(inner);
        return Err(ApiError::Unexpected);
    }
    Ok(accepted(state, inner, json!(id), due, failed))
}

fn outcome(failed: bool, error: bool) -> Outcome {
    if failed {
        Outcome::Failed
    } else if error {
        Outcome::Error
    } else {
        Outcome::Ok
    }
}

/// Queues a change to a live user and answers the asynchronous write.
fn start_change(
    state: &Shared,
    inner: &mut Inner,
    ids: &Ids,
    change: UserChange,
    may_error: bool,
) -> ApiResult<Response> {
    let user = find_user(&mut inner.store, ids)?;
    if user.pending.iter().any(|op| op.change.is_delete()) {
        return Err(ApiError::ObjectNotFound);
    }
    if change.is_delete() {
        // A delete wins over a create stuck by a fault, and over the changes waiting behind
        // it: otherwise it would queue behind a deadline that never comes.
        user.pending.retain(|op| op.due_ms != NEVER);
    }
    let failed = inner.faults.take(FaultKind::TaskFailed).is_some();
    let error = may_error && inner.faults.take(FaultKind::UserError).is_some();

    let due = enqueue(state, &mut user.pending, change, outcome(failed, error));
    tracing::info!(user_id = user.id, "user change accepted");
    Ok(accepted(state, inner, json!(true), due, failed))
}

/// `PATCH .../users/{id}`
pub async fn update(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut inner = state.lock();
    find_user(&mut inner.store, &ids)?;
    let body = parse_body(&body)?;
    let mut check = Checker::new(&body);
    let description = check.description("description");
    let password = check.password("password", false);
    let email = check.email("email", false);
    check.finish()?;
    let change = UserChange::Update {
        description,
        password: password.is_some(),
        invitation: email.is_some(),
    };
    start_change(&state, &mut inner, &ids, change, true)
}

/// `DELETE .../users/{id}`
pub async fn delete(State(state): State<Arc<Shared>>, Path(ids): Path<Ids>) -> ApiResult<Response> {
    let mut inner = state.lock();
    start_change(&state, &mut inner, &ids, UserChange::Delete, false)
}

/// `POST .../users/{id}/invite`
pub async fn send_invitation(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut inner = state.lock();
    find_user(&mut inner.store, &ids)?;
    let body = parse_body(&body)?;
    let mut check = Checker::new(&body);
    check.email("email", true);
    let description = check.description("description");
    check.finish()?;
    let change = UserChange::Update {
        description,
        password: false,
        invitation: true,
    };
    start_change(&state, &mut inner, &ids, change, false)
}

fn region(pairs: &[(String, String)]) -> ApiResult<Region> {
    match pairs.iter().find(|(k, _)| k == "region") {
        None => Ok(Region::Pub1),
        Some((_, value)) => Region::parse(value).ok_or_else(|| {
            ApiError::Validation(vec![FieldError::new(
                "region",
                "validation.in",
                "The region must be pub1 or pub2",
            )])
        }),
    }
}

/// Renders a credential file for the user named by the path.
fn credential_file(inner: &mut Inner, ids: &Ids, kind: &str, region: Region) -> ApiResult<String> {
    let project = find_project(&inner.store, ids)?;
    let project_name = project.open_stack_name.clone();
    let project_id = credentials::openstack_project_id(project.id);
    let user = find_user(&mut inner.store, ids)?;
    let who = Identity {
        username: &user.open_stack_name,
        project_name: &project_name,
        project_id: &project_id,
    };
    match kind {
        "openrc" => Ok(credentials::openrc(&who, region)),
        "clouds.yaml" => Ok(credentials::clouds_yaml(&who, region)),
        _ => Err(ApiError::Validation(vec![FieldError::new(
            "type",
            "validation.in",
            "The type must be openrc or clouds.yaml",
        )])),
    }
}

/// `GET .../users/{id}/openrc`: through a task in the delayed style (as live), at once in
/// the asynchronous style.
pub async fn openrc(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    Query(pairs): Pairs,
) -> ApiResult<Response> {
    let mut inner = state.lock();
    find_user(&mut inner.store, &ids)?;
    let region = region(&pairs)?;
    let text = credential_file(&mut inner, &ids, "openrc", region)?;
    match state.config.async_style {
        AsyncStyle::Asynchronous => Ok(success(Value::String(text))),
        AsyncStyle::Delayed => {
            let now = state.clock.now_ms();
            let result = TaskResult::Success(Value::String(text));
            let task = Task::new(now, now + state.latency_ms(), result);
            Ok(delayed(&state, &mut inner, task))
        }
    }
}

/// `GET .../users/{id}/authentication/{type}`
pub async fn authentication(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
    Query(pairs): Pairs,
) -> ApiResult<Response> {
    let mut inner = state.lock();
    find_user(&mut inner.store, &ids)?;
    let region = region(&pairs)?;
    let kind = ids.kind.clone().unwrap_or_default();
    let text = credential_file(&mut inner, &ids, &kind, region)?;
    Ok(success(Value::String(text)))
}
