//! The msgpack codec against bytes written by hand the way Terraform writes them, and
//! round trips of every type with null and unknown at every depth.

use std::collections::BTreeMap;

use tfplugin::diag::AttributePath;
use tfplugin::value::{Number, Type, Value, decode_msgpack, encode_msgpack};

fn user_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("enabled", Type::Bool),
        ("count", Type::Number),
        ("tags", Type::map(Type::String)),
        ("roles", Type::set(Type::String)),
        ("ports", Type::list(Type::Number)),
        ("pair", Type::Tuple(vec![Type::String, Type::Bool])),
        ("extra", Type::Dynamic),
        (
            "rules",
            Type::list(Type::object([
                ("cidr", Type::String),
                ("port", Type::Number),
            ])),
        ),
        ("timeouts", Type::object([("create", Type::String)])),
    ])
}

fn rule(cidr: Value, port: Value) -> Value {
    Value::object([("cidr", cidr), ("port", port)])
}

fn full_user() -> Value {
    Value::object([
        ("name", Value::string("PCU-abcdefg")),
        ("enabled", Value::Bool(true)),
        ("count", Value::int(-3)),
        (
            "tags",
            Value::Map(BTreeMap::from([
                ("env".to_owned(), Value::string("prod")),
                ("team".to_owned(), Value::string("ops")),
            ])),
        ),
        (
            "roles",
            Value::Set(vec![Value::string("a"), Value::string("b")]),
        ),
        (
            "ports",
            Value::List(vec![Value::int(22), Value::Number(Number::Float(0.5))]),
        ),
        (
            "pair",
            Value::Tuple(vec![Value::string("x"), Value::Bool(false)]),
        ),
        ("extra", Value::List(vec![Value::string("d")])),
        (
            "rules",
            Value::List(vec![rule(Value::string("10.0.0.0/8"), Value::int(443))]),
        ),
        (
            "timeouts",
            Value::object([("create", Value::string("10m"))]),
        ),
    ])
}

fn round_trip(value: &Value, ty: &Type) -> Value {
    let bytes = encode_msgpack(value, ty).expect("encodes");
    decode_msgpack(&bytes, ty).expect("decodes")
}

#[test]
fn every_type_round_trips() {
    let ty = user_type();
    let value = full_user();
    assert_eq!(round_trip(&value, &ty), value);
}

#[test]
fn null_and_unknown_round_trip_at_every_depth() {
    let ty = user_type();
    let cases: Vec<(&str, Value)> = vec![
        ("top-level null", Value::Null),
        ("top-level unknown", Value::Unknown),
    ];
    for (what, value) in cases {
        assert_eq!(round_trip(&value, &ty), value, "{what}");
    }

    for filler in [Value::Null, Value::Unknown] {
        let mut value = full_user();
        value.set("name", filler.clone());
        value.set("ports", Value::List(vec![Value::int(1), filler.clone()]));
        value.set("roles", Value::Set(vec![filler.clone()]));
        value.set(
            "tags",
            Value::Map(BTreeMap::from([("k".to_owned(), filler.clone())])),
        );
        value.set(
            "rules",
            Value::List(vec![rule(filler.clone(), Value::int(1))]),
        );
        value.set("timeouts", filler.clone());
        value.set("extra", filler.clone());
        assert_eq!(round_trip(&value, &ty), value, "{filler:?} inside");
    }
}

#[test]
fn unknown_is_written_as_fixext1_type_zero() {
    assert_eq!(
        encode_msgpack(&Value::Unknown, &Type::String).unwrap(),
        [0xd4, 0x00, 0x00]
    );
    assert_eq!(
        encode_msgpack(&Value::Unknown, &Type::Dynamic).unwrap(),
        [0xd4, 0x00, 0x00]
    );
    assert_eq!(
        encode_msgpack(&Value::Null, &Type::Dynamic).unwrap(),
        [0xc0]
    );
}

/// An object `{name: <ext>}` with the extension written by hand.
fn object_with_ext(ext_type: i8, payload: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    rmp::encode::write_map_len(&mut buf, 1).unwrap();
    rmp::encode::write_str(&mut buf, "name").unwrap();
    rmp::encode::write_ext_meta(&mut buf, payload.len() as u32, ext_type).unwrap();
    buf.extend_from_slice(payload);
    buf
}

#[test]
fn any_extension_decodes_as_unknown() {
    let ty = Type::object([("name", Type::String)]);
    let expected = Value::object([("name", Value::Unknown)]);

    // Refined unknown as newer Terraform sends it: not null, with the prefix "PCU-".
    let mut refinements = Vec::new();
    rmp::encode::write_map_len(&mut refinements, 2).unwrap();
    rmp::encode::write_uint(&mut refinements, 1).unwrap();
    rmp::encode::write_bool(&mut refinements, false).unwrap();
    rmp::encode::write_uint(&mut refinements, 2).unwrap();
    rmp::encode::write_str(&mut refinements, "PCU-").unwrap();

    for (ext_type, payload) in [
        (0, &[0u8][..]),
        (12, &refinements[..]),
        (42, &[1, 2, 3][..]),
    ] {
        let bytes = object_with_ext(ext_type, payload);
        assert_eq!(
            decode_msgpack(&bytes, &ty).unwrap(),
            expected,
            "ext type {ext_type}"
        );
    }
}

#[test]
fn hand_written_object_decodes_with_missing_attributes_as_null() {
    let ty = Type::object([
        ("name", Type::String),
        ("count", Type::Number),
        ("enabled", Type::Bool),
    ]);
    let mut buf = Vec::new();
    rmp::encode::write_map_len(&mut buf, 2).unwrap();
    rmp::encode::write_str(&mut buf, "count").unwrap();
    rmp::encode::write_sint(&mut buf, -7).unwrap();
    rmp::encode::write_str(&mut buf, "name").unwrap();
    rmp::encode::write_nil(&mut buf).unwrap();

    let expected = Value::object([
        ("name", Value::Null),
        ("count", Value::int(-7)),
        ("enabled", Value::Null),
    ]);
    assert_eq!(decode_msgpack(&buf, &ty).unwrap(), expected);
}

#[test]
fn encoded_objects_list_every_attribute() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
    let bytes = encode_msgpack(&Value::object([("a", Value::string("x"))]), &ty).unwrap();

    let mut expected = Vec::new();
    rmp::encode::write_map_len(&mut expected, 2).unwrap();
    rmp::encode::write_str(&mut expected, "a").unwrap();
    rmp::encode::write_str(&mut expected, "x").unwrap();
    rmp::encode::write_str(&mut expected, "b").unwrap();
    rmp::encode::write_nil(&mut expected).unwrap();
    assert_eq!(bytes, expected);
}

fn decode_number(write: impl FnOnce(&mut Vec<u8>)) -> Number {
    let mut buf = Vec::new();
    write(&mut buf);
    match decode_msgpack(&buf, &Type::Number).unwrap() {
        Value::Number(n) => n,
        other => panic!("expected a number, got {other:?}"),
    }
}

#[test]
fn numbers_decode_from_every_wire_form() {
    assert!(matches!(
        decode_number(|b| drop(rmp::encode::write_uint(b, 0))),
        Number::Int(0)
    ));
    assert!(matches!(
        decode_number(|b| drop(rmp::encode::write_sint(b, -5))),
        Number::Int(-5)
    ));
    let max = decode_number(|b| drop(rmp::encode::write_sint(b, i64::MAX)));
    assert!(matches!(max, Number::Int(i64::MAX)));

    // Past i64: 2^63 is exact as a float, u64::MAX is not and keeps its digits.
    let two_63 = decode_number(|b| drop(rmp::encode::write_u64(b, 1 << 63)));
    assert!(
        matches!(two_63, Number::Float(f) if f == 2f64.powi(63)),
        "{two_63:?}"
    );
    let u_max = decode_number(|b| drop(rmp::encode::write_u64(b, u64::MAX)));
    assert!(
        matches!(&u_max, Number::Big(t) if t == "18446744073709551615"),
        "{u_max:?}"
    );

    let f64_half = decode_number(|b| drop(rmp::encode::write_f64(b, 0.5)));
    assert!(matches!(f64_half, Number::Float(f) if f == 0.5));
    let f32_quarter = decode_number(|b| drop(rmp::encode::write_f32(b, -0.25)));
    assert!(matches!(f32_quarter, Number::Float(f) if f == -0.25));

    // go-cty writes numbers that fit neither form as decimal strings.
    let big = decode_number(|b| drop(rmp::encode::write_str(b, "123456789012345678901234567890")));
    assert!(matches!(&big, Number::Big(t) if t == "123456789012345678901234567890"));
    let small = decode_number(|b| drop(rmp::encode::write_str(b, "42")));
    assert!(matches!(small, Number::Int(42)));
    let tenth = decode_number(|b| drop(rmp::encode::write_str(b, "0.1")));
    assert!(matches!(&tenth, Number::Big(t) if t == "0.1"));
}

#[test]
fn numbers_encode_in_their_wire_form() {
    let enc = |n: Number| encode_msgpack(&Value::Number(n), &Type::Number).unwrap();

    let mut expected = Vec::new();
    rmp::encode::write_sint(&mut expected, i64::MIN).unwrap();
    assert_eq!(enc(Number::Int(i64::MIN)), expected);

    let mut expected = Vec::new();
    rmp::encode::write_f64(&mut expected, 1.5).unwrap();
    assert_eq!(enc(Number::Float(1.5)), expected);

    let mut expected = Vec::new();
    rmp::encode::write_str(&mut expected, "1e400").unwrap();
    assert_eq!(enc(Number::Big("1e400".into())), expected);

    assert!(encode_msgpack(&Value::Number(Number::Float(f64::NAN)), &Type::Number).is_err());
}

#[test]
fn dynamic_known_value_is_a_type_value_pair() {
    let mut buf = Vec::new();
    rmp::encode::write_array_len(&mut buf, 2).unwrap();
    rmp::encode::write_bin(&mut buf, br#"["list","string"]"#).unwrap();
    rmp::encode::write_array_len(&mut buf, 1).unwrap();
    rmp::encode::write_str(&mut buf, "x").unwrap();

    let value = decode_msgpack(&buf, &Type::Dynamic).unwrap();
    assert_eq!(value, Value::List(vec![Value::string("x")]));
    assert_eq!(encode_msgpack(&value, &Type::Dynamic).unwrap(), buf);
}

#[test]
fn dynamic_wholly_unknown_is_a_bare_extension() {
    let mut buf = Vec::new();
    rmp::encode::write_array_len(&mut buf, 2).unwrap();
    rmp::encode::write_str(&mut buf, "first").unwrap();
    buf.extend_from_slice(&[0xd4, 0x00, 0x00]);

    let ty = Type::Tuple(vec![Type::String, Type::Dynamic]);
    let value = decode_msgpack(&buf, &ty).unwrap();
    assert_eq!(
        value,
        Value::Tuple(vec![Value::string("first"), Value::Unknown])
    );
}

#[test]
fn decode_errors_name_the_path() {
    let ty = Type::object([("rules", Type::list(Type::object([("port", Type::Number)])))]);
    let mut buf = Vec::new();
    rmp::encode::write_map_len(&mut buf, 1).unwrap();
    rmp::encode::write_str(&mut buf, "rules").unwrap();
    rmp::encode::write_array_len(&mut buf, 1).unwrap();
    rmp::encode::write_map_len(&mut buf, 1).unwrap();
    rmp::encode::write_str(&mut buf, "port").unwrap();
    rmp::encode::write_bool(&mut buf, true).unwrap();

    let err = decode_msgpack(&buf, &ty).unwrap_err();
    assert_eq!(
        err.path(),
        &AttributePath::root("rules").index(0).attr("port")
    );
    assert!(err.message().contains("number"), "{err}");
}

#[test]
fn unexpected_attribute_and_trailing_bytes_are_errors() {
    let ty = Type::object([("a", Type::String)]);
    let mut buf = Vec::new();
    rmp::encode::write_map_len(&mut buf, 1).unwrap();
    rmp::encode::write_str(&mut buf, "zzz").unwrap();
    rmp::encode::write_nil(&mut buf).unwrap();
    assert_eq!(
        decode_msgpack(&buf, &ty).unwrap_err().path(),
        &AttributePath::root("zzz")
    );

    assert!(decode_msgpack(&[0xc0, 0xc0], &ty).is_err());
    assert!(decode_msgpack(&[0x92, 0xc0], &Type::list(Type::String)).is_err());
    assert_eq!(decode_msgpack(&[], &ty).unwrap(), Value::Null);
}

#[test]
fn encode_rejects_values_of_the_wrong_type_with_path() {
    let ty = Type::object([("tags", Type::map(Type::String))]);
    let value = Value::object([(
        "tags",
        Value::Map(BTreeMap::from([("k".to_owned(), Value::int(1))])),
    )]);
    let err = encode_msgpack(&value, &ty).unwrap_err();
    assert_eq!(err.path(), &AttributePath::root("tags").key("k"));

    let extra = Value::object([("nope", Value::Null)]);
    assert!(encode_msgpack(&extra, &ty).is_err());
}
