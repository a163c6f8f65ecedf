//! Card messages: a `json{data}` segment sent through `/sendgroupjsonmsg` or
//! `/sendprivatejsonmsg`, an `xml{data}` one through the XML sends, a custom
//! `music{type:"custom",url,audio,title,content,image}` one through `/sharemusic`. QQ sends
//! a card as a message of its own, so a card comes alone. NapCat drops `xml` segments
//! (`[xml]: async () => undefined`): in its profile they vanish before the send, and a
//! message of nothing else fails as NapCat's empty message does.

use lizi_core::endpoint as xlz;
use lizi_core::{Reply, Request, Uin};
use lizi_onebot::envelope::Failure as Why;
use lizi_onebot::message::{Music, View};
use lizi_onebot::{ActionResponse, Message, Profile};

use super::target::{conversation, sent_message_id, Target};
use crate::actions::call::{data, Answer};
use crate::connection::Shared;

/// A message ready to send: plain segments, or one card.
pub(crate) enum Prepared {
    /// Segments written as XLZ text (NapCat's `xml` ones already dropped).
    Plain(Message),
    /// A card, sent through its own XLZ request.
    Card(Card),
}

/// A card message.
pub(crate) enum Card {
    /// JSON text.
    Json(String),
    /// XML text.
    Xml(String),
    /// A custom music share.
    Music(Music),
}

/// Sorts `message` into plain segments or one card, as `profile`'s implementation reads it.
pub(crate) fn prepare(
    profile: Profile,
    target: Target,
    message: &Message,
) -> Result<Prepared, Box<ActionResponse>> {
    let bad = |why: String| Box::new(profile.failed(Why::BadParams, why));
    let kept: Message = message
        .iter()
        .filter(|segment| !(profile == Profile::NapCat && segment.kind == "xml"))
        .cloned()
        .collect();
    if kept.is_empty() && !message.is_empty() {
        return Err(Box::new(profile.failed(
            Why::HandlerFailed,
            "NapCat drops `xml` segments: nothing is left to send",
        )));
    }
    let card = kept
        .iter()
        .map(|segment| (segment, segment.view()))
        .find_map(|(segment, view)| match view {
            Ok(View::Json(json)) => Some(Ok(Card::Json(json))),
            Ok(View::Xml(xml)) => Some(Ok(Card::Xml(xml))),
            Ok(View::Music(music)) => Some(Ok(Card::Music(music))),
            Err(e) if matches!(segment.kind.as_str(), "json" | "xml" | "music") => {
                Some(Err(bad(e.to_string())))
            }
            _ => None,
        });
    let card = match card {
        None => return Ok(Prepared::Plain(kept)),
        Some(card) => card?,
    };
    if kept.len() > 1 {
        return Err(bad(
            "a `json`, `xml` or `music` card is a message of its own: send it alone".into(),
        ));
    }
    if let Target::Temporary { .. } = target {
        return Err(bad(
            "cards cannot go to a temporary session: XLZ sends them to friends and groups only"
                .into(),
        ));
    }
    Ok(Prepared::Card(card))
}

/// Sends a card from `fromqq` to `target`; `{message_id}` of the stored message.
pub(crate) async fn send(
    shared: &Shared,
    profile: Profile,
    fromqq: Uin,
    target: Target,
    card: Card,
) -> Answer {
    let conv = conversation(fromqq, target);
    let (to, group) = match target {
        Target::Group(group) => (group, true),
        Target::Private(user) | Target::Temporary { user, .. } => (user, false),
    };
    let request = match (card, group) {
        (Card::Json(json), true) => Request::SendGroupJsonMsg(xlz::SendGroupJsonMsg {
            fromqq,
            togroup: to,
            json,
            anonymous: None,
        }),
        (Card::Json(json), false) => Request::SendPrivateJsonMsg(xlz::SendPrivateJsonMsg {
            fromqq,
            toqq: to,
            json,
        }),
        (Card::Xml(xml), true) => Request::SendGroupXmlMsg(xlz::SendGroupXmlMsg {
            fromqq,
            togroup: to,
            xml,
            anonymous: None,
        }),
        (Card::Xml(xml), false) => Request::SendPrivateXmlMsg(xlz::SendPrivateXmlMsg {
            fromqq,
            toqq: to,
            xml,
        }),
        (Card::Music(music), _) => {
            return share_music(shared, profile, fromqq, (to, group), music).await
        }
    };
    let sent = shared.backend.call(request).await;
    sent_message_id(shared, profile, conv, sent)
}

/// `/sharemusic` of a custom music card. XLZ answers no receipt, so the message id is the
/// account's newest message of the conversation after the share.
async fn share_music(
    shared: &Shared,
    profile: Profile,
    fromqq: Uin,
    (to, group): (Uin, bool),
    music: Music,
) -> Answer {
    let failed = |why: String| Box::new(profile.failed(Why::HandlerFailed, why));
    let bad = |why: String| Box::new(profile.failed(Why::BadParams, why));
    if music.kind != "custom" {
        return Err(failed(format!(
            "a `{}` music card needs the implementation's music sign server to look the track \
             up; the simulated network has none: send `type` `custom` with url, audio and title",
            music.kind
        )));
    }
    let need = |field: Option<String>, name: &str| {
        field
            .filter(|value| !value.trim().is_empty())
            .ok_or_else(|| bad(format!("a custom `music` segment needs `{name}`")))
    };
    let request = Request::ShareMusic(xlz::ShareMusic {
        logonqq: fromqq,
        totype: Some(i64::from(group)),
        to,
        musicname: need(music.title, "title")?,
        singername: music.content,
        jumpurl: need(music.url, "url")?,
        wrapperurl: music.image.unwrap_or_default(),
        fileurl: need(music.audio, "audio")?,
        apptype: None,
    });
    let target = if group {
        Target::Group(to)
    } else {
        Target::Private(to)
    };
    let conv = conversation(fromqq, target);
    let newest = |store: &lizi_store::Store| {
        store
            .messages_before(conv, None, 1)
            .ok()
            .and_then(|rows| rows.first().map(|row| (row.req, row.sender, row.seq)))
    };
    let before = newest(&shared.store).map_or(0, |(req, _, _)| req);
    match shared.backend.call(request).await {
        Ok(Reply::Sent(_) | Reply::Done) => {}
        Ok(other) => {
            tracing::warn!("send_msg with a card: the backend answered {other:?}");
            return Err(failed(
                "the backend answered something other than a sent message".into(),
            ));
        }
        Err(failure) => return Err(failed(failure.message)),
    }
    match newest(&shared.store) {
        Some((req, sender, seq)) if req > before && sender == fromqq as i64 => {
            data(lizi_onebot::action::MessageId {
                message_id: shared.ids.of_seq(seq),
            })
        }
        _ => Err(failed(
            "the music card was shared but is not in the history".into(),
        )),
    }
}
