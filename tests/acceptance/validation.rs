//! Bad input is refused at plan time, with the attribute named, before any API write.

use crate::harness::{Env, clis, user_block};

async fn refused(env: &Env, config: &str, expected: &[&str]) {
    env.config(config);
    env.clear_requests().await;
    let run = env.run(&["plan", "-input=false", "-no-color"]).await;
    assert_eq!(run.code, 1, "plan must fail:\n{}", run.output());
    let output = run.output();
    for text in expected {
        assert!(output.contains(text), "expected {text:?} in:\n{output}");
    }
    let writes: Vec<String> = env
        .requests()
        .await
        .into_iter()
        .filter(|r| !r.starts_with("GET"))
        .collect();
    assert!(writes.is_empty(), "no write reaches the API: {writes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_is_refused_at_plan() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        refused(
            &env,
            &user_block("ci", "CI runner", "password = \"weak\""),
            &[
                "Password does not meet the policy",
                "password",
                "at least 8 characters",
            ],
        )
        .await;
        refused(
            &env,
            &user_block("ci", "semi;colon", "password = \"Good-Passw0rd\""),
            &["Invalid description", "description"],
        )
        .await;
        refused(
            &env,
            &user_block("ci", &"x".repeat(251), "password = \"Good-Passw0rd\""),
            &["at most 250"],
        )
        .await;
        refused(
            &env,
            &user_block(
                "ci",
                "CI",
                "password = \"Good-Passw0rd\"\n  invite_email = \"a@example.com\"",
            ),
            &["Conflicting arguments", "invite_email"],
        )
        .await;
        refused(
            &env,
            &user_block("ci", "CI", ""),
            &["Missing credentials", "password"],
        )
        .await;
        refused(
            &env,
            &user_block("ci", "CI", "invite_email = \"not-an-address\""),
            &["Invalid invitation address"],
        )
        .await;
        refused(
            &env,
            &user_block("ci", "CI", "password = \"Good-Passw0rd\"").replace(
                "\n}\n",
                "\n  timeouts {\n    create = \"ten minutes\"\n  }\n}\n",
            ),
            &["Invalid timeout", "create = \"ten minutes\""],
        )
        .await;
    }
}

/// Runs `command` with one environment variable changed and returns what it printed;
/// the command must fail.
async fn fails_with_env(env: &Env, command: &str, name: &str, value: &str) -> String {
    env.config(&user_block("ci", "CI", "password = \"Good-Passw0rd\""));
    let mut args = vec![command, "-input=false", "-no-color"];
    if command == "apply" {
        args.push("-auto-approve");
    }
    let run = env.run_with(&args, &[(name, value)]).await;
    assert_ne!(run.code, 0, "{}", run.output());
    run.output()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_token_names_both_ways_to_give_it() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        let output = fails_with_env(&env, "plan", "INFOMANIAK_TOKEN", "").await;
        assert!(output.contains("Missing API token"), "{output}");
        assert!(output.contains("INFOMANIAK_TOKEN"), "{output}");
        assert!(output.contains("`token`"), "{output}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_says_what_to_check() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        let output = fails_with_env(&env, "apply", "INFOMANIAK_TOKEN", "not-the-token").await;
        assert!(output.contains("Check the API token"), "{output}");
        assert!(
            !output.contains("not-the-token"),
            "the token is never shown"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_host_variable_is_refused_not_replaced_by_the_public_api() {
    for cli in clis() {
        let env = Env::start(&cli).await;
        // Nothing in state and a create to plan: no API call is due even if this failed.
        let output = fails_with_env(&env, "plan", "INFOMANIAK_HOST", "").await;
        assert!(
            output.contains("INFOMANIAK_HOST is set but empty"),
            "{output}"
        );
    }
}
