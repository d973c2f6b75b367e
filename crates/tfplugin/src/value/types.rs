//! Value types, in the type system Terraform inherits from go-cty.
//!
//! Every attribute of a schema has a type, and the wire encodings of values are only
//! meaningful against one: a msgpack array is a list, a set or a tuple depending on the type
//! it is read with. On the wire a type is itself written as JSON: `"string"`,
//! `["list","string"]`, `["object",{"name":"string"}]`, `"dynamic"`.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Value as Json, json};

use super::{Value, ValueError, index_step};
use crate::diag::PathStep;

/// The type of a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// A Unicode string.
    String,
    /// An arbitrary-precision decimal number.
    Number,
    /// A boolean.
    Bool,
    /// Any type, decided per value (`"dynamic"`, the cty pseudo-type).
    Dynamic,
    /// An ordered sequence of elements of one type.
    List(Box<Type>),
    /// An unordered collection of distinct elements of one type.
    Set(Box<Type>),
    /// String keys to elements of one type.
    Map(Box<Type>),
    /// Named attributes, each with its own type.
    Object(BTreeMap<String, Type>),
    /// A fixed-length sequence, each position with its own type.
    Tuple(Vec<Type>),
}

impl Type {
    /// An object type from `(attribute name, type)` pairs.
    pub fn object<I: IntoIterator<Item = (&'static str, Type)>>(attrs: I) -> Type {
        Type::Object(attrs.into_iter().map(|(n, t)| (n.to_owned(), t)).collect())
    }

    /// A list type of the given element type.
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// A set type of the given element type.
    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    /// A map type of the given element type.
    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    /// The type of an object attribute, if this is an object type that has it.
    pub fn attribute_type(&self, name: &str) -> Option<&Type> {
        match self {
            Type::Object(attrs) => attrs.get(name),
            _ => None,
        }
    }

    /// The type's cty JSON form, as Terraform expects it in schemas and dynamic values.
    pub fn to_json(&self) -> Vec<u8> {
        self.to_json_value().to_string().into_bytes()
    }

    /// Parses a type from its cty JSON form.
    pub fn from_json(bytes: &[u8]) -> Result<Type, ValueError> {
        let json: Json = serde_json::from_slice(bytes)
            .map_err(|e| ValueError::new(format!("type is not valid JSON: {e}")))?;
        Type::from_json_value(&json)
    }

    pub(crate) fn to_json_value(&self) -> Json {
        match self {
            Type::String => json!("string"),
            Type::Number => json!("number"),
            Type::Bool => json!("bool"),
            Type::Dynamic => json!("dynamic"),
            Type::List(e) => json!(["list", e.to_json_value()]),
            Type::Set(e) => json!(["set", e.to_json_value()]),
            Type::Map(e) => json!(["map", e.to_json_value()]),
            Type::Object(attrs) => {
                let attrs: serde_json::Map<_, _> = attrs
                    .iter()
                    .map(|(n, t)| (n.clone(), t.to_json_value()))
                    .collect();
                json!(["object", attrs])
            }
            Type::Tuple(elems) => {
                let elems: Vec<_> = elems.iter().map(Type::to_json_value).collect();
                json!(["tuple", elems])
            }
        }
    }

    pub(crate) fn from_json_value(json: &Json) -> Result<Type, ValueError> {
        let bad = || ValueError::new(format!("{json} is not a type"));
        match json {
            Json::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                _ => Err(bad()),
            },
            Json::Array(parts) => {
                let (kind, arg) = match parts.as_slice() {
                    [Json::String(kind), arg] => (kind.as_str(), arg),
                    // A third element lists optional attributes of an object type constraint;
                    // values carry every attribute anyway, so the list changes nothing here.
                    [Json::String(kind), arg, Json::Array(_)] if kind == "object" => {
                        (kind.as_str(), arg)
                    }
                    _ => return Err(bad()),
                };
                match (kind, arg) {
                    ("list", e) => Ok(Type::list(Type::from_json_value(e)?)),
                    ("set", e) => Ok(Type::set(Type::from_json_value(e)?)),
                    ("map", e) => Ok(Type::map(Type::from_json_value(e)?)),
                    ("object", Json::Object(attrs)) => attrs
                        .iter()
                        .map(|(n, t)| Ok((n.clone(), Type::from_json_value(t)?)))
                        .collect::<Result<_, _>>()
                        .map(Type::Object),
                    ("tuple", Json::Array(elems)) => elems
                        .iter()
                        .map(Type::from_json_value)
                        .collect::<Result<_, _>>()
                        .map(Type::Tuple),
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }
}

/// The concrete type of a known value, needed to write it into a dynamic slot.
///
/// Null and unknown parts say nothing about their type and count as dynamic; the elements
/// of a list, set or map must agree on one type apart from those.
pub(crate) fn infer_type(value: &Value) -> Result<Type, ValueError> {
    match value {
        Value::Null | Value::Unknown => Ok(Type::Dynamic),
        Value::Bool(_) => Ok(Type::Bool),
        Value::Number(_) => Ok(Type::Number),
        Value::String(_) => Ok(Type::String),
        Value::List(elems) => Ok(Type::list(common_type(
            elems.iter().enumerate().map(|(i, v)| (index_step(i), v)),
        )?)),
        Value::Set(elems) => Ok(Type::set(common_type(
            elems.iter().enumerate().map(|(i, v)| (index_step(i), v)),
        )?)),
        Value::Map(m) => Ok(Type::map(common_type(
            m.iter().map(|(k, v)| (PathStep::Key(k.clone()), v)),
        )?)),
        Value::Object(m) => m
            .iter()
            .map(|(n, v)| {
                let ty = infer_type(v).map_err(|e| e.within(PathStep::Attr(n.clone())))?;
                Ok((n.clone(), ty))
            })
            .collect::<Result<_, _>>()
            .map(Type::Object),
        Value::Tuple(elems) => elems
            .iter()
            .enumerate()
            .map(|(i, v)| infer_type(v).map_err(|e| e.within(index_step(i))))
            .collect::<Result<_, _>>()
            .map(Type::Tuple),
    }
}

fn common_type<'a>(elems: impl Iterator<Item = (PathStep, &'a Value)>) -> Result<Type, ValueError> {
    let mut common = Type::Dynamic;
    for (step, v) in elems {
        let ty = infer_type(v).map_err(|e| e.within(step.clone()))?;
        common = unify(&common, &ty).ok_or_else(|| {
            ValueError::new(format!("element of type {ty} does not match {common}")).within(step)
        })?;
    }
    Ok(common)
}

/// The type that covers both, where dynamic parts (from nulls and unknowns) take the other
/// side's shape; `None` when the two disagree.
fn unify(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Dynamic, t) | (t, Type::Dynamic) => Some(t.clone()),
        (Type::List(x), Type::List(y)) => Some(Type::list(unify(x, y)?)),
        (Type::Set(x), Type::Set(y)) => Some(Type::set(unify(x, y)?)),
        (Type::Map(x), Type::Map(y)) => Some(Type::map(unify(x, y)?)),
        (Type::Object(x), Type::Object(y)) if x.keys().eq(y.keys()) => x
            .iter()
            .zip(y.values())
            .map(|((n, x), y)| Some((n.clone(), unify(x, y)?)))
            .collect::<Option<_>>()
            .map(Type::Object),
        (Type::Tuple(x), Type::Tuple(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .map(|(x, y)| unify(x, y))
            .collect::<Option<_>>()
            .map(Type::Tuple),
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}

/// Shows the type the way Terraform's messages do: `list(string)`, `object({...})`.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::Dynamic => f.write_str("any"),
            Type::List(e) => write!(f, "list({e})"),
            Type::Set(e) => write!(f, "set({e})"),
            Type::Map(e) => write!(f, "map({e})"),
            Type::Object(attrs) => {
                f.write_str("object({")?;
                for (n, (name, ty)) in attrs.iter().enumerate() {
                    let sep = if n == 0 { "" } else { ", " };
                    write!(f, "{sep}{name}={ty}")?;
                }
                f.write_str("})")
            }
            Type::Tuple(elems) => {
                f.write_str("tuple([")?;
                for (n, ty) in elems.iter().enumerate() {
                    let sep = if n == 0 { "" } else { ", " };
                    write!(f, "{sep}{ty}")?;
                }
                f.write_str("])")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_type() -> Type {
        Type::object([
            ("s", Type::String),
            ("n", Type::Number),
            ("b", Type::Bool),
            ("d", Type::Dynamic),
            ("l", Type::list(Type::String)),
            ("st", Type::set(Type::Number)),
            ("m", Type::map(Type::Bool)),
            ("t", Type::Tuple(vec![Type::String, Type::Number])),
            ("o", Type::object([("inner", Type::list(Type::Dynamic))])),
        ])
    }

    #[test]
    fn primitives_encode_as_json_strings() {
        assert_eq!(Type::String.to_json(), br#""string""#);
        assert_eq!(Type::Dynamic.to_json(), br#""dynamic""#);
        assert_eq!(Type::list(Type::String).to_json(), br#"["list","string"]"#);
        assert_eq!(
            Type::object([("a", Type::String)]).to_json(),
            br#"["object",{"a":"string"}]"#
        );
    }

    #[test]
    fn every_type_round_trips_through_json() {
        let ty = every_type();
        assert_eq!(Type::from_json(&ty.to_json()).unwrap(), ty);
    }

    #[test]
    fn object_with_optional_attribute_list_is_accepted() {
        let ty = Type::from_json(br#"["object",{"a":"string"},["a"]]"#).unwrap();
        assert_eq!(ty, Type::object([("a", Type::String)]));
    }

    #[test]
    fn malformed_types_are_rejected() {
        for bad in [
            &b"\"text\""[..],
            b"[\"list\"]",
            b"[\"object\",\"string\"]",
            b"3",
            b"{",
        ] {
            assert!(
                Type::from_json(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn infer_type_unifies_elements_around_nulls() {
        let v = Value::List(vec![
            Value::object([("a", Value::Null)]),
            Value::object([("a", Value::string("x"))]),
        ]);
        assert_eq!(
            infer_type(&v).unwrap(),
            Type::list(Type::object([("a", Type::String)]))
        );
        assert_eq!(
            infer_type(&Value::Set(vec![])).unwrap(),
            Type::set(Type::Dynamic)
        );
    }

    #[test]
    fn infer_type_rejects_mixed_lists_with_path() {
        let v = Value::object([("l", Value::List(vec![Value::int(1), Value::string("x")]))]);
        let err = infer_type(&v).unwrap_err();
        assert_eq!(err.path().to_string(), "l[1]");
    }

    #[test]
    fn display_reads_like_terraform() {
        let ty = Type::object([("a", Type::list(Type::String)), ("b", Type::Dynamic)]);
        assert_eq!(ty.to_string(), "object({a=list(string), b=any})");
    }
}
