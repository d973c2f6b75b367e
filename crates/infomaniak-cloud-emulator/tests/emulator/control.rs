//! The `/_emulator` control API.

use serde_json::json;

use crate::harness::{Api, USERS, user_path};

#[tokio::test(start_paused = true)]
async fn users_show_the_api_fields_plus_emulator_knowledge() {
    let api = Api::new();
    let users = api.control("GET", "/users", None).await;
    assert_eq!(users.status, 200);
    let user = &users.body["users"][0];
    let mut keys: Vec<_> = user.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "created_at",
            "description",
            "invitations",
            "open_stack_name",
            "password_set",
            "public_cloud_id",
            "public_cloud_project_id",
            "public_cloud_user_id",
            "status",
            "updated_at",
        ]
    );
    assert_eq!(user["public_cloud_id"], 1001);
    assert_eq!(user["password_set"], true);
}

#[tokio::test(start_paused = true)]
async fn patch_changes_a_user_out_of_band() {
    let api = Api::new();
    let id = api.created_user("original").await;
    tokio::time::advance(std::time::Duration::from_secs(50)).await;
    let before = api.get(&user_path(id)).await.body["data"].clone();
    let body = json!({"description": "console edit", "status": "disabled"});
    let reply = api
        .control("PATCH", &format!("/users/{id}"), Some(body))
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["description"], "console edit");
    assert_eq!(reply.body["password_set"], true);

    let after = api.get(&user_path(id)).await.body["data"].clone();
    assert_eq!(after["description"], "console edit");
    assert_eq!(after["status"], "disabled");
    assert!(after["updated_at"].as_i64() > before["updated_at"].as_i64());

    let bad = api
        .control(
            "PATCH",
            &format!("/users/{id}"),
            Some(json!({"status": "zzz"})),
        )
        .await;
    assert_eq!(bad.status, 422);
    let missing = api
        .control("PATCH", "/users/424242", Some(json!({"description": "x"})))
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test(start_paused = true)]
async fn delete_removes_a_user_at_once() {
    let api = Api::new();
    let id = api.created_user("console delete").await;
    assert_eq!(
        api.control("DELETE", &format!("/users/{id}"), None)
            .await
            .status,
        204
    );
    assert_eq!(api.get(&user_path(id)).await.code(), "object_not_found");
    assert_eq!(
        api.control("DELETE", &format!("/users/{id}"), None)
            .await
            .status,
        404
    );
}

#[tokio::test(start_paused = true)]
async fn reset_restores_the_seed_and_clears_everything() {
    let api = Api::new();
    api.created_user("temporary").await;
    api.control("POST", "/faults", Some(json!({"fault": "user_error"})))
        .await;
    assert_eq!(api.control("POST", "/reset", None).await.status, 204);

    assert_eq!(
        api.control("GET", "/requests", None).await.body["requests"],
        json!([])
    );
    assert_eq!(
        api.control("GET", "/faults", None).await.body["faults"],
        json!([])
    );
    let users = api.control("GET", "/users", None).await.body["users"].clone();
    assert_eq!(users.as_array().unwrap().len(), 1);
    assert_eq!(
        api.get(&format!("{USERS}?return=total")).await.body["data"],
        1
    );
}
