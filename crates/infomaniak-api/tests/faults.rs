//! The client against each fault the emulator can inject.

mod common;

use std::time::Duration;

use common::*;
use infomaniak_api::{CancellationToken, Client, Error, Operation, Wait};
use infomaniak_cloud_emulator::{AsyncStyle, Config};
use serde_json::json;
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn rate_limit_storm_with_retry_after_is_waited_out() {
    let h = start(AsyncStyle::Delayed).await;
    let id = h.create_ready_user("storm").await;
    h.clear_requests().await;

    h.fault(json!({"fault": "rate_limited", "count": 3, "retry_after": 5}))
        .await;
    let started = Instant::now();
    let user = h.client.get_user(CLOUD, PROJECT, id).await.unwrap();
    assert_eq!(user.public_cloud_user_id, id);
    assert_elapsed(started, Duration::from_secs(15)..);

    let statuses: Vec<u64> = h
        .requests()
        .await
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![429, 429, 429, 200]);
}

#[tokio::test(start_paused = true)]
async fn rate_limit_storm_without_retry_after_backs_off_further_each_time() {
    let h = start(AsyncStyle::Delayed).await;
    let id = h.create_ready_user("storm").await;

    h.fault(json!({"fault": "rate_limited", "count": 4})).await;
    let started = Instant::now();
    h.client.get_user(CLOUD, PROJECT, id).await.unwrap();
    // Pauses of 1, 2, 4 and 8 seconds (60 s / 60 requests, doubling).
    assert_elapsed(started, Duration::from_secs(15)..Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn rate_limit_outlasting_the_retries_is_an_error() {
    let h = start_with(
        common::emulator_config(),
        |c: &mut infomaniak_api::ClientConfig| c.max_retries = 2,
    )
    .await;
    h.fault(json!({"fault": "rate_limited", "count": 10})).await;
    let err = h.client.get_user(CLOUD, PROJECT, 1).await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert_eq!(err.status(), Some(429));
}

#[tokio::test(start_paused = true)]
async fn rate_limit_pauses_every_request_of_the_client() {
    let h = start(AsyncStyle::Delayed).await;
    let id = h.create_ready_user("pause").await;
    h.clear_requests().await;

    h.fault(json!({"fault": "rate_limited", "count": 1, "retry_after": 20}))
        .await;
    let started = Instant::now();
    let first = {
        let client = h.client.clone();
        tokio::spawn(async move { client.get_user(CLOUD, PROJECT, id).await })
    };
    tokio::time::sleep(Duration::from_secs(1)).await;

    // A clone's request made during the pause waits for it instead of hitting the server.
    let other = h.client.clone();
    other.get_user(CLOUD, PROJECT, id).await.unwrap();
    assert_elapsed(started, Duration::from_secs(20)..);
    first.await.unwrap().unwrap();

    let refused = h
        .requests()
        .await
        .iter()
        .filter(|r| r["status"] == 429)
        .count();
    assert_eq!(refused, 1);
}

#[tokio::test(start_paused = true)]
async fn create_refused_with_429_is_sent_again_and_makes_one_user() {
    let h = start(AsyncStyle::Delayed).await;
    let before = h.client.list_all_users(CLOUD, PROJECT).await.unwrap().len();
    h.fault(json!({"fault": "rate_limited", "count": 2})).await;
    let operation = h
        .client
        .create_user(CLOUD, PROJECT, &new_user("once"))
        .await
        .unwrap();
    assert!(matches!(operation, Operation::Task(_)), "{operation:?}");
    assert_eq!(h.count("POST", "/users").await, 3);
    let after = h.client.list_all_users(CLOUD, PROJECT).await.unwrap();
    assert_eq!(after.len(), before + 1, "the refused attempts made no user");
}

#[tokio::test(start_paused = true)]
async fn create_500_is_not_retried_and_the_caller_can_reconcile() {
    let h = start(AsyncStyle::Delayed).await;
    let before = h.client.list_all_users(CLOUD, PROJECT).await.unwrap().len();

    h.fault(json!({"fault": "create_500"})).await;
    let err = h
        .client
        .create_user(CLOUD, PROJECT, &new_user("half made"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Server { status: 500, .. }), "{err:?}");
    assert_eq!(h.count("POST", "/users").await, 1);
    assert!(!err.to_string().contains(PASSWORD));

    // The service made the user anyway: a list finds it.
    let after = h.client.list_all_users(CLOUD, PROJECT).await.unwrap();
    assert_eq!(after.len(), before + 1);
    assert!(after.iter().any(|u| u.description == "half made"));
}

#[tokio::test(start_paused = true)]
async fn failed_task_is_task_failed() {
    let h = start(AsyncStyle::Delayed).await;
    h.fault(json!({"fault": "task_failed"})).await;
    let op = h
        .client
        .create_user(CLOUD, PROJECT, &new_user("doomed"))
        .await
        .unwrap();
    let Operation::Task(uuid) = op.clone() else {
        panic!("delayed style answers a task: {op:?}");
    };
    let err = h.client.wait_operation(op, &wait(300)).await.unwrap_err();
    match &err {
        Error::TaskFailed { task, .. } => assert_eq!(task, &uuid),
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.code().is_some(), "{err:?}");
}

#[tokio::test(start_paused = true)]
async fn user_in_error_status_is_user_failed() {
    let h = start(AsyncStyle::Delayed).await;
    h.fault(json!({"fault": "user_error"})).await;
    let id = h.create_user_id("broken").await;
    let err = h
        .client
        .wait_user_ready(CLOUD, PROJECT, id, &wait(300))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UserFailed { user, status } if *user == id && status == "error"),
        "{err:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn stuck_user_times_out_saying_how_long_and_how_many_polls() {
    let h = start(AsyncStyle::Asynchronous).await;
    h.fault(json!({"fault": "stuck_creating"})).await;
    let id = h.create_user_id("stuck").await;

    let started = Instant::now();
    let err = h
        .client
        .wait_user_ready(CLOUD, PROJECT, id, &wait(120))
        .await
        .unwrap_err();
    let Error::WaitTimedOut {
        polls,
        elapsed,
        ref last_seen,
        ..
    } = err
    else {
        panic!("unexpected {err:?}");
    };
    assert!(polls >= 9, "1 s to 15 s apart over 120 s: {polls}");
    assert_eq!(elapsed, Duration::from_secs(120));
    assert_eq!(last_seen, "status creating");
    assert_eq!(started.elapsed(), Duration::from_secs(120));
    let text = err.to_string();
    assert!(
        text.contains("120s") && text.contains(&format!("{polls} poll")),
        "{text}"
    );
    assert_eq!(
        h.count("GET", &format!("/users/{id}")).await,
        polls as usize
    );
}

#[tokio::test(start_paused = true)]
async fn user_missing_just_after_create() {
    let h = start(AsyncStyle::Delayed).await;
    h.fault(json!({"fault": "not_found_after_create", "reads": 3}))
        .await;
    let id = h.create_user_id("late").await;

    // The plain wait reports the 404 and leaves the decision to the caller.
    let err = h
        .client
        .wait_user_ready(CLOUD, PROJECT, id, &wait(300))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");

    // The create wait treats it as "not visible yet".
    let user = h
        .client
        .wait_user_created(CLOUD, PROJECT, id, &wait(300))
        .await
        .unwrap();
    assert_eq!(user.public_cloud_user_id, id);
}

#[tokio::test(start_paused = true)]
async fn cancelling_mid_wait_returns_promptly() {
    let h = start(AsyncStyle::Asynchronous).await;
    h.fault(json!({"fault": "stuck_creating"})).await;
    let id = h.create_user_id("stuck").await;

    let cancel = CancellationToken::new();
    let wait = Wait::new(Duration::from_secs(3600), cancel.clone());
    let started = Instant::now();
    let canceller = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        cancel.cancel();
    });
    let err = h
        .client
        .wait_user_ready(CLOUD, PROJECT, id, &wait)
        .await
        .unwrap_err();
    canceller.await.unwrap();
    assert!(
        matches!(&err, Error::Cancelled { last_seen, .. } if last_seen == "status creating"),
        "{err:?}"
    );
    assert_elapsed(started, ..Duration::from_secs(31));
}

#[tokio::test(start_paused = true)]
async fn reads_are_retried_on_transport_errors_then_fail() {
    // A port that was just released: connections are refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);

    let client = Client::new(client_config(&base, |c| c.max_retries = 3)).unwrap();
    let err = client.get_user(CLOUD, PROJECT, 1).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(
        err.to_string()
            .contains("GET /1/public_clouds/1001/projects/2001/users/1")
    );
}

/// A port that was just released: connections to it are refused.
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    base
}

#[tokio::test(start_paused = true)]
async fn transport_error_names_its_cause_but_not_the_url() {
    let base = closed_port_url();
    let client = Client::new(client_config(&base, |c| c.max_retries = 1)).unwrap();
    let err = client
        .list_users(CLOUD, PROJECT, Default::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with("GET /1/public_clouds/1001/projects/2001/users: transport error: "),
        "{text}"
    );
    assert!(text.contains("tcp connect error"), "{text}");
    assert!(text.contains("Connection refused"), "{text}");
    for hidden in [base.as_str(), "per_page", "?", TOKEN] {
        assert!(!text.contains(hidden), "{hidden:?} in {text}");
    }
}

#[tokio::test(start_paused = true)]
async fn waits_outlast_a_strict_rate_limit_shared_by_several_users() {
    // The service allows fewer requests than the client assumes, so the polls of several
    // waits meet 429 for a whole minute, longer than one request's retries last.
    let h = start_with(
        Config {
            async_style: AsyncStyle::Asynchronous,
            latency: Duration::from_secs(3),
            rate_limit_per_minute: 5,
            ..emulator_config()
        },
        |c| c.max_retries = 2,
    )
    .await;
    let mut ids = Vec::new();
    for n in 0..3 {
        let op = h
            .client
            .create_user(CLOUD, PROJECT, &new_user(&format!("busy{n}")))
            .await
            .unwrap();
        ids.push(h.client.wait_operation(op, &wait(600)).await.unwrap());
    }

    let started = Instant::now();
    let waits: Vec<_> = ids
        .iter()
        .map(|&id| {
            let client = h.client.clone();
            tokio::spawn(
                async move { client.wait_user_ready(CLOUD, PROJECT, id, &wait(600)).await },
            )
        })
        .collect();
    for (wait, id) in waits.into_iter().zip(ids) {
        let user = wait.await.unwrap().unwrap();
        assert_eq!(user.public_cloud_user_id, id);
    }
    assert_elapsed(started, Duration::from_secs(55)..Duration::from_secs(600));
    let refused = h
        .requests()
        .await
        .iter()
        .filter(|r| r["status"] == 429)
        .count();
    assert!(refused > 3, "the scenario must meet 429s: {refused}");
}

#[tokio::test(start_paused = true)]
async fn wait_through_429s_until_its_deadline_times_out_saying_rate_limited() {
    let h = start_with(
        Config {
            latency: Duration::from_secs(3),
            rate_limit_per_minute: 0,
            ..emulator_config()
        },
        |c| c.max_retries = 1,
    )
    .await;
    let id = h.create_ready_user("limited").await;
    h.fault(json!({"fault": "rate_limited", "count": 1000, "retry_after": 2}))
        .await;

    let err = h
        .client
        .wait_user_ready(CLOUD, PROJECT, id, &wait(120))
        .await
        .unwrap_err();
    match &err {
        Error::WaitTimedOut {
            last_seen, polls, ..
        } => {
            assert_eq!(last_seen, "rate limited");
            assert!(*polls > 1, "{polls}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("last seen: rate limited"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn wait_through_transport_errors_until_its_deadline_says_so() {
    let client = Client::new(client_config(&closed_port_url(), |c| c.max_retries = 1)).unwrap();
    let op: Operation<u64> = Operation::Task("3f0c2a9e-0000-4000-8000-000000000001".into());
    let started = Instant::now();
    let err = client.wait_operation(op, &wait(90)).await.unwrap_err();
    let Error::WaitTimedOut { ref last_seen, .. } = err else {
        panic!("unexpected {err:?}");
    };
    assert!(last_seen.starts_with("transport error: "), "{last_seen}");
    assert!(last_seen.contains("Connection refused"), "{last_seen}");
    assert_elapsed(started, Duration::from_secs(90)..Duration::from_secs(150));
}

#[tokio::test(start_paused = true)]
async fn wait_ends_at_once_on_errors_that_will_not_pass() {
    let h = start(AsyncStyle::Delayed).await;
    let id = h.create_ready_user("locked out").await;
    let mut config = client_config(&h.emu.base_url(), |_| {});
    config.token = "not-the-token".into();
    let stranger = Client::new(config).unwrap();

    let started = Instant::now();
    let err = stranger
        .wait_user_ready(CLOUD, PROJECT, id, &wait(600))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    assert_elapsed(started, ..Duration::from_secs(1));
}
