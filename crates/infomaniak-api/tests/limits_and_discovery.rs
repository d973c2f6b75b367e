//! The rate limiter, the transport rules, and the project and product calls.

mod common;

use std::time::Duration;

use common::*;
use infomaniak_api::{
    Client, ClientConfig, CreateProject, Error, InviteProject, PageRequest, ProjectStatus,
};
use infomaniak_cloud_emulator::{AsyncStyle, Config};
use tokio::time::Instant;

#[tokio::test(start_paused = true)]
async fn limiter_spreads_120_calls_of_all_clones_over_a_minute_without_429() {
    let h = start_with(
        Config {
            rate_limit_per_minute: 60,
            ..emulator_config()
        },
        |_| {},
    )
    .await;
    h.clear_requests().await;

    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..4 {
        let client = h.client.clone();
        workers.push(tokio::spawn(async move {
            for _ in 0..30 {
                client.get_project(CLOUD, PROJECT).await.unwrap();
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }

    assert_elapsed(started, Duration::from_secs(60)..);
    let log = h.requests().await;
    assert_eq!(log.len(), 120);
    assert!(
        log.iter().all(|r| r["status"] == 200),
        "a request was refused"
    );
}

#[tokio::test]
async fn plain_http_is_refused_except_to_this_machine() {
    let err = Client::new(ClientConfig::new("http://api.infomaniak.com", "t0ken-abc")).unwrap_err();
    assert!(matches!(err, Error::InsecureUrl { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("t0ken-abc"));
    assert_eq!(
        err.to_string(),
        "refusing to send the API token over plain http to api.infomaniak.com: \
         only loopback addresses may use http"
    );
    assert!(Client::new(ClientConfig::new("http://127.0.0.1:9", "t")).is_ok());
    assert!(Client::new(ClientConfig::new("http://[::1]:9", "t")).is_ok());
    assert!(Client::new(ClientConfig::new("https://api.infomaniak.com", "t")).is_ok());
}

#[test]
fn base_url_must_be_only_scheme_host_and_port() {
    for bad in [
        "http://127.0.0.1:8080/v1",
        "https://api.infomaniak.com?x=1",
        "https://api.infomaniak.com/#x",
        "",
    ] {
        let err = Client::new(ClientConfig::new(bad, "t")).unwrap_err();
        assert!(matches!(err, Error::InvalidConfig { .. }), "{bad}: {err:?}");
        assert!(err.to_string().contains("the base URL"), "{err}");
    }
    let client = Client::new(ClientConfig::new("http://127.0.0.1:8080/", "t")).unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080");
}

#[test]
fn token_with_a_trailing_newline_is_refused_as_malformed() {
    let err = Client::new(ClientConfig::new(
        "https://api.infomaniak.com",
        "t0ken-abc\n",
    ))
    .unwrap_err();
    assert!(matches!(err, Error::InvalidConfig { .. }), "{err:?}");
    assert!(
        err.to_string().contains("the API token is malformed"),
        "{err}"
    );
    assert!(!format!("{err} {err:?}").contains("t0ken-abc"));
}

#[test]
fn debug_output_shows_no_secrets() {
    let config = ClientConfig::new("https://api.infomaniak.com", "t0ken-abc");
    let create = CreateProject {
        project_name: "proj".into(),
        user_password: PASSWORD.into(),
        user_description: None,
        user_email: Some("owner@example.com".into()),
    };
    let shown = format!(
        "{config:?} {create:?} {:?} {:?}",
        new_user("d"),
        Client::new(config.clone()).unwrap()
    );
    for secret in ["t0ken-abc", PASSWORD, "owner@example.com"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[tokio::test(start_paused = true)]
async fn products_accounts_and_profile_locate_the_seeded_ids() {
    let h = start(AsyncStyle::Delayed).await;
    let clouds = h.client.list_public_clouds(ACCOUNT).await.unwrap();
    assert!(
        clouds.iter().any(|c| c.public_cloud_id == CLOUD),
        "{clouds:?}"
    );
    assert_eq!(
        h.client
            .get_public_cloud(CLOUD)
            .await
            .unwrap()
            .public_cloud_id,
        CLOUD
    );

    let accounts = h.client.list_accounts().await.unwrap();
    assert!(accounts.iter().any(|a| a.id == ACCOUNT), "{accounts:?}");
    let profile = h.client.get_profile().await.unwrap();
    assert_eq!(profile.current_account_id, Some(ACCOUNT), "{profile:?}");

    for request in h.requests().await {
        if request["path"] == "/1/public_clouds" {
            let query = request["query"].as_str().unwrap_or_default();
            assert!(query.contains("account_id=1000") && query.contains("per_page="));
        }
    }
}

async fn project_lifecycle(style: AsyncStyle) {
    let h = start(style).await;
    let c = &h.client;
    let seeded = c.get_project(CLOUD, PROJECT).await.unwrap();
    assert_eq!(seeded.public_cloud_id, CLOUD);

    // Create with a first user, and by invitation.
    let body = CreateProject {
        project_name: "build farm".into(),
        user_password: PASSWORD.into(),
        user_description: Some("first".into()),
        user_email: None,
    };
    let op = c.create_project(CLOUD, &body).await.unwrap();
    let project = c.wait_operation(op, &wait(300)).await.unwrap();
    let created = c
        .wait_project_ready(CLOUD, project, &wait(300))
        .await
        .unwrap();
    assert_eq!(created.name, "build farm");
    assert_eq!(created.status, ProjectStatus::Ok);
    let users = c.list_all_users(CLOUD, project).await.unwrap();
    assert_eq!(users.len(), 1, "a project is created with its first user");

    let invite = InviteProject {
        project_name: "invited".into(),
        user_email: "owner2@example.com".into(),
        user_description: None,
    };
    let op = c.invite_project(CLOUD, &invite).await.unwrap();
    let invited = c.wait_operation(op, &wait(300)).await.unwrap();
    c.wait_project_ready(CLOUD, invited, &wait(300))
        .await
        .unwrap();

    // List, rename, delete.
    let page = c.list_projects(CLOUD, PageRequest::first(1)).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.total >= 3);
    let all = c.list_all_projects(CLOUD).await.unwrap();
    assert!(all.iter().any(|p| p.public_cloud_project_id == project));

    let op = c.rename_project(CLOUD, project, "renamed").await.unwrap();
    assert!(c.wait_operation(op, &wait(300)).await.unwrap());
    let renamed = c
        .wait_project_ready(CLOUD, project, &wait(300))
        .await
        .unwrap();
    assert_eq!(renamed.name, "renamed");

    let op = c.delete_project(CLOUD, project).await.unwrap();
    assert!(c.wait_operation(op, &wait(300)).await.unwrap());
}

#[tokio::test(start_paused = true)]
async fn project_lifecycle_with_delayed_tasks() {
    project_lifecycle(AsyncStyle::Delayed).await;
}

#[tokio::test(start_paused = true)]
async fn project_lifecycle_with_asynchronous_answers() {
    project_lifecycle(AsyncStyle::Asynchronous).await;
}
