//! XLZ events from lizi's event log turned into OneBot v11 events (docs/onebot-face.md#events read the
//! other way), one family per module:
//!
//! - [`messages`]: group (normal, anonymous) and private (friend, temporary) messages, the
//!   account's own messages when reported, and group file uploads;
//! - [`notices`]: admin changes, joins, leaves and kicks, mutes, friends added, recalls,
//!   card changes;
//! - [`gray_tips`]: pokes, essence marks and emoji reactions (XLZ system notices);
//! - [`requests`]: friend requests, join requests and invitations, with their `flag`;
//! - [`roles`]: the `sender.role` of group messages, asked of the backend;
//! - `fields`: what every family writes alike (the envelope, the message and sequence
//!   fields).
//!
//! Message text becomes segments through [`lizi_onebot::xlz::event_segments`]. Meta events
//! (lifecycle, heartbeat) are the connection's own.

mod fields;
mod gray_tips;
mod messages;
mod notices;
mod requests;
pub mod roles;
pub mod table;

use lizi_core::Event;
use serde_json::Value;

pub use fields::Lens;
pub(crate) use fields::{put_message_fields, put_sequence_fields};

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
        Event::EventMsg(event) => notices::notice(&event, lens)
            .or_else(|| gray_tips::notice(&event, lens))
            .or_else(|| requests::request(&event)),
    }
}
