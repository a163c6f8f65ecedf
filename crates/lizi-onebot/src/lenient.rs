//! Tolerant readings of JSON values, as the live OneBot implementations send them.
//!
//! NapCat takes ids as strings, Lagrange sends `level` as a string and `card: null`, and
//! parameters arrive as `"true"` or `1` where a boolean is meant. These helpers accept every
//! such spelling; the `de_*` functions plug them into `#[serde(deserialize_with)]` for event
//! and data fields, where an absent or `null` value reads as the type's default.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An unsigned integer from a JSON number or a decimal string (surrounding blanks allowed).
pub fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => decimal(s).and_then(|t| t.parse().ok()),
        _ => None,
    }
}

/// A signed integer from a JSON number or a decimal string (surrounding blanks allowed).
pub fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => decimal(s).and_then(|t| t.parse().ok()),
        _ => None,
    }
}

/// A boolean from `true`/`false`, `1`/`0`, or those spelled as strings (any case).
pub fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Text from a JSON string, number or boolean (numbers and booleans in their JSON spelling).
pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The trimmed text when it is an optionally negative run of ASCII digits.
fn decimal(text: &str) -> Option<&str> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(trimmed)
}

/// Reads any value and converts it with `convert`; `null`, absent and `""` give the default.
fn with<'de, D, T>(
    deserializer: D,
    what: &str,
    convert: fn(&Value) -> Option<T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default,
{
    let value = Value::deserialize(deserializer)?;
    match &value {
        Value::Null => Ok(T::default()),
        Value::String(s) if s.trim().is_empty() => Ok(T::default()),
        _ => convert(&value)
            .ok_or_else(|| serde::de::Error::custom(format!("`{value}` is not {what}"))),
    }
}

/// Deserializes a QQ or group number from a number or a numeric string.
pub fn de_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    with(deserializer, "an id", as_u64)
}

/// Deserializes a signed integer from a number or a numeric string.
pub fn de_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    with(deserializer, "an integer", as_i64)
}

/// Deserializes an optional QQ or group number (`null` and `""` give `None`).
pub fn de_opt_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    with(deserializer, "an id", |v| as_u64(v).map(Some))
}

/// Deserializes an optional signed integer (`null` and `""` give `None`).
pub fn de_opt_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    with(deserializer, "an integer", |v| as_i64(v).map(Some))
}

/// Deserializes a boolean from any spelling [`as_bool`] accepts.
pub fn de_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    with(deserializer, "a boolean", as_bool)
}

/// Deserializes text; numbers and booleans become their JSON spelling, `null` gives `""`.
pub fn de_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let value = Value::deserialize(deserializer)?;
    match value {
        Value::Null => Ok(String::new()),
        other => as_text(&other)
            .ok_or_else(|| serde::de::Error::custom(format!("`{other}` is not text"))),
    }
}

/// Deserializes optional text; `null` gives `None`, numbers become their JSON spelling.
pub fn de_opt_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    match value {
        Value::Null => Ok(None),
        other => as_text(&other)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("`{other}` is not text"))),
    }
}

/// Deserializes a list that may be `null` (read as empty).
pub fn de_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Declares a string-valued enum with known spellings and an `Other(String)` fallback.
///
/// `default Variant` names the value of an absent field (otherwise an empty `Other`).
/// Serializes as the spelling; deserializes any string (or number, as its decimal text),
/// so an unknown `sub_type` never fails a parse.
macro_rules! string_enum {
    (
        $(#[doc = $doc:literal])+
        $name:ident $(default $default:ident)? {
            $( $(#[doc = $vdoc:literal])+ $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[doc = $vdoc])+ $variant, )+
            /// A spelling this crate does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Other(text) => text,
                }
            }

            /// Reads a spelling; unknown ones become `Other`.
            pub fn from_wire(text: &str) -> Self {
                match text {
                    $( $text => $name::$variant, )+
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl Default for $name {
            /// The declared default, else an empty `Other` (absent on the wire).
            fn default() -> Self {
                string_enum!(@default $name $($default)?)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = $crate::lenient::de_string(deserializer)?;
                Ok($name::from_wire(&text))
            }
        }
    };
    (@default $name:ident) => { $name::Other(String::new()) };
    (@default $name:ident $default:ident) => { $name::$default };
}

pub(crate) use string_enum;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_read_from_numbers_and_numeric_strings() {
        assert_eq!(as_u64(&json!(123)), Some(123));
        assert_eq!(as_u64(&json!(" 123 ")), Some(123));
        assert_eq!(as_u64(&json!("12a")), None);
        assert_eq!(as_u64(&json!(-1)), None);
        assert_eq!(as_i64(&json!("-1814915305")), Some(-1_814_915_305));
        assert_eq!(as_i64(&json!("")), None);
    }

    #[test]
    fn booleans_read_from_every_spelling() {
        for yes in [
            json!(true),
            json!(1),
            json!("true"),
            json!("TRUE"),
            json!("1"),
        ] {
            assert_eq!(as_bool(&yes), Some(true), "{yes}");
        }
        for no in [json!(false), json!(0), json!("false"), json!("0")] {
            assert_eq!(as_bool(&no), Some(false), "{no}");
        }
        assert_eq!(as_bool(&json!(2)), None);
        assert_eq!(as_bool(&json!("yes")), None);
    }
}
