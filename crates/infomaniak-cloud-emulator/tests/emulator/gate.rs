//! What every API request goes through: authentication, routing errors, the rate limit and
//! the request log.

use std::time::Duration;

use infomaniak_cloud_emulator::Config;
use serde_json::json;

use crate::harness::{Api, USERS};

#[tokio::test(start_paused = true)]
async fn missing_or_wrong_token_is_not_authorized() {
    let api = Api::new();
    for token in [None, Some("wrong")] {
        let reply = api.send("GET", USERS, None, token).await;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.code(), "not_authorized");
        assert_eq!(reply.body["result"], "error");
    }
}

#[tokio::test(start_paused = true)]
async fn unknown_routes_and_methods_are_method_not_found() {
    let api = Api::new();
    for (method, path) in [
        ("GET", "/1/nothing/here"),
        ("PUT", USERS),
        ("POST", "/1/accounts"),
    ] {
        let reply = api.call(method, path, None).await;
        assert_eq!(reply.status, 404, "{method} {path}");
        assert_eq!(reply.code(), "method_not_found", "{method} {path}");
    }
}

#[tokio::test(start_paused = true)]
async fn sliding_window_refuses_the_61st_request_until_room_returns() {
    let api = Api::with(Config::default());
    for i in 0..60 {
        assert_eq!(api.get(USERS).await.status, 200, "request {i}");
        tokio::time::advance(Duration::from_millis(500)).await;
    }
    let refused = api.get(USERS).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.code(), "too_many_requests");
    assert!(refused.headers.get("retry-after").is_none());
    assert_eq!(
        api.control("GET", "/users", None).await.status,
        200,
        "control is free"
    );

    // The first request was 30 s ago; 30 s more lets exactly one more in.
    tokio::time::advance(Duration::from_secs(30)).await;
    assert_eq!(api.get(USERS).await.status, 200);
    assert_eq!(api.get(USERS).await.status, 429);
}

#[tokio::test(start_paused = true)]
async fn zero_rate_limit_disables_the_limit() {
    let api = Api::with(Config {
        rate_limit_per_minute: 0,
        ..Config::default()
    });
    for _ in 0..100 {
        assert_eq!(api.get(USERS).await.status, 200);
    }
}

#[tokio::test(start_paused = true)]
async fn request_log_lists_api_calls_only() {
    let api = Api::new();
    api.get(&format!("{USERS}?page=1&per_page=5")).await;
    api.patch(&format!("{USERS}/3001"), json!({"description": "x"}))
        .await;
    api.send("GET", USERS, None, None).await;
    api.control("GET", "/users", None).await;

    let log = api.control("GET", "/requests", None).await.body;
    assert_eq!(
        log,
        json!({"requests": [
            {"method": "GET", "path": USERS, "query": "page=1&per_page=5", "status": 200},
            {"method": "PATCH", "path": format!("{USERS}/3001"), "query": null, "status": 202},
            {"method": "GET", "path": USERS, "query": null, "status": 401},
        ]})
    );
    assert_eq!(api.control("DELETE", "/requests", None).await.status, 204);
    let log = api.control("GET", "/requests", None).await.body;
    assert_eq!(log["requests"], json!([]));
}
