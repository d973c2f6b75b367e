//! The state file, through real servers started with `Emulator::start`.

use std::time::Duration;

use infomaniak_cloud_emulator::{AsyncStyle, Config, Emulator};
use serde_json::{Value, json};

fn config(state_file: std::path::PathBuf) -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        async_style: AsyncStyle::Asynchronous,
        latency: Duration::ZERO,
        state_file: Some(state_file),
        ..Config::default()
    }
}

async fn call(method: reqwest::Method, url: String, body: Option<Value>) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, url).bearer_auth("emulator-token");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn data_survives_a_restart_from_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");

    let first = Emulator::start(config(path.clone())).await.unwrap();
    assert!(first.base_url().starts_with("http://127.0.0.1:"));
    assert_ne!(first.addr().port(), 0);
    let users = format!(
        "{}/1/public_clouds/1001/projects/2001/users",
        first.base_url()
    );
    let body = json!({"password": "Persist3nt", "description": "kept"});
    let (status, created) = call(reqwest::Method::POST, users.clone(), Some(body)).await;
    assert_eq!(status, 202);
    let id = created["data"].as_u64().unwrap();
    let (_, before) = call(reqwest::Method::GET, format!("{users}/{id}"), None).await;
    first.shutdown().await;

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("Persist3nt"), "passwords are never stored");

    let second = Emulator::start(config(path.clone())).await.unwrap();
    let users = format!(
        "{}/1/public_clouds/1001/projects/2001/users",
        second.base_url()
    );
    let (status, after) = call(reqwest::Method::GET, format!("{users}/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(
        after["data"]["open_stack_name"],
        before["data"]["open_stack_name"]
    );
    assert_eq!(after["data"]["description"], "kept");
    let (_, count) = call(reqwest::Method::GET, format!("{users}?return=total"), None).await;
    assert_eq!(count["data"], 2);
    second.shutdown().await;
}

#[tokio::test]
async fn a_corrupt_state_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    std::fs::write(&path, "{ not json").unwrap();
    assert!(Emulator::start(config(path)).await.is_err());
}

#[tokio::test]
async fn a_state_file_in_a_missing_directory_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("state.json");
    let error = Emulator::start(config(path)).await.err().unwrap();
    assert!(error.to_string().contains("state.json"), "{error}");
}

#[tokio::test]
async fn the_state_file_is_written_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emulator = Emulator::start(config(path.clone())).await.unwrap();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(saved["account_id"], 1000);
    emulator.shutdown().await;
}
