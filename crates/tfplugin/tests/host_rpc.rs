//! `tfplugin6.Provider` calls against the demo provider: schema, lifecycle, stop, failures.

use std::path::PathBuf;
use std::time::Duration;

use magma_protocol::tfplugin6 as proto;
use tfplugin::testing::{TestHost, example_binary};
use tfplugin::value::{Type, Value, decode_msgpack, encode_msgpack};
use tonic_health::pb::health_check_response::ServingStatus;

fn demo() -> PathBuf {
    example_binary("tfplugin", "terraform-provider-demo").expect("demo provider binary")
}

fn echo_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("message", Type::String),
        ("wait_for_stop", Type::Bool),
        ("crash", Type::Bool),
    ])
}

fn echo(id: Value, message: &str, wait_for_stop: bool, crash: bool) -> Value {
    Value::object([
        ("id", id),
        ("message", Value::string(message)),
        ("wait_for_stop", Value::bool(wait_for_stop)),
        ("crash", Value::bool(crash)),
    ])
}

fn wire(value: &Value) -> Option<proto::DynamicValue> {
    Some(proto::DynamicValue {
        msgpack: encode_msgpack(value, &echo_type()).unwrap(),
        json: vec![],
    })
}

fn unwire(value: Option<proto::DynamicValue>) -> Value {
    decode_msgpack(&value.expect("a value").msgpack, &echo_type()).unwrap()
}

fn apply_request(config: &Value) -> proto::apply_resource_change::Request {
    let planned = config.clone();
    proto::apply_resource_change::Request {
        type_name: "demo_echo".into(),
        prior_state: wire(&Value::Null),
        planned_state: wire(&planned),
        config: wire(config),
        ..Default::default()
    }
}

fn errors(diagnostics: &[proto::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity == proto::diagnostic::Severity::Error as i32)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

#[tokio::test]
async fn schema_lists_the_resource_and_capabilities() {
    let host = TestHost::start(&demo()).await.unwrap();
    let schema = host
        .provider()
        .get_provider_schema(proto::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();

    assert!(schema.diagnostics.is_empty());
    let echo = &schema.resource_schemas["demo_echo"];
    let names: Vec<_> = echo
        .block
        .as_ref()
        .unwrap()
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert!(
        names.contains(&"message") && names.contains(&"id"),
        "{names:?}"
    );
    assert!(schema.provider.is_some());
    let caps = schema.server_capabilities.unwrap();
    assert!(caps.get_provider_schema_optional);
    assert!(!caps.plan_destroy);
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn create_plans_an_unknown_id_and_applies_it() {
    let host = TestHost::start(&demo()).await.unwrap();
    let mut provider = host.provider();
    let config = echo(Value::Null, "hi", false, false);

    let plan = provider
        .plan_resource_change(proto::plan_resource_change::Request {
            type_name: "demo_echo".into(),
            prior_state: wire(&Value::Null),
            proposed_new_state: wire(&config),
            config: wire(&config),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        errors(&plan.diagnostics).is_empty(),
        "{:?}",
        plan.diagnostics
    );
    let planned = unwire(plan.planned_state);
    assert_eq!(planned.get("id"), Some(&Value::Unknown));

    let mut request = apply_request(&config);
    request.planned_state = wire(&planned);
    let applied = provider
        .apply_resource_change(request)
        .await
        .unwrap()
        .into_inner();
    assert!(
        errors(&applied.diagnostics).is_empty(),
        "{:?}",
        applied.diagnostics
    );
    let state = unwire(applied.new_state);
    assert_eq!(state.get("id"), Some(&Value::string("echo-hi")));
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn destroy_plan_is_null_without_asking_the_resource() {
    let host = TestHost::start(&demo()).await.unwrap();
    let prior = echo(Value::string("echo-x"), "x", false, true);
    let plan = host
        .provider()
        .plan_resource_change(proto::plan_resource_change::Request {
            type_name: "demo_echo".into(),
            prior_state: wire(&prior),
            proposed_new_state: wire(&Value::Null),
            config: wire(&Value::Null),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(plan.diagnostics.is_empty());
    assert_eq!(unwire(plan.planned_state), Value::Null);
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_type_name_is_an_error_diagnostic() {
    let host = TestHost::start(&demo()).await.unwrap();
    let read = host
        .provider()
        .read_resource(proto::read_resource::Request {
            type_name: "demo_nope".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let errors = errors(&read.diagnostics);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("demo_nope"), "{errors:?}");
    assert_eq!(host.health().await.unwrap(), ServingStatus::Serving);
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_panicking_apply_becomes_an_error_and_the_plugin_survives() {
    let host = TestHost::start(&demo()).await.unwrap();
    let config = echo(Value::Unknown, "boom", false, true);
    let applied = host
        .provider()
        .apply_resource_change(apply_request(&config))
        .await
        .unwrap()
        .into_inner();
    let errors = errors(&applied.diagnostics);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("asked to crash"), "{errors:?}");
    assert_eq!(host.health().await.unwrap(), ServingStatus::Serving);
    host.shutdown().await.unwrap();
}

#[tokio::test]
async fn stop_provider_cancels_an_in_flight_apply_but_keeps_serving() {
    let host = TestHost::start(&demo()).await.unwrap();
    let mut provider = host.provider();
    let config = echo(Value::Unknown, "slow", true, false);
    let mut apply_client = provider.clone();
    let mut apply = tokio::spawn(async move {
        apply_client
            .apply_resource_change(apply_request(&config))
            .await
    });

    // The apply may not have started yet when the first stop arrives, so repeat it;
    // only the apply finishing ends the loop (the test harness bounds the wait).
    let applied = loop {
        tokio::select! {
            done = &mut apply => break done.unwrap().unwrap().into_inner(),
            () = tokio::time::sleep(Duration::from_millis(100)) => {
                let stop = provider.stop_provider(proto::stop_provider::Request {}).await;
                assert_eq!(stop.unwrap().into_inner().error, "");
            }
        }
    };
    let errors = errors(&applied.diagnostics);
    assert_eq!(
        errors,
        ["Stopped: The operation was cancelled by the host."]
    );

    // StopProvider is not Shutdown: the plugin still answers, with fresh tokens.
    assert_eq!(host.health().await.unwrap(), ServingStatus::Serving);
    let config = echo(Value::Unknown, "after", false, false);
    let applied = provider
        .apply_resource_change(apply_request(&config))
        .await
        .unwrap();
    assert!(applied.into_inner().diagnostics.is_empty());
    assert!(host.shutdown().await.unwrap().success());
}

#[tokio::test]
async fn unsupported_methods_answer_unimplemented() {
    let host = TestHost::start(&demo()).await.unwrap();
    let err = host
        .provider()
        .call_function(proto::call_function::Request::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::Unimplemented);
    let functions = host
        .provider()
        .get_functions(proto::get_functions::Request {})
        .await
        .unwrap();
    assert!(functions.into_inner().functions.is_empty());
    host.shutdown().await.unwrap();
}
