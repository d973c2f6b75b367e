//! The JSON encoding of values, as stored in Terraform state (`RawState.json`).
//!
//! Same shapes as msgpack minus unknowns, which state never holds: null is `null`, numbers
//! are JSON numbers, lists, sets and tuples are arrays, maps and objects are objects. A
//! dynamic slot holds `{"value": ..., "type": ...}` with the type in its JSON form.
//!
//! Numbers are read from their exact text rather than through `f64`, so a big integer or a
//! long decimal in state comes back unchanged.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use super::msgpack::value_kind;
use super::types::infer_type;
use super::{Number, Type, Value, ValueError, index_step};
use crate::diag::PathStep;

/// Decodes JSON bytes holding a value of type `ty`; empty bytes mean null.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, ValueError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    let raw: &RawValue = serde_json::from_slice(bytes).map_err(syntax)?;
    decode(raw, ty)
}

/// Encodes a wholly known value of type `ty` as JSON bytes.
pub fn encode_json(value: &Value, ty: &Type) -> Result<Vec<u8>, ValueError> {
    let mut out = String::new();
    encode(value, ty, &mut out)?;
    Ok(out.into_bytes())
}

fn syntax(e: serde_json::Error) -> ValueError {
    ValueError::new(format!("malformed JSON: {e}"))
}

fn decode(raw: &RawValue, ty: &Type) -> Result<Value, ValueError> {
    let text = raw.get();
    let first = text.as_bytes().first().copied().unwrap_or(b' ');
    let mismatch = || ValueError::new(format!("expected {ty}, found JSON {}", kind(first)));
    if text == "null" {
        return Ok(Value::Null);
    }
    match (first, ty) {
        (b'{', Type::Dynamic) => {
            let parts: BTreeMap<&str, &RawValue> = serde_json::from_str(text).map_err(syntax)?;
            let (Some(value), Some(ty_json)) = (parts.get("value"), parts.get("type")) else {
                return Err(ValueError::new("dynamic value lacks \"value\" or \"type\""));
            };
            decode(value, &Type::from_json(ty_json.get().as_bytes())?)
        }

        (b'"', Type::String) => Ok(Value::String(serde_json::from_str(text).map_err(syntax)?)),
        (b't' | b'f', Type::Bool) => Ok(Value::Bool(serde_json::from_str(text).map_err(syntax)?)),
        (b'-' | b'0'..=b'9', Type::Number) => Number::parse(text)
            .map(Value::Number)
            .ok_or_else(|| ValueError::new("malformed JSON number")),
        // go-cty also reads numbers written as strings.
        (b'"', Type::Number) => {
            let s: String = serde_json::from_str(text).map_err(syntax)?;
            Number::parse(&s)
                .map(Value::Number)
                .ok_or_else(|| ValueError::new("string in a number slot is not a decimal number"))
        }

        (b'[', Type::List(e)) => decode_elems(text, |_| Some(e)).map(Value::List),
        (b'[', Type::Set(e)) => decode_elems(text, |_| Some(e)).map(Value::Set),
        (b'[', Type::Tuple(types)) => {
            let elems = decode_elems(text, |i| types.get(i))?;
            if elems.len() != types.len() {
                return Err(ValueError::new(format!(
                    "tuple has {} elements, expected {}",
                    elems.len(),
                    types.len()
                )));
            }
            Ok(Value::Tuple(elems))
        }

        (b'{', Type::Map(e)) => {
            let entries: BTreeMap<String, &RawValue> =
                serde_json::from_str(text).map_err(syntax)?;
            let mut out = BTreeMap::new();
            for (k, raw) in entries {
                let v = decode(raw, e).map_err(|err| err.within(PathStep::Key(k.clone())))?;
                out.insert(k, v);
            }
            Ok(Value::Map(out))
        }
        (b'{', Type::Object(attrs)) => {
            let entries: BTreeMap<String, &RawValue> =
                serde_json::from_str(text).map_err(syntax)?;
            let mut out: BTreeMap<_, _> = attrs.keys().map(|n| (n.clone(), Value::Null)).collect();
            for (k, raw) in entries {
                let Some(attr_ty) = attrs.get(&k) else {
                    return Err(ValueError::new("unsupported attribute").within(PathStep::Attr(k)));
                };
                let v = decode(raw, attr_ty).map_err(|e| e.within(PathStep::Attr(k.clone())))?;
                out.insert(k, v);
            }
            Ok(Value::Object(out))
        }

        _ => Err(mismatch()),
    }
}

fn decode_elems<'t>(
    text: &str,
    ty_of: impl Fn(usize) -> Option<&'t Type>,
) -> Result<Vec<Value>, ValueError> {
    let elems: Vec<&RawValue> = serde_json::from_str(text).map_err(syntax)?;
    elems
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let ty = ty_of(i).ok_or_else(|| ValueError::new("too many elements"))?;
            decode(raw, ty).map_err(|e| e.within(index_step(i)))
        })
        .collect()
}

fn kind(first: u8) -> &'static str {
    match first {
        b'{' => "object",
        b'[' => "array",
        b'"' => "string",
        b't' | b'f' => "bool",
        b'n' => "null",
        _ => "number",
    }
}

fn encode(value: &Value, ty: &Type, out: &mut String) -> Result<(), ValueError> {
    let mismatch = || ValueError::new(format!("expected {ty}, found {}", value_kind(value)));
    match (value, ty) {
        (Value::Unknown, _) => {
            return Err(ValueError::new(
                "value is not known yet and cannot be stored",
            ));
        }
        (Value::Null, _) => out.push_str("null"),

        (known, Type::Dynamic) => {
            let concrete = infer_type(known)?;
            out.push_str("{\"value\":");
            encode(known, &concrete, out)?;
            out.push_str(",\"type\":");
            out.push_str(&concrete.to_json_value().to_string());
            out.push('}');
        }

        (Value::String(s), Type::String) => push_string(s, out),
        (Value::Bool(b), Type::Bool) => out.push_str(if *b { "true" } else { "false" }),
        (Value::Number(n), Type::Number) => out.push_str(&number_text(n)?),

        (Value::List(e) | Value::Set(e) | Value::Tuple(e), Type::List(t) | Type::Set(t)) => {
            encode_elems(e, |_| Some(t), out)?
        }
        (Value::List(e) | Value::Set(e) | Value::Tuple(e), Type::Tuple(types)) => {
            if e.len() != types.len() {
                return Err(ValueError::new(format!(
                    "tuple has {} elements, expected {}",
                    e.len(),
                    types.len()
                )));
            }
            encode_elems(e, |i| types.get(i), out)?
        }

        (Value::Map(m) | Value::Object(m), Type::Map(t)) => {
            let entries = m
                .iter()
                .map(|(k, v)| (k, v, &**t, PathStep::Key(k.clone())));
            encode_members(entries, out)?
        }
        (Value::Map(m) | Value::Object(m), Type::Object(attrs)) => {
            if let Some(extra) = m.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(
                    ValueError::new("unsupported attribute").within(PathStep::Attr(extra.clone()))
                );
            }
            // Like msgpack, state lists every attribute of an object, null where unset.
            let entries = attrs.iter().map(|(n, t)| {
                let v = m.get(n).unwrap_or(&Value::Null);
                (n, v, t, PathStep::Attr(n.clone()))
            });
            encode_members(entries, out)?
        }

        _ => return Err(mismatch()),
    }
    Ok(())
}

fn encode_elems<'t>(
    elems: &[Value],
    ty_of: impl Fn(usize) -> Option<&'t Type>,
    out: &mut String,
) -> Result<(), ValueError> {
    out.push('[');
    for (i, v) in elems.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let ty = ty_of(i).ok_or_else(|| ValueError::new("too many elements"))?;
        encode(v, ty, out).map_err(|e| e.within(index_step(i)))?;
    }
    out.push(']');
    Ok(())
}

fn encode_members<'v>(
    entries: impl Iterator<Item = (&'v String, &'v Value, &'v Type, PathStep)>,
    out: &mut String,
) -> Result<(), ValueError> {
    out.push('{');
    for (n, (name, v, ty, step)) in entries.enumerate() {
        if n > 0 {
            out.push(',');
        }
        push_string(name, out);
        out.push(':');
        encode(v, ty, out).map_err(|e| e.within(step))?;
    }
    out.push('}');
    Ok(())
}

fn push_string(s: &str, out: &mut String) {
    // Serializing a str cannot fail; the fallback is never taken.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

/// The number as JSON number text; JSON has no infinities or NaN.
fn number_text(n: &Number) -> Result<String, ValueError> {
    match n {
        Number::Int(i) => Ok(i.to_string()),
        Number::Float(f) if f.is_finite() => match Number::from_f64(*f) {
            Number::Int(i) => Ok(i.to_string()),
            _ => Ok(serde_json::Number::from_f64(*f)
                .map(|n| n.to_string())
                .unwrap_or_default()),
        },
        Number::Float(_) => Err(ValueError::new("infinite or NaN numbers cannot be stored")),
        Number::Big(text) => {
            Number::json_text(text).ok_or_else(|| ValueError::new("big number is not decimal text"))
        }
    }
}
