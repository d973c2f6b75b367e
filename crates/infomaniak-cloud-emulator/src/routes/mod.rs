//! The emulated Infomaniak API: routes, the gate every API request passes (request log,
//! authentication, rate limit) and helpers shared by the handlers.

mod account;
mod projects;
mod users;

use std::collections::VecDeque;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::{Inner, LoggedRequest, Shared};
use crate::clock::NEVER;
use crate::config::AsyncStyle;
use crate::error::{ApiError, ApiResult};
use crate::state::{Op, Outcome, Project, Store, User};
use crate::tasks::{Task, TaskResult};

/// The API routes behind the gate.
pub fn api(state: Arc<Shared>) -> Router {
    let project = "/1/public_clouds/{public_cloud_id}/projects/{public_cloud_project_id}";
    let user = format!("{project}/users/{{public_cloud_user_id}}");
    Router::new()
        .route("/2/profile", get(account::profile))
        .route("/1/accounts", get(account::accounts))
        .route("/1/public_clouds", get(account::list_clouds))
        .route(
            "/1/public_clouds/{public_cloud_id}",
            get(account::get_cloud),
        )
        .route(
            "/1/public_clouds/{public_cloud_id}/projects",
            get(projects::list).post(projects::create),
        )
        .route(
            "/1/public_clouds/{public_cloud_id}/projects/invite",
            post(projects::invite),
        )
        .route(
            project,
            get(projects::get)
                .patch(projects::rename)
                .delete(projects::delete),
        )
        .route(
            &format!("{project}/users"),
            get(users::list).post(users::create),
        )
        .route(&format!("{project}/users/invite"), post(users::invite))
        .route(
            &user,
            get(users::get).patch(users::update).delete(users::delete),
        )
        .route(&format!("{user}/invite"), post(users::send_invitation))
        .route(&format!("{user}/openrc"), get(users::openrc))
        .route(
            &format!("{user}/authentication/{{type}}"),
            get(users::authentication),
        )
        .route("/1/async/tasks", get(account::list_tasks))
        .route("/1/async/tasks/{task_uuid}", get(account::get_task))
        .fallback(method_not_found)
        .method_not_allowed_fallback(method_not_found)
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

async fn method_not_found() -> ApiError {
    ApiError::MethodNotFound
}

/// Logs the request, then lets it through only with the right token and room in the window.
async fn gate(State(state): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);

    let response = match admit(&state, &request) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    };

    let status = response.status().as_u16();
    tracing::info!(%method, %path, status, "api request");
    state.lock().log.push(LoggedRequest {
        method,
        path,
        query,
        status,
    });
    response
}

fn admit(state: &Shared, request: &Request) -> ApiResult<()> {
    let authorized = request
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|token| token == state.config.token);
    if !authorized {
        return Err(ApiError::NotAuthorized);
    }
    let mut inner = state.lock();
    if let Some(retry_after) = inner.faults.take_rate_limited() {
        return Err(ApiError::TooManyRequests { retry_after });
    }
    if !inner.limiter.admit(tokio::time::Instant::now()) {
        return Err(ApiError::TooManyRequests { retry_after: None });
    }
    Ok(())
}

/// Path parameters of the API routes; absent ones are `None`.
#[derive(Debug, Deserialize)]
pub struct Ids {
    public_cloud_id: Option<String>,
    public_cloud_project_id: Option<String>,
    public_cloud_user_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    task_uuid: Option<String>,
}

fn parse_id(raw: &Option<String>) -> ApiResult<u64> {
    raw.as_deref()
        .and_then(|s| s.parse().ok())
        .ok_or(ApiError::ObjectNotFound)
}

/// The product named by the path, checked to exist.
fn cloud_id(store: &Store, ids: &Ids) -> ApiResult<u64> {
    let id = parse_id(&ids.public_cloud_id)?;
    if store.public_clouds.contains_key(&id) {
        Ok(id)
    } else {
        Err(ApiError::ObjectNotFound)
    }
}

/// The project named by the path, checked to belong to the product.
fn find_project<'a>(store: &'a Store, ids: &Ids) -> ApiResult<&'a Project> {
    let cloud = cloud_id(store, ids)?;
    let id = parse_id(&ids.public_cloud_project_id)?;
    store
        .projects
        .get(&id)
        .filter(|p| p.public_cloud_id == cloud)
        .ok_or(ApiError::ObjectNotFound)
}

/// The user named by the path, checked to belong to the project.
fn find_user<'a>(store: &'a mut Store, ids: &Ids) -> ApiResult<&'a mut User> {
    let project = find_project(store, ids)?.id;
    let id = parse_id(&ids.public_cloud_user_id)?;
    store
        .users
        .get_mut(&id)
        .filter(|u| u.project_id == project)
        .ok_or(ApiError::ObjectNotFound)
}

/// A 200 success envelope.
fn success(data: Value) -> Response {
    axum::Json(json!({ "result": "success", "data": data })).into_response()
}

/// Deadline of a change queued after `pending_due` (the last change in flight, if any):
/// changes to one object are carried out one after the other.
fn next_due(state: &Shared, pending_due: Option<i64>) -> i64 {
    let now = state.clock.now_ms();
    match pending_due {
        Some(NEVER) => NEVER,
        Some(due) => due.max(now) + state.latency_ms(),
        None => now + state.latency_ms(),
    }
}

/// How a new user first signs in: with the password sent along, or through an e-mailed link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FirstLogin {
    /// The create carries the password.
    Password,
    /// The create carries an e-mail address that receives a password link.
    Invitation,
}

/// Queues `change` behind the changes in flight on one object and returns its deadline.
fn enqueue<C>(state: &Shared, pending: &mut VecDeque<Op<C>>, change: C, outcome: Outcome) -> i64 {
    let due = next_due(state, pending.back().map(|op| op.due_ms));
    pending.push_back(Op {
        change,
        due_ms: due,
        outcome,
    });
    due
}

/// Answers an accepted asynchronous write in the configured style. `data` is what the
/// call yields (new id or `true`); a `failed` write's task ends with an error.
fn accepted(state: &Shared, inner: &mut Inner, data: Value, due_ms: i64, failed: bool) -> Response {
    match state.config.async_style {
        AsyncStyle::Asynchronous => {
            state.save(inner);
            let body = json!({ "result": "asynchronous", "data": data });
            (StatusCode::ACCEPTED, axum::Json(body)).into_response()
        }
        AsyncStyle::Delayed => {
            let now = state.clock.now_ms();
            let due = if due_ms == NEVER {
                now + state.latency_ms()
            } else {
                due_ms
            };
            let result = if failed {
                TaskResult::Failed(ApiError::Unexpected.body())
            } else {
                TaskResult::Success(data)
            };
            delayed(state, inner, Task::new(now, due, result))
        }
    }
}

/// Keeps `task` for the caller to poll and answers 202 with its uuid.
fn delayed(state: &Shared, inner: &mut Inner, task: Task) -> Response {
    let uuid = task.uuid.clone();
    inner.store.tasks.insert(uuid.clone(), task);
    state.save(inner);
    let body = json!({ "result": "delayed", "data": uuid });
    (StatusCode::ACCEPTED, axum::Json(body)).into_response()
}
