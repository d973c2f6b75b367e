//! The API misbehaving: each fault the emulator can inject, met by a real apply.

use serde_json::json;

use crate::harness::{Env, clis, user_block};

const PASSWORD: &str = "password = \"Initial-Passw0rd\"";

fn with_create_timeout(timeout: &str) -> String {
    user_block("ci", "CI runner", PASSWORD).replace(
        "\n}\n",
        &format!("\n  timeouts {{\n    create = \"{timeout}\"\n  }}\n}}\n"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_timeout_leaves_a_tainted_user() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.fault(json!({"fault": "stuck_creating"})).await;
        env.config(&with_create_timeout("4s"));
        let run = env.apply_fails().await;
        assert!(
            run.output().contains("did not become ready"),
            "{}",
            run.output()
        );

        // The user is tracked, tainted, so the next apply replaces it.
        let user = env.tainted("infomaniak_cloud_user.ci").await;
        let user_id = user["values"]["user_id"].as_u64().unwrap();
        assert!(
            env.users()
                .await
                .iter()
                .any(|u| u["public_cloud_user_id"] == user_id)
        );
        assert_eq!(
            env.planned_actions("infomaniak_cloud_user.ci").await,
            ["delete", "create"]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_while_the_create_task_runs_keeps_the_user() {
    for cli in clis() {
        let env = Env::start_with(&cli, |config: &mut infomaniak_cloud_emulator::Config| {
            config.latency = std::time::Duration::from_secs(6);
        })
        .await;
        env.config(&with_create_timeout("2s"));
        let run = env.apply_fails().await;
        assert!(
            run.output().contains("User creation not confirmed"),
            "{}",
            run.output()
        );

        // The user the API is still making is tracked, so no second one is left behind.
        env.tainted("infomaniak_cloud_user.ci").await;
        env.config(&user_block("ci", "CI runner", PASSWORD));
        env.apply().await;
        env.assert_one_tracked_user("infomaniak_cloud_user.ci", "CI runner")
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_task_is_a_clear_error_and_leaves_nothing() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.fault(json!({"fault": "task_failed"})).await;
        env.config(&user_block("ci", "CI runner", PASSWORD));
        let run = env.apply_fails().await;
        assert!(
            run.output().contains("Failed to create user"),
            "{}",
            run.output()
        );
        assert!(env.resource("infomaniak_cloud_user.ci").await.is_none());

        // Nothing was made, so a second apply simply creates the user.
        env.apply().await;
        assert_eq!(env.plan().await.code, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_status_keeps_the_user_tainted() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.fault(json!({"fault": "user_error"})).await;
        env.config(&user_block("ci", "CI runner", PASSWORD));
        let run = env.apply_fails().await;
        assert!(run.output().contains("error"), "{}", run.output());
        let user = env.tainted("infomaniak_cloud_user.ci").await;
        assert_eq!(user["values"]["status"], "error");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_storm_is_ridden_out() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.fault(json!({"fault": "rate_limited", "count": 4}))
            .await;
        env.fault(json!({"fault": "rate_limited", "count": 2, "retry_after": 1}))
            .await;
        env.config(&format!(
            "{}{}",
            user_block("a", "User a", PASSWORD),
            user_block("b", "User b", PASSWORD)
        ));
        env.apply().await;
        let log = env.control("GET", "/requests", None).await;
        let limited = log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == 429)
            .count();
        assert!(limited >= 1, "the storm happened: {log}");
        assert_eq!(env.plan().await.code, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_answering_500_adopts_the_user_it_made() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.fault(json!({"fault": "create_500"})).await;
        env.config(&user_block("ci", "CI runner", PASSWORD));
        env.apply().await;

        // Exactly one user with that description exists, and it is the one in state.
        let users: Vec<_> = env
            .users()
            .await
            .into_iter()
            .filter(|u| u["description"] == "CI runner")
            .collect();
        assert_eq!(users.len(), 1, "no twin was created: {users:?}");
        let user = env.resource("infomaniak_cloud_user.ci").await.unwrap();
        assert_eq!(user["values"]["user_id"], users[0]["public_cloud_user_id"]);
        let posts = env
            .requests()
            .await
            .into_iter()
            .filter(|r| r.starts_with("POST"))
            .count();
        assert_eq!(posts, 1, "the create was not sent twice");
        assert_eq!(env.plan().await.code, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_found_right_after_create_is_waited_out() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.fault(json!({"fault": "not_found_after_create", "reads": 2}))
            .await;
        env.config(&user_block("ci", "CI runner", PASSWORD));
        env.apply().await;
        let user = env.resource("infomaniak_cloud_user.ci").await.unwrap();
        assert_eq!(user["values"]["status"], "ok");
        assert_ne!(user["tainted"], true);
        assert_eq!(env.plan().await.code, 0);
    }
}
