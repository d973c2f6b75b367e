//! Each injectable fault, fired once through the control API.

use serde_json::json;

use crate::harness::{Api, USERS, user_path};

async fn inject(api: &Api, fault: serde_json::Value) {
    let reply = api.control("POST", "/faults", Some(fault)).await;
    assert_eq!(reply.status, 201, "{reply:?}");
}

#[tokio::test(start_paused = true)]
async fn rate_limited_fires_count_times_with_optional_retry_after() {
    let api = Api::new();
    inject(
        &api,
        json!({"fault": "rate_limited", "count": 2, "retry_after": 7}),
    )
    .await;
    inject(&api, json!({"fault": "rate_limited"})).await;
    for _ in 0..2 {
        let reply = api.get(USERS).await;
        assert_eq!(reply.status, 429);
        assert_eq!(reply.code(), "too_many_requests");
        assert_eq!(reply.headers["retry-after"], "7");
    }
    let reply = api.get(USERS).await;
    assert_eq!(reply.status, 429);
    assert!(reply.headers.get("retry-after").is_none());
    assert_eq!(api.get(USERS).await.status, 200);
}

#[tokio::test(start_paused = true)]
async fn create_500_still_creates_the_user() {
    let api = Api::new();
    inject(&api, json!({"fault": "create_500"})).await;
    let reply = api.create_user("ghost").await;
    assert_eq!(reply.status, 500);
    assert_eq!(reply.code(), "unexpected_error");
    api.elapse().await;
    let list = api.get(&format!("{USERS}?search=ghost")).await.body;
    assert_eq!(list["data"][0]["status"], "ok");
    assert_eq!(api.create_user("fine").await.status, 202, "fires once");
}

#[tokio::test(start_paused = true)]
async fn task_failed_on_create_leaves_no_user() {
    let api = Api::new();
    inject(&api, json!({"fault": "task_failed"})).await;
    let reply = api.create_user("failing").await;
    let uuid = reply.body["data"].as_str().unwrap().to_owned();
    api.elapse().await;
    let task = api.task(&uuid).await;
    assert_eq!(task["status"], "failed");
    assert_eq!(task["error"]["code"], "unexpected_error");
    let count = api.get(&format!("{USERS}?return=total")).await.body["data"].clone();
    assert_eq!(count, 1, "only the seeded user is left");
}

#[tokio::test(start_paused = true)]
async fn task_failed_on_patch_and_delete_leaves_the_user_as_it_was() {
    let api = Api::new();
    let id = api.created_user("steady").await;
    inject(&api, json!({"fault": "task_failed"})).await;
    let reply = api
        .patch(&user_path(id), json!({"description": "changed"}))
        .await;
    api.elapse().await;
    assert_eq!(
        api.task(reply.body["data"].as_str().unwrap()).await["status"],
        "failed"
    );
    let user = api.get(&user_path(id)).await.body["data"].clone();
    assert_eq!(
        (user["description"].as_str(), user["status"].as_str()),
        (Some("steady"), Some("ok"))
    );

    inject(&api, json!({"fault": "task_failed"})).await;
    let reply = api.delete(&user_path(id)).await;
    api.elapse().await;
    assert_eq!(
        api.task(reply.body["data"].as_str().unwrap()).await["status"],
        "failed"
    );
    assert_eq!(api.get(&user_path(id)).await.body["data"]["status"], "ok");
}

#[tokio::test(start_paused = true)]
async fn user_error_ends_a_create_or_patch_in_error() {
    let api = Api::new();
    inject(&api, json!({"fault": "user_error"})).await;
    let id = api.created_user("broken").await;
    assert_eq!(
        api.get(&user_path(id)).await.body["data"]["status"],
        "error"
    );

    let other = api.created_user("healthy").await;
    assert_eq!(
        api.get(&user_path(other)).await.body["data"]["status"],
        "ok"
    );
    inject(&api, json!({"fault": "user_error"})).await;
    api.patch(&user_path(other), json!({"description": "x"}))
        .await;
    api.elapse().await;
    assert_eq!(
        api.get(&user_path(other)).await.body["data"]["status"],
        "error"
    );
}

#[tokio::test(start_paused = true)]
async fn stuck_creating_never_leaves_creating() {
    let api = Api::new();
    inject(&api, json!({"fault": "stuck_creating"})).await;
    let id = api.created_user("stuck").await;
    tokio::time::advance(std::time::Duration::from_secs(3600)).await;
    assert_eq!(
        api.get(&user_path(id)).await.body["data"]["status"],
        "creating"
    );
}

/// Creates a user stuck in `creating`.
async fn stuck_user(api: &Api) -> u64 {
    inject(api, json!({"fault": "stuck_creating"})).await;
    api.created_user("stuck").await
}

#[tokio::test(start_paused = true)]
async fn deleting_a_stuck_user_removes_it_after_the_latency() {
    let api = Api::new();
    let id = stuck_user(&api).await;
    let reply = api.delete(&user_path(id)).await;
    assert_eq!(reply.status, 202, "{reply:?}");
    assert_eq!(
        api.get(&user_path(id)).await.body["data"]["status"],
        "deleting"
    );
    api.elapse().await;
    assert_eq!(
        api.task(reply.body["data"].as_str().unwrap()).await["status"],
        "executed"
    );
    assert_eq!(api.get(&user_path(id)).await.code(), "object_not_found");
}

#[tokio::test(start_paused = true)]
async fn patching_a_stuck_user_leaves_it_creating_until_deleted() {
    let api = Api::new();
    let id = stuck_user(&api).await;
    let reply = api
        .patch(&user_path(id), json!({"description": "later"}))
        .await;
    assert_eq!(reply.status, 202, "{reply:?}");
    api.elapse().await;
    let user = api.get(&user_path(id)).await.body["data"].clone();
    assert_eq!(
        (user["status"].as_str(), user["description"].as_str()),
        (Some("creating"), Some("stuck"))
    );

    api.delete(&user_path(id)).await;
    api.elapse().await;
    assert_eq!(api.get(&user_path(id)).await.code(), "object_not_found");
}

#[tokio::test(start_paused = true)]
async fn the_control_api_ends_a_stuck_create() {
    let api = Api::new();
    let id = stuck_user(&api).await;
    let reply = api
        .control(
            "PATCH",
            &format!("/users/{id}"),
            Some(json!({"status": "ok"})),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(api.get(&user_path(id)).await.body["data"]["status"], "ok");
    api.delete(&user_path(id)).await;
    api.elapse().await;
    assert_eq!(api.get(&user_path(id)).await.code(), "object_not_found");

    let other = stuck_user(&api).await;
    let reply = api
        .control("DELETE", &format!("/users/{other}"), None)
        .await;
    assert_eq!(reply.status, 204, "{reply:?}");
    assert_eq!(api.get(&user_path(other)).await.code(), "object_not_found");
}

#[tokio::test(start_paused = true)]
async fn not_found_after_create_hides_the_first_reads() {
    let api = Api::new();
    inject(&api, json!({"fault": "not_found_after_create", "reads": 2})).await;
    let id = api.created_user("shy").await;
    assert_eq!(api.get(&user_path(id)).await.code(), "object_not_found");
    assert_eq!(api.get(&user_path(id)).await.code(), "object_not_found");
    assert_eq!(api.get(&user_path(id)).await.body["data"]["status"], "ok");
}

#[tokio::test(start_paused = true)]
async fn faults_can_be_listed_cleared_and_rejected() {
    let api = Api::new();
    inject(&api, json!({"fault": "user_error"})).await;
    inject(&api, json!({"fault": "not_found_after_create", "reads": 1})).await;
    let listed = api.control("GET", "/faults", None).await.body;
    assert_eq!(listed["faults"].as_array().unwrap().len(), 2);
    assert_eq!(listed["faults"][1]["reads"], 1);
    let bad = api
        .control("POST", "/faults", Some(json!({"fault": "meteor"})))
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(api.control("DELETE", "/faults", None).await.status, 204);
    let listed = api.control("GET", "/faults", None).await.body;
    assert_eq!(listed["faults"], json!([]));
}
