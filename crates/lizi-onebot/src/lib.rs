//! The OneBot v11 protocol as types, for lizi's OneBot face and its bridge to NapCat,
//! Lagrange.OneBot and LLOneBot.
//!
//! - [`envelope`]: action requests and responses, and the per-implementation [`Profile`]
//!   that renders a response with that implementation's fields and retcodes.
//! - [`action`]: the action table ([`ACTIONS`]), the typed [`Action`] it routes to, and
//!   typed response data.
//! - [`registry`]: what each implementation registers (actions, their parameters and data),
//!   read from its own source at a named release; it decides a profile's actions.
//! - [`quirks`]: what the implementations do differently beyond their parameters
//!   (temporary chats), for the face and the bridge alike.
//! - [`event`]: every standard event plus the common extensions, parsed tolerantly.
//! - [`message`]: segments, their typed views and the CQ-code string form.
//! - [`xlz`]: the conversion between XLZ message text and segments, for lizi's face and
//!   bridge alike.
//!
//! Input is tolerant (ids as numbers or strings, booleans in any spelling, `message` as a
//! CQ string, an array or one segment, unknown keys and sub-types kept, never fatal);
//! output is exact (ids as JSON numbers, segment data values as strings). The crate does
//! no I/O and knows nothing of the simulated network; of lizi it knows only the protocol
//! crate, `lizi-core`, for XLZ's text codes.
//!
//! ```
//! use lizi_onebot::{envelope::split_action, Action, ActionRequest, Profile};
//! use lizi_onebot::envelope::Failure;
//!
//! let request: ActionRequest = serde_json::from_str(
//!     r#"{"action":"send_group_msg_async","params":{"group_id":"10001","message":"hi [CQ:at,qq=42]"},"echo":7}"#,
//! ).unwrap();
//! let (name, _suffix) = split_action(&request.action);
//! let Action::SendGroupMsg(call) = Action::parse(name, &request.params).unwrap() else {
//!     unreachable!()
//! };
//! assert_eq!(call.group_id, Some(10001));
//! assert_eq!(lizi_onebot::message::to_cq_string(&call.message), "hi [CQ:at,qq=42]");
//!
//! let answer = Profile::NapCat.failed(Failure::HandlerFailed, "timeout").with_echo(request.echo);
//! assert_eq!(Profile::NapCat.render(&answer).to_value()["retcode"], 1200);
//! ```

pub mod action;
pub mod echo;
pub mod envelope;
pub mod event;
pub mod lenient;
pub mod message;
pub mod profile;
pub mod quirks;
pub mod registry;
pub mod routing;
pub mod xlz;

pub use action::{Action, ActionError, ActionKind, ActionSpec, ACTIONS};
pub use echo::Echo;
pub use envelope::{ActionRequest, ActionResponse, Status};
pub use event::{Body, Event};
pub use message::{Message, Segment};
pub use profile::Profile;
