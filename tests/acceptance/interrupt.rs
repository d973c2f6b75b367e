//! Ctrl-C during a long wait stops promptly and keeps what is known in state.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::{Env, clis, user_block};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupt_while_the_user_becomes_ready_keeps_it() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.fault(json!({"fault": "stuck_creating"})).await;
        interrupted_create_keeps_the_user(&env).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupt_while_the_create_task_runs_keeps_the_user() {
    for cli in clis() {
        // The task itself takes long, so the new user's id is not known yet at Ctrl-C.
        let env = Env::start_with(&cli, |config: &mut infomaniak_cloud_emulator::Config| {
            config.latency = Duration::from_secs(6);
        })
        .await;
        interrupted_create_keeps_the_user(&env).await;
    }
}

async fn interrupted_create_keeps_the_user(env: &Env) {
    {
        env.config(&user_block(
            "ci",
            "CI runner",
            "password = \"Initial-Passw0rd\"",
        ));

        // Start the apply in its own process group, as a shell runs a foreground job.
        let apply = tokio::process::Command::new(&env.cli.path)
            .args(["apply", "-auto-approve", "-input=false", "-no-color"])
            .current_dir(env.dir.path())
            .env("TF_CLI_CONFIG_FILE", env.dir.path().join("cli.tfrc"))
            .env("INFOMANIAK_HOST", &env.api)
            .env("INFOMANIAK_TOKEN", crate::harness::TOKEN)
            .env("CHECKPOINT_DISABLE", "1")
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("apply starts");
        let group = apply.id().expect("pid");

        // Once the API has the user, the provider is waiting for it to become ready.
        let deadline = Instant::now() + Duration::from_secs(60);
        while env
            .users()
            .await
            .iter()
            .all(|u| u["description"] != "CI runner")
        {
            assert!(
                Instant::now() < deadline,
                "the create never reached the API"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;

        // Ctrl-C reaches the whole foreground group: Terraform and the provider.
        let interrupted = Instant::now();
        let status = std::process::Command::new("kill")
            .args(["-INT", "--", &format!("-{group}")])
            .status()
            .unwrap();
        assert!(status.success());
        let output = tokio::time::timeout(Duration::from_secs(30), apply.wait_with_output())
            .await
            .expect("apply stops promptly after Ctrl-C")
            .unwrap();
        let stopped_after = interrupted.elapsed();
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !output.status.success(),
            "an interrupted apply fails:\n{text}"
        );
        assert!(
            stopped_after < Duration::from_secs(20),
            "took {stopped_after:?}"
        );

        // The user the API made is in state, tainted.
        env.tainted("infomaniak_cloud_user.ci").await;

        // The next apply replaces it: in the end one user, and it is the tracked one.
        env.apply().await;
        env.assert_one_tracked_user("infomaniak_cloud_user.ci", "CI runner")
            .await;
    }
}
