//! Drives the emulator's router in-process, one request at a time, on tokio's paused clock.

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request};
use http_body_util::BodyExt;
use infomaniak_cloud_emulator::{AsyncStyle, Config, router};
use serde_json::Value;
use tower::ServiceExt;

/// Users collection of the seeded project.
pub const USERS: &str = "/1/public_clouds/1001/projects/2001/users";
/// The seeded project.
pub const PROJECT: &str = "/1/public_clouds/1001/projects/2001";

/// One answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The error code of an error envelope.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// `(attribute, code)` of each validation entry.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.body["error"]["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                (
                    e["context"]["attribute"].as_str().unwrap().to_owned(),
                    e["code"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    }
}

/// An in-process emulator.
pub struct Api {
    router: Router,
    pub latency: Duration,
}

/// The default configuration with a 3 s latency and the given style.
pub fn config(style: AsyncStyle) -> Config {
    Config {
        async_style: style,
        latency: Duration::from_secs(3),
        ..Config::default()
    }
}

impl Api {
    /// Delayed style, 3 s latency.
    pub fn new() -> Api {
        Api::with(config(AsyncStyle::Delayed))
    }

    /// Any configuration.
    pub fn with(config: Config) -> Api {
        let latency = config.latency;
        Api {
            router: router(config),
            latency,
        }
    }

    /// Sends a request; `token` None sends no Authorization header.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                request = request.header("content-type", "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Authenticated API call.
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        self.send(method, path, body, Some("emulator-token")).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call("GET", path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call("POST", path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.call("PATCH", path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call("DELETE", path, None).await
    }

    /// Control API call (no token).
    pub async fn control(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        self.send(method, &format!("/_emulator{path}"), body, None)
            .await
    }

    /// Creates a user with a valid password; answers the 202 reply.
    pub async fn create_user(&self, description: &str) -> Reply {
        let body = serde_json::json!({"password": "Sup3rSecret", "description": description});
        self.post(USERS, body).await
    }

    /// The task's data.
    pub async fn task(&self, uuid: &str) -> Value {
        let reply = self.get(&format!("/1/async/tasks/{uuid}")).await;
        assert_eq!(reply.status, 200, "{reply:?}");
        reply.body["data"].clone()
    }

    /// Creates a user in the delayed style, waits for its task, answers the new id.
    pub async fn created_user(&self, description: &str) -> u64 {
        let reply = self.create_user(description).await;
        assert_eq!(reply.status, 202, "{reply:?}");
        let uuid = reply.body["data"].as_str().unwrap().to_owned();
        self.elapse().await;
        let task = self.task(&uuid).await;
        assert_eq!(task["status"], "executed", "{task}");
        task["response"]["data"].as_u64().unwrap()
    }

    /// The control API's view of one user.
    pub async fn control_user(&self, id: u64) -> Value {
        let all = self.control("GET", "/users", None).await.body["users"].clone();
        all.as_array()
            .unwrap()
            .iter()
            .find(|u| u["public_cloud_user_id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Lets one operation latency pass.
    pub async fn elapse(&self) {
        tokio::time::advance(self.latency).await;
    }
}

/// Path of one user of the seeded project.
pub fn user_path(id: u64) -> String {
    format!("{USERS}/{id}")
}
