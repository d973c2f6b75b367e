//! The go-plugin contract, checked against the demo provider started as Terraform would.

use std::path::PathBuf;

use tfplugin::handshake::HandshakeLine;
use tfplugin::testing::{LaunchOptions, PluginProcess, TestHost, example_binary};
use tfplugin::tls::Identity;
use tonic_health::pb::health_check_response::ServingStatus;

fn demo() -> PathBuf {
    example_binary("tfplugin", "terraform-provider-demo").expect("demo provider binary")
}

#[tokio::test]
async fn handshake_line_announces_a_unix_socket_and_the_server_certificate() {
    let host = TestHost::start(&demo()).await.unwrap();
    let line = &host.handshake;

    assert_eq!((line.core_version, line.protocol_version), (1, 6));
    assert_eq!(line.network, "unix");
    let socket = PathBuf::from(&line.address);
    assert_eq!(socket.parent(), Some(host.process.socket_dir()));
    assert!(socket.exists(), "socket {socket:?} missing");
    let cert = line
        .server_cert_der
        .as_ref()
        .expect("TLS certificate in handshake");
    assert_ne!(
        cert.as_slice(),
        host.process.host_identity.cert_der.as_ref()
    );

    // Unpadded standard base64, exactly as the host decodes it.
    let raw = host.process.stdout_lines()[0].clone();
    let field = raw.rsplit('|').next().unwrap();
    assert!(!field.ends_with('='), "padded certificate: {field}");
    assert!(!field.contains(['-', '_']), "URL-safe alphabet: {field}");
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn health_reports_plugin_serving_over_mutual_tls() {
    let host = TestHost::start(&demo()).await.unwrap();
    assert_eq!(host.health().await.unwrap(), ServingStatus::Serving);
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_client_presenting_another_certificate_is_refused() {
    let mut process = PluginProcess::spawn(&demo(), &LaunchOptions::default()).unwrap();
    let line = process.handshake().await.unwrap();

    let stranger = Identity::generate_host().unwrap();
    let refused = match process.connect(&line, &stranger).await {
        // With TLS 1.3 the refusal may only surface on the first call.
        Ok(channel) => {
            let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
            let request = tonic_health::pb::HealthCheckRequest {
                service: "plugin".into(),
            };
            health.check(request).await.is_err()
        }
        Err(_) => true,
    };
    assert!(refused, "a foreign client certificate was accepted");

    // The announced certificate still works on the same process.
    let channel = process
        .connect(&line, &process.host_identity)
        .await
        .unwrap();
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let request = tonic_health::pb::HealthCheckRequest {
        service: "plugin".into(),
    };
    assert!(health.check(request).await.is_ok());
}

#[tokio::test]
async fn without_the_magic_cookie_it_explains_and_exits_1() {
    let options = LaunchOptions {
        magic_cookie: None,
        ..Default::default()
    };
    let mut process = PluginProcess::spawn(&demo(), &options).unwrap();
    let status = process.wait().await.unwrap();

    assert_eq!(status.code(), Some(1));
    assert!(process.handshake().await.is_err());
    let stderr = process.stderr();
    assert!(
        stderr.contains("This binary is a plugin"),
        "stderr: {stderr}"
    );
    assert!(stderr.contains("Terraform"), "stderr: {stderr}");
    assert!(process.stdout_lines().is_empty());
}

#[tokio::test]
async fn a_wrong_magic_cookie_is_refused_too() {
    let options = LaunchOptions {
        magic_cookie: Some("not-the-cookie".into()),
        ..Default::default()
    };
    let mut process = PluginProcess::spawn(&demo(), &options).unwrap();
    assert_eq!(process.wait().await.unwrap().code(), Some(1));
}

#[tokio::test]
async fn shutdown_exits_zero_and_removes_the_socket() {
    let host = TestHost::start(&demo()).await.unwrap();
    let socket = PathBuf::from(&host.handshake.address);
    let status = host.shutdown().await.unwrap();

    assert!(status.success(), "exit status {status}");
    assert!(!socket.exists(), "socket {socket:?} left behind");
}

#[tokio::test]
async fn stdout_holds_only_the_handshake_line() {
    let options = LaunchOptions {
        env: vec![("TF_LOG".into(), "TRACE".into())],
        ..Default::default()
    };
    let host = TestHost::start_with(&demo(), &options).await.unwrap();
    let mut provider = host.provider();
    provider
        .get_provider_schema(magma_protocol::tfplugin6::get_provider_schema::Request {})
        .await
        .unwrap();
    let process_lines = host.process.stdout_lines();
    let stderr_sample = host.process.stderr();
    host.shutdown().await.unwrap();

    assert_eq!(process_lines.len(), 1, "stdout: {process_lines:?}");
    assert!(HandshakeLine::parse(&process_lines[0]).is_some());
    // Logs went to stderr instead, as host-style JSON.
    let first_json = stderr_sample
        .lines()
        .find_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .expect("a JSON log line on stderr");
    assert_eq!(first_json["@module"], "provider.demo");
}

#[tokio::test]
async fn plaintext_when_the_host_sends_no_certificate() {
    let options = LaunchOptions {
        tls: false,
        ..Default::default()
    };
    let host = TestHost::start_with(&demo(), &options).await.unwrap();
    assert_eq!(host.handshake.server_cert_der, None);
    assert!(host.process.stdout_lines()[0].ends_with("|grpc|"));
    assert_eq!(host.health().await.unwrap(), ServingStatus::Serving);
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn sigint_does_not_stop_the_plugin() {
    let host = TestHost::start(&demo()).await.unwrap();
    let pid = host.process.id().unwrap().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(kill.success());

    // Still answering after the interrupt, then exits cleanly when asked.
    assert_eq!(host.health().await.unwrap(), ServingStatus::Serving);
    assert!(host.shutdown().await.unwrap().success());
}
