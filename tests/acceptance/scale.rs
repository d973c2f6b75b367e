//! Many users at Terraform's default parallelism stay within the API's quota.

use infomaniak_cloud_emulator::Config;

use crate::harness::{Env, clis};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_users_within_sixty_requests_a_minute() {
    // One CLI is enough: this is about the provider's pacing, and it takes a while.
    let cli = &clis()[0];
    let env = Env::start_with(cli, |config: &mut Config| {
        config.rate_limit_per_minute = 60;
    })
    .await;
    env.config(
        "resource \"infomaniak_cloud_user\" \"many\" {\n  count = 20\n  public_cloud_id = 1001\n  \
         project_id = 2001\n  description = \"Worker ${count.index}\"\n  \
         password = \"Worker-Passw0rd-${count.index}\"\n}\n",
    );
    env.apply().await;

    let log = env.control("GET", "/requests", None).await;
    let limited = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == 429)
        .count();
    assert_eq!(limited, 0, "the provider never exceeds the quota");
    let users = env.users().await;
    let workers = users
        .iter()
        .filter(|u| {
            u["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("Worker "))
        })
        .count();
    assert_eq!(workers, 20);
}
