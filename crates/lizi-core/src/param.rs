//! Typed request parameters.
//!
//! Each parameter kind of the endpoint table is a marker type implementing [`Param`]: it
//! knows how to pull its value out of a [`Form`] and how to describe itself ([`ParamKind`]),
//! so the table can be walked by tests and documentation.

use base64::Engine;

use crate::form::Form;

/// What is wrong with one parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parameter `{param}`: {problem}")]
pub struct ParamError {
    /// The parameter's wire name.
    pub param: &'static str,
    /// The problem.
    pub problem: Problem,
}

/// The ways a parameter can be wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Required but absent.
    #[error("is required")]
    Missing,
    /// Present but empty where text is required.
    #[error("must not be empty")]
    Empty,
    /// Not a decimal integer in range.
    #[error("`{0}` is not {1}")]
    NotANumber(String, &'static str),
    /// Not `true`/`false`/`1`/`0`.
    #[error("`{0}` is not a boolean (true, false, 1 or 0)")]
    NotABoolean(String),
    /// Not one of the allowed values.
    #[error("`{0}` is not one of {1:?}")]
    NotAllowed(i64, &'static [i64]),
    /// Outside its range.
    #[error("{0} is not between {1} and {2}")]
    OutOfRange(i64, i64, i64),
    /// Not in the expected format.
    #[error("`{0}` is not in the format {1}")]
    Format(String, &'static str),
    /// Not valid base64.
    #[error("is not valid base64")]
    BadBase64,
    /// Not valid UTF-8 after percent-decoding.
    #[error("is not valid UTF-8")]
    NotUtf8,
}

/// The kind of a parameter, as the table describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A QQ or group number: a decimal integer from 1 to 2^64-1.
    Qq,
    /// A signed decimal integer.
    Int,
    /// A non-negative decimal integer below 2^32.
    Count,
    /// A decimal number (degrees of longitude or latitude).
    Real,
    /// `true`/`false` (also `1`/`0`).
    Bool,
    /// Non-empty text.
    Text,
    /// Text that may be empty.
    AnyText,
    /// Media given as `fromtype` (0 base64 data, 1 local path, 2 URL) plus `path` or `url`
    /// or the base64 data under this parameter's own name.
    Media,
    /// A session id; an unknown or malformed one is answered as "session not found".
    Session,
}

/// One parameter of an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// Wire name (lower case).
    pub name: &'static str,
    /// What it holds.
    pub kind: ParamKind,
    /// Whether a request without it is refused.
    pub required: bool,
    /// For integer parameters with a closed set of values: the set.
    pub allowed: &'static [i64],
    /// Other wire names it is also read under (older spellings clients still send).
    pub aliases: &'static [&'static str],
}

/// A parameter kind that can be read from a form.
pub trait Param {
    /// The Rust value it produces.
    type Value;
    /// Its description.
    const KIND: ParamKind;
    /// Whether it must be present.
    const REQUIRED: bool = true;
    /// Other wire names it is also read under, when its own name is absent.
    const ALIASES: &'static [&'static str] = &[];
    /// Reads it from `form` under `name`.
    fn extract(form: &Form, name: &'static str) -> Result<Self::Value, ParamError>;
    /// The value as an integer, for closed-set checks.
    fn as_choice(_value: &Self::Value) -> Option<i64> {
        None
    }
}

fn raw<'a>(form: &'a Form, name: &'static str) -> Result<Option<&'a str>, ParamError> {
    match form.get(name) {
        None => Ok(None),
        Some(Ok(text)) => Ok(Some(text)),
        Some(Err(_)) => Err(ParamError {
            param: name,
            problem: Problem::NotUtf8,
        }),
    }
}

fn required<'a>(form: &'a Form, name: &'static str) -> Result<&'a str, ParamError> {
    raw(form, name)?.ok_or(ParamError {
        param: name,
        problem: Problem::Missing,
    })
}

fn number<T: std::str::FromStr>(
    name: &'static str,
    text: &str,
    what: &'static str,
) -> Result<T, ParamError> {
    let trimmed = text.trim();
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    let well_formed = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    well_formed
        .then(|| trimmed.parse().ok())
        .flatten()
        .ok_or_else(|| ParamError {
            param: name,
            problem: Problem::NotANumber(text.to_owned(), what),
        })
}

/// A QQ or group number (1 to 2^64-1).
pub struct Qq;
impl Param for Qq {
    type Value = u64;
    const KIND: ParamKind = ParamKind::Qq;
    fn extract(form: &Form, name: &'static str) -> Result<u64, ParamError> {
        let text = required(form, name)?;
        match number::<u64>(name, text, "a QQ or group number")? {
            0 => Err(ParamError {
                param: name,
                problem: Problem::NotANumber(text.to_owned(), "a QQ or group number"),
            }),
            n => Ok(n),
        }
    }
}

/// A signed integer.
pub struct Int;
impl Param for Int {
    type Value = i64;
    const KIND: ParamKind = ParamKind::Int;
    fn extract(form: &Form, name: &'static str) -> Result<i64, ParamError> {
        number(name, required(form, name)?, "an integer")
    }
    fn as_choice(value: &i64) -> Option<i64> {
        Some(*value)
    }
}

/// A non-negative integer below 2^32 (durations, sizes, coordinates in 1e-6 degrees).
pub struct Count;
impl Param for Count {
    type Value = u32;
    const KIND: ParamKind = ParamKind::Count;
    fn extract(form: &Form, name: &'static str) -> Result<u32, ParamError> {
        let text = required(form, name)?;
        if text.trim().starts_with('-') {
            return Err(ParamError {
                param: name,
                problem: Problem::NotANumber(text.to_owned(), "a non-negative integer"),
            });
        }
        number(name, text, "a non-negative integer below 4294967296")
    }
    fn as_choice(value: &u32) -> Option<i64> {
        Some(i64::from(*value))
    }
}

/// A finite decimal number.
pub struct Real;
impl Param for Real {
    type Value = f64;
    const KIND: ParamKind = ParamKind::Real;
    fn extract(form: &Form, name: &'static str) -> Result<f64, ParamError> {
        let text = required(form, name)?;
        match text.trim().parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(value),
            _ => Err(ParamError {
                param: name,
                problem: Problem::NotANumber(text.to_owned(), "a decimal number"),
            }),
        }
    }
}

/// A boolean: `true`/`false`, `1`/`0`, any case.
pub struct Flag;
impl Param for Flag {
    type Value = bool;
    const KIND: ParamKind = ParamKind::Bool;
    fn extract(form: &Form, name: &'static str) -> Result<bool, ParamError> {
        let text = required(form, name)?;
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(ParamError {
                param: name,
                problem: Problem::NotABoolean(text.to_owned()),
            }),
        }
    }
}

/// Non-empty text, taken as sent.
pub struct Text;
impl Param for Text {
    type Value = String;
    const KIND: ParamKind = ParamKind::Text;
    fn extract(form: &Form, name: &'static str) -> Result<String, ParamError> {
        let text = required(form, name)?;
        if text.is_empty() {
            return Err(ParamError {
                param: name,
                problem: Problem::Empty,
            });
        }
        Ok(text.to_owned())
    }
}

/// Text that may be empty (a card or signature being cleared).
pub struct AnyText;
impl Param for AnyText {
    type Value = String;
    const KIND: ParamKind = ParamKind::AnyText;
    fn extract(form: &Form, name: &'static str) -> Result<String, ParamError> {
        Ok(required(form, name)?.to_owned())
    }
}

/// An optional parameter: absent or empty gives `None`.
impl<P: Param> Param for Option<P> {
    type Value = Option<P::Value>;
    const KIND: ParamKind = P::KIND;
    const REQUIRED: bool = false;
    const ALIASES: &'static [&'static str] = P::ALIASES;
    fn extract(form: &Form, name: &'static str) -> Result<Self::Value, ParamError> {
        match raw(form, name)? {
            None => Ok(None),
            Some(text) if text.trim().is_empty() && P::KIND != ParamKind::AnyText => Ok(None),
            Some(_) => P::extract(form, name).map(Some),
        }
    }
    fn as_choice(value: &Self::Value) -> Option<i64> {
        value.as_ref().and_then(P::as_choice)
    }
}

/// A second wire name for a parameter (see [`AlsoNamed`]).
pub trait AltName {
    /// The other wire name (lower case).
    const NAME: &'static str;
}

/// `togroup`, the name docs/xlz-api.md#every-endpoint gives `/forwardgroupfiletofriend`'s receiver; the
/// original reads `toqq`.
pub struct ToGroup;
impl AltName for ToGroup {
    const NAME: &'static str = "togroup";
}

/// Parameter `P`, also read under the name `A::NAME` when its own name is absent.
pub struct AlsoNamed<P, A>(std::marker::PhantomData<(P, A)>);
impl<P: Param, A: AltName> Param for AlsoNamed<P, A> {
    type Value = P::Value;
    const KIND: ParamKind = P::KIND;
    const REQUIRED: bool = P::REQUIRED;
    const ALIASES: &'static [&'static str] = &[A::NAME];
    fn extract(form: &Form, name: &'static str) -> Result<Self::Value, ParamError> {
        if raw(form, name)?.is_none() && raw(form, A::NAME)?.is_some() {
            P::extract(form, A::NAME)
        } else {
            P::extract(form, name)
        }
    }
    fn as_choice(value: &Self::Value) -> Option<i64> {
        P::as_choice(value)
    }
}

/// A session id. Never fails: a missing or malformed id is `None`, which the session
/// endpoints answer as "session not found", as the original did.
pub struct Session;
impl Param for Session {
    type Value = Option<u64>;
    const KIND: ParamKind = ParamKind::Session;
    fn extract(form: &Form, name: &'static str) -> Result<Option<u64>, ParamError> {
        Ok(match form.get(name) {
            Some(Ok(text)) => text.trim().parse().ok(),
            _ => None,
        })
    }
}

/// Where a picture or voice comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaSource {
    /// `fromtype=0`: the bytes themselves (sent as base64).
    Inline(Vec<u8>),
    /// `fromtype=1`: a local file path.
    Path(String),
    /// `fromtype=2`: a URL to fetch.
    Url(String),
}

/// Media: `fromtype` selects the base64 data under the parameter's own name (`pic`,
/// `audio`), `path` or `url`.
pub struct Media;
impl Param for Media {
    type Value = MediaSource;
    const KIND: ParamKind = ParamKind::Media;
    fn extract(form: &Form, name: &'static str) -> Result<MediaSource, ParamError> {
        const FROMTYPES: &[i64] = &[0, 1, 2];
        let fromtype = <Option<Int>>::extract(form, "fromtype")?.unwrap_or(0);
        match fromtype {
            0 => decode_base64(required(form, name)?)
                .map(MediaSource::Inline)
                .map_err(|problem| ParamError {
                    param: name,
                    problem,
                }),
            1 => Text::extract(form, "path").map(MediaSource::Path),
            2 => Text::extract(form, "url").map(MediaSource::Url),
            other => Err(ParamError {
                param: "fromtype",
                problem: Problem::NotAllowed(other, FROMTYPES),
            }),
        }
    }
}

/// Decodes base64 as clients send it: spaces (a raw `+` read as space) become `+` again,
/// line breaks are dropped, URL-safe letters and missing padding are accepted.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, Problem> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '\t'))
        .map(|c| match c {
            ' ' | '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim_end_matches('=');
    if cleaned.is_empty() {
        return Err(Problem::Empty);
    }
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(cleaned)
        .map_err(|_| Problem::BadBase64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_survives_raw_plus() {
        // "+/8=" is 0xfb 0xff; a raw `+` in a form body decodes to a space.
        let form = Form::decode(b"pic=+/8=", None);
        let raw = form.get("pic").unwrap().unwrap();
        assert_eq!(raw, " /8=");
        assert_eq!(decode_base64(raw).unwrap(), vec![0xfb, 0xff]);
        let escaped = Form::decode(b"pic=%2B%2F8%3D", None);
        assert_eq!(
            decode_base64(escaped.get("pic").unwrap().unwrap()).unwrap(),
            vec![0xfb, 0xff]
        );
    }

    #[test]
    fn numbers_are_strict() {
        let form = Form::decode(b"a=12&b=1x&c=-3&d=0&e=18446744073709551616", None);
        assert_eq!(Qq::extract(&form, "a"), Ok(12));
        assert!(Qq::extract(&form, "b").is_err());
        assert!(Qq::extract(&form, "c").is_err());
        assert!(Qq::extract(&form, "d").is_err());
        assert!(Qq::extract(&form, "e").is_err());
        assert_eq!(Int::extract(&form, "c"), Ok(-3));
        assert!(Count::extract(&form, "c").is_err());
    }

    #[test]
    fn booleans() {
        let form = Form::decode(b"a=true&b=0&c=yes&d=TRUE", None);
        assert_eq!(Flag::extract(&form, "a"), Ok(true));
        assert_eq!(Flag::extract(&form, "b"), Ok(false));
        assert!(Flag::extract(&form, "c").is_err());
        assert_eq!(Flag::extract(&form, "d"), Ok(true));
        assert_eq!(<Option<Flag>>::extract(&form, "zz"), Ok(None));
    }

    #[test]
    fn media_sources() {
        let form = Form::decode(b"fromtype=1&path=/tmp/a.png", None);
        assert_eq!(
            Media::extract(&form, "pic"),
            Ok(MediaSource::Path("/tmp/a.png".into()))
        );
        let form = Form::decode(b"fromtype=7", None);
        assert_eq!(Media::extract(&form, "pic").unwrap_err().param, "fromtype");
        let form = Form::decode(b"pic=%%%", None);
        assert_eq!(
            Media::extract(&form, "pic").unwrap_err().problem,
            Problem::BadBase64
        );
    }
}
