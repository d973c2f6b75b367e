//! Account discovery, Public Cloud products and asynchronous tasks.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Ids, cloud_id, success};
use crate::app::Shared;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::listing;

type Pairs = Query<Vec<(String, String)>>;

/// `GET /2/profile`: the token owner, with the current account in the preferences.
pub async fn profile(State(state): State<Arc<Shared>>) -> Response {
    let account_id = state.lock().store.account_id;
    success(json!({
        "id": 1,
        "user_id": 1,
        "login": "emulator",
        "firstname": "Emulated",
        "lastname": "User",
        "display_name": "Emulated User",
        "current_account_id": account_id,
        "preferences": { "account": { "current_account_id": account_id } },
    }))
}

/// `GET /1/accounts`
pub async fn accounts(State(state): State<Arc<Shared>>) -> Response {
    let account_id = state.lock().store.account_id;
    success(json!([{
        "id": account_id,
        "name": "Emulated account",
        "legal_entity_type": "company",
        "type": "company",
    }]))
}

/// `GET /1/public_clouds?account_id=N`: `account_id` is required.
pub async fn list_clouds(
    State(state): State<Arc<Shared>>,
    Query(pairs): Pairs,
) -> ApiResult<Response> {
    let account = pairs
        .iter()
        .find(|(k, _)| k == "account_id")
        .and_then(|(_, v)| v.parse::<u64>().ok());
    let Some(account) = account else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "account_id",
            "validation.required",
            "The account_id is required and must be an integer",
        )]));
    };
    let order = &[
        "customer_name",
        "internal_name",
        "expired_at",
        "price",
        "project_count",
    ];
    let query = listing::parse(&pairs, order)?;
    let inner = state.lock();
    let items = inner
        .store
        .public_clouds
        .values()
        .filter(|c| c.account_id == account)
        .map(|c| {
            let projects = inner.store.projects.values();
            c.view(projects.filter(|p| p.public_cloud_id == c.id).count())
        })
        .collect();
    Ok(axum::Json(query.answer(items, &["customer_name"])).into_response())
}

/// `GET /1/public_clouds/{pc}`
pub async fn get_cloud(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
) -> ApiResult<Response> {
    let inner = state.lock();
    let id = cloud_id(&inner.store, &ids)?;
    let projects = inner.store.projects.values();
    let count = projects.filter(|p| p.public_cloud_id == id).count();
    Ok(success(inner.store.public_clouds[&id].view(count)))
}

/// `GET /1/async/tasks`
pub async fn list_tasks(
    State(state): State<Arc<Shared>>,
    Query(pairs): Pairs,
) -> ApiResult<Response> {
    let query = listing::parse(&pairs, &["created_at", "status"])?;
    let inner = state.lock();
    let now = state.clock.now_ms();
    let mut tasks: Vec<_> = inner.store.tasks.values().collect();
    tasks.sort_by_key(|t| t.created_ms);
    let items = tasks.iter().map(|t| t.view(now, &state.clock)).collect();
    Ok(axum::Json(query.answer(items, &["uuid"])).into_response())
}

/// `GET /1/async/tasks/{uuid}`
pub async fn get_task(
    State(state): State<Arc<Shared>>,
    Path(ids): Path<Ids>,
) -> ApiResult<Response> {
    let inner = state.lock();
    let uuid = ids.task_uuid.unwrap_or_default();
    let task = inner
        .store
        .tasks
        .get(&uuid)
        .ok_or(ApiError::ObjectNotFound)?;
    Ok(success(task.view(state.clock.now_ms(), &state.clock)))
}
