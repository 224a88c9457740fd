//! The JSON reader of the data texts: `serde_json`, with every struct read as a JSON object.
//!
//! Why: `serde_json` reads a derived struct from an object or from an array (its fields by
//! position), so every data type's reader is compiled twice, `visit_map` and `visit_seq`. The
//! data texts are objects (the build scripts write them so, the schemas and the TOML sources
//! have no other form), so the position form is dead code — about a third of the data
//! readers' code in the browser page's module. [`from_json`] goes through a thin wrapper
//! ([`MapOnly`]) that asks `serde_json` for a map where a struct is wanted; everything else is
//! passed through unchanged (numbers, strings, sequences, enums, options, raw values, the
//! arbitrary-precision numbers of `rust_decimal`), so a text reads to the same value as with
//! `serde_json::from_str`, and an error is serde_json's (same line and column).
//!
//! The one difference: a struct written as an array (`[1, "a"]` for `{"n": 1, "s": "a"}`) is
//! refused ("invalid type: sequence, expected struct …") — a form no data file uses.

use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use std::fmt;

/// Read a JSON data text into `T` (the whole text: trailing characters other than white
/// space are an error, as with `serde_json::from_str`), every struct from a JSON object.
pub fn from_json<'a, T: serde::Deserialize<'a>>(text: &'a str) -> serde_json::Result<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(MapOnly(&mut de))?;
    de.end()?;
    Ok(value)
}

/// `de` with every struct read as a JSON object (for callers that wrap the deserializer
/// further, e.g. to track the path of an error): the same values and errors as `de` alone,
/// except a struct written as an array, which is refused.
pub fn map_only<'de, D: Deserializer<'de>>(de: D) -> impl Deserializer<'de, Error = D::Error> {
    MapOnly(de)
}

/// A deserializer that reads a struct as a map, and wraps what it hands on so that nested
/// structs are read the same way.
struct MapOnly<D>(D);

/// A visitor handed to the inner deserializer: passes every call on to the visitor it wraps,
/// wrapping the accessors and deserializers it is given.
struct Wrap<V>(V);

/// A seed whose deserializer is wrapped.
struct Seed<S>(S);

/// Map, sequence and enum accessors whose values are read through [`MapOnly`].
struct Access<A>(A);

/// The seed of a struct variant: its fields read as a map.
struct StructSeed<V>(V);

macro_rules! forward_plain {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(Wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for MapOnly<D> {
    type Error = D::Error;

    forward_plain! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    /// The point of the wrapper: a struct from a map only.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: serde::de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    forward_visit! {
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64)
        visit_i128(i128) visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64)
        visit_u128(u128) visit_f32(f32) visit_f64(f64) visit_char(char) visit_str(&str)
        visit_borrowed_str(&'de str) visit_string(String) visit_bytes(&[u8])
        visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(MapOnly(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(MapOnly(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(Access(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(Access(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(Access(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(MapOnly(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Access<A> {
    type Error = A::Error;
    type Variant = Access<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), Self::Error> {
        let (value, variant) = self.0.variant_seed(Seed(seed))?;
        Ok((value, Access(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Access<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), Self::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, Self::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    /// A struct variant's fields from a map only, like a struct.
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.newtype_variant_seed(StructSeed(visitor))
    }
}

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for StructSeed<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(Wrap(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::from_json;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        n: u32,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Pair(u8, u8),
        Wrapped(Inner),
        Shaped { a: u8, inner: Inner },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Number(u32),
        Record(Inner),
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum Tagged {
        One { inner: Inner },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Outer {
        name: String,
        inner: Inner,
        list: Vec<Inner>,
        maybe: Option<Inner>,
        kinds: Vec<Kind>,
        loose: Vec<Loose>,
        tagged: Tagged,
        by_key: BTreeMap<String, Inner>,
        #[serde(flatten)]
        rest: BTreeMap<String, serde_json::Value>,
    }

    const TEXT: &str = r#"{
        "name": "x", "inner": {"n": 1}, "list": [{"n": 2, "tags": ["a"]}], "maybe": null,
        "kinds": ["plain", {"pair": [1, 2]}, {"wrapped": {"n": 3}}, {"shaped": {"a": 4, "inner": {"n": 5}}}],
        "loose": [6, {"n": 7}], "tagged": {"type": "one", "inner": {"n": 8}},
        "by_key": {"k": {"n": 9}}, "extra": [1.5, "z"]
    }"#;

    #[test]
    fn reads_what_serde_json_reads() {
        let a: Outer = from_json(TEXT).expect("map-only");
        let b: Outer = serde_json::from_str(TEXT).expect("serde_json");
        assert_eq!(a, b);
        assert_eq!(a.inner, Inner { n: 1, tags: vec![] });
        assert_eq!(
            a.kinds[3],
            Kind::Shaped {
                a: 4,
                inner: Inner { n: 5, tags: vec![] }
            }
        );
        assert_eq!(
            a.loose,
            vec![
                Loose::Number(6),
                Loose::Record(Inner { n: 7, tags: vec![] })
            ]
        );
        assert_eq!(a.rest["extra"], serde_json::json!([1.5, "z"]));
    }

    #[test]
    fn errors_are_serde_json_errors() {
        for text in [
            r#"{"n": 1, "other": 2}"#,
            r#"{"n": "one"}"#,
            r#"{"tags": []}"#,
            r#"{"n": 1} x"#,
            r#"{"n": 1"#,
        ] {
            let a = from_json::<Inner>(text).unwrap_err().to_string();
            let b = serde_json::from_str::<Inner>(text).unwrap_err().to_string();
            assert_eq!(a, b, "{text}");
        }
    }

    #[test]
    fn a_struct_as_an_array_is_refused() {
        assert!(serde_json::from_str::<Inner>("[1, []]").is_ok());
        let e = from_json::<Inner>("[1, []]").unwrap_err().to_string();
        assert!(
            e.contains("invalid type: sequence, expected struct Inner"),
            "{e}"
        );
    }

    #[test]
    fn decimals_with_arbitrary_precision() {
        #[derive(Debug, PartialEq, Deserialize)]
        struct D {
            v: serde_json::Number,
            w: serde_json::Value,
        }
        let t = r#"{"v": 0.1000000000000000000001, "w": {"x": 12345678901234567890123}}"#;
        assert_eq!(
            from_json::<D>(t).unwrap(),
            serde_json::from_str::<D>(t).unwrap()
        );
        assert_eq!(
            from_json::<D>(t).unwrap().v.to_string(),
            "0.1000000000000000000001"
        );
    }
}
