//! The OneBot implementations lizi imitates, and how each writes and numbers its answers
//! (docs/onebot-implementations.md#the-action-envelope, #_async-and-_rate_limited;
//! docs/onebot-face.md#profiles). How each routes a call is in [`crate::routing`].

use serde_json::Value;

use crate::envelope::{ActionResponse, Failure, Field, Rendered, Status};

/// The OneBot implementation whose envelope and retcodes to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// NapCatQQ: `{status,retcode,data,message,wording,echo,stream:"normal-action"}`;
    /// 1400 bad params, 1404 unknown action, 1200 handler failure.
    NapCat,
    /// Lagrange.OneBot: `{status,retcode,data,echo}` only; 404 unknown action, 200 for any
    /// exception — bad parameters included, as its handlers throw on them.
    Lagrange,
    /// LLOneBot: `{status,retcode,data,message,wording,echo}`; 1400 bad params, 1404
    /// unknown action, 1200 handler failure (its WebSocket codes).
    LLOneBot,
}

/// A profile name that is not `napcat`, `lagrange` or `llonebot`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown OneBot profile `{0}` (expected napcat, lagrange or llonebot)")]
pub struct UnknownProfile(pub String);

impl std::str::FromStr for Profile {
    type Err = UnknownProfile;

    fn from_str(name: &str) -> Result<Profile, UnknownProfile> {
        match name.trim().to_ascii_lowercase().as_str() {
            "napcat" => Ok(Profile::NapCat),
            "lagrange" => Ok(Profile::Lagrange),
            "llonebot" => Ok(Profile::LLOneBot),
            _ => Err(UnknownProfile(name.to_owned())),
        }
    }
}

impl Profile {
    /// Every profile.
    pub const ALL: [Profile; 3] = [Profile::NapCat, Profile::Lagrange, Profile::LLOneBot];

    /// The lower-case name ([`str::parse`] reads it back).
    pub fn name(self) -> &'static str {
        match self {
            Profile::NapCat => "napcat",
            Profile::Lagrange => "lagrange",
            Profile::LLOneBot => "llonebot",
        }
    }

    /// The `app_name` this implementation gives in `get_version_info`.
    pub fn app_name(self) -> &'static str {
        match self {
            Profile::NapCat => "NapCat.Onebot",
            Profile::Lagrange => "Lagrange.OneBot",
            Profile::LLOneBot => "LLOneBot",
        }
    }

    /// The retcode this implementation answers for `failure`.
    pub fn retcode(self, failure: Failure) -> i64 {
        match (self, failure) {
            (Profile::Lagrange, Failure::UnknownAction) => 404,
            (Profile::Lagrange, _) => 200,
            (_, Failure::BadParams) => 1400,
            (_, Failure::UnknownAction) => 1404,
            (_, Failure::HandlerFailed) => 1200,
        }
    }

    /// A failed response with this implementation's retcode for `failure`.
    pub fn failed(self, failure: Failure, message: impl Into<String>) -> ActionResponse {
        ActionResponse::failed(self.retcode(failure), message)
    }

    /// Whether the implementation refuses a call that lacks a parameter it cannot do
    /// without (NapCat's and LLOneBot's schemas; Lagrange.OneBot gives it the type's
    /// default instead).
    pub fn refuses_missing_params(self) -> bool {
        self != Profile::Lagrange
    }

    /// Whether the implementation refuses a number or boolean where it declares a string
    /// (LLOneBot's Schemastery, Lagrange.OneBot's System.Text.Json; NapCat converts).
    pub fn strict_strings(self) -> bool {
        self != Profile::NapCat
    }

    /// The message of an unknown action, in this implementation's words (over WebSocket;
    /// see [`Profile::over_http`]). Lagrange.OneBot writes none.
    pub fn unknown_action(self, name: &str) -> String {
        match self {
            Profile::NapCat => format!("不支持的API {name}"),
            Profile::LLOneBot => format!("{name} API 不存在"),
            Profile::Lagrange => format!("unknown action `{name}`"),
        }
    }

    /// `response` as this implementation answers over its HTTP API, with the HTTP status.
    /// NapCat and LLOneBot number failures there as their HTTP handler does: 400 for bad
    /// parameters and 200 for a failed handler instead of 1400 and 1200; an unknown action
    /// is retcode 200 "不支持的Api …" with NapCat, HTTP status 404 and retcode 404 with
    /// LLOneBot. Lagrange.OneBot answers the same on every transport.
    pub fn over_http(self, mut response: ActionResponse) -> (u16, ActionResponse) {
        if self == Profile::Lagrange || response.status != Status::Failed {
            return (200, response);
        }
        let websocket = |failure| self.retcode(failure);
        let mut status = 200;
        if response.retcode == websocket(Failure::BadParams) {
            response.retcode = 400;
        } else if response.retcode == websocket(Failure::HandlerFailed) {
            response.retcode = 200;
        } else if response.retcode == websocket(Failure::UnknownAction) {
            if self == Profile::LLOneBot {
                (status, response.retcode) = (404, 404);
            } else {
                response.retcode = 200;
                for text in [&mut response.message, &mut response.wording]
                    .into_iter()
                    .flatten()
                {
                    *text = text.replacen("不支持的API", "不支持的Api", 1);
                }
            }
        }
        (status, response)
    }

    /// Writes `response` exactly as this implementation does.
    pub fn render(self, response: &ActionResponse) -> Rendered {
        let mut fields = vec![
            (
                "status",
                Field::Value(serde_json::to_value(response.status).unwrap_or(Value::Null)),
            ),
            ("retcode", Field::Value(response.retcode.into())),
            ("data", Field::Value(response.data.clone())),
        ];
        let text =
            |field: &Option<String>| Field::Value(Value::String(field.clone().unwrap_or_default()));
        if self != Profile::Lagrange {
            fields.push(("message", text(&response.message)));
            fields.push(("wording", text(&response.wording)));
        }
        match (&response.echo, self) {
            (Some(echo), _) => fields.push(("echo", Field::Echo(echo.clone()))),
            (None, Profile::Lagrange) => fields.push(("echo", Field::Value(Value::Null))),
            (None, _) => {}
        }
        if self == Profile::NapCat {
            fields.push(("stream", Field::Value("normal-action".into())));
        }
        Rendered(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Echo;
    use serde_json::json;

    #[test]
    fn each_profile_renders_its_own_envelope() {
        let ok =
            ActionResponse::ok(json!({"message_id": 708152094})).with_echo(Echo::of(&json!("e")));
        assert_eq!(
            serde_json::to_string(&Profile::NapCat.render(&ok)).expect("json"),
            r#"{"status":"ok","retcode":0,"data":{"message_id":708152094},"message":"","wording":"","echo":"e","stream":"normal-action"}"#
        );
        let failed = Profile::Lagrange.failed(Failure::UnknownAction, "no such action");
        assert_eq!(
            Profile::Lagrange.render(&failed).to_value(),
            json!({"status": "failed", "retcode": 404, "data": null, "echo": null})
        );
        let failed = Profile::LLOneBot.failed(Failure::BadParams, "user_id");
        assert_eq!(
            Profile::LLOneBot.render(&failed).to_value(),
            json!({"status": "failed", "retcode": 1400, "data": null, "message": "user_id", "wording": "user_id"})
        );
        assert_eq!(
            Profile::NapCat
                .render(&ActionResponse::async_accepted())
                .to_value()["retcode"],
            json!(1)
        );
    }

    #[test]
    fn over_http_napcat_and_llonebot_number_failures_as_their_http_handlers() {
        let bad = Profile::NapCat.failed(Failure::BadParams, "x");
        assert_eq!(Profile::NapCat.over_http(bad).1.retcode, 400);
        let failed = Profile::LLOneBot.failed(Failure::HandlerFailed, "x");
        assert_eq!(Profile::LLOneBot.over_http(failed).1.retcode, 200);
        let unknown = Profile::NapCat.unknown_action("fly");
        let unknown = Profile::NapCat.failed(Failure::UnknownAction, unknown);
        let (status, unknown) = Profile::NapCat.over_http(unknown);
        assert_eq!((status, unknown.retcode), (200, 200));
        assert_eq!(unknown.error_text(), Some("不支持的Api fly"));
        let unknown = Profile::LLOneBot.failed(Failure::UnknownAction, "fly API 不存在");
        assert_eq!(Profile::LLOneBot.over_http(unknown).0, 404);
        let lagrange = Profile::Lagrange.failed(Failure::HandlerFailed, "x");
        assert_eq!(Profile::Lagrange.over_http(lagrange).1.retcode, 200);
        let ok = ActionResponse::ok(Value::Null);
        assert_eq!(Profile::NapCat.over_http(ok.clone()), (200, ok));
    }

    #[test]
    fn profiles_number_failures_their_own_way() {
        let codes: Vec<_> = Profile::ALL
            .iter()
            .map(|p| {
                [
                    Failure::BadParams,
                    Failure::UnknownAction,
                    Failure::HandlerFailed,
                ]
                .map(|f| p.retcode(f))
            })
            .collect();
        assert_eq!(
            codes,
            vec![[1400, 1404, 1200], [200, 404, 200], [1400, 1404, 1200]]
        );
        for profile in Profile::ALL {
            assert_eq!(profile.name().parse(), Ok(profile));
        }
        assert!("go-cqhttp".parse::<Profile>().is_err());
    }
}
