//! Create, change in place, replace and destroy.

use serde_json::json;

use crate::harness::{CLOUD, Env, PROJECT, clis, user_block};

const PASSWORD: &str = "password = \"Initial-Passw0rd\"";

fn is_username(name: &str) -> bool {
    name.len() == 11
        && name.starts_with("PCU-")
        && name[4..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_then_plan_is_empty() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.config(&format!(
            "{}\noutput \"username\" {{ value = infomaniak_cloud_user.ci.username }}\n",
            user_block("ci", "CI runner", PASSWORD)
        ));
        env.apply().await;

        // The state holds the generated name and the ids.
        let user = env
            .resource("infomaniak_cloud_user.ci")
            .await
            .expect("in state");
        let values = &user["values"];
        let username = values["username"].as_str().unwrap();
        assert!(is_username(username), "{username}");
        let user_id = values["user_id"].as_u64().unwrap();
        assert_eq!(values["id"], format!("{CLOUD}/{PROJECT}/{user_id}"));
        assert_eq!(values["status"], "ok");
        assert_eq!(values["description"], "CI runner");
        assert!(values["created_at"].as_str().unwrap().ends_with('Z'));

        // The emulator has the same user.
        let users = env.users().await;
        let remote = users
            .iter()
            .find(|u| u["public_cloud_user_id"] == user_id)
            .expect("user exists in the API");
        assert_eq!(remote["open_stack_name"], username);

        // The output shows it, and a second plan has nothing to do.
        let output = env.run(&["output", "-raw", "username"]).await;
        assert_eq!(output.stdout.trim(), username, "{}", cli.name);
        assert_eq!(env.plan().await.code, 0, "plan after create must be empty");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn description_and_password_change_in_place() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.config(&user_block("ci", "CI runner", PASSWORD));
        env.apply().await;
        let before = env.resource("infomaniak_cloud_user.ci").await.unwrap();
        let user_id = before["values"]["user_id"].as_u64().unwrap();

        // The description changes with one PATCH and no replacement.
        env.config(&user_block("ci", "CI runner v2", PASSWORD));
        assert_eq!(
            env.planned_actions("infomaniak_cloud_user.ci").await,
            ["update"]
        );
        env.clear_requests().await;
        env.apply().await;
        let sent = patches(&env).await;
        assert_eq!(sent.len(), 1, "one PATCH for the description: {sent:?}");
        let after = env.resource("infomaniak_cloud_user.ci").await.unwrap();
        assert_eq!(after["values"]["user_id"], user_id);
        assert_eq!(after["values"]["description"], "CI runner v2");
        let remote = remote_user(&env, user_id).await;
        assert_eq!(remote["description"], "CI runner v2");

        // The password changes with one PATCH too.
        env.config(&user_block(
            "ci",
            "CI runner v2",
            "password = \"Rotated-Passw0rd\"",
        ));
        assert_eq!(
            env.planned_actions("infomaniak_cloud_user.ci").await,
            ["update"]
        );
        env.clear_requests().await;
        env.apply().await;
        assert_eq!(patches(&env).await.len(), 1, "one PATCH for the password");
        let after = env.resource("infomaniak_cloud_user.ci").await.unwrap();
        assert_eq!(after["values"]["user_id"], user_id);
        assert_eq!(env.plan().await.code, 0, "{}", cli.name);

        // Removing the description clears it in place.
        env.config(
            &user_block("ci", "", "password = \"Rotated-Passw0rd\"")
                .replace("description = \"\"\n", ""),
        );
        env.apply().await;
        assert_eq!(remote_user(&env, user_id).await["description"], "");
        assert_eq!(
            env.plan().await.code,
            0,
            "no perpetual diff on an unset description"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_project_replaces_the_user() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        let project = create_project(&env).await;
        env.config(&user_block("ci", "CI runner", PASSWORD));
        env.apply().await;
        let old_id = env.resource("infomaniak_cloud_user.ci").await.unwrap()["values"]["user_id"]
            .as_u64()
            .unwrap();

        let moved = user_block("ci", "CI runner", PASSWORD).replace(
            &format!("project_id = {PROJECT}"),
            &format!("project_id = {project}"),
        );
        env.config(&moved);
        assert_eq!(
            env.planned_actions("infomaniak_cloud_user.ci").await,
            ["delete", "create"]
        );
        env.apply().await;
        let new = env.resource("infomaniak_cloud_user.ci").await.unwrap();
        assert_eq!(new["values"]["project_id"], project);
        assert_ne!(new["values"]["user_id"], old_id);
        let users = env.users().await;
        assert!(
            !users.iter().any(|u| u["public_cloud_user_id"] == old_id),
            "the old user is deleted"
        );
        assert_eq!(env.plan().await.code, 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitation_then_destroy() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.config(&user_block(
            "guest",
            "Guest",
            "invite_email = \"guest@example.com\"",
        ));
        env.apply().await;
        let user_id =
            env.resource("infomaniak_cloud_user.guest").await.unwrap()["values"]["user_id"]
                .as_u64()
                .unwrap();
        let remote = remote_user(&env, user_id).await;
        assert_eq!(remote["invitations"], 1, "one link sent: {remote}");
        assert_eq!(env.plan().await.code, 0);

        // A new address sends a new link, in place.
        env.config(&user_block(
            "guest",
            "Guest",
            "invite_email = \"other@example.com\"",
        ));
        assert_eq!(
            env.planned_actions("infomaniak_cloud_user.guest").await,
            ["update"]
        );
        env.apply().await;
        assert_eq!(remote_user(&env, user_id).await["invitations"], 2);

        let run = env
            .run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .await;
        assert_eq!(run.code, 0, "{}", run.output());
        assert!(
            !env.users()
                .await
                .iter()
                .any(|u| u["public_cloud_user_id"] == user_id),
            "destroy deletes the user"
        );
    }
}

async fn patches(env: &Env) -> Vec<String> {
    env.requests()
        .await
        .into_iter()
        .filter(|r| r.starts_with("PATCH "))
        .collect()
}

pub async fn remote_user(env: &Env, user_id: u64) -> serde_json::Value {
    env.users()
        .await
        .into_iter()
        .find(|u| u["public_cloud_user_id"] == user_id)
        .expect("user exists in the API")
}

/// Creates a second project through the API and returns its id once it is ready.
async fn create_project(env: &Env) -> u64 {
    let answer = env
        .api_call(
            "POST",
            &format!("/1/public_clouds/{CLOUD}/projects"),
            Some(json!({"project_name": "second", "user_password": "Project-Passw0rd"})),
        )
        .await;
    let data = &answer["data"];
    let project = if let Some(id) = data.as_u64() {
        id
    } else {
        // A delayed answer: poll the task for the new id.
        let task = data.as_str().expect("task uuid").to_string();
        loop {
            let task = env
                .api_call("GET", &format!("/1/async/tasks/{task}"), None)
                .await;
            if let Some(id) = task["data"]["response"]["data"].as_u64() {
                break id;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        }
    };
    // Wait until the project is ready.
    for _ in 0..50 {
        let answer = env
            .api_call(
                "GET",
                &format!("/1/public_clouds/{CLOUD}/projects/{project}"),
                None,
            )
            .await;
        if answer["data"]["status"] == "ok" {
            return project;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("project {project} never became ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshing_many_users_costs_one_list() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.config(
            "resource \"infomaniak_cloud_user\" \"team\" {\n  count = 4\n  public_cloud_id = 1001\n  \
             project_id = 2001\n  description = \"Member ${count.index}\"\n  \
             password = \"Member-Passw0rd-${count.index}\"\n}\n",
        );
        env.apply().await;
        env.clear_requests().await;

        assert_eq!(env.plan().await.code, 0);
        assert_eq!(
            env.requests().await,
            [format!(
                "GET /1/public_clouds/{CLOUD}/projects/{PROJECT}/users"
            )],
            "the plan's four reads are served by one list"
        );
    }
}
