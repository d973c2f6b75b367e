//! Refreshing many users of one project costs one list instead of one read per user.

use std::sync::Arc;
use std::time::Duration;

use infomaniak_api::{Client, ClientConfig, CreateUser, Wait};
use infomaniak_cloud_emulator::{AsyncStyle, Config, Emulator};
use serde_json::Value;
use terraform_provider_infomaniak::resources::cloud_user::model::UserKey;
use terraform_provider_infomaniak::resources::cloud_user::reads::UserReads;
use tokio_util::sync::CancellationToken;

const CLOUD: u64 = 1001;
const PROJECT: u64 = 2001;

struct World {
    emulator: Emulator,
    client: Client,
    http: reqwest::Client,
}

impl World {
    async fn start() -> World {
        let emulator = Emulator::start(Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            async_style: AsyncStyle::Asynchronous,
            latency: Duration::from_millis(10),
            rate_limit_per_minute: 0,
            ..Config::default()
        })
        .await
        .unwrap();
        let mut config = ClientConfig::new(emulator.base_url(), "emulator-token");
        config.requests_per_minute = 1000;
        let client = Client::new(config).unwrap();
        World {
            emulator,
            client,
            http: reqwest::Client::new(),
        }
    }

    async fn user(&self, n: usize) -> UserKey {
        let body = CreateUser {
            password: "Batch-Passw0rd".into(),
            description: Some(format!("user {n}")),
        };
        let operation = self
            .client
            .create_user(CLOUD, PROJECT, &body)
            .await
            .unwrap();
        let wait = Wait::new(Duration::from_secs(30), CancellationToken::new())
            .with_delays(Duration::from_millis(20), Duration::from_millis(50));
        let user_id = self.client.wait_operation(operation, &wait).await.unwrap();
        self.client
            .wait_user_ready(CLOUD, PROJECT, user_id, &wait)
            .await
            .unwrap();
        UserKey {
            public_cloud_id: CLOUD,
            project_id: PROJECT,
            user_id,
        }
    }

    async fn requests(&self) -> Vec<String> {
        let url = format!("{}/_emulator/requests", self.emulator.base_url());
        let log: Value = self
            .http
            .get(&url)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let _ = self.http.delete(&url).send().await.unwrap();
        log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["method"].as_str().unwrap(),
                    r["path"].as_str().unwrap()
                )
            })
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_of_one_project_share_one_list() {
    let world = World::start().await;
    let mut keys = Vec::new();
    for n in 0..6 {
        keys.push(world.user(n).await);
    }
    world.requests().await;

    let reads = Arc::new(UserReads::default());
    let tasks: Vec<_> = keys
        .iter()
        .map(|key| {
            let (reads, client, key) = (reads.clone(), world.client.clone(), *key);
            tokio::spawn(async move { reads.get(&client, key).await })
        })
        .collect();
    for (task, key) in tasks.into_iter().zip(&keys) {
        let user = task.await.unwrap().unwrap();
        assert_eq!(user.public_cloud_user_id, key.user_id);
    }

    let sent = world.requests().await;
    assert_eq!(
        sent,
        [format!(
            "GET /1/public_clouds/{CLOUD}/projects/{PROJECT}/users"
        )],
        "six reads, one list"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lone_read_reads_the_user_itself() {
    let world = World::start().await;
    let key = world.user(0).await;
    world.requests().await;

    let reads = UserReads::default();
    let user = reads.get(&world.client, key).await.unwrap();
    assert_eq!(user.description, "user 0");
    assert_eq!(
        world.requests().await,
        [format!(
            "GET /1/public_clouds/{CLOUD}/projects/{PROJECT}/users/{}",
            key.user_id
        )]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_missing_from_the_list_is_confirmed_by_its_own_read() {
    let world = World::start().await;
    let present = world.user(0).await;
    let gone = UserKey {
        user_id: 999_999,
        ..present
    };
    world.requests().await;

    let reads = Arc::new(UserReads::default());
    let (a, b) = tokio::join!(
        reads.get(&world.client, present),
        reads.get(&world.client, gone)
    );
    assert_eq!(a.unwrap().public_cloud_user_id, present.user_id);
    assert!(b.unwrap_err().is_not_found());
    let sent = world.requests().await;
    assert_eq!(
        sent.len(),
        2,
        "one list, then one read of the missing user: {sent:?}"
    );
    assert!(sent[1].ends_with("/users/999999"), "{sent:?}");
}
