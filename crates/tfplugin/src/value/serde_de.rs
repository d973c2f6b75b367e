//! Reading values into plain Rust types with serde.
//!
//! Objects fill structs by attribute name, collections fill `Vec`s and maps, numbers fill
//! any integer or float that holds them exactly. A null or missing attribute is absent:
//! `Option` fields become `None`, `#[serde(default)]` fields take their default, and other
//! fields fail. An unknown value always fails, since the provider cannot act on it.
//! Errors carry the path of the offending value; their messages never repeat the value.

use std::collections::{BTreeMap, btree_map};

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};

use super::msgpack::value_kind;
use super::{Number, Value, ValueError, index_step};
use crate::diag::PathStep;

/// Deserializes a value into a plain Rust type.
pub fn from_value<T: de::DeserializeOwned>(value: &Value) -> Result<T, ValueError> {
    T::deserialize(ValueDeserializer(value))
}

impl de::Error for ValueError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        ValueError::new(msg.to_string())
    }

    // serde's defaults quote the offending value, which may be a secret; name its kind only.
    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        ValueError::new(format!("expected {exp}, found {}", unexpected_kind(&unexp)))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        ValueError::new(format!(
            "invalid {}, expected {exp}",
            unexpected_kind(&unexp)
        ))
    }

    fn unknown_variant(_variant: &str, expected: &'static [&'static str]) -> Self {
        ValueError::new(format!("unknown variant, expected one of {expected:?}"))
    }

    fn missing_field(field: &'static str) -> Self {
        ValueError::new("value is null or missing").within(PathStep::Attr(field.to_owned()))
    }
}

fn unexpected_kind(unexp: &Unexpected<'_>) -> &'static str {
    match unexp {
        Unexpected::Bool(_) => "a boolean",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) => "an integer",
        Unexpected::Float(_) => "a fractional number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Bytes(_) => "bytes",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "a sequence",
        Unexpected::Map => "a map",
        _ => "another kind of value",
    }
}

/// A deserializer over a borrowed value.
struct ValueDeserializer<'a>(&'a Value);

impl<'a> ValueDeserializer<'a> {
    /// Fails on null and unknown, which only `Option` and `any` may accept.
    fn known(&self, expected: &str) -> Result<&'a Value, ValueError> {
        match self.0 {
            Value::Unknown => Err(ValueError::new("value is not known yet")),
            Value::Null => Err(ValueError::new(format!("expected {expected}, found null"))),
            v => Ok(v),
        }
    }

    fn number(&self, expected: &str) -> Result<&'a Number, ValueError> {
        match self.known(expected)? {
            Value::Number(n) => Ok(n),
            other => Err(mismatch(expected, other)),
        }
    }

    /// Any integer target. serde's integer visitors check ranges, but only the 128-bit ones
    /// accept 128-bit input, so the narrowest form that holds the number is offered.
    fn integer<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        let n = self.number("an integer")?;
        if let Some(i) = n.as_i128() {
            return visit_i128_narrowly(visitor, i);
        }
        if let Some(u) = n.as_u128() {
            return visitor.visit_u128(u);
        }
        if n.is_integer() {
            return Err(ValueError::new("integer is too large"));
        }
        Err(ValueError::new(
            "expected an integer, found a fractional number",
        ))
    }
}

fn visit_i128_narrowly<'a, V: Visitor<'a>>(visitor: V, i: i128) -> Result<V::Value, ValueError> {
    if let Ok(i) = i64::try_from(i) {
        visitor.visit_i64(i)
    } else if let Ok(u) = u64::try_from(i) {
        visitor.visit_u64(u)
    } else {
        visitor.visit_i128(i)
    }
}

fn mismatch(expected: &str, found: &Value) -> ValueError {
    ValueError::new(format!("expected {expected}, found {}", value_kind(found)))
}

macro_rules! integer_methods {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
            self.integer(visitor)
        }
    )*};
}

impl<'a> Deserializer<'a> for ValueDeserializer<'a> {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Unknown => Err(ValueError::new("value is not known yet")),
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(Number::Int(i)) => visitor.visit_i64(*i),
            Value::Number(Number::Float(f)) => visitor.visit_f64(*f),
            Value::Number(n @ Number::Big(_)) => match (n.as_i128(), n.as_u128()) {
                (Some(i), _) => visit_i128_narrowly(visitor, i),
                (None, Some(u)) => visitor.visit_u128(u),
                (None, None) => visitor.visit_f64(n.as_f64()),
            },
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::List(e) | Value::Set(e) | Value::Tuple(e) => visitor.visit_seq(Seq::new(e)),
            Value::Map(m) => visitor.visit_map(Members::all(m, PathStep::Key)),
            Value::Object(m) => visitor.visit_map(Members::all(m, PathStep::Attr)),
        }
    }

    integer_methods! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
    }

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_f64(self.number("a number")?.as_f64())
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.known("a bool")? {
            Value::Bool(b) => visitor.visit_bool(*b),
            other => Err(mismatch("a bool", other)),
        }
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.known("a string")? {
            Value::String(s) => visitor.visit_borrowed_str(s),
            other => Err(mismatch("a string", other)),
        }
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.known("a string")? {
            Value::String(s) => visitor.visit_borrowed_bytes(s.as_bytes()),
            other => Err(mismatch("a string", other)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Unknown => Err(ValueError::new("value is not known yet")),
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.0 {
            Value::Unknown => Err(ValueError::new("value is not known yet")),
            Value::Null => visitor.visit_unit(),
            other => Err(mismatch("null", other)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.known("a list")? {
            Value::List(e) | Value::Set(e) | Value::Tuple(e) => visitor.visit_seq(Seq::new(e)),
            other => Err(mismatch("a list", other)),
        }
    }

    fn deserialize_tuple<V: Visitor<'a>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self.known("a map")? {
            Value::Map(m) => visitor.visit_map(Members::all(m, PathStep::Key)),
            Value::Object(m) => visitor.visit_map(Members::all(m, PathStep::Attr)),
            other => Err(mismatch("a map", other)),
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        match self.known("an object")? {
            // Null attributes are left out so serde treats them as missing: `None` for
            // options, the default for `#[serde(default)]`, an error naming the field otherwise.
            Value::Map(m) => visitor.visit_map(Members::non_null(m, PathStep::Key)),
            Value::Object(m) => visitor.visit_map(Members::non_null(m, PathStep::Attr)),
            other => Err(mismatch("an object", other)),
        }
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ValueError> {
        // Only unit variants named by a string: the usual shape of an enumerated attribute.
        match self.known("a string")? {
            Value::String(s) => visitor.visit_enum(UnitVariant(s)),
            other => Err(mismatch("a string", other)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, ValueError> {
        visitor.visit_unit()
    }
}

/// The elements of a list, set or tuple.
struct Seq<'a> {
    elems: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
}

impl<'a> Seq<'a> {
    fn new(elems: &'a [Value]) -> Self {
        Self {
            elems: elems.iter().enumerate(),
        }
    }
}

impl<'a> SeqAccess<'a> for Seq<'a> {
    type Error = ValueError;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ValueError> {
        let Some((i, v)) = self.elems.next() else {
            return Ok(None);
        };
        seed.deserialize(ValueDeserializer(v))
            .map(Some)
            .map_err(|e| e.within(index_step(i)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.elems.len())
    }
}

/// The members of an object or map, each error marked with the member's name.
struct Members<'a> {
    entries: btree_map::Iter<'a, String, Value>,
    /// Makes the path step of a member: an attribute for objects, a key for maps.
    step: fn(String) -> PathStep,
    skip_null: bool,
    current: Option<(&'a String, &'a Value)>,
}

impl<'a> Members<'a> {
    fn all(m: &'a BTreeMap<String, Value>, step: fn(String) -> PathStep) -> Self {
        Self {
            entries: m.iter(),
            step,
            skip_null: false,
            current: None,
        }
    }

    fn non_null(m: &'a BTreeMap<String, Value>, step: fn(String) -> PathStep) -> Self {
        Self {
            skip_null: true,
            ..Self::all(m, step)
        }
    }
}

impl<'a> MapAccess<'a> for Members<'a> {
    type Error = ValueError;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ValueError> {
        let skip_null = self.skip_null;
        self.current = self.entries.find(|(_, v)| !(skip_null && v.is_null()));
        match self.current {
            Some((k, _)) => seed.deserialize(k.as_str().into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, ValueError> {
        let (k, v) = self
            .current
            .take()
            .ok_or_else(|| ValueError::new("map value requested before its key"))?;
        seed.deserialize(ValueDeserializer(v))
            .map_err(|e| e.within((self.step)(k.clone())))
    }
}

/// An enum variant named by a string, without data.
struct UnitVariant<'a>(&'a str);

impl<'a> EnumAccess<'a> for UnitVariant<'a> {
    type Error = ValueError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self), ValueError> {
        let variant = seed.deserialize(self.0.into_deserializer())?;
        Ok((variant, self))
    }
}

impl<'a> VariantAccess<'a> for UnitVariant<'a> {
    type Error = ValueError;

    fn unit_variant(self) -> Result<(), ValueError> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(
        self,
        _seed: T,
    ) -> Result<T::Value, ValueError> {
        Err(ValueError::new("enum variants with data are not supported"))
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, _v: V) -> Result<V::Value, ValueError> {
        Err(ValueError::new("enum variants with data are not supported"))
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        _v: V,
    ) -> Result<V::Value, ValueError> {
        Err(ValueError::new("enum variants with data are not supported"))
    }
}
