//! Projects, products and account discovery.

use std::time::Duration;

use infomaniak_cloud_emulator::names;
use serde_json::json;

use crate::harness::{Api, PROJECT};

const PROJECTS: &str = "/1/public_clouds/1001/projects";

#[tokio::test(start_paused = true)]
async fn create_project_with_its_first_user() {
    let api = Api::new();
    let body = json!({"project_name": "staging", "user_password": "Passw0rdX",
        "user_description": "first one", "user_email": "ops@example.org"});
    let reply = api.post(PROJECTS, body).await;
    assert_eq!(reply.status, 202);
    let uuid = reply.body["data"].as_str().unwrap().to_owned();
    api.elapse().await;
    let id = api.task(&uuid).await["response"]["data"].as_u64().unwrap();

    let project = api.get(&format!("{PROJECTS}/{id}")).await.body["data"].clone();
    assert_eq!(project["name"], "staging");
    assert_eq!(project["status"], "ok");
    assert_eq!(project["user_count"], 1);
    let name = project["open_stack_name"].as_str().unwrap();
    assert!(names::is_valid(names::PROJECT_PREFIX, name), "{name}");
    let users = api.get(&format!("{PROJECTS}/{id}/users")).await.body;
    assert_eq!(users["data"][0]["description"], "first one");

    let list = api.get(&format!("{PROJECTS}?page=1")).await.body;
    assert_eq!(list["total"], 2);
}

#[tokio::test(start_paused = true)]
async fn invite_rename_and_delete_a_project() {
    let api = Api::new();
    let body = json!({"project_name": "invited", "user_email": "dev@example.org"});
    let reply = api.post(&format!("{PROJECTS}/invite"), body).await;
    api.elapse().await;
    let id = api.task(reply.body["data"].as_str().unwrap()).await["response"]["data"]
        .as_u64()
        .unwrap();
    let path = format!("{PROJECTS}/{id}");

    assert_eq!(
        api.patch(&path, json!({"name": "renamed"})).await.status,
        202
    );
    assert_eq!(api.get(&path).await.body["data"]["status"], "updating");
    api.elapse().await;
    assert_eq!(api.get(&path).await.body["data"]["name"], "renamed");

    assert_eq!(api.delete(&path).await.status, 202);
    assert_eq!(api.get(&path).await.body["data"]["status"], "deleting");
    api.elapse().await;
    assert_eq!(api.get(&path).await.code(), "object_not_found");
    let all = api.control("GET", "/users", None).await.body["users"].clone();
    assert_eq!(all.as_array().unwrap().len(), 1, "its users went with it");
}

#[tokio::test(start_paused = true)]
async fn no_user_can_be_created_in_a_project_being_deleted() {
    let api = Api::new();
    let body = json!({"project_name": "doomed", "user_password": "Passw0rdX"});
    let reply = api.post(PROJECTS, body).await;
    api.elapse().await;
    let id = api.task(reply.body["data"].as_str().unwrap()).await["response"]["data"]
        .as_u64()
        .unwrap();
    assert_eq!(api.delete(&format!("{PROJECTS}/{id}")).await.status, 202);

    let body = json!({"password": "Sup3rSecret"});
    let reply = api.post(&format!("{PROJECTS}/{id}/users"), body).await;
    assert_eq!(reply.status, 404, "{reply:?}");
    assert_eq!(reply.code(), "object_not_found");
}

#[tokio::test(start_paused = true)]
async fn the_seeded_project_cannot_be_deleted() {
    let api = Api::new();
    let reply = api.delete(PROJECT).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "public_cloud_project_cannot_be_deleted");
}

#[tokio::test(start_paused = true)]
async fn project_validation() {
    let api = Api::new();
    let reply = api
        .post(PROJECTS, json!({"project_name": "x".repeat(251)}))
        .await;
    assert_eq!(
        reply.field_errors(),
        [
            (
                "project_name".to_owned(),
                "validation.max.string".to_owned()
            ),
            ("user_password".to_owned(), "validation.required".to_owned()),
        ]
    );
    let reply = api.patch(PROJECT, json!({})).await;
    assert_eq!(
        reply.field_errors()[0],
        ("name".to_owned(), "validation.required".to_owned())
    );
    let reply = api
        .post(&format!("{PROJECTS}/invite"), json!({"project_name": "a"}))
        .await;
    assert_eq!(reply.field_errors()[0].0, "user_email");
}

#[tokio::test(start_paused = true)]
async fn products_and_account_discovery() {
    let api = Api::new();
    let reply = api.get("/1/public_clouds").await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.field_errors()[0].0, "account_id");
    let list = api.get("/1/public_clouds?account_id=1000").await.body;
    assert_eq!(list["data"][0]["public_cloud_id"], 1001);
    assert_eq!(list["data"][0]["project_count"], 1);
    let other = api.get("/1/public_clouds?account_id=5").await.body;
    assert_eq!(other["data"], json!([]));
    assert_eq!(
        api.get("/1/public_clouds/1001").await.body["data"]["id"],
        1001
    );
    assert_eq!(
        api.get("/1/public_clouds/77").await.code(),
        "object_not_found"
    );

    let profile = api.get("/2/profile").await.body;
    assert_eq!(
        profile["data"]["preferences"]["account"]["current_account_id"],
        1000
    );
    let accounts = api.get("/1/accounts").await.body;
    assert_eq!(accounts["data"][0]["id"], 1000);
}

#[tokio::test(start_paused = true)]
async fn writes_to_one_object_run_one_after_the_other() {
    let api = Api::new();
    let id = api.created_user("queue").await;
    let path = crate::harness::user_path(id);
    api.patch(&path, json!({"description": "one"})).await;
    api.patch(&path, json!({"description": "two"})).await;
    api.elapse().await;
    let user = api.get(&path).await.body["data"].clone();
    assert_eq!(
        (user["description"].as_str(), user["status"].as_str()),
        (Some("one"), Some("updating"))
    );
    tokio::time::advance(Duration::from_secs(3)).await;
    assert_eq!(api.get(&path).await.body["data"]["description"], "two");
}
