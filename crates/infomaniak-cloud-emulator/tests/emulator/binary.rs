//! The binary: prints its base URL first on stdout and serves the API there.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test]
async fn binary_prints_its_base_url_then_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_infomaniak-cloud-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--token",
            "binary-token",
            "--latency",
            "10ms",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).await.unwrap();
    let base = first.trim_end();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    let response = reqwest::Client::new()
        .get(format!("{base}/1/accounts"))
        .bearer_auth("binary-token")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["data"][0]["id"], 1000);

    child.kill().await.unwrap();
}

#[tokio::test]
async fn binary_refuses_a_remote_address() {
    let output = Command::new(env!("CARGO_BIN_EXE_infomaniak-cloud-emulator"))
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .await
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
}

#[tokio::test]
async fn binary_refuses_a_state_file_it_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing").join("state.json");
    let output = Command::new(env!("CARGO_BIN_EXE_infomaniak-cloud-emulator"))
        .args(["--listen", "127.0.0.1:0", "--state-file"])
        .arg(&path)
        .kill_on_drop(true)
        .output();
    // Without the check the emulator would start and serve: fail rather than hang.
    let output = tokio::time::timeout(std::time::Duration::from_secs(20), output)
        .await
        .expect("the emulator must exit at once")
        .unwrap();
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("state file"), "{stderr}");
}

#[tokio::test]
async fn binary_listens_on_localhost() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_infomaniak-cloud-emulator"))
        .args(["--listen", "localhost:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first).await.unwrap();
    assert!(first.starts_with("http://127.0.0.1:"), "{first:?}");
    child.kill().await.unwrap();
}
