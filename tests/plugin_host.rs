//! The provider binary itself, started the way Terraform starts it.

use std::path::Path;

use magma_protocol::tfplugin6::get_provider_schema;
use tfplugin::testing::{LaunchOptions, PluginProcess, TestHost};
use tfplugin::tls::Identity;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

fn provider() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-infomaniak"))
}

#[tokio::test]
async fn serves_its_schema_over_mutual_tls_and_shuts_down_cleanly() {
    let host = TestHost::start(provider()).await.unwrap();
    assert_eq!(host.health().await.unwrap(), ServingStatus::Serving);

    let schema = host
        .provider()
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    assert!(schema.diagnostics.is_empty(), "{:?}", schema.diagnostics);
    let config = schema.provider.unwrap().block.unwrap();
    let token = config
        .attributes
        .iter()
        .find(|a| a.name == "token")
        .unwrap();
    assert!(token.sensitive && token.optional);
    let user = schema.resource_schemas["infomaniak_cloud_user"]
        .block
        .clone()
        .unwrap();
    let names: Vec<&str> = user.attributes.iter().map(|a| a.name.as_str()).collect();
    for expected in [
        "id",
        "public_cloud_id",
        "project_id",
        "username",
        "password",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }

    let socket = host.handshake.address.clone();
    let status = host.shutdown().await.unwrap();
    assert!(status.success(), "exit status {status}");
    assert!(!Path::new(&socket).exists(), "socket left behind");
}

#[tokio::test]
async fn refuses_a_client_without_the_pinned_certificate() {
    let mut process = PluginProcess::spawn(provider(), &LaunchOptions::default()).unwrap();
    let line = process.handshake().await.unwrap();

    let stranger = Identity::generate_host().unwrap();
    let refused = match process.connect(&line, &stranger).await {
        // With TLS 1.3 the refusal may surface only on the first call.
        Ok(channel) => HealthClient::new(channel)
            .check(HealthCheckRequest {
                service: "plugin".into(),
            })
            .await
            .is_err(),
        Err(_) => true,
    };
    assert!(refused, "a foreign client certificate was accepted");
}

#[tokio::test]
async fn started_by_hand_it_explains_and_exits_1() {
    let options = LaunchOptions {
        magic_cookie: None,
        ..Default::default()
    };
    let mut process = PluginProcess::spawn(provider(), &options).unwrap();
    assert_eq!(process.wait().await.unwrap().code(), Some(1));
    assert!(process.stdout_lines().is_empty());
    // The stderr reader may finish just after the process.
    for _ in 0..50 {
        if !process.stderr().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let stderr = process.stderr();
    assert!(stderr.contains("This binary is a plugin"), "{stderr}");
    assert!(stderr.contains("--debug"), "{stderr}");
}

#[tokio::test]
async fn refuses_write_only_values_from_a_host_that_cannot_keep_them_out_of_state() {
    use magma_protocol::tfplugin6::{ClientCapabilities, DynamicValue, validate_resource_config};
    use terraform_provider_infomaniak::resources::cloud_user;
    use tfplugin::value::{Value, encode_msgpack};

    let ty = cloud_user::schema().value_type();
    let config = Value::object([
        ("public_cloud_id", Value::int(1001)),
        ("project_id", Value::int(2001)),
        ("password_wo", Value::string("Sup3r-Secret")),
        ("password_wo_version", Value::int(1)),
    ]);
    let msgpack = encode_msgpack(&config, &ty).unwrap();
    let host = TestHost::start(provider()).await.unwrap();
    let validate = |capable: bool| {
        let mut client = host.provider();
        let request = validate_resource_config::Request {
            type_name: cloud_user::TYPE_NAME.into(),
            config: Some(DynamicValue {
                msgpack: msgpack.clone(),
                json: Vec::new(),
            }),
            client_capabilities: Some(ClientCapabilities {
                write_only_attributes_allowed: capable,
                ..Default::default()
            }),
        };
        async move {
            client
                .validate_resource_config(request)
                .await
                .unwrap()
                .into_inner()
        }
    };

    let old_host = validate(false).await;
    let summaries: Vec<&str> = old_host
        .diagnostics
        .iter()
        .map(|d| d.summary.as_str())
        .collect();
    assert_eq!(summaries, ["Write-only attribute not supported"]);
    assert!(validate(true).await.diagnostics.is_empty());
    host.shutdown().await.unwrap();
}

#[test]
fn version_and_help_answer_without_the_plugin_handshake() {
    let version = std::process::Command::new(provider())
        .arg("--version")
        .output()
        .unwrap();
    assert!(version.status.success());
    let text = String::from_utf8_lossy(&version.stdout);
    assert_eq!(
        text.trim(),
        format!(
            "terraform-provider-infomaniak {}",
            env!("CARGO_PKG_VERSION")
        )
    );
    let help = std::process::Command::new(provider())
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--debug"));
}
