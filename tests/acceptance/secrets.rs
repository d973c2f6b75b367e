//! Secrets never reach logs, even at the most verbose level.

use crate::harness::{Env, TOKEN, clis, user_block};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trace_logs_hold_no_token_password_or_email() {
    let password = "Trace-Secret-Passw0rd";
    let email = "hidden.person@example.com";
    for cli in clis() {
        let env = Env::start(&cli).await;
        env.config(&format!(
            "{}{}",
            user_block("a", "User a", &format!("password = \"{password}\"")),
            user_block("b", "User b", &format!("invite_email = \"{email}\""))
        ));
        let trace = [("TF_LOG", "trace")];
        let apply = env
            .run_with(
                &["apply", "-auto-approve", "-input=false", "-no-color"],
                &trace,
            )
            .await;
        assert_eq!(apply.code, 0, "{}", apply.stdout);
        let plan = env
            .run_with(&["plan", "-input=false", "-no-color"], &trace)
            .await;
        assert_eq!(plan.code, 0);

        for run in [&apply, &plan] {
            let output = run.output();
            // The provider did log at trace level, through the host.
            assert!(
                output.contains("provider.infomaniak")
                    || output.contains("terraform-provider-infomaniak"),
                "provider logs reach the host"
            );
            for secret in [TOKEN, password, email] {
                assert!(
                    !output.contains(secret),
                    "a secret appears in the {} output",
                    cli.name
                );
            }
        }
    }
}
