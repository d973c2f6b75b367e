//! The msgpack encoding of values, as carried in `DynamicValue.msgpack`.
//!
//! This is go-cty's encoding: null is nil; unknown is a msgpack extension (we write type 0,
//! `d4 00 00`; newer Terraform sends type 12 with refinements such as "not null" or a string
//! prefix, which we read as plain unknown); numbers are integers, floats or decimal strings;
//! lists, sets and tuples are arrays; maps and objects are maps, objects listing every
//! attribute. A dynamic slot holds `[type JSON as bin, value]`, or a bare extension when
//! even the type is unknown.

use std::collections::BTreeMap;

use rmpv::Value as Mp;

use super::types::infer_type;
use super::{Number, Type, Value, ValueError, index_step};
use crate::diag::PathStep;

/// The extension type go-cty writes for an unknown value without refinements.
const UNKNOWN_EXT: i8 = 0;

/// Decodes msgpack bytes holding a value of type `ty`; empty bytes mean null.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    let mut rest = bytes;
    let raw = rmpv::decode::read_value(&mut rest)
        .map_err(|e| ValueError::new(format!("malformed msgpack: {e}")))?;
    if !rest.is_empty() {
        return Err(ValueError::new(format!(
            "{} unexpected bytes after the msgpack value",
            rest.len()
        )));
    }
    decode(&raw, ty)
}

/// Encodes a value of type `ty` as msgpack bytes.
pub fn encode_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>, ValueError> {
    let raw = encode(value, ty)?;
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &raw)
        .map_err(|e| ValueError::new(format!("cannot write msgpack: {e}")))?;
    Ok(out)
}

fn decode(raw: &Mp, ty: &Type) -> Result<Value, ValueError> {
    let mismatch = || ValueError::new(format!("expected {ty}, found msgpack {}", kind(raw)));
    match (raw, ty) {
        // Any extension is an unknown: its payload only refines what the value may become.
        (Mp::Ext(..), _) => Ok(Value::Unknown),
        (Mp::Nil, _) => Ok(Value::Null),

        (Mp::Array(pair), Type::Dynamic) => match pair.as_slice() {
            [Mp::Binary(ty_json), inner] => decode(inner, &Type::from_json(ty_json)?),
            [Mp::String(ty_json), inner] => decode(inner, &Type::from_json(ty_json.as_bytes())?),
            _ => Err(ValueError::new("dynamic value is not a [type, value] pair")),
        },

        (Mp::String(s), Type::String) => s
            .as_str()
            .map(Value::string)
            .ok_or_else(|| ValueError::new("string is not valid UTF-8")),
        (Mp::Boolean(b), Type::Bool) => Ok(Value::Bool(*b)),
        (Mp::Integer(i), Type::Number) => Ok(Value::Number(match (i.as_i64(), i.as_u64()) {
            (Some(i), _) => Number::Int(i),
            (None, Some(u)) => Number::from_u64(u),
            (None, None) => return Err(mismatch()),
        })),
        (Mp::F32(f), Type::Number) => Ok(Value::Number(Number::from_f64(f64::from(*f)))),
        (Mp::F64(f), Type::Number) => Ok(Value::Number(Number::from_f64(*f))),
        // Numbers beyond float64 travel as decimal text.
        (Mp::String(s), Type::Number) => s
            .as_str()
            .and_then(Number::parse)
            .map(Value::Number)
            .ok_or_else(|| ValueError::new("string in a number slot is not a decimal number")),

        (Mp::Array(elems), Type::List(e)) => decode_elems(elems, |_| Some(e)).map(Value::List),
        (Mp::Array(elems), Type::Set(e)) => decode_elems(elems, |_| Some(e)).map(Value::Set),
        (Mp::Array(elems), Type::Tuple(types)) => {
            if elems.len() != types.len() {
                return Err(ValueError::new(format!(
                    "tuple has {} elements, expected {}",
                    elems.len(),
                    types.len()
                )));
            }
            decode_elems(elems, |i| types.get(i)).map(Value::Tuple)
        }

        (Mp::Map(entries), Type::Map(e)) => {
            let mut out = BTreeMap::new();
            for (k, v) in entries {
                let k = key(k)?;
                let v = decode(v, e).map_err(|err| err.within(PathStep::Key(k.to_owned())))?;
                out.insert(k.to_owned(), v);
            }
            Ok(Value::Map(out))
        }
        (Mp::Map(entries), Type::Object(attrs)) => {
            // Terraform lists every attribute, but older states and hand-made values may not;
            // a missing attribute is null.
            let mut out: BTreeMap<_, _> = attrs.keys().map(|n| (n.clone(), Value::Null)).collect();
            for (k, v) in entries {
                let k = key(k)?;
                let attr_ty = attrs.get(k).ok_or_else(|| {
                    ValueError::new("unsupported attribute").within(PathStep::Attr(k.to_owned()))
                })?;
                let v = decode(v, attr_ty).map_err(|e| e.within(PathStep::Attr(k.to_owned())))?;
                out.insert(k.to_owned(), v);
            }
            Ok(Value::Object(out))
        }

        _ => Err(mismatch()),
    }
}

fn decode_elems<'t>(
    elems: &[Mp],
    ty_of: impl Fn(usize) -> Option<&'t Type>,
) -> Result<Vec<Value>, ValueError> {
    elems
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let ty = ty_of(i).ok_or_else(|| ValueError::new("too many elements"))?;
            decode(raw, ty).map_err(|e| e.within(index_step(i)))
        })
        .collect()
}

fn key(raw: &Mp) -> Result<&str, ValueError> {
    match raw {
        Mp::String(s) => s
            .as_str()
            .ok_or_else(|| ValueError::new("map key is not valid UTF-8")),
        other => Err(ValueError::new(format!(
            "map key is a msgpack {}, not a string",
            kind(other)
        ))),
    }
}

fn encode(value: &Value, ty: &Type) -> Result<Mp, ValueError> {
    let mismatch = || ValueError::new(format!("expected {ty}, found {}", value_kind(value)));
    match (value, ty) {
        (Value::Unknown, _) => Ok(Mp::Ext(UNKNOWN_EXT, vec![0])),
        (Value::Null, _) => Ok(Mp::Nil),

        (known, Type::Dynamic) => {
            let concrete = infer_type(known)?;
            let inner = encode(known, &concrete)?;
            Ok(Mp::Array(vec![Mp::Binary(concrete.to_json()), inner]))
        }

        (Value::String(s), Type::String) => Ok(Mp::from(s.as_str())),
        (Value::Bool(b), Type::Bool) => Ok(Mp::Boolean(*b)),
        (Value::Number(n), Type::Number) => encode_number(n),

        (Value::List(e) | Value::Set(e) | Value::Tuple(e), Type::List(t) | Type::Set(t)) => {
            encode_elems(e, |_| Some(t)).map(Mp::Array)
        }
        (Value::List(e) | Value::Set(e) | Value::Tuple(e), Type::Tuple(types)) => {
            if e.len() != types.len() {
                return Err(ValueError::new(format!(
                    "tuple has {} elements, expected {}",
                    e.len(),
                    types.len()
                )));
            }
            encode_elems(e, |i| types.get(i)).map(Mp::Array)
        }

        (Value::Map(m) | Value::Object(m), Type::Map(t)) => m
            .iter()
            .map(|(k, v)| {
                let v = encode(v, t).map_err(|e| e.within(PathStep::Key(k.clone())))?;
                Ok((Mp::from(k.as_str()), v))
            })
            .collect::<Result<_, _>>()
            .map(Mp::Map),
        (Value::Map(m) | Value::Object(m), Type::Object(attrs)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(
                    ValueError::new("unsupported attribute").within(PathStep::Attr(extra.clone()))
                );
            }
            // Every attribute must be present on the wire; unset ones are nil.
            attrs
                .iter()
                .map(|(n, t)| {
                    let v = m.get(n).unwrap_or(&Value::Null);
                    let v = encode(v, t).map_err(|e| e.within(PathStep::Attr(n.clone())))?;
                    Ok((Mp::from(n.as_str()), v))
                })
                .collect::<Result<_, _>>()
                .map(Mp::Map)
        }

        _ => Err(mismatch()),
    }
}

fn encode_elems<'t>(
    elems: &[Value],
    ty_of: impl Fn(usize) -> Option<&'t Type>,
) -> Result<Vec<Mp>, ValueError> {
    elems
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let ty = ty_of(i).ok_or_else(|| ValueError::new("too many elements"))?;
            encode(v, ty).map_err(|e| e.within(index_step(i)))
        })
        .collect()
}

fn encode_number(n: &Number) -> Result<Mp, ValueError> {
    match n {
        Number::Int(i) => Ok(Mp::from(*i)),
        // go-cty writes integral numbers as integers; doing the same keeps bytes comparable.
        Number::Float(f) => match Number::from_f64(*f) {
            Number::Int(i) => Ok(Mp::from(i)),
            _ if f.is_nan() => Err(ValueError::new("NaN is not a number Terraform accepts")),
            _ => Ok(Mp::F64(*f)),
        },
        Number::Big(text) => match Number::parse(text) {
            Some(_) => Ok(Mp::from(text.trim())),
            None => Err(ValueError::new("big number is not decimal text")),
        },
    }
}

fn kind(raw: &Mp) -> &'static str {
    match raw {
        Mp::Nil => "nil",
        Mp::Boolean(_) => "bool",
        Mp::Integer(_) => "integer",
        Mp::F32(_) | Mp::F64(_) => "float",
        Mp::String(_) => "string",
        Mp::Binary(_) => "binary",
        Mp::Array(_) => "array",
        Mp::Map(_) => "map",
        Mp::Ext(..) => "extension",
    }
}

/// A value's kind for error messages; the contents stay out, they may be secret.
pub(crate) fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Unknown => "unknown",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Set(_) => "set",
        Value::Map(_) => "map",
        Value::Object(_) => "object",
        Value::Tuple(_) => "tuple",
    }
}
