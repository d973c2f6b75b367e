//! Importing users that exist already.

use serde_json::json;

use crate::harness::{CLOUD, Env, PROJECT, clis, user_block};

/// Creates a user straight through the API, as the web console would, and returns its id.
async fn console_user(env: &Env, description: &str) -> u64 {
    let answer = env
        .api_call(
            "POST",
            &format!("/1/public_clouds/{CLOUD}/projects/{PROJECT}/users"),
            Some(json!({"password": "Console-Passw0rd", "description": description})),
        )
        .await;
    let data = &answer["data"];
    if let Some(id) = data.as_u64() {
        return id;
    }
    let task = data.as_str().expect("task uuid").to_string();
    for _ in 0..100 {
        let task = env
            .api_call("GET", &format!("/1/async/tasks/{task}"), None)
            .await;
        if let Some(id) = task["data"]["response"]["data"].as_u64() {
            return id;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the create task never finished");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_then_plan_changes_only_the_password() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        let user_id = console_user(&env, "Imported").await;
        env.config(&user_block(
            "ci",
            "Imported",
            "password = \"Managed-Passw0rd\"",
        ));

        let id = format!("{CLOUD}/{PROJECT}/{user_id}");
        let run = env
            .run(&[
                "import",
                "-input=false",
                "-no-color",
                "infomaniak_cloud_user.ci",
                &id,
            ])
            .await;
        assert_eq!(run.code, 0, "{}", run.output());
        let user = env.resource("infomaniak_cloud_user.ci").await.unwrap();
        assert_eq!(user["values"]["id"], id);
        assert!(
            user["values"]["username"]
                .as_str()
                .unwrap()
                .starts_with("PCU-")
        );
        assert_eq!(user["values"]["description"], "Imported");

        // The only change is the password, which the API never reveals.
        let plan = env.plan_json().await;
        let change = plan["resource_changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["address"] == "infomaniak_cloud_user.ci")
            .unwrap()
            .clone();
        assert_eq!(change["change"]["actions"], json!(["update"]));
        let before = &change["change"]["before"];
        let after = &change["change"]["after"];
        for attribute in [
            "description",
            "username",
            "user_id",
            "project_id",
            "created_at",
        ] {
            assert_eq!(
                before[attribute], after[attribute],
                "{attribute} must not change"
            );
        }

        // Applying sets the password with one PATCH; then nothing is left to do.
        env.clear_requests().await;
        env.apply().await;
        let patches: Vec<String> = env
            .requests()
            .await
            .into_iter()
            .filter(|r| r.starts_with("PATCH"))
            .collect();
        assert_eq!(patches.len(), 1, "{patches:?}");
        assert_eq!(env.plan().await.code, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_accepts_commas_and_explains_bad_ids() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        let user_id = console_user(&env, "Imported").await;
        env.config(&user_block(
            "ci",
            "Imported",
            "password = \"Managed-Passw0rd\"",
        ));

        let bad = env
            .run(&[
                "import",
                "-input=false",
                "-no-color",
                "infomaniak_cloud_user.ci",
                "PCU-1234567",
            ])
            .await;
        assert_ne!(bad.code, 0);
        assert!(
            bad.output()
                .contains("<public_cloud_id>/<project_id>/<user_id>"),
            "the error shows the expected form:\n{}",
            bad.output()
        );

        let id = format!("{CLOUD},{PROJECT},{user_id}");
        let run = env
            .run(&[
                "import",
                "-input=false",
                "-no-color",
                "infomaniak_cloud_user.ci",
                &id,
            ])
            .await;
        assert_eq!(run.code, 0, "{}", run.output());
        let user = env.resource("infomaniak_cloud_user.ci").await.unwrap();
        assert_eq!(user["values"]["id"], format!("{CLOUD}/{PROJECT}/{user_id}"));

        // Importing a user that does not exist fails clearly.
        env.config(&format!(
            "{}{}",
            user_block("ci", "Imported", "password = \"Managed-Passw0rd\""),
            user_block("other", "Other", "password = \"Managed-Passw0rd\"")
        ));
        let missing = env
            .run(&[
                "import",
                "-input=false",
                "-no-color",
                "infomaniak_cloud_user.other",
                &format!("{CLOUD}/{PROJECT}/999999"),
            ])
            .await;
        assert_ne!(missing.code, 0);
        assert!(
            missing.output().contains("non-existent"),
            "{}",
            missing.output()
        );
    }
}
