//! The OneBot events the face reports, as one table: the README's list is generated from
//! it, and a test checks the README holds exactly that list. The converters beside this
//! module produce them; `crates/lizi/tests/onebot_events.rs` causes each one.

/// One kind of event the face reports.
#[derive(Debug, Clone, Copy)]
pub struct EventDoc {
    /// `post_type`.
    pub post_type: &'static str,
    /// `message_type`, `notice_type`, `request_type` or `meta_event_type`.
    pub kind: &'static str,
    /// The `sub_type`s, comma-separated (empty when none).
    pub sub_types: &'static str,
    /// What on the simulated network causes it.
    pub cause: &'static str,
}

const fn row(
    post_type: &'static str,
    kind: &'static str,
    sub_types: &'static str,
    cause: &'static str,
) -> EventDoc {
    EventDoc {
        post_type,
        kind,
        sub_types,
        cause,
    }
}

/// Every event the face reports.
pub const EVENTS: &[EventDoc] = &[
    row("message", "private", "friend, group", "a friend's message, or a temporary session's (`group`)"),
    row("message", "group", "normal, anonymous", "a group message"),
    row("message_sent", "private, group", "", "the account's own message, with `--onebot-report-self` (Lagrange: `message` with `user_id` = `self_id`)"),
    row("notice", "group_upload", "", "a group file uploaded"),
    row("notice", "group_admin", "set, unset", "an admin granted or removed"),
    row("notice", "group_increase", "approve, invite", "a member joined"),
    row("notice", "group_decrease", "leave, kick, kick_me, disband", "a member left or was removed, or the group was dissolved"),
    row("notice", "group_ban", "ban, lift_ban", "a member muted or unmuted (`user_id` 0: the whole group)"),
    row("notice", "friend_add", "", "a new friend"),
    row("notice", "group_recall", "", "a group message recalled (`message_id` of the recalled message)"),
    row("notice", "friend_recall", "", "a private message recalled"),
    row("notice", "group_card", "", "a group card changed (`card_old` empty: XLZ gives only the new card)"),
    row("notice", "notify", "poke", "a poke (`/sim/poke`, the poke actions), or a message that is only XLZ's poke code `[Shake,…]`; NapCat and LLOneBot add `raw_info`, Lagrange `action`, `suffix`, `action_img_url`"),
    row("notice", "essence", "add, delete", "a group message marked as essence or unmarked (NapCat and LLOneBot report marks only)"),
    row("notice", "group_msg_emoji_like", "", "a reaction to a group message added or taken back (`is_add`; NapCat, LLOneBot)"),
    row("notice", "reaction", "add, remove", "a reaction to a group message added or taken back, with the face's `count` (Lagrange)"),
    row("notice", "bot_offline", "", "the account logged out, or reported offline by a fault"),
    row("request", "friend", "", "a friend request, with a `flag` that answers it even after a restart"),
    row("request", "group", "add, invite", "a join request or an invitation, with a `flag`"),
    row("meta_event", "lifecycle", "connect", "a WebSocket connected"),
    row("meta_event", "heartbeat", "", "every `--onebot-heartbeat-ms`, `status.online` as the account is"),
];

/// The README's list of reported events: one Markdown row per [`EVENTS`] entry.
pub fn events_markdown() -> String {
    let mut out = String::from("| `post_type` | type | `sub_type` | when |\n|---|---|---|---|\n");
    for event in EVENTS {
        let subs = if event.sub_types.is_empty() {
            String::new()
        } else {
            format!("`{}`", event.sub_types.replace(", ", "`, `"))
        };
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} |\n",
            event.post_type,
            event.kind.replace(", ", "`, `"),
            subs,
            event.cause
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_exactly_the_reported_events() {
        let readme = include_str!("../../../../docs/onebot-face.md");
        assert!(
            readme.contains(&events_markdown()),
            "docs/onebot-face.md must hold this table:\n{}",
            events_markdown()
        );
    }
}
