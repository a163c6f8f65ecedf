//! What planning a request gives ([`Planned`]): one OneBot call and how to read its data
//! ([`Call`], [`Read`]), a send through the common send path ([`Send`]), or an answer
//! known without calling; and what planning may look at ([`Context`]). Every planner of
//! [`super`] writes these.

use lizi_core::{Failure, FailureKind, Reply, Uin};
use lizi_onebot::Segment;
use serde_json::Value;

use crate::state::identity::Conversation;
use crate::state::implementation::Implementation;
use crate::state::names::Names;

/// How the data of a call answers the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// Nothing beyond success.
    Done,
    /// `get_stranger_info` → its `nickname`.
    Nickname,
    /// `get_stranger_info` → `long_nick` or `sign`.
    Signature,
    /// `get_stranger_info` → a profile.
    UserInfo,
    /// `nc_get_user_status` → the XLZ name of the state.
    OnlineState,
    /// `get_group_info` → its `group_name`.
    GroupName,
    /// `get_group_info` → the group's information.
    GroupInfo,
    /// `get_group_member_list` → the owner and admins, one per line.
    Managers,
    /// `get_group_member_info` → its `card`.
    Card,
    /// `get_group_member_info` → seconds of mute left at `now`.
    MuteLeft(i64),
    /// `get_forward_msg` → the messages, for the account.
    Forwarded(Uin),
    /// `get_cookies` → the value of one cookie.
    Cookie(&'static str),
    /// `get_clientkey` → its `clientkey`.
    ClientKey,
}

/// One OneBot call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The account acting.
    pub account: Uin,
    /// The action.
    pub action: &'static str,
    /// Its parameters.
    pub params: Value,
    /// How its data answers.
    pub read: Read,
}

/// A message send through the bridge's send path (pacing, message map, own-message
/// event).
#[derive(Debug, Clone, PartialEq)]
pub struct Send {
    /// The account sending.
    pub account: Uin,
    /// Where to.
    pub conversation: Conversation,
    /// The segments.
    pub message: Vec<Segment>,
    /// The message as XLZ text, for the message map and the own-message event.
    pub text: String,
    /// Whether the endpoint answers a plain success rather than the receipt.
    pub done_only: bool,
}

/// What the bridge does for a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// One call.
    Call(Call),
    /// A send.
    Send(Send),
    /// The answer, known without calling.
    Answer(Reply),
}

/// What planning may look at besides the request.
#[derive(Debug)]
pub struct Context<'a> {
    /// The implementation of the request's account.
    pub implementation: &'a Implementation,
    /// The names seen.
    pub names: &'a Names,
    /// A connected account, for the requests that name none.
    pub any_account: Option<Uin>,
    /// Now, unix seconds.
    pub now: i64,
}

/// A planning outcome: `None` when the request is not one of these endpoints.
pub type Planned = Option<Result<Plan, Failure>>;

/// The first of `keys` that `value` holds as text.
pub fn text_field<'a>(value: &'a Value, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|key| value.get(*key).and_then(Value::as_str))
}

/// A call plan.
pub fn call(account: Uin, action: &'static str, params: Value, read: Read) -> Planned {
    Some(Ok(Plan::Call(Call {
        account,
        action,
        params,
        read,
    })))
}

/// Why nothing is sent anonymously: QQ retired anonymous chat, and sending under the
/// account's own name would reveal the sender the bot meant to hide.
pub const NO_ANONYMOUS_SEND: &str = "messages cannot be sent anonymously: QQ retired anonymous \
     chat, and sending it under the account's own name would reveal the sender; nothing was sent";

/// A request that makes no sense as given.
pub fn invalid(message: impl Into<String>) -> Planned {
    Some(Err(Failure::new(FailureKind::Invalid, message)))
}
