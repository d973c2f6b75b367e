//! Wire values: configuration, plans and state as Terraform sends and expects them.
//!
//! A [`Value`] is a dynamically typed tree: null, unknown (decided only at apply time), or a
//! known primitive or collection. It only makes sense next to its [`Type`], which says, for
//! example, whether an array is a list or a set. Terraform exchanges values as msgpack
//! ([`decode_msgpack`], [`encode_msgpack`]) and, for stored state, as JSON ([`decode_json`],
//! [`encode_json`]). [`from_value`] and [`to_value`] map values to and from plain Rust
//! structs with serde so resources can work with typed data.

mod json;
mod map_key;
mod msgpack;
mod number;
mod serde_de;
mod serde_ser;
mod types;

use std::collections::BTreeMap;

pub use json::{decode_json, encode_json};
pub use msgpack::{decode_msgpack, encode_msgpack};
pub use number::Number;
pub use serde_de::from_value;
pub use serde_ser::to_value;
pub use types::Type;

use crate::diag::{AttributePath, PathStep};

/// A value of some [`Type`], possibly null or not yet known.
///
/// `Debug` prints contents, sensitive ones included: do not log values.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Absent: unset optional attribute, absent single block, or a whole null object.
    Null,
    /// Not known until apply; at plan time Terraform shows it as "(known after apply)".
    Unknown,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// List elements, in order.
    List(Vec<Value>),
    /// Set elements; the order carries no meaning.
    Set(Vec<Value>),
    /// Map elements by key.
    Map(BTreeMap<String, Value>),
    /// Object attributes by name.
    Object(BTreeMap<String, Value>),
    /// Tuple elements, in order.
    Tuple(Vec<Value>),
}

impl Value {
    /// A known string.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// A known integer.
    pub fn int(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }

    /// A known boolean.
    pub fn bool(b: bool) -> Value {
        Value::Bool(b)
    }

    /// An object from `(attribute name, value)` pairs.
    pub fn object<'a, I: IntoIterator<Item = (&'a str, Value)>>(attrs: I) -> Value {
        Value::Object(attrs.into_iter().map(|(n, v)| (n.to_owned(), v)).collect())
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether the value as a whole is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// Whether no part of the value, at any depth, is unknown.
    pub fn is_fully_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => v.iter().all(Value::is_fully_known),
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_fully_known),
        }
    }

    /// An object attribute or map element; `None` if absent or if this is not an object or map.
    pub fn get(&self, attr: &str) -> Option<&Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get(attr),
            _ => None,
        }
    }

    /// A mutable object attribute or map element.
    pub fn get_mut(&mut self, attr: &str) -> Option<&mut Value> {
        match self {
            Value::Object(m) | Value::Map(m) => m.get_mut(attr),
            _ => None,
        }
    }

    /// Inserts or replaces an object attribute or map element; any other value (null
    /// included) is first replaced by an empty object.
    pub fn set(&mut self, attr: &str, v: Value) {
        if !matches!(self, Value::Object(_) | Value::Map(_)) {
            *self = Value::Object(BTreeMap::new());
        }
        if let Value::Object(m) | Value::Map(m) = self {
            m.insert(attr.to_owned(), v);
        }
    }

    /// The value at a path of attributes, keys and indexes, if it exists.
    pub fn at(&self, path: &AttributePath) -> Option<&Value> {
        path.0.iter().try_fold(self, |v, step| match (step, v) {
            (PathStep::Attr(a) | PathStep::Key(a), _) => v.get(a),
            (PathStep::Index(i), Value::List(e) | Value::Set(e) | Value::Tuple(e)) => {
                e.get(usize::try_from(*i).ok()?)
            }
            _ => None,
        })
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if this is a known number that is an integer fitting in `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    /// The boolean, if this is a known boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The null value of a type; objects are null as a whole, not attribute by attribute.
    pub fn null_of(_ty: &Type) -> Value {
        Value::Null
    }

    /// A known object of the given object type with every attribute unknown; any other type
    /// gives a plain unknown.
    pub fn unknown_object(ty: &Type) -> Value {
        match ty {
            Type::Object(attrs) => {
                Value::Object(attrs.keys().map(|n| (n.clone(), Value::Unknown)).collect())
            }
            _ => Value::Unknown,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::string(s)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(o: Option<T>) -> Value {
        o.map_or(Value::Null, Into::into)
    }
}

/// A value that could not be decoded, encoded or converted, and where in it that happened.
///
/// Messages name types and paths, never the contents of values, which may be secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValueError {
    message: String,
    path: AttributePath,
}

impl ValueError {
    /// An error at the root of the value.
    pub fn new(message: impl Into<String>) -> ValueError {
        ValueError {
            message: message.into(),
            path: AttributePath::default(),
        }
    }

    /// An error at a path.
    pub fn at(path: AttributePath, message: impl Into<String>) -> ValueError {
        ValueError {
            message: message.into(),
            path,
        }
    }

    /// What went wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Where it went wrong, from the root of the value.
    pub fn path(&self) -> &AttributePath {
        &self.path
    }

    /// The same error one level deeper: `step` is put in front of the path. Errors are
    /// raised where they happen and gain their path while unwinding to the root.
    pub(crate) fn within(mut self, step: PathStep) -> ValueError {
        self.path.0.insert(0, step);
        self
    }
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ValueError {}

/// The path step of a sequence position, for error paths.
pub(crate) fn index_step(i: usize) -> PathStep {
    PathStep::Index(i64::try_from(i).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fully_known_looks_at_every_depth() {
        let mut v = Value::object([
            ("a", Value::List(vec![Value::int(1), Value::Null])),
            (
                "m",
                Value::Map(BTreeMap::from([("k".into(), Value::string("x"))])),
            ),
        ]);
        assert!(v.is_fully_known());

        v.get_mut("m").unwrap().set("k", Value::Unknown);
        assert!(!v.is_fully_known());
        assert!(!Value::Set(vec![Value::Unknown]).is_fully_known());
    }

    #[test]
    fn accessors_return_none_for_other_kinds() {
        let v = Value::object([("name", Value::string("PCU-abcdefg")), ("n", Value::int(3))]);
        assert_eq!(v.get("name").and_then(Value::as_str), Some("PCU-abcdefg"));
        assert_eq!(v.get("n").and_then(Value::as_i64), Some(3));
        assert_eq!(v.get("missing"), None);
        assert_eq!(Value::string("x").get("name"), None);
        assert_eq!(Value::int(1).as_str(), None);
        assert_eq!(Value::Null.as_bool(), None);
        assert_eq!(Value::Number(Number::Float(2.5)).as_i64(), None);
    }

    #[test]
    fn set_turns_null_into_an_object() {
        let mut v = Value::Null;
        v.set("id", Value::string("1"));
        v.set("id", Value::string("2"));
        assert_eq!(v, Value::object([("id", Value::string("2"))]));
    }

    #[test]
    fn at_follows_attributes_keys_and_indexes() {
        let v = Value::object([(
            "list",
            Value::List(vec![Value::object([(
                "tags",
                Value::object([("k", Value::int(5))]),
            )])]),
        )]);
        let path = AttributePath::root("list").index(0).attr("tags").key("k");
        assert_eq!(v.at(&path), Some(&Value::int(5)));
        assert_eq!(v.at(&AttributePath::root("list").index(1)), None);
    }

    #[test]
    fn unknown_object_marks_each_attribute() {
        let ty = Type::object([("a", Type::String), ("b", Type::Number)]);
        let v = Value::unknown_object(&ty);
        assert_eq!(v.get("a"), Some(&Value::Unknown));
        assert_eq!(v.get("b"), Some(&Value::Unknown));
        assert_eq!(Value::unknown_object(&Type::String), Value::Unknown);
        assert_eq!(Value::null_of(&ty), Value::Null);
    }

    #[test]
    fn error_display_shows_path_then_message() {
        let e = ValueError::new("value is not known yet")
            .within(PathStep::Attr("b".into()))
            .within(PathStep::Attr("a".into()));
        assert_eq!(e.to_string(), "a.b: value is not known yet");
        assert_eq!(ValueError::new("bad").to_string(), "bad");
    }
}
