//! The XLZ wire encoder: a backend result and an endpoint's template give the response
//! body (docs/xlz-api.md#the-templates, #endpoint-answers).

use lizi_core::model::LogonAccount;
use lizi_core::{Failure, Receipt, Reply, Template};
use serde::Serialize;
use serde_json::{json, Value};

/// A result that does not fit the endpoint's template: a bug in a backend.
#[derive(Debug, thiserror::Error)]
#[error("the backend answered {reply} where the template {template:?} was expected")]
pub struct Mismatch {
    template: Template,
    reply: &'static str,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The retcode text clients decode a second time: `{"retcode":0,"retmsg":"","time":"…"}`.
pub fn retcode_text(result: Result<i64, &Failure>) -> String {
    /// The retcode object, in the order of its keys on the wire.
    #[derive(Serialize)]
    struct Retcode<'a> {
        retcode: i64,
        retmsg: &'a str,
        #[serde(serialize_with = "as_text")]
        time: i64,
    }
    let (retcode, retmsg, time) = match result {
        Ok(time) => (0, "", time),
        Err(failure) => (failure.kind.retcode(), failure.message.as_str(), now()),
    };
    to_json(&Retcode {
        retcode,
        retmsg,
        time,
    })
}

/// Writes a number as a JSON string, as the retcode's `time` is.
fn as_text<S: serde::Serializer>(value: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// The JSON text of a typed body. Bodies are plain structs of strings and numbers, which
/// serialise without fail.
fn to_json<T: Serialize>(body: &T) -> String {
    serde_json::to_string(body).unwrap_or_else(|_| String::from("{}"))
}

/// The body of `/sendprivatemsg` and its kin (template T1).
#[derive(Serialize)]
struct SentBody {
    ret: String,
    random: i64,
    req: i64,
}

/// A body holding only the retcode text (template T0, and failures of OK).
#[derive(Serialize)]
struct RetBody {
    ret: String,
}

/// The body of the receipt endpoints (template T2).
#[derive(Serialize)]
#[allow(non_snake_case)]
struct ReceiptBody {
    ret: String,
    Req: i64,
    Random: i64,
    Time: i64,
}

/// The body of a template that answers with the retcode text: with the receipt's fields
/// where the template has them (zeros after a failure).
fn retcode_body(template: Template, ret: String, receipt: Receipt) -> String {
    match template {
        Template::Retcode1 => to_json(&SentBody {
            ret,
            random: receipt.random,
            req: receipt.req,
        }),
        Template::Receipt2 => to_json(&ReceiptBody {
            ret,
            Req: receipt.req,
            Random: receipt.random,
            Time: receipt.time,
        }),
        _ => to_json(&RetBody { ret }),
    }
}

/// Adds the failure's `retcode` and `retmsg` to a body object.
fn with_failure(mut body: Value, failure: &Failure) -> String {
    if let Value::Object(map) = &mut body {
        map.insert("retcode".into(), json!(failure.kind.retcode()));
        map.insert("retmsg".into(), json!(failure.message));
    }
    body.to_string()
}

fn list<T: Serialize>(items: &[T]) -> String {
    json!({ "ret": items.len().to_string(), "List": items }).to_string()
}

/// Encodes a backend result in `template`'s shape.
pub fn encode(template: Template, result: Result<Reply, Failure>) -> Result<String, Mismatch> {
    let mismatch = |reply: &Reply| Mismatch {
        template,
        reply: reply_name(reply),
    };
    let body = match (template, result) {
        (Template::Retcode1 | Template::Retcode0 | Template::Receipt2, Ok(Reply::Sent(r))) => {
            retcode_body(template, retcode_text(Ok(r.time)), r)
        }
        (Template::Retcode0, Ok(Reply::Done)) => to_json(&RetBody {
            ret: retcode_text(Ok(now())),
        }),
        (Template::Retcode1 | Template::Retcode0 | Template::Receipt2 | Template::Ok, Err(f)) => {
            retcode_body(template, retcode_text(Err(&f)), Receipt::default())
        }
        (Template::Bool, Ok(Reply::Done)) => r#"{"ret":"true"}"#.to_owned(),
        (Template::Bool, Err(f)) => with_failure(json!({ "ret": "false" }), &f),
        (Template::Ok, Ok(Reply::Done)) => r#"{"ret":"OK"}"#.to_owned(),
        (Template::Text, Ok(Reply::Text(text))) => json!({ "ret": text }).to_string(),
        (Template::Text, Err(f)) => with_failure(json!({ "ret": "" }), &f),
        (Template::List, Ok(Reply::Friends(items))) => list(&items),
        (Template::List, Ok(Reply::Groups(items))) => list(&items),
        (Template::List, Ok(Reply::Members(items))) => list(&items),
        (Template::List, Ok(Reply::Files(items))) => list(&items),
        (Template::List, Ok(Reply::RedPackets(items))) => list(&items),
        (Template::List, Err(f)) => with_failure(json!({ "ret": "0", "List": [] }), &f),
        (Template::Info, Ok(Reply::User(info))) => {
            json!({ "ret": "true", "Info": info }).to_string()
        }
        (Template::Info, Ok(Reply::Group(info))) => {
            json!({ "ret": "true", "Info": info }).to_string()
        }
        (Template::Info, Err(f)) => with_failure(json!({ "ret": "false", "Info": {} }), &f),
        (Template::Forwarded, Ok(Reply::Forwarded(messages))) => {
            let list: Vec<Value> = messages
                .into_iter()
                .map(|m| {
                    let mut value = serde_json::to_value(m).unwrap_or(Value::Null);
                    if let Value::Object(map) = &mut value {
                        map.insert("Type".into(), json!("GroupMsg"));
                    }
                    value
                })
                .collect();
            json!({ "List": list }).to_string()
        }
        (Template::Forwarded, Err(f)) => with_failure(json!({ "List": [] }), &f),
        (Template::Logon, Ok(Reply::Accounts(accounts))) => {
            json!({ "ret": logon_list(&accounts) }).to_string()
        }
        (Template::Logon, Err(f)) => with_failure(json!({ "ret": r#"{"QQlist":{}}"# }), &f),
        (_, Ok(reply)) => return Err(mismatch(&reply)),
        (_, Err(f)) => with_failure(json!({ "ret": "error" }), &f),
    };
    Ok(body)
}

/// The `QQlist` text of `/getlogonqq`, keys in the accounts' order (clients take the first
/// key as their bot).
fn logon_list(accounts: &[LogonAccount]) -> String {
    let mut text = String::from(r#"{"QQlist":{"#);
    for (i, account) in accounts.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        let state = if account.online { "在线" } else { "离线" };
        let entry = json!({
            "昵称": account.nickname,
            "登录状态": state,
            "等级信息": "",
            "收发信息": format!("{}/{}", account.received, account.sent),
            "登录IP": "127.0.0.1",
            "登录协议": account.protocol.as_deref().unwrap_or("lizi-sim"),
            "腾讯服务器": "",
        });
        text.push_str(&format!("\"{}\":{}", account.uin, entry));
    }
    text.push_str("}}");
    text
}

fn reply_name(reply: &Reply) -> &'static str {
    match reply {
        Reply::Done => "Done",
        Reply::Sent(_) => "Sent",
        Reply::Text(_) => "Text",
        Reply::Friends(_) => "Friends",
        Reply::Groups(_) => "Groups",
        Reply::Members(_) => "Members",
        Reply::Files(_) => "Files",
        Reply::RedPackets(_) => "RedPackets",
        Reply::User(_) => "User",
        Reply::Group(_) => "Group",
        Reply::Forwarded(_) => "Forwarded",
        Reply::Accounts(_) => "Accounts",
        Reply::Json(_) => "Json",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lizi_core::FailureKind;

    #[test]
    fn t1_success_and_failure() {
        let body = encode(
            Template::Retcode1,
            Ok(Reply::Sent(Receipt {
                req: 21315,
                random: 1609583468,
                time: 1609562723,
            })),
        )
        .unwrap();
        assert_eq!(
            body,
            r#"{"ret":"{\"retcode\":0,\"retmsg\":\"\",\"time\":\"1609562723\"}","random":1609583468,"req":21315}"#
        );
        let failure = Failure::new(FailureKind::NotFriend, "20009 is not a friend of 10001");
        let body = encode(Template::Retcode1, Err(failure)).unwrap();
        let value: Value = serde_json::from_str(&body).unwrap();
        let inner: Value = serde_json::from_str(value["ret"].as_str().unwrap()).unwrap();
        assert_eq!(inner["retcode"], 5);
        assert_eq!(inner["retmsg"], "20009 is not a friend of 10001");
    }

    #[test]
    fn t0_and_t2_keep_their_keys_in_order() {
        let receipt = Receipt {
            req: 7,
            random: 99,
            time: 1609562723,
        };
        let ret = r#""{\"retcode\":0,\"retmsg\":\"\",\"time\":\"1609562723\"}""#;
        assert_eq!(
            encode(Template::Retcode0, Ok(Reply::Sent(receipt))).unwrap(),
            format!(r#"{{"ret":{ret}}}"#)
        );
        assert_eq!(
            encode(Template::Receipt2, Ok(Reply::Sent(receipt))).unwrap(),
            format!(r#"{{"ret":{ret},"Req":7,"Random":99,"Time":1609562723}}"#)
        );
        let failure = Failure::new(FailureKind::NotFriend, "say \"hi\"");
        let body = encode(Template::Receipt2, Err(failure)).unwrap();
        assert!(
            body.starts_with(r#"{"ret":"{\"retcode\":5,\"retmsg\":\"say \\\"hi\\\"\",\"time\":\""#),
            "{body}"
        );
        assert!(
            body.ends_with(r#"\"}","Req":0,"Random":0,"Time":0}"#),
            "{body}"
        );
    }

    #[test]
    fn mismatch_is_an_error() {
        assert!(encode(Template::Bool, Ok(Reply::Text("x".into()))).is_err());
    }

    #[test]
    fn logon_keeps_order() {
        let accounts = vec![
            LogonAccount {
                uin: 9,
                nickname: "b".into(),
                online: true,
                ..Default::default()
            },
            LogonAccount {
                uin: 10,
                nickname: "a".into(),
                online: false,
                ..Default::default()
            },
        ];
        let text = logon_list(&accounts);
        assert!(text.starts_with(r#"{"QQlist":{"9":"#), "{text}");
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["QQlist"]["10"]["登录状态"], "离线");
    }
}
