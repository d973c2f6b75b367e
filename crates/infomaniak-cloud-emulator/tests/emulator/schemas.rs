//! The emulator's answers checked against the vendor's published response schemas.

use infomaniak_cloud_emulator::AsyncStyle;
use serde_json::{Value, json};

use crate::harness::{Api, PROJECT, USERS, config, user_path};
use crate::schema::{check_component, check_response};

fn assert_valid(name: &str, value: &Value) {
    let errors = check_response(name, value);
    assert!(errors.is_empty(), "{name}: {errors:?}\n{value}");
}

#[tokio::test(start_paused = true)]
async fn reads_match_the_vendor_schemas() {
    let api = Api::new();
    assert_valid(
        "list_clouds",
        &api.get("/1/public_clouds?account_id=1000&page=1")
            .await
            .body,
    );
    assert_valid("get_cloud", &api.get("/1/public_clouds/1001").await.body);
    let projects = api
        .get("/1/public_clouds/1001/projects?page=1&per_page=10")
        .await
        .body;
    assert_valid("list_projects", &projects);
    assert_valid("get_project", &api.get(PROJECT).await.body);
    let users = api.get(&format!("{USERS}?page=1&per_page=10")).await.body;
    assert_valid("list_users", &users);
    assert!(users["total"].is_u64() && users["items_per_page"].is_u64());
    assert_valid("get_user", &api.get(&user_path(3001)).await.body);
}

#[tokio::test(start_paused = true)]
async fn documented_asynchronous_answers_match_the_vendor_schemas() {
    let api = Api::with(config(AsyncStyle::Asynchronous));
    let created = api.create_user("schema").await;
    assert_valid("create_user", &created.body);
    let id = created.body["data"].as_u64().unwrap();
    let invited = api
        .post(
            &format!("{USERS}/invite"),
            json!({"email": "a@example.org"}),
        )
        .await;
    assert_valid("invite_user", &invited.body);
    api.elapse().await;
    assert_valid(
        "update_user",
        &api.patch(&user_path(id), json!({"description": "b"}))
            .await
            .body,
    );
    api.elapse().await;
    assert_valid("delete_user", &api.delete(&user_path(id)).await.body);
    let body = json!({"project_name": "p", "user_password": "Passw0rdX"});
    assert_valid(
        "create_project",
        &api.post("/1/public_clouds/1001/projects", body).await.body,
    );
}

#[tokio::test(start_paused = true)]
async fn delayed_envelope_and_finished_task_match() {
    let api = Api::new();
    let created = api.create_user("task").await;
    // `delayed` is the live variant the written description does not list.
    assert_eq!(created.body["result"], "delayed");
    let uuid = created.body["data"].as_str().unwrap().to_owned();
    assert_eq!(created.body.as_object().unwrap().len(), 2);

    let spooled = api.get(&format!("/1/async/tasks/{uuid}")).await.body;
    for field in ["uuid", "status", "created_at", "updated_at"] {
        let errors = check_component("087adaad_AsyncTask", &spooled["data"]);
        assert!(
            !errors.iter().any(|e| e.contains(field)),
            "{field}: {errors:?}"
        );
    }
    api.elapse().await;
    let executed = api.get(&format!("/1/async/tasks/{uuid}")).await.body;
    assert_valid("get_task", &executed);
    let list = api.get("/1/async/tasks?page=1").await.body;
    assert_eq!(list["data"][0]["uuid"], uuid.as_str());
}

#[tokio::test(start_paused = true)]
async fn errors_match_the_vendor_schemas() {
    let api = Api::new();
    assert_valid("error_404", &api.get(&user_path(987)).await.body);
    let unauthorized = api.send("GET", USERS, None, None).await;
    assert_valid("error_401", &unauthorized.body);
    assert_valid("error_400", &api.delete(PROJECT).await.body);
    api.control("POST", "/faults", Some(json!({"fault": "create_500"})))
        .await;
    assert_valid("error_500", &api.create_user("boom").await.body);

    let invalid = api.post(USERS, json!({})).await.body;
    assert!(check_component("ErrorResponse", &invalid).is_empty());
    let entry = &invalid["error"]["errors"][0];
    assert!(entry["code"].is_string() && entry["description"].is_string());
    assert!(entry["context"]["attribute"].is_string());
}
