//! User endpoints: lifecycle in both async styles, validation, lists and credential files.

use std::time::Duration;

use infomaniak_cloud_emulator::names;
use infomaniak_cloud_emulator::{AsyncStyle, Config};
use serde_json::json;

use crate::harness::{Api, USERS, config, user_path};

#[tokio::test(start_paused = true)]
async fn delayed_create_moves_task_and_user_together() {
    let api = Api::new();
    let reply = api.create_user("ci-runner").await;
    assert_eq!(reply.status, 202);
    assert_eq!(reply.body["result"], "delayed");
    let uuid = reply.body["data"].as_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&uuid).is_ok(), "{uuid}");

    let task = api.task(&uuid).await;
    assert_eq!(task["status"], "spooled");
    let list = api.get(USERS).await;
    let new = list.body["data"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(new["status"], "creating");
    assert_eq!(new["description"], "ci-runner");

    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(api.task(&uuid).await["status"], "running");
    tokio::time::advance(Duration::from_millis(1999)).await;
    assert_eq!(api.task(&uuid).await["status"], "running");
    let id = new["public_cloud_user_id"].as_u64().unwrap();
    assert_eq!(
        api.get(&user_path(id)).await.body["data"]["status"],
        "creating"
    );

    tokio::time::advance(Duration::from_millis(1)).await;
    let task = api.task(&uuid).await;
    assert_eq!(task["status"], "executed");
    assert_eq!(task["response"], json!({"result": "success", "data": id}));
    let user = api.get(&user_path(id)).await.body["data"].clone();
    assert_eq!(user["status"], "ok");
    let name = user["open_stack_name"].as_str().unwrap();
    assert!(names::is_valid(names::USER_PREFIX, name), "{name}");
}

#[tokio::test(start_paused = true)]
async fn asynchronous_style_answers_the_result_at_once() {
    let api = Api::with(config(AsyncStyle::Asynchronous));
    let reply = api.create_user("documented").await;
    assert_eq!(reply.status, 202);
    assert_eq!(reply.body["result"], "asynchronous");
    let id = reply.body["data"].as_u64().unwrap();
    assert_eq!(
        api.get(&user_path(id)).await.body["data"]["status"],
        "creating"
    );
    api.elapse().await;
    assert_eq!(api.get(&user_path(id)).await.body["data"]["status"], "ok");

    let reply = api
        .patch(&user_path(id), json!({"description": "changed"}))
        .await;
    assert_eq!(reply.body, json!({"result": "asynchronous", "data": true}));
    assert_eq!(
        api.get(&user_path(id)).await.body["data"]["status"],
        "updating"
    );
    api.elapse().await;
    assert_eq!(
        api.get(&user_path(id)).await.body["data"]["description"],
        "changed"
    );

    let reply = api.delete(&user_path(id)).await;
    assert_eq!(reply.body, json!({"result": "asynchronous", "data": true}));
    api.elapse().await;
    assert_eq!(api.get(&user_path(id)).await.code(), "object_not_found");

    let openrc = api.get(&format!("{}/openrc", user_path(3001))).await;
    assert_eq!(openrc.status, 200);
    assert!(
        openrc.body["data"]
            .as_str()
            .unwrap()
            .contains("OS_USERNAME")
    );
}

#[tokio::test(start_paused = true)]
async fn patch_applies_at_completion_and_moves_updated_at() {
    let api = Api::new();
    let id = api.created_user("before").await;
    let before = api.get(&user_path(id)).await.body["data"].clone();
    tokio::time::advance(Duration::from_secs(100)).await;

    let reply = api
        .patch(&user_path(id), json!({"description": "after"}))
        .await;
    assert_eq!(reply.status, 202);
    let uuid = reply.body["data"].as_str().unwrap().to_owned();
    let during = api.get(&user_path(id)).await.body["data"].clone();
    assert_eq!(during["status"], "updating");
    assert_eq!(during["description"], "before");

    api.elapse().await;
    let task = api.task(&uuid).await;
    assert_eq!(task["response"], json!({"result": "success", "data": true}));
    let after = api.get(&user_path(id)).await.body["data"].clone();
    assert_eq!(after["status"], "ok");
    assert_eq!(after["description"], "after");
    assert!(after["updated_at"].as_i64() > before["updated_at"].as_i64());
    assert_eq!(after["created_at"], before["created_at"]);
}

#[tokio::test(start_paused = true)]
async fn delete_reads_deleting_then_not_found() {
    let api = Api::new();
    let id = api.created_user("doomed").await;
    let reply = api.delete(&user_path(id)).await;
    assert_eq!(reply.status, 202);
    let uuid = reply.body["data"].as_str().unwrap().to_owned();
    assert_eq!(
        api.get(&user_path(id)).await.body["data"]["status"],
        "deleting"
    );
    let again = api.patch(&user_path(id), json!({"description": "x"})).await;
    assert_eq!(again.code(), "object_not_found");

    api.elapse().await;
    assert_eq!(api.task(&uuid).await["response"]["data"], true);
    let gone = api.get(&user_path(id)).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.code(), "object_not_found");
    assert_eq!(api.delete(&user_path(id)).await.status, 404);
}

#[tokio::test(start_paused = true)]
async fn invitations_and_password_changes_are_tracked() {
    let api = Api::new();
    let reply = api
        .post(
            &format!("{USERS}/invite"),
            json!({"email": "dev@example.org"}),
        )
        .await;
    assert_eq!(reply.status, 202);
    api.elapse().await;
    let task = api.task(reply.body["data"].as_str().unwrap()).await;
    let id = task["response"]["data"].as_u64().unwrap();
    let user = api.control_user(id).await;
    assert_eq!(user["password_set"], false);
    assert_eq!(user["invitations"], 1);

    let path = format!("{}/invite", user_path(id));
    let reply = api.post(&path, json!({"email": "other@example.org"})).await;
    assert_eq!(reply.status, 202);
    api.elapse().await;
    assert_eq!(api.control_user(id).await["invitations"], 2);

    let body = json!({"password": "N3wPassword", "email": "third@example.org"});
    api.patch(&user_path(id), body).await;
    api.elapse().await;
    let user = api.control_user(id).await;
    assert_eq!(user["password_set"], true);
    assert_eq!(user["invitations"], 3);
}

#[tokio::test(start_paused = true)]
async fn validation_lists_one_entry_per_field() {
    let api = Api::new();
    let reply = api.post(USERS, json!({"description": "no/slashes"})).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.code(), "validation_failed");
    let expected = [
        ("password".to_owned(), "validation.required".to_owned()),
        ("description".to_owned(), "validation.regex".to_owned()),
    ];
    assert_eq!(reply.field_errors(), expected);

    for (password, code) in [
        ("Short1", "validation.password_unified_min"),
        ("nouppercase1", "validation.password_unified_upper"),
        ("NoDigitsHere", "validation.password_unified_numeric"),
    ] {
        let reply = api.post(USERS, json!({"password": password})).await;
        assert_eq!(
            reply.field_errors(),
            [("password".to_owned(), code.to_owned())]
        );
    }

    let long = "a".repeat(251);
    let reply = api
        .post(USERS, json!({"password": "Valid123", "description": long}))
        .await;
    assert_eq!(reply.field_errors()[0].1, "validation.max.string");

    let reply = api
        .post(&format!("{USERS}/invite"), json!({"email": "nope"}))
        .await;
    assert_eq!(
        reply.field_errors(),
        [("email".to_owned(), "validation.email".to_owned())]
    );
    let reply = api.post(&format!("{USERS}/invite"), json!({})).await;
    assert_eq!(reply.field_errors()[0].1, "validation.required");
    let reply = api
        .patch(&user_path(3001), json!({"email": "x@y", "password": "a"}))
        .await;
    assert_eq!(reply.field_errors().len(), 2);
    let reply = api
        .post(&format!("{}/invite", user_path(3001)), json!({}))
        .await;
    assert_eq!(reply.status, 422);

    let users = api.control("GET", "/users", None).await;
    assert_eq!(
        users.body["users"].as_array().unwrap().len(),
        1,
        "nothing created"
    );
}

#[tokio::test(start_paused = true)]
async fn unknown_ids_answer_object_not_found() {
    let api = Api::new();
    for path in [
        user_path(999_999),
        "/1/public_clouds/1001/projects/2001/users/abc".to_owned(),
        "/1/public_clouds/1001/projects/9/users/3001".to_owned(),
        "/1/public_clouds/9/projects/2001/users/3001".to_owned(),
        "/1/public_clouds/1001/projects/9/users".to_owned(),
        "/1/async/tasks/00000000-0000-0000-0000-000000000000".to_owned(),
    ] {
        let reply = api.get(&path).await;
        assert_eq!(reply.status, 404, "{path}");
        assert_eq!(reply.code(), "object_not_found", "{path}");
    }
    let reply = api
        .post("/1/public_clouds/1001/projects/9/users", json!({}))
        .await;
    assert_eq!(reply.code(), "object_not_found");
}

#[tokio::test(start_paused = true)]
async fn lists_page_filter_count_and_order() {
    let api = Api::with(Config {
        latency: Duration::ZERO,
        ..config(AsyncStyle::Asynchronous)
    });
    for i in 0..6 {
        assert_eq!(api.create_user(&format!("batch {i}")).await.status, 202);
    }
    api.control("PATCH", "/users/3001", Some(json!({"status": "error"})))
        .await;

    let page = api.get(&format!("{USERS}?page=2&per_page=3")).await.body;
    assert_eq!(page["total"], 7);
    assert_eq!(page["pages"], 3);
    assert_eq!(page["page"], 2);
    assert_eq!(page["items_per_page"], 3);
    assert_eq!(page["data"].as_array().unwrap().len(), 3);

    let sliced = api.get(&format!("{USERS}?limit=2&skip=6")).await.body;
    assert_eq!(sliced["data"].as_array().unwrap().len(), 1);
    assert!(sliced.get("total").is_none());

    assert_eq!(
        api.get(&format!("{USERS}?return=total")).await.body["data"],
        7
    );
    let found = api.get(&format!("{USERS}?search=batch%203")).await.body;
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
    let errors = api.get(&format!("{USERS}?status=error")).await.body;
    assert_eq!(errors["data"][0]["public_cloud_user_id"], 3001);
    let desc = api
        .get(&format!("{USERS}?order_by=description&order=desc"))
        .await
        .body;
    assert_eq!(desc["data"][0]["description"], "first user");
    let bad = api.get(&format!("{USERS}?per_page=0&page=1")).await;
    assert_eq!(bad.status, 422);

    let names: std::collections::HashSet<_> = api.get(USERS).await.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["open_stack_name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 7, "names are unique");
}

#[tokio::test(start_paused = true)]
async fn credential_files_never_hold_the_password() {
    let api = Api::new();
    let id = api.created_user("creds").await;
    let user = api.get(&user_path(id)).await.body["data"].clone();
    let name = user["open_stack_name"].as_str().unwrap();

    let reply = api
        .get(&format!("{}/openrc?region=pub2", user_path(id)))
        .await;
    assert_eq!(reply.status, 202);
    assert_eq!(reply.body["result"], "delayed");
    api.elapse().await;
    let task = api.task(reply.body["data"].as_str().unwrap()).await;
    let script = task["response"]["data"].as_str().unwrap().to_owned();
    assert!(script.contains(&format!("OS_USERNAME=\"{name}\"")));
    assert!(script.contains("OS_REGION_NAME=\"dc4-a\""));
    assert!(script.contains("read -sr OS_PASSWORD_INPUT"));
    assert!(!script.contains("Sup3rSecret"));

    let yaml = api
        .get(&format!("{}/authentication/clouds.yaml", user_path(id)))
        .await;
    assert_eq!(yaml.status, 200);
    let text = yaml.body["data"].as_str().unwrap();
    assert!(text.contains(name) && text.contains("dc3-a"));
    assert!(!text.contains("Sup3rSecret"));
    let rc = api
        .get(&format!(
            "{}/authentication/openrc?region=pub1",
            user_path(id)
        ))
        .await;
    assert!(rc.body["data"].as_str().unwrap().contains("OS_AUTH_URL"));

    let bad_type = api
        .get(&format!("{}/authentication/kubeconfig", user_path(id)))
        .await;
    assert_eq!(bad_type.field_errors()[0].0, "type");
    let bad_region = api
        .get(&format!("{}/openrc?region=pub9", user_path(id)))
        .await;
    assert_eq!(bad_region.field_errors()[0].0, "region");
}
