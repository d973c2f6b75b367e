//! The user calls against the emulator, in both answer styles of asynchronous writes.

mod common;

use common::*;
use infomaniak_api::{
    Client, CreateUser, Error, InviteUser, Operation, PageRequest, UpdateUser, UserStatus,
    parse_openrc,
};
use infomaniak_cloud_emulator::AsyncStyle;

async fn user_lifecycle(style: AsyncStyle) {
    let h = start(style).await;
    let c = &h.client;

    // Create: the answer shape follows the style.
    let op = c
        .create_user(CLOUD, PROJECT, &new_user("ci runner"))
        .await
        .unwrap();
    match (&op, style) {
        (Operation::Task(_), AsyncStyle::Delayed)
        | (Operation::Done(_), AsyncStyle::Asynchronous) => {}
        other => panic!("unexpected operation for style: {other:?}"),
    }
    let id = c.wait_operation(op, &wait(300)).await.unwrap();
    let user = c
        .wait_user_ready(CLOUD, PROJECT, id, &wait(300))
        .await
        .unwrap();
    assert_eq!(user.public_cloud_user_id, id);
    assert_eq!(user.public_cloud_project_id, PROJECT);
    assert_eq!(user.status, UserStatus::Ok);
    assert_eq!(user.description, "ci runner");
    assert!(
        user.open_stack_name.starts_with("PCU-"),
        "{}",
        user.open_stack_name
    );
    assert_eq!(user.open_stack_name.len(), 11);
    assert_eq!(c.get_user(CLOUD, PROJECT, id).await.unwrap(), user);

    // Update the description.
    let update = UpdateUser {
        description: Some("renamed".into()),
        ..Default::default()
    };
    let op = c.update_user(CLOUD, PROJECT, id, &update).await.unwrap();
    assert!(c.wait_operation(op, &wait(300)).await.unwrap());
    let user = c
        .wait_user_ready(CLOUD, PROJECT, id, &wait(300))
        .await
        .unwrap();
    assert_eq!(user.description, "renamed");

    // Password link to another address.
    let link = InviteUser {
        email: "ops@example.com".into(),
        description: None,
    };
    let op = c
        .send_password_link(CLOUD, PROJECT, id, &link)
        .await
        .unwrap();
    assert!(c.wait_operation(op, &wait(300)).await.unwrap());

    // Credentials files.
    let openrc = c.openrc(CLOUD, PROJECT, id, "pub1").await.unwrap();
    assert_eq!(parse_openrc(&openrc)["OS_USERNAME"], user.open_stack_name);
    let clouds = c
        .authentication_file(CLOUD, PROJECT, id, "clouds.yaml", "pub1")
        .await
        .unwrap();
    assert!(clouds.contains(&user.open_stack_name), "{clouds}");

    // Delete, then reads answer 404.
    let op = c.delete_user(CLOUD, PROJECT, id).await.unwrap();
    assert!(c.wait_operation(op, &wait(300)).await.unwrap());
    c.wait_user_deleted(CLOUD, PROJECT, id, &wait(300))
        .await
        .unwrap();
    let err = c.get_user(CLOUD, PROJECT, id).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");

    h.emu.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn user_lifecycle_with_delayed_tasks() {
    user_lifecycle(AsyncStyle::Delayed).await;
}

#[tokio::test(start_paused = true)]
async fn user_lifecycle_with_asynchronous_answers() {
    user_lifecycle(AsyncStyle::Asynchronous).await;
}

#[tokio::test(start_paused = true)]
async fn invited_user_becomes_ready() {
    let h = start(AsyncStyle::Delayed).await;
    let body = InviteUser {
        email: "new.person@example.com".into(),
        description: Some("invited".into()),
    };
    let op = h.client.invite_user(CLOUD, PROJECT, &body).await.unwrap();
    let id = h.client.wait_operation(op, &wait(300)).await.unwrap();
    let user = h
        .client
        .wait_user_ready(CLOUD, PROJECT, id, &wait(300))
        .await
        .unwrap();
    assert_eq!(user.description, "invited");
    assert_eq!(h.count("POST", "/users/invite").await, 1);
}

#[tokio::test(start_paused = true)]
async fn lists_page_explicitly_and_read_every_page() {
    let h = start(AsyncStyle::Asynchronous).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(h.create_ready_user(&format!("user {n}")).await);
    }
    let before = h.client.list_all_users(CLOUD, PROJECT).await.unwrap().len();
    assert!(before >= 3);

    let page = h
        .client
        .list_users(
            CLOUD,
            PROJECT,
            PageRequest {
                page: 2,
                per_page: 1,
            },
        )
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.page, 2);
    assert_eq!(page.total as usize, before);
    assert_eq!(page.pages as usize, before);

    let all: Vec<u64> = h
        .client
        .list_all_users(CLOUD, PROJECT)
        .await
        .unwrap()
        .iter()
        .map(|u| u.public_cloud_user_id)
        .collect();
    assert!(ids.iter().all(|id| all.contains(id)), "{ids:?} in {all:?}");

    // Every list request names its page and size.
    for request in h.requests().await {
        if request["method"] == "GET" && request["path"].as_str().unwrap().ends_with("/users") {
            let query = request["query"].as_str().unwrap_or_default();
            assert!(
                query.contains("page=") && query.contains("per_page="),
                "{request}"
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn weak_password_is_a_validation_error_naming_the_field() {
    let h = start(AsyncStyle::Delayed).await;
    let body = CreateUser {
        password: "short".into(),
        description: None,
    };
    let err = h
        .client
        .create_user(CLOUD, PROJECT, &body)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.code(), Some("validation_failed"));
    let fields = err.field_errors();
    assert!(
        fields
            .iter()
            .any(|f| f.attribute.as_deref() == Some("password")),
        "{fields:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("POST /1/public_clouds/1001/projects/2001/users"),
        "{text}"
    );
    assert!(!text.contains("short\""), "{text}");
}

#[tokio::test(start_paused = true)]
async fn wrong_token_is_unauthorized_and_not_shown() {
    let h = start(AsyncStyle::Delayed).await;
    let client = Client::new(client_config(&h.emu.base_url(), |c| {
        c.token = "wrong-token-value".into();
    }))
    .unwrap();
    let err = client.get_user(CLOUD, PROJECT, 1).await.unwrap_err();
    assert!(
        matches!(err, Error::Unauthorized { status: 401, .. }),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains("wrong-token-value"));
    assert!(!err.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn reading_a_missing_user_is_not_found() {
    let h = start(AsyncStyle::Delayed).await;
    let err = h
        .client
        .get_user(CLOUD, PROJECT, 999_999)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.code(), Some("object_not_found"));
    assert!(
        err.to_string()
            .contains("GET /1/public_clouds/1001/projects/2001/users/999999")
    );
}
