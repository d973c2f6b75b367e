//! Typed access to values: plain structs in and out, with errors naming the attribute.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tfplugin::diag::AttributePath;
use tfplugin::value::{Number, Type, Value, from_value, to_value};

#[derive(Debug, Default, PartialEq, Deserialize, Serialize)]
struct Timeouts {
    create: Option<String>,
    delete: Option<String>,
}

#[derive(Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Active,
    Disabled,
}

#[derive(Debug, PartialEq, Deserialize, Serialize)]
struct User {
    name: String,
    description: Option<String>,
    project_id: u32,
    quota: Option<f64>,
    roles: Vec<String>,
    tags: HashMap<String, String>,
    status: Status,
    timeouts: Option<Timeouts>,
}

fn user_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("description", Type::String),
        ("project_id", Type::Number),
        ("quota", Type::Number),
        ("roles", Type::set(Type::String)),
        ("tags", Type::map(Type::String)),
        ("status", Type::String),
        ("password", Type::String),
        (
            "timeouts",
            Type::object([("create", Type::String), ("delete", Type::String)]),
        ),
    ])
}

fn user_value() -> Value {
    Value::object([
        ("name", Value::string("PCU-abcdefg")),
        ("description", Value::Null),
        ("project_id", Value::int(42)),
        ("quota", Value::Number(Number::Float(1.5))),
        ("roles", Value::Set(vec![Value::string("member")])),
        (
            "tags",
            Value::Map(BTreeMap::from([("env".to_owned(), Value::string("prod"))])),
        ),
        ("status", Value::string("active")),
        ("password", Value::Null),
        (
            "timeouts",
            Value::object([("create", Value::string("5m")), ("delete", Value::Null)]),
        ),
    ])
}

#[test]
fn object_fills_a_struct_with_options_nested_structs_and_collections() {
    let user: User = from_value(&user_value()).unwrap();
    assert_eq!(
        user,
        User {
            name: "PCU-abcdefg".into(),
            description: None,
            project_id: 42,
            quota: Some(1.5),
            roles: vec!["member".into()],
            tags: HashMap::from([("env".into(), "prod".into())]),
            status: Status::Active,
            timeouts: Some(Timeouts {
                create: Some("5m".into()),
                delete: None
            }),
        }
    );
}

#[test]
fn struct_round_trips_through_its_type() {
    let ty = user_type();
    let user: User = from_value(&user_value()).unwrap();
    let value = to_value(&user, &ty).unwrap();

    // The schema's `password` has no field in the struct: it is written as null.
    assert_eq!(value, user_value());
    assert_eq!(from_value::<User>(&value).unwrap(), user);
}

#[test]
fn to_value_follows_the_type_for_sequences_and_absent_options() {
    let ty = Type::object([
        ("roles", Type::set(Type::String)),
        ("ids", Type::list(Type::Number)),
    ]);

    #[derive(Serialize)]
    struct Both {
        roles: Vec<&'static str>,
        ids: Option<Vec<u64>>,
    }
    let value = to_value(
        &Both {
            roles: vec!["a", "a", "b"],
            ids: None,
        },
        &ty,
    )
    .unwrap();
    assert_eq!(
        value.get("roles"),
        Some(&Value::Set(vec![Value::string("a"), Value::string("b")]))
    );
    assert_eq!(value.get("ids"), Some(&Value::Null));

    let ids = to_value(&vec![1u64, u64::MAX], &Type::list(Type::Number)).unwrap();
    let expected = Value::List(vec![
        Value::int(1),
        Value::Number(Number::Big("18446744073709551615".into())),
    ]);
    assert_eq!(ids, expected);
}

#[test]
fn unknown_is_an_error_naming_its_path() {
    let mut value = user_value();
    value
        .get_mut("timeouts")
        .unwrap()
        .set("create", Value::Unknown);

    let err = from_value::<User>(&value).unwrap_err();
    assert_eq!(err.path(), &AttributePath::root("timeouts").attr("create"));
    assert_eq!(err.message(), "value is not known yet");
    assert_eq!(err.to_string(), "timeouts.create: value is not known yet");
}

#[test]
fn wrong_type_is_an_error_naming_its_path() {
    let mut value = user_value();
    value.set(
        "roles",
        Value::Set(vec![Value::string("ok"), Value::int(7)]),
    );
    let err = from_value::<User>(&value).unwrap_err();
    assert_eq!(err.path(), &AttributePath::root("roles").index(1));

    let mut value = user_value();
    value.set(
        "tags",
        Value::Map(BTreeMap::from([("k".to_owned(), Value::Bool(true))])),
    );
    let err = from_value::<User>(&value).unwrap_err();
    assert_eq!(err.path(), &AttributePath::root("tags").key("k"));

    let wrong = Value::object([("name", Value::int(1))]);
    let err = to_value(
        &wrong_shape::Name { name: 1 },
        &Type::object([("name", Type::String)]),
    )
    .unwrap_err();
    assert_eq!(err.path(), &AttributePath::root("name"));
    assert!(from_value::<wrong_shape::Text>(&wrong).is_err());
}

mod wrong_shape {
    #[derive(serde::Serialize)]
    pub struct Name {
        pub name: i32,
    }

    #[derive(serde::Deserialize)]
    pub struct Text {
        #[allow(dead_code)]
        pub name: String,
    }
}

#[test]
fn null_for_a_required_field_is_an_error_naming_it() {
    let mut value = user_value();
    value.set("name", Value::Null);
    let err = from_value::<User>(&value).unwrap_err();
    assert_eq!(err.path(), &AttributePath::root("name"));
}

#[test]
fn numbers_must_fit_their_integer_type() {
    assert_eq!(from_value::<u8>(&Value::int(255)).unwrap(), 255);
    assert!(from_value::<u8>(&Value::int(256)).is_err());
    assert!(from_value::<u32>(&Value::int(-1)).is_err());
    assert!(from_value::<i64>(&Value::Number(Number::Float(1.5))).is_err());
    assert_eq!(
        from_value::<i64>(&Value::Number(Number::Float(2.0))).unwrap(),
        2
    );
    let big = Value::Number(Number::Big("18446744073709551615".into()));
    assert_eq!(from_value::<u64>(&big).unwrap(), u64::MAX);
    assert!(from_value::<i64>(&big).is_err());
    assert_eq!(
        from_value::<f64>(&Value::Number(Number::Big("0.1".into()))).unwrap(),
        0.1
    );
}

#[test]
fn error_messages_do_not_repeat_values() {
    let secret = Value::string("hunter2-secret");
    let err = from_value::<i64>(&secret).unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");

    let err = from_value::<Status>(&secret).unwrap_err();
    assert!(!err.to_string().contains("hunter2"), "{err}");
}

#[test]
fn struct_field_outside_the_type_is_an_error() {
    #[derive(Serialize)]
    struct Extra {
        a: String,
        b: String,
    }
    let ty = Type::object([("a", Type::String)]);
    let err = to_value(
        &Extra {
            a: "x".into(),
            b: "y".into(),
        },
        &ty,
    )
    .unwrap_err();
    assert_eq!(err.path(), &AttributePath::root("b"));
}

#[test]
fn dynamic_slots_take_the_natural_shape() {
    let v = to_value(&BTreeMap::from([("k", vec![1, 2])]), &Type::Dynamic).unwrap();
    let expected = Value::Map(BTreeMap::from([(
        "k".to_owned(),
        Value::List(vec![Value::int(1), Value::int(2)]),
    )]));
    assert_eq!(v, expected);
    let back: BTreeMap<String, Vec<i32>> = from_value(&v).unwrap();
    assert_eq!(back["k"], [1, 2]);
}
