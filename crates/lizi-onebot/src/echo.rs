//! [`Echo`]: the `echo` of an action call, given back exactly as the caller sent it.
//!
//! A caller may put any JSON in `echo` and matches the answer by it, often by comparing the
//! text. Read into a [`Value`], an integer beyond 64 bits becomes a float and comes back
//! rounded (`12345678901234567890123` as `1.2345678901234568e22`), and `1.0` comes back as
//! `1.0` but `1e0` does not; so the echo is kept as its JSON text (serde_json's
//! [`RawValue`]) from the frame to the answer.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;

/// An `echo`, as the JSON text the caller sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Echo(Box<RawValue>);

impl Echo {
    /// The JSON text, byte for byte as it was read.
    pub fn text(&self) -> &str {
        self.0.get()
    }

    /// The echo of a JSON value (`None` only if it cannot be written, which a `Value`
    /// always can).
    pub fn of(value: &Value) -> Option<Echo> {
        serde_json::value::to_raw_value(value).ok().map(Echo)
    }

    /// The echo as a JSON value (a number beyond 64 bits is rounded: for looking at it,
    /// not for answering with it).
    pub fn to_value(&self) -> Value {
        serde_json::from_str(self.text()).unwrap_or(Value::Null)
    }
}

impl PartialEq for Echo {
    fn eq(&self, other: &Echo) -> bool {
        self.text() == other.text()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Deserialize, Serialize)]
    struct Frame {
        echo: Option<Echo>,
    }

    #[test]
    fn an_echo_comes_back_byte_for_byte() {
        for echo in [
            "12345678901234567890123",
            "-0.000000000000000000001",
            "1e400",
            "1.0",
            r#"{"seq":18446744073709551617,"tag":"\u00e9"}"#,
            r#""text""#,
        ] {
            let frame: Frame =
                serde_json::from_str(&format!(r#"{{"echo":{echo}}}"#)).expect("a frame");
            let written = serde_json::to_string(&frame).expect("json");
            assert_eq!(written, format!(r#"{{"echo":{echo}}}"#));
        }
        let none: Frame = serde_json::from_str(r#"{"echo":null}"#).expect("a frame");
        assert!(none.echo.is_none());
        let from_value: Frame =
            serde_json::from_value(json!({"echo": {"a": 1}})).expect("from a value");
        assert_eq!(from_value.echo, Echo::of(&json!({"a": 1})));
        assert_eq!(
            Echo::of(&json!(7)).map(|echo| echo.to_value()),
            Some(json!(7))
        );
    }
}
