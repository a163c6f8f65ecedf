//! Emoji reactions (表情回应) to group messages: NapCat's and LLOneBot's
//! `set_msg_emoji_like` (LLOneBot takes one back with `unset_msg_emoji_like`, NapCat with
//! `set: false`), Lagrange.OneBot's `set_group_reaction`, and who reacted with a face:
//! `fetch_emoji_like` (a page at a time, NT's shape) and NapCat's `get_emoji_likes`.
//! They go through the simulated network's `react` and `reactions` control actions (XLZ
//! has no endpoint for them).

use lizi_core::Gin;
use lizi_onebot::action::{FetchEmojiLike, GetEmojiLikes};
use lizi_onebot::Profile;
use serde_json::{json, Value};

use super::stored::group_message;
use crate::actions::call::{Answer, Call};
use crate::connection::Shared;

/// NapCat's reading of `set`: absent is true, a string counts only when it is `"true"`.
pub(crate) fn napcat_set(set: Option<&Value>) -> bool {
    match set {
        None | Some(Value::Null) => true,
        Some(Value::Bool(set)) => *set,
        Some(Value::String(set)) => set == "true",
        Some(Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        Some(_) => true,
    }
}

/// A reaction to the group message `id` with face `code`, added or taken back.
pub(crate) async fn react(
    shared: &Shared,
    call: &Call<'_>,
    id: i64,
    code: &str,
    add: bool,
) -> Answer {
    let (group, row) = group_message(shared, call.me(), id).map_err(|why| call.failed(why))?;
    send_reaction(call, group, row.req, code, add).await?;
    Ok(match call.profile {
        Profile::NapCat => json!({"result": 0, "errMsg": ""}),
        _ => Value::Null,
    })
}

/// Lagrange.OneBot's `set_group_reaction`: the message must be of `group`.
pub(crate) async fn group_reaction(
    shared: &Shared,
    call: &Call<'_>,
    group: Gin,
    id: i64,
    code: &str,
    add: bool,
) -> Answer {
    let (of, row) = group_message(shared, call.me(), id).map_err(|why| call.failed(why))?;
    if of != group {
        return Err(call.failed(format!("message {id} is not a message of group {group}")));
    }
    send_reaction(call, group, row.req, code, add).await?;
    Ok(Value::Null)
}

async fn send_reaction(call: &Call<'_>, group: Gin, req: i64, code: &str, add: bool) -> Answer {
    let body =
        json!({"user": call.me(), "group": group, "req": req, "emoji": code.trim(), "add": add});
    call.control_json("react", body).await
}

/// Who reacted to the group message `id` with face `code`, in the order they did.
async fn reacted(
    shared: &Shared,
    call: &Call<'_>,
    id: i64,
    code: &str,
) -> Result<Vec<Value>, Box<lizi_onebot::ActionResponse>> {
    let (group, row) = group_message(shared, call.me(), id).map_err(|why| call.failed(why))?;
    let view = call
        .control_json(
            "reactions",
            json!({"group": group, "req": row.req, "viewer": call.me()}),
        )
        .await?;
    let faces = view["reactions"].as_array().cloned().unwrap_or_default();
    Ok(faces
        .into_iter()
        .find(|face| face["emoji"].as_str() == Some(code.trim()))
        .and_then(|face| face["users"].as_array().cloned())
        .unwrap_or_default())
}

/// `fetch_emoji_like`: one page of who reacted with a face, in NT's shape; `cookie` is
/// where the page starts (empty: the first page), `count` its size (default 20).
pub(crate) async fn fetch_emoji_like(
    shared: &Shared,
    call: &Call<'_>,
    c: &FetchEmojiLike,
) -> Answer {
    let users = reacted(shared, call, c.message_id, &c.emoji_id).await?;
    let start: usize = c
        .cookie
        .as_deref()
        .filter(|cookie| !cookie.is_empty())
        .map(|cookie| {
            cookie
                .parse()
                .map_err(|_| call.bad(format!("`{cookie}` is not a cookie this list gave")))
        })
        .transpose()?
        .unwrap_or(0);
    let count = usize::try_from(c.count.unwrap_or(20)).unwrap_or(0).max(1);
    let page: Vec<Value> = users
        .iter()
        .skip(start)
        .take(count)
        .map(|user| {
            let uin = user["uin"].as_u64().unwrap_or_default();
            json!({
                "tinyId": uin.to_string(),
                "nickName": user["nickname"],
                "headUrl": format!("https://thirdqq.qlogo.cn/g?b=qq&nk={uin}&s=640"),
            })
        })
        .collect();
    let end = start + page.len();
    let last = end >= users.len();
    Ok(json!({
        "result": 0,
        "errMsg": "",
        "emojiLikesList": page,
        "cookie": if last { String::new() } else { end.to_string() },
        "isLastPage": last,
        "isFirstPage": start == 0,
    }))
}

/// NapCat's `get_emoji_likes`: who reacted with a face (the first `count`, all when 0).
pub(crate) async fn get_emoji_likes(shared: &Shared, call: &Call<'_>, c: &GetEmojiLikes) -> Answer {
    let users = reacted(shared, call, c.message_id, &c.emoji_id).await?;
    let count = usize::try_from(c.count.unwrap_or(0)).unwrap_or(0);
    let list: Vec<Value> = users
        .iter()
        .take(if count == 0 { usize::MAX } else { count })
        .map(|user| {
            json!({
                "user_id": user["uin"].as_u64().unwrap_or_default().to_string(),
                "nick_name": user["nickname"],
            })
        })
        .collect();
    Ok(json!({ "emoji_like_list": list }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn napcat_reads_set_its_own_way() {
        assert!(napcat_set(None));
        assert!(napcat_set(Some(&json!(true))));
        assert!(napcat_set(Some(&json!("true"))));
        assert!(
            !napcat_set(Some(&json!("1"))),
            "only the string true counts"
        );
        assert!(!napcat_set(Some(&json!(false))));
        assert!(!napcat_set(Some(&json!(0))));
    }
}
