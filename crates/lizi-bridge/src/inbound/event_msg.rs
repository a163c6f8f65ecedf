//! [`event_msg`]: the XLZ `EventMsg` every notice, request, recall, presence change and
//! gap the bridge reports is written as.

use lizi_core::event::{EventBody, EventGroup, EventMsg, UserRef};
use lizi_core::{Event, Gin, Uin};

/// An `EventMsg` of `account` about `user`, done by `operator`, in `group` (0: none).
pub fn event_msg(account: Uin, user: Uin, operator: Uin, group: Gin, msg: EventBody) -> Event {
    Event::EventMsg(EventMsg {
        from_qq: UserRef {
            uin: user,
            ..UserRef::default()
        },
        operate_qq: UserRef {
            uin: operator,
            ..UserRef::default()
        },
        logon_qq: account,
        from_group: EventGroup {
            gin: group,
            ..EventGroup::default()
        },
        msg,
    })
}
