//! `password_wo`: the password reaches the API but never the plan or the state.

use crate::harness::{Env, clis, user_block};

fn config(password: &str, version: u32) -> String {
    user_block(
        "ci",
        "CI runner",
        &format!("password_wo = \"{password}\"\n  password_wo_version = {version}"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_only_password_stays_out_of_plan_and_state() {
    let first = "WriteOnly-Passw0rd-One";
    let second = "WriteOnly-Passw0rd-Two";
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.config(&config(first, 1));
        let run = env
            .run(&["plan", "-out=tfplan", "-input=false", "-no-color"])
            .await;
        assert_eq!(run.code, 0, "{}", run.output());
        let show = env.run(&["show", "-json", "tfplan"]).await;
        let plan: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
        // The configuration section echoes the HCL literal; the planned values must not.
        for section in ["planned_values", "resource_changes"] {
            let text = plan[section].to_string();
            assert!(
                !text.contains(first),
                "the {section} of the plan hold no password"
            );
        }
        let apply = env
            .run(&["apply", "-input=false", "-no-color", "tfplan"])
            .await;
        assert_eq!(apply.code, 0, "{}", apply.output());

        // The user has a password, and neither state form holds it.
        let user = env.resource("infomaniak_cloud_user.ci").await.unwrap();
        assert!(user["values"]["password_wo"].is_null(), "{user}");
        assert_eq!(user["values"]["password_wo_version"], 1);
        let user_id = user["values"]["user_id"].as_u64().unwrap();
        let remote = crate::lifecycle::remote_user(&env, user_id).await;
        assert_eq!(remote["password_set"], true, "{remote}");
        let raw = std::fs::read_to_string(env.dir.path().join("terraform.tfstate")).unwrap();
        assert!(!raw.contains(first), "the state file holds no password");
        assert_eq!(env.plan().await.code, 0, "no perpetual diff");

        // A new password with a new version is one PATCH, in place.
        env.config(&config(second, 2));
        assert_eq!(
            env.planned_actions("infomaniak_cloud_user.ci").await,
            ["update"]
        );
        env.clear_requests().await;
        env.apply().await;
        let patches = env
            .requests()
            .await
            .into_iter()
            .filter(|r| r.starts_with("PATCH"))
            .count();
        assert_eq!(patches, 1);
        let raw = std::fs::read_to_string(env.dir.path().join("terraform.tfstate")).unwrap();
        assert!(!raw.contains(second));
        assert_eq!(env.plan().await.code, 0);
    }
}
