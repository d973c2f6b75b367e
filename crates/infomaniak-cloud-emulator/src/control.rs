//! The control API under `/_emulator`: lets tests inspect and steer the emulator. It needs
//! no token, is not rate limited and does not appear in the request log (calls that change
//! something still log one `info` line).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use serde_json::{Value, json};

use crate::app::Shared;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::faults::Fault;
use crate::state::Status;
use crate::validate::{Checker, parse_body};

/// The control routes, to be nested under `/_emulator`.
pub fn router(state: Arc<Shared>) -> Router {
    Router::new()
        .route("/requests", get(requests).delete(clear_requests))
        .route("/users", get(users))
        .route("/users/{user_id}", patch(change_user).delete(remove_user))
        .route(
            "/faults",
            post(add_fault).get(list_faults).delete(clear_faults),
        )
        .route("/reset", post(reset))
        .with_state(state)
}

async fn requests(State(state): State<Arc<Shared>>) -> Response {
    let inner = state.lock();
    axum::Json(json!({ "requests": inner.log })).into_response()
}

async fn clear_requests(State(state): State<Arc<Shared>>) -> StatusCode {
    state.lock().log.clear();
    StatusCode::NO_CONTENT
}

async fn users(State(state): State<Arc<Shared>>) -> Response {
    let inner = state.lock();
    let users: Vec<Value> = inner
        .store
        .users
        .values()
        .map(|u| u.control_view())
        .collect();
    axum::Json(json!({ "users": users })).into_response()
}

/// Changes a user out of band, as the web console would; setting a status ends any
/// operation in flight for that user.
async fn change_user(
    State(state): State<Arc<Shared>>,
    Path(user_id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let mut inner = state.lock();
    let id: u64 = user_id.parse().map_err(|_| ApiError::ObjectNotFound)?;
    if !inner.store.users.contains_key(&id) {
        return Err(ApiError::ObjectNotFound);
    }
    let body = parse_body(&body)?;
    let mut check = Checker::new(&body);
    let description = check.string("description", false);
    let status = check.string("status", false);
    check.finish()?;
    let status = match status {
        Some(text) => Some(Status::parse(&text).ok_or_else(|| {
            ApiError::Validation(vec![FieldError::new(
                "status",
                "validation.in",
                "Unknown status",
            )])
        })?),
        None => None,
    };

    let now = state.clock.unix_now();
    let user = inner.store.users.get_mut(&id).expect("checked above");
    if let Some(description) = description {
        user.description = description;
    }
    if let Some(status) = status {
        user.pending.clear();
        user.status = status;
    }
    user.updated_at = now;
    let view = user.control_view();
    tracing::info!(user_id = id, "user changed through the control API");
    state.save(&mut inner);
    Ok(axum::Json(view).into_response())
}

async fn remove_user(
    State(state): State<Arc<Shared>>,
    Path(user_id): Path<String>,
) -> ApiResult<StatusCode> {
    let mut inner = state.lock();
    let id: u64 = user_id.parse().map_err(|_| ApiError::ObjectNotFound)?;
    inner
        .store
        .users
        .remove(&id)
        .ok_or(ApiError::ObjectNotFound)?;
    tracing::info!(user_id = id, "user removed through the control API");
    state.save(&mut inner);
    Ok(StatusCode::NO_CONTENT)
}

async fn add_fault(State(state): State<Arc<Shared>>, body: Bytes) -> ApiResult<Response> {
    let fault: Fault = serde_json::from_slice(&body).map_err(|e| {
        ApiError::Validation(vec![FieldError::new(
            "fault",
            "validation.in",
            e.to_string(),
        )])
    })?;
    tracing::info!(?fault, "fault queued");
    let mut inner = state.lock();
    inner.faults.push(fault);
    let pending = inner.faults.pending().to_vec();
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({ "faults": pending })),
    )
        .into_response())
}

async fn list_faults(State(state): State<Arc<Shared>>) -> Response {
    let pending = state.lock().faults.pending().to_vec();
    axum::Json(json!({ "faults": pending })).into_response()
}

async fn clear_faults(State(state): State<Arc<Shared>>) -> StatusCode {
    state.lock().faults.clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(state): State<Arc<Shared>>) -> StatusCode {
    state.reset();
    tracing::info!("emulator reset to the seed");
    StatusCode::NO_CONTENT
}
