//! Changes made outside Terraform, as in the web console, show up in plans.

use serde_json::json;

use crate::harness::{Env, clis, user_block};

const PASSWORD: &str = "password = \"Initial-Passw0rd\"";

async fn created(env: &Env) -> u64 {
    env.config(&user_block("ci", "CI runner", PASSWORD));
    env.apply().await;
    env.resource("infomaniak_cloud_user.ci").await.unwrap()["values"]["user_id"]
        .as_u64()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_in_console_plan_proposes_create() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        let user_id = created(&env).await;
        env.control("DELETE", &format!("/users/{user_id}"), None)
            .await;

        let plan = env.plan().await;
        assert_eq!(plan.code, 2, "{}", plan.output());
        assert_eq!(
            env.planned_actions("infomaniak_cloud_user.ci").await,
            ["create"]
        );

        // Applying creates a new user, and the plan is clean again.
        env.apply().await;
        let new_id = env.resource("infomaniak_cloud_user.ci").await.unwrap()["values"]["user_id"]
            .as_u64()
            .unwrap();
        assert_ne!(new_id, user_id);
        assert_eq!(env.plan().await.code, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn description_changed_in_console_shows_as_drift() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        let user_id = created(&env).await;
        env.control(
            "PATCH",
            &format!("/users/{user_id}"),
            Some(json!({"description": "edited by hand"})),
        )
        .await;

        let plan = env.plan().await;
        assert_eq!(plan.code, 2, "{}", plan.output());
        assert!(
            plan.stdout.contains("\"edited by hand\" -> \"CI runner\""),
            "plan shows the drifted value:\n{}",
            plan.stdout
        );
        assert_eq!(
            env.planned_actions("infomaniak_cloud_user.ci").await,
            ["update"]
        );
        env.apply().await;
        assert_eq!(env.plan().await.code, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destroy_when_already_deleted_succeeds() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        let user_id = created(&env).await;
        env.control("DELETE", &format!("/users/{user_id}"), None)
            .await;

        // Destroy without refreshing first, so the provider's delete meets the 404.
        let run = env
            .run(&[
                "destroy",
                "-auto-approve",
                "-refresh=false",
                "-input=false",
                "-no-color",
            ])
            .await;
        assert_eq!(run.code, 0, "{}", run.output());
        assert!(env.resource("infomaniak_cloud_user.ci").await.is_none());
    }
}
