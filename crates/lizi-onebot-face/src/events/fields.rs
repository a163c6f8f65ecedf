//! What every event family writes alike: the envelope, a message's `message` and
//! `raw_message` in the configured format, its sequence fields as each implementation
//! writes them, and the [`Lens`] an event is seen through.

use lizi_core::Uin;
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

/// The fields every event starts with.
pub(super) fn envelope(time: i64, self_id: Uin, post_type: &str) -> Value {
    json!({"time": time, "self_id": self_id, "post_type": post_type})
}

/// Puts a message event's sequence fields as `profile`'s implementation writes them
/// (docs/onebot-implementations.md#events, #type-strictness-seen-in-the-wild): NapCat `real_id`, `message_seq` and `real_seq` as a *string*;
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

/// Adds `more`'s fields to `event`.
pub(super) fn extend(event: &mut Value, more: Value) {
    if let (Value::Object(event), Value::Object(more)) = (event, more) {
        event.extend(more);
    }
}
