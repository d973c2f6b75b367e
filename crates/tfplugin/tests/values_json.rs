//! The JSON codec of stored state: round trips, exact numbers, dynamic values, and JSON
//! written the way Terraform's state file holds it.

use std::collections::BTreeMap;

use tfplugin::diag::AttributePath;
use tfplugin::value::{Number, Type, Value, decode_json, encode_json};

fn state_type() -> Type {
    Type::object([
        ("id", Type::String),
        ("enabled", Type::Bool),
        ("size", Type::Number),
        ("tags", Type::map(Type::String)),
        ("roles", Type::set(Type::String)),
        ("pair", Type::Tuple(vec![Type::Number, Type::String])),
        ("extra", Type::Dynamic),
        ("rules", Type::list(Type::object([("port", Type::Number)]))),
    ])
}

#[test]
fn every_type_round_trips() {
    let ty = state_type();
    let value = Value::object([
        ("id", Value::string("PCU-abc\"defg")),
        ("enabled", Value::Bool(false)),
        (
            "size",
            Value::Number(Number::Big("123456789012345678901234567890.5".into())),
        ),
        (
            "tags",
            Value::Map(BTreeMap::from([("k".to_owned(), Value::string("v"))])),
        ),
        ("roles", Value::Set(vec![Value::string("r")])),
        ("pair", Value::Tuple(vec![Value::int(-1), Value::Null])),
        (
            "extra",
            Value::object([("n", Value::Number(Number::Float(2.5)))]),
        ),
        (
            "rules",
            Value::List(vec![Value::object([("port", Value::Null)])]),
        ),
    ]);

    let bytes = encode_json(&value, &ty).unwrap();
    assert_eq!(decode_json(&bytes, &ty).unwrap(), value);
}

#[test]
fn state_json_as_terraform_writes_it_decodes() {
    let ty = state_type();
    let text = br#"{
        "id": "PCU-abcdefg", "enabled": true, "size": 18446744073709551615,
        "tags": {"env": "prod"}, "roles": ["a", "b"], "pair": [1.5, "x"],
        "extra": {"value": ["a"], "type": ["list", "string"]},
        "rules": [{"port": 22}]
    }"#;
    let value = decode_json(text, &ty).unwrap();

    assert_eq!(value.get("id").and_then(Value::as_str), Some("PCU-abcdefg"));
    let size = value.get("size");
    assert!(matches!(size, Some(Value::Number(Number::Big(t))) if t == "18446744073709551615"));
    assert_eq!(
        value.get("extra"),
        Some(&Value::List(vec![Value::string("a")]))
    );
    assert_eq!(
        value.get("roles"),
        Some(&Value::Set(vec![Value::string("a"), Value::string("b")]))
    );
    let port = value.at(&AttributePath::root("rules").index(0).attr("port"));
    assert_eq!(port.and_then(Value::as_i64), Some(22));
}

#[test]
fn missing_attributes_decode_as_null_and_encode_as_null() {
    let ty = Type::object([("a", Type::String), ("b", Type::list(Type::String))]);
    let value = decode_json(br#"{"a":"x"}"#, &ty).unwrap();
    assert_eq!(
        value,
        Value::object([("a", Value::string("x")), ("b", Value::Null)])
    );

    let bytes = encode_json(&Value::object([("a", Value::string("x"))]), &ty).unwrap();
    assert_eq!(bytes, br#"{"a":"x","b":null}"#);
}

#[test]
fn numbers_are_written_exactly() {
    let enc = |n: Number| String::from_utf8(encode_json(&Value::Number(n), &Type::Number).unwrap());
    assert_eq!(enc(Number::Int(i64::MIN)).unwrap(), "-9223372036854775808");
    assert_eq!(enc(Number::Float(0.5)).unwrap(), "0.5");
    assert_eq!(enc(Number::Float(3.0)).unwrap(), "3");
    assert_eq!(enc(Number::Big("1e400".into())).unwrap(), "1e400");
    assert!(encode_json(&Value::Number(Number::Float(f64::INFINITY)), &Type::Number).is_err());

    let decoded = decode_json(b"0.1", &Type::Number).unwrap();
    assert!(matches!(decoded, Value::Number(Number::Big(t)) if t == "0.1"));
    assert_eq!(
        decode_json(b"\"42\"", &Type::Number).unwrap(),
        Value::int(42)
    );
}

#[test]
fn dynamic_values_carry_their_type() {
    let value = Value::Map(BTreeMap::from([("k".to_owned(), Value::int(1))]));
    let bytes = encode_json(&value, &Type::Dynamic).unwrap();
    assert_eq!(bytes, br#"{"value":{"k":1},"type":["map","number"]}"#);
    assert_eq!(decode_json(&bytes, &Type::Dynamic).unwrap(), value);
    assert_eq!(decode_json(b"null", &Type::Dynamic).unwrap(), Value::Null);
    assert!(decode_json(br#"{"value":1}"#, &Type::Dynamic).is_err());
}

#[test]
fn unknown_values_cannot_be_stored() {
    let ty = Type::object([("rules", Type::list(Type::String))]);
    let value = Value::object([("rules", Value::List(vec![Value::Unknown]))]);
    let err = encode_json(&value, &ty).unwrap_err();
    assert_eq!(err.path(), &AttributePath::root("rules").index(0));
}

#[test]
fn decode_errors_name_the_path() {
    let ty = Type::object([("tags", Type::map(Type::Number))]);
    let err = decode_json(br#"{"tags":{"a":1,"b":"x"}}"#, &ty).unwrap_err();
    assert_eq!(err.path(), &AttributePath::root("tags").key("b"));

    let err = decode_json(br#"{"other":1}"#, &ty).unwrap_err();
    assert_eq!(err.path(), &AttributePath::root("other"));
    assert!(decode_json(b"{", &ty).is_err());
    assert_eq!(decode_json(b"", &ty).unwrap(), Value::Null);
}
