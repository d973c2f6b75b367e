//! The client against each fault the emulator can inject.

mod common;

use std::time::Duration;

use common::*;
use infomaniak_api::{CancellationToken, Client, Error, Operation, Wait};
use infomaniak_cloud_emulator::AsyncStyle;
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
