//! Writing plain Rust values as values of a given type with serde.
//!
//! Rust types do not say whether a `Vec` is a list or a set, or which attributes an object
//! has; the target [`Type`] does. Structs become objects listing every attribute of the
//! type (null where the struct has no field), `None` becomes null, integers and floats
//! become numbers. A struct field the type does not know is an error, as is any other
//! mismatch; errors carry the path of the offending field.

use std::collections::BTreeMap;

use serde::ser::{self, Impossible, Serialize};

use super::map_key::KeySerializer;
use super::{Number, Type, Value, ValueError, index_step};
use crate::diag::PathStep;

/// Serializes a plain Rust value into a value of type `ty`.
pub fn to_value<T: Serialize>(t: &T, ty: &Type) -> Result<Value, ValueError> {
    t.serialize(TypedSerializer { ty })
}

impl ser::Error for ValueError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        ValueError::new(msg.to_string())
    }
}

/// Serializes one Rust value into a value of `ty`.
struct TypedSerializer<'t> {
    ty: &'t Type,
}

impl<'t> TypedSerializer<'t> {
    fn primitive(self, found: &str, accepts: bool, value: Value) -> Result<Value, ValueError> {
        if accepts || *self.ty == Type::Dynamic {
            Ok(value)
        } else {
            Err(ValueError::new(format!(
                "expected {}, found {found}",
                self.ty
            )))
        }
    }

    fn number(self, n: Number) -> Result<Value, ValueError> {
        let accepts = *self.ty == Type::Number;
        self.primitive("a number", accepts, Value::Number(n))
    }

    fn string(self, s: &str) -> Result<Value, ValueError> {
        let accepts = *self.ty == Type::String;
        self.primitive("a string", accepts, Value::string(s))
    }

    fn sequence(self, found: &str) -> Result<Elements<'t>, ValueError> {
        let (kind, types) = match self.ty {
            Type::List(e) => (SeqKind::List, ElemTypes::Uniform(e)),
            Type::Set(e) => (SeqKind::Set, ElemTypes::Uniform(e)),
            Type::Tuple(ts) => (SeqKind::Tuple, ElemTypes::Positional(ts)),
            Type::Dynamic => (SeqKind::List, ElemTypes::Uniform(&Type::Dynamic)),
            other => return Err(ValueError::new(format!("expected {other}, found {found}"))),
        };
        Ok(Elements {
            kind,
            types,
            items: Vec::new(),
        })
    }

    fn members(self, found: &str, dynamic_as_object: bool) -> Result<Members<'t>, ValueError> {
        let target = match self.ty {
            Type::Map(e) => MemberTypes::Map(e),
            Type::Object(attrs) => MemberTypes::Object(attrs),
            Type::Dynamic if dynamic_as_object => MemberTypes::DynamicObject,
            Type::Dynamic => MemberTypes::Map(&Type::Dynamic),
            other => return Err(ValueError::new(format!("expected {other}, found {found}"))),
        };
        Ok(Members {
            target,
            entries: BTreeMap::new(),
            key: None,
        })
    }
}

pub(super) fn unsupported(what: &str) -> ValueError {
    ValueError::new(format!("{what} cannot be written as a value"))
}

macro_rules! integer_methods {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<Value, ValueError> {
            self.number(Number::Int(i64::from(v)))
        }
    )*};
}

impl<'t> ser::Serializer for TypedSerializer<'t> {
    type Ok = Value;
    type Error = ValueError;
    type SerializeSeq = Elements<'t>;
    type SerializeTuple = Elements<'t>;
    type SerializeTupleStruct = Elements<'t>;
    type SerializeTupleVariant = Impossible<Value, ValueError>;
    type SerializeMap = Members<'t>;
    type SerializeStruct = Members<'t>;
    type SerializeStructVariant = Impossible<Value, ValueError>;

    integer_methods!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64);
    integer_methods!(serialize_u8: u8, serialize_u16: u16, serialize_u32: u32);

    fn serialize_u64(self, v: u64) -> Result<Value, ValueError> {
        self.number(Number::from_u64(v))
    }

    fn serialize_i128(self, v: i128) -> Result<Value, ValueError> {
        self.number(Number::from_i128(v))
    }

    fn serialize_u128(self, v: u128) -> Result<Value, ValueError> {
        match i128::try_from(v) {
            Ok(i) => self.number(Number::from_i128(i)),
            Err(_) => self.number(Number::Big(v.to_string())),
        }
    }

    fn serialize_f32(self, v: f32) -> Result<Value, ValueError> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<Value, ValueError> {
        self.number(Number::Float(v))
    }

    fn serialize_bool(self, v: bool) -> Result<Value, ValueError> {
        let accepts = *self.ty == Type::Bool;
        self.primitive("a bool", accepts, Value::Bool(v))
    }

    fn serialize_char(self, v: char) -> Result<Value, ValueError> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<Value, ValueError> {
        self.string(v)
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<Value, ValueError> {
        Err(unsupported("raw bytes"))
    }

    fn serialize_none(self) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Value, ValueError> {
        v.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, ValueError> {
        Ok(Value::Null)
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, ValueError> {
        self.string(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        v: &T,
    ) -> Result<Value, ValueError> {
        v.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _v: &T,
    ) -> Result<Value, ValueError> {
        Err(unsupported("an enum variant with data"))
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Elements<'t>, ValueError> {
        self.sequence("a sequence")
    }

    fn serialize_tuple(self, _len: usize) -> Result<Elements<'t>, ValueError> {
        self.sequence("a tuple")
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Elements<'t>, ValueError> {
        self.sequence("a tuple")
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ValueError> {
        Err(unsupported("an enum variant with data"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Members<'t>, ValueError> {
        self.members("a map", false)
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Members<'t>, ValueError> {
        self.members("a struct", true)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ValueError> {
        Err(unsupported("an enum variant with data"))
    }
}

enum SeqKind {
    List,
    Set,
    Tuple,
}

enum ElemTypes<'t> {
    Uniform(&'t Type),
    Positional(&'t [Type]),
}

/// A list, set or tuple being built.
pub(crate) struct Elements<'t> {
    kind: SeqKind,
    types: ElemTypes<'t>,
    items: Vec<Value>,
}

impl Elements<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ValueError> {
        let i = self.items.len();
        let ty = match self.types {
            ElemTypes::Uniform(ty) => ty,
            ElemTypes::Positional(types) => types
                .get(i)
                .ok_or_else(|| ValueError::new(format!("tuple has only {} elements", types.len())))
                .map_err(|e| e.within(index_step(i)))?,
        };
        let item = v
            .serialize(TypedSerializer { ty })
            .map_err(|e| e.within(index_step(i)))?;
        self.items.push(item);
        Ok(())
    }

    fn finish(self) -> Result<Value, ValueError> {
        match self.kind {
            SeqKind::List => Ok(Value::List(self.items)),
            SeqKind::Set => {
                // Set elements are distinct; Terraform would merge duplicates anyway.
                let mut unique: Vec<Value> = Vec::with_capacity(self.items.len());
                for item in self.items {
                    if !unique.contains(&item) {
                        unique.push(item);
                    }
                }
                Ok(Value::Set(unique))
            }
            SeqKind::Tuple => match self.types {
                ElemTypes::Positional(types) if types.len() != self.items.len() => {
                    Err(ValueError::new(format!(
                        "tuple has {} elements, expected {}",
                        self.items.len(),
                        types.len()
                    )))
                }
                _ => Ok(Value::Tuple(self.items)),
            },
        }
    }
}

impl ser::SerializeSeq for Elements<'_> {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ValueError> {
        self.push(v)
    }

    fn end(self) -> Result<Value, ValueError> {
        self.finish()
    }
}

impl ser::SerializeTuple for Elements<'_> {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ValueError> {
        self.push(v)
    }

    fn end(self) -> Result<Value, ValueError> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Elements<'_> {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ValueError> {
        self.push(v)
    }

    fn end(self) -> Result<Value, ValueError> {
        self.finish()
    }
}

enum MemberTypes<'t> {
    Map(&'t Type),
    Object(&'t BTreeMap<String, Type>),
    DynamicObject,
}

/// A map or object being built.
pub(crate) struct Members<'t> {
    target: MemberTypes<'t>,
    entries: BTreeMap<String, Value>,
    key: Option<String>,
}

impl Members<'_> {
    fn insert<T: Serialize + ?Sized>(&mut self, name: &str, v: &T) -> Result<(), ValueError> {
        let (ty, step) = match self.target {
            MemberTypes::Map(ty) => (ty, PathStep::Key(name.to_owned())),
            MemberTypes::Object(attrs) => {
                let step = PathStep::Attr(name.to_owned());
                let ty = attrs.get(name).ok_or_else(|| {
                    ValueError::new("attribute is not in the schema").within(step.clone())
                })?;
                (ty, step)
            }
            MemberTypes::DynamicObject => (&Type::Dynamic, PathStep::Attr(name.to_owned())),
        };
        let value = v
            .serialize(TypedSerializer { ty })
            .map_err(|e| e.within(step))?;
        self.entries.insert(name.to_owned(), value);
        Ok(())
    }

    fn finish(mut self) -> Result<Value, ValueError> {
        match self.target {
            MemberTypes::Map(_) => Ok(Value::Map(self.entries)),
            MemberTypes::Object(attrs) => {
                // Objects list every attribute; the ones the struct lacks are null.
                for name in attrs.keys() {
                    self.entries.entry(name.clone()).or_insert(Value::Null);
                }
                Ok(Value::Object(self.entries))
            }
            MemberTypes::DynamicObject => Ok(Value::Object(self.entries)),
        }
    }
}

impl ser::SerializeMap for Members<'_> {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ValueError> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ValueError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ValueError::new("map value written before its key"))?;
        self.insert(&key, v)
    }

    fn end(self) -> Result<Value, ValueError> {
        self.finish()
    }
}

impl ser::SerializeStruct for Members<'_> {
    type Ok = Value;
    type Error = ValueError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        v: &T,
    ) -> Result<(), ValueError> {
        self.insert(name, v)
    }

    fn end(self) -> Result<Value, ValueError> {
        self.finish()
    }
}
