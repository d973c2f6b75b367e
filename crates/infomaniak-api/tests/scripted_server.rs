//! Cases the emulator cannot play, against a tiny scripted HTTP server: a read answered
//! 503 then 200, headers the client sends, and a POST answered 503.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use infomaniak_api::{Client, ClientConfig, Error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::Instant;

const USER: &str = r#"{"result":"success","data":{"public_cloud_user_id":5,
"public_cloud_project_id":2,"open_stack_name":"PCU-ABCDEFG","description":null,
"status":"ok","created_at":1,"updated_at":2}}"#;

/// Serves `answers` in order, one per connection, and returns the request heads it saw.
async fn scripted(
    answers: Vec<(u16, &'static str, &'static str)>,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        for (status, extra_headers, body) in answers {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                head.extend_from_slice(&buf[..n]);
            }
            log.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&head).into_owned());
            let answer = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{extra_headers}\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(answer.as_bytes()).await.unwrap();
            socket.shutdown().await.ok();
        }
    });
    (base, seen)
}

fn client(base: &str) -> Client {
    let mut config = ClientConfig::new(base, "scripted-token-123");
    config.user_agent = "terraform-provider-infomaniak/9.9.9".into();
    config.request_timeout = None;
    Client::new(config).unwrap()
}

const UNAVAILABLE: &str =
    r#"{"result":"error","error":{"code":"unexpected_error","description":"down"}}"#;

#[tokio::test(start_paused = true)]
async fn read_is_retried_after_503_honouring_retry_after() {
    let (base, seen) = scripted(vec![
        (503, "retry-after: 9\r\n", UNAVAILABLE),
        (200, "", USER),
    ])
    .await;
    let started = Instant::now();
    let user = client(&base).get_user(1, 2, 5).await.unwrap();
    assert_eq!(user.open_stack_name, "PCU-ABCDEFG");
    assert_eq!(user.description, "");
    assert!(
        started.elapsed() >= Duration::from_secs(9),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn requests_carry_user_agent_and_bearer_token() {
    let (base, seen) = scripted(vec![(200, "", USER)]).await;
    client(&base).get_user(1, 2, 5).await.unwrap();
    let head = seen.lock().unwrap()[0].to_ascii_lowercase();
    assert!(
        head.starts_with("get /1/public_clouds/1/projects/2/users/5 "),
        "{head}"
    );
    assert!(
        head.contains("user-agent: terraform-provider-infomaniak/9.9.9"),
        "{head}"
    );
    assert!(
        head.contains("authorization: bearer scripted-token-123"),
        "{head}"
    );
}

#[tokio::test(start_paused = true)]
async fn create_answered_503_is_not_resent() {
    let (base, seen) = scripted(vec![(503, "", UNAVAILABLE), (200, "", USER)]).await;
    let body = infomaniak_api::CreateUser {
        password: "Secr3tPassword".into(),
        description: None,
    };
    let err = client(&base).create_user(1, 2, &body).await.unwrap_err();
    assert!(matches!(err, Error::Server { status: 503, .. }), "{err:?}");
    assert_eq!(err.code(), Some("unexpected_error"));
    assert_eq!(seen.lock().unwrap().len(), 1);
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("Secr3t") && !shown.contains("scripted-token"),
        "{shown}"
    );
}
