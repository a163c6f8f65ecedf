//! XLZ events from lizi's event log turned into OneBot v11 events (onebot.md §3 read the
//! other way), one family per module:
//!
//! - [`messages`]: group (normal, anonymous) and private (friend, temporary) messages, the
//!   account's own messages when reported, and group file uploads;
//! - [`notices`]: admin changes, joins, leaves and kicks, mutes, friends added, recalls,
//!   card changes;
//! - [`requests`]: friend requests, join requests and invitations, with their `flag`;
//! - [`roles`]: the `sender.role` of group messages, asked of the backend.
//!
//! Message text becomes segments through [`lizi_onebot::xlz::event_segments`]. Meta events
//! (lifecycle, heartbeat) are the connection's own.

mod messages;
mod notices;
mod requests;
pub mod roles;
pub mod table;

use lizi_core::{Event, Uin};
use lizi_onebot::message::to_cq_string;
use lizi_onebot::{Profile, Segment};
use serde_json::{json, Value};

use crate::config::{FaceConfig, MessageFormat};
use crate::ids::MessageIds;

/// What turning an event into OneBot needs besides the event.
pub struct Lens<'a> {
    /// The account the event is for.
    pub self_id: Uin,
    /// The message ids.
    pub ids: &'a MessageIds,
    /// The face's settings (message format, self messages, profile).
    pub config: &'a FaceConfig,
}

/// The OneBot event for one event-log entry, as seen by `lens.self_id`; `None` for
/// entries of other accounts and events OneBot has no event for.
pub fn to_onebot(entry: &str, lens: &Lens<'_>) -> Option<Value> {
    let event: Event = serde_json::from_str(entry).ok()?;
    if event.logon() != lens.self_id {
        return None;
    }
    match event {
        Event::GroupMsg(message) => messages::group(&message, lens),
        Event::PrivateMsg(message) => messages::private(&message, lens),
        Event::EventMsg(event) => {
            notices::notice(&event, lens).or_else(|| requests::request(&event))
        }
    }
}

/// The fields every event starts with.
fn envelope(time: i64, self_id: Uin, post_type: &str) -> Value {
    json!({"time": time, "self_id": self_id, "post_type": post_type})
}

/// Puts a message event's sequence fields as `profile`'s implementation writes them
/// (onebot.md §1.5, §1.7): NapCat `real_id`, `message_seq` and `real_seq` as a *string*;
/// LLOneBot `message_seq` as a number; Lagrange none.
pub(crate) fn put_sequence_fields(event: &mut Value, profile: Profile, id: i64, req: i64) {
    match profile {
        Profile::NapCat => {
            event["real_id"] = json!(id);
            event["message_seq"] = json!(req);
            event["real_seq"] = json!(req.to_string());
        }
        Profile::LLOneBot => event["message_seq"] = json!(req),
        Profile::Lagrange => {}
    }
}

/// Puts `message` and `raw_message` into `event` in the configured format.
pub(crate) fn put_message_fields(event: &mut Value, message: Vec<Segment>, format: MessageFormat) {
    let raw = to_cq_string(&message);
    event["message"] = match format {
        MessageFormat::Array => json!(message),
        MessageFormat::String => json!(raw),
    };
    event["message_format"] = json!(match format {
        MessageFormat::Array => "array",
        MessageFormat::String => "string",
    });
    event["raw_message"] = json!(raw);
}
