//! Map keys of serialized Rust maps: values only have string keys.
//!
//! Strings are taken as they are; integers and unit enum variants are written as their
//! text, as most serde formats with string keys do. Anything else is an error.

use serde::ser::{self, Impossible, Serialize};

use super::ValueError;
use super::serde_ser::unsupported;

/// Serializes a map key into a string.
pub(super) struct KeySerializer;

macro_rules! key_to_string {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<String, ValueError> {
            Ok(v.to_string())
        }
    )*};
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = ValueError;
    type SerializeSeq = Impossible<String, ValueError>;
    type SerializeTuple = Impossible<String, ValueError>;
    type SerializeTupleStruct = Impossible<String, ValueError>;
    type SerializeTupleVariant = Impossible<String, ValueError>;
    type SerializeMap = Impossible<String, ValueError>;
    type SerializeStruct = Impossible<String, ValueError>;
    type SerializeStructVariant = Impossible<String, ValueError>;

    key_to_string!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64);
    key_to_string!(serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);
    key_to_string!(serialize_char: char, serialize_str: &str);

    fn serialize_bool(self, _v: bool) -> Result<String, ValueError> {
        Err(unsupported("a boolean map key"))
    }

    fn serialize_f32(self, _v: f32) -> Result<String, ValueError> {
        Err(unsupported("a float map key"))
    }

    fn serialize_f64(self, _v: f64) -> Result<String, ValueError> {
        Err(unsupported("a float map key"))
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<String, ValueError> {
        Err(unsupported("a bytes map key"))
    }

    fn serialize_none(self) -> Result<String, ValueError> {
        Err(unsupported("a null map key"))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<String, ValueError> {
        v.serialize(self)
    }

    fn serialize_unit(self) -> Result<String, ValueError> {
        Err(unsupported("a null map key"))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, ValueError> {
        Err(unsupported("a null map key"))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, ValueError> {
        Ok(variant.to_owned())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        v: &T,
    ) -> Result<String, ValueError> {
        v.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _v: &T,
    ) -> Result<String, ValueError> {
        Err(unsupported("a compound map key"))
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, ValueError> {
        Err(unsupported("a compound map key"))
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, ValueError> {
        Err(unsupported("a compound map key"))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, ValueError> {
        Err(unsupported("a compound map key"))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, ValueError> {
        Err(unsupported("a compound map key"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, ValueError> {
        Err(unsupported("a compound map key"))
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, ValueError> {
        Err(unsupported("a compound map key"))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, ValueError> {
        Err(unsupported("a compound map key"))
    }
}
