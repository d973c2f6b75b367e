//! Shared harness: an emulator in this process, a client pointed at it, and the
//! emulator's control API (faults, request log).

#![allow(dead_code)]

use std::ops::RangeBounds;
use std::time::Duration;

use infomaniak_api::{CancellationToken, Client, ClientConfig, CreateUser, Wait};
use infomaniak_cloud_emulator::{AsyncStyle, Config, Emulator};
use serde_json::{Value, json};

pub const ACCOUNT: u64 = 1000;
pub const CLOUD: u64 = 1001;
pub const PROJECT: u64 = 2001;
pub const TOKEN: &str = "emulator-token";
pub const PASSWORD: &str = "Corr3ctHorseBattery";

pub struct Harness {
    pub emu: Emulator,
    pub client: Client,
    control: reqwest::Client,
}

/// An emulator answering in `style` with a short task latency and no rate limit.
pub async fn start(style: AsyncStyle) -> Harness {
    start_with(
        Config {
            async_style: style,
            latency: Duration::from_secs(3),
            rate_limit_per_minute: 0,
            ..emulator_config()
        },
        |_| {},
    )
    .await
}

pub fn emulator_config() -> Config {
    Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Config::default()
    }
}

pub async fn start_with(config: Config, tweak: impl FnOnce(&mut ClientConfig)) -> Harness {
    let emu = Emulator::start(config).await.expect("emulator starts");
    let client = Client::new(client_config(&emu.base_url(), tweak)).expect("client builds");
    Harness {
        emu,
        client,
        control: reqwest::Client::new(),
    }
}

pub fn client_config(base_url: &str, tweak: impl FnOnce(&mut ClientConfig)) -> ClientConfig {
    let mut config = ClientConfig::new(base_url, TOKEN);
    // Under a paused clock tokio jumps to the next timer whenever no task is ready, even
    // with a socket in flight; without a per-request timer such a jump cannot fail a call.
    config.request_timeout = None;
    tweak(&mut config);
    config
}

/// A wait that tolerates several virtual minutes, with a token the test can keep.
pub fn wait(timeout_secs: u64) -> Wait {
    Wait::new(Duration::from_secs(timeout_secs), CancellationToken::new())
}

pub fn new_user(description: &str) -> CreateUser {
    CreateUser {
        password: PASSWORD.into(),
        description: Some(description.into()),
    }
}

impl Harness {
    pub async fn fault(&self, fault: Value) {
        let url = format!("{}/_emulator/faults", self.emu.base_url());
        let response = self.control.post(url).json(&fault).send().await.unwrap();
        assert!(response.status().is_success(), "fault {fault} refused");
    }

    pub async fn requests(&self) -> Vec<Value> {
        let url = format!("{}/_emulator/requests", self.emu.base_url());
        let log: Value = self
            .control
            .get(url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        log["requests"].as_array().cloned().unwrap_or_default()
    }

    pub async fn clear_requests(&self) {
        let url = format!("{}/_emulator/requests", self.emu.base_url());
        self.control.delete(url).send().await.unwrap();
    }

    /// Requests of the log matching `method` and a path ending in `suffix`.
    pub async fn count(&self, method: &str, suffix: &str) -> usize {
        self.requests()
            .await
            .iter()
            .filter(|r| r["method"] == method && r["path"].as_str().unwrap().ends_with(suffix))
            .count()
    }

    pub async fn set_user_status(&self, user: u64, status: &str) {
        let url = format!("{}/_emulator/users/{user}", self.emu.base_url());
        let response = self
            .control
            .patch(url)
            .json(&json!({ "status": status }))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
    }

    /// Creates a user and waits for the operation (not for the user), returning its id.
    pub async fn create_user_id(&self, description: &str) -> u64 {
        let op = self
            .client
            .create_user(CLOUD, PROJECT, &new_user(description))
            .await
            .unwrap();
        self.client.wait_operation(op, &wait(600)).await.unwrap()
    }

    /// Creates a user and waits until it is ready, returning its id.
    pub async fn create_ready_user(&self, description: &str) -> u64 {
        let id = self.create_user_id(description).await;
        self.client
            .wait_user_ready(CLOUD, PROJECT, id, &wait(600))
            .await
            .unwrap();
        id
    }
}

/// Asserts that the time since `started` lies in `range`.
pub fn assert_elapsed(started: tokio::time::Instant, range: impl RangeBounds<Duration>) {
    let elapsed = started.elapsed();
    assert!(range.contains(&elapsed), "{elapsed:?}");
}
