//! The gray tips QQ shows in a chat for which XLZ has no event type — pokes, essence marks,
//! emoji reactions — carried as a system notice (`EventMsg` type
//! [`SYSTEM_NOTICE`], 系统提示) whose text is one sentence.
//!
//! The simulated network writes these notices, the bridge writes them from an
//! implementation's notice, and lizi's OneBot face reads them back into OneBot notices;
//! the sentences and the fields around them are defined here once so that all three agree:
//!
//! | tip | `FromQQ` | `OperateQQ` | `Msg.Seq` | `Msg.SubType` | `Msg.Text` |
//! |---|---|---|---|---|---|
//! | poke | who was poked | who poked | 0 | 0 | `<operator> 戳了戳 <target>` |
//! | essence | the message's sender | who marked it | the message's `Req` | 0 | `<operator> 把 <sender> 的消息设为了精华消息` (`移出了精华消息` when removed) |
//! | reaction | who reacted | who reacted | the message's `Req` | the reaction's count after it | `<operator> 用表情回应了消息 <code>` (`<operator> 取消了表情回应 <code>` when removed) |
//!
//! A reader rebuilds the sentence from the event's own numbers ([`GrayTip::read`]), so a
//! system notice that merely looks alike is not mistaken for one of these.

use crate::event::{EventBody, EventMsg};
use crate::Uin;

/// XLZ `EventMsg` type 33, 系统提示: a system notice, its text a description.
pub const SYSTEM_NOTICE: i64 = 33;

/// A gray tip XLZ has no event type for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrayTip {
    /// `operator` poked `target` (戳一戳).
    Poke {
        /// Who poked.
        operator: Uin,
        /// Who was poked.
        target: Uin,
    },
    /// `operator` marked a message of `sender` as essence, or removed the mark.
    Essence {
        /// Who marked it.
        operator: Uin,
        /// Who sent the message.
        sender: Uin,
        /// Marked (`true`) or unmarked.
        added: bool,
    },
    /// `operator` reacted to a message with the face `code`, or took the reaction back.
    Reaction {
        /// Who reacted.
        operator: Uin,
        /// The face id (QQ's emoji code), as text.
        code: String,
        /// Added (`true`) or removed.
        added: bool,
    },
}

const POKED: &str = " 戳了戳 ";
const ESSENCE_ADDED: &str = "设为了精华消息";
const ESSENCE_REMOVED: &str = "移出了精华消息";
const REACTED: &str = " 用表情回应了消息 ";
const UNREACTED: &str = " 取消了表情回应 ";

impl GrayTip {
    /// The sentence `Msg.Text` holds.
    pub fn text(&self) -> String {
        match self {
            GrayTip::Poke { operator, target } => format!("{operator}{POKED}{target}"),
            GrayTip::Essence {
                operator,
                sender,
                added,
            } => {
                let verb = if *added {
                    ESSENCE_ADDED
                } else {
                    ESSENCE_REMOVED
                };
                format!("{operator} 把 {sender} 的消息{verb}")
            }
            GrayTip::Reaction {
                operator,
                code,
                added,
            } => {
                let verb = if *added { REACTED } else { UNREACTED };
                format!("{operator}{verb}{code}")
            }
        }
    }

    /// `FromQQ`: whom the tip is about.
    pub fn about(&self) -> Uin {
        match self {
            GrayTip::Poke { target, .. } => *target,
            GrayTip::Essence { sender, .. } => *sender,
            GrayTip::Reaction { operator, .. } => *operator,
        }
    }

    /// `OperateQQ`: who did it.
    pub fn operator(&self) -> Uin {
        match self {
            GrayTip::Poke { operator, .. }
            | GrayTip::Essence { operator, .. }
            | GrayTip::Reaction { operator, .. } => *operator,
        }
    }

    /// The `Msg` of the system notice, at `time`; `req` is the `Req` of the message the tip
    /// is about (0: none), `count` a reaction's count after it.
    pub fn body(&self, time: i64, req: i64, count: i64) -> EventBody {
        EventBody {
            seq: req,
            time_stamp: time,
            kind: SYSTEM_NOTICE,
            sub_type: count,
            text: self.text(),
        }
    }

    /// The tip a system notice carries, if it is one of these.
    pub fn read(event: &EventMsg) -> Option<GrayTip> {
        if event.msg.kind != SYSTEM_NOTICE {
            return None;
        }
        let (about, operator) = (event.from_qq.uin, event.operate_qq.uin);
        let text = event.msg.text.as_str();
        let candidates = [
            GrayTip::Poke {
                operator,
                target: about,
            },
            GrayTip::Essence {
                operator,
                sender: about,
                added: true,
            },
            GrayTip::Essence {
                operator,
                sender: about,
                added: false,
            },
        ];
        if let Some(tip) = candidates.into_iter().find(|tip| tip.text() == text) {
            return Some(tip);
        }
        if about != operator {
            return None;
        }
        [(REACTED, true), (UNREACTED, false)]
            .into_iter()
            .find_map(|(verb, added)| {
                let code = text.strip_prefix(&format!("{operator}{verb}"))?;
                (!code.is_empty()).then(|| GrayTip::Reaction {
                    operator,
                    code: code.to_owned(),
                    added,
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::UserRef;

    fn notice(about: Uin, operator: Uin, text: &str) -> EventMsg {
        EventMsg {
            from_qq: UserRef {
                uin: about,
                ..UserRef::default()
            },
            operate_qq: UserRef {
                uin: operator,
                ..UserRef::default()
            },
            msg: EventBody {
                kind: SYSTEM_NOTICE,
                text: text.to_owned(),
                ..EventBody::default()
            },
            ..EventMsg::default()
        }
    }

    #[test]
    fn every_tip_reads_back_from_its_own_notice() {
        let tips = [
            (
                GrayTip::Poke {
                    operator: 5,
                    target: 1,
                },
                "5 戳了戳 1",
            ),
            (
                GrayTip::Essence {
                    operator: 6,
                    sender: 5,
                    added: true,
                },
                "6 把 5 的消息设为了精华消息",
            ),
            (
                GrayTip::Essence {
                    operator: 6,
                    sender: 5,
                    added: false,
                },
                "6 把 5 的消息移出了精华消息",
            ),
            (
                GrayTip::Reaction {
                    operator: 5,
                    code: "424".into(),
                    added: true,
                },
                "5 用表情回应了消息 424",
            ),
            (
                GrayTip::Reaction {
                    operator: 5,
                    code: "76".into(),
                    added: false,
                },
                "5 取消了表情回应 76",
            ),
        ];
        for (tip, text) in tips {
            assert_eq!(tip.text(), text);
            let mut event = notice(tip.about(), tip.operator(), text);
            event.msg = tip.body(9, 41, 2);
            assert_eq!((event.msg.seq, event.msg.sub_type), (41, 2));
            assert_eq!(GrayTip::read(&event), Some(tip), "{text}");
        }
    }

    #[test]
    fn look_alikes_are_not_tips() {
        // The numbers must be the event's own, and the type a system notice.
        assert_eq!(GrayTip::read(&notice(1, 5, "5 戳了戳 2")), None);
        assert_eq!(
            GrayTip::read(&notice(1, 5, "7 把 1 的消息设为了精华消息")),
            None
        );
        assert_eq!(GrayTip::read(&notice(5, 6, "5 用表情回应了消息 424")), None);
        assert_eq!(GrayTip::read(&notice(5, 5, "5 用表情回应了消息 ")), None);
        assert_eq!(GrayTip::read(&notice(1, 5, "有人入群了")), None);
        let mut poke = notice(1, 5, "5 戳了戳 1");
        poke.msg.kind = 32;
        assert_eq!(GrayTip::read(&poke), None);
    }
}
