//! The control actions, documented: the table `/openapi.json` and the README are written
//! from. A test decodes every example, so the table cannot drift from the code.

use lizi_core::ControlDoc;

const fn doc(
    action: &'static str,
    read_only: bool,
    summary: &'static str,
    example: &'static str,
) -> ControlDoc {
    ControlDoc {
        action,
        read_only,
        summary,
        example,
    }
}

/// Every control action.
pub const CONTROL_DOCS: &[ControlDoc] = &[
    doc("message", false, "A person sends a private (`to`), group (`group`) or temporary-session (both) message; answers req, random and time.", r#"{"from":20001,"group":30001,"text":"hi [@10001]"}"#),
    doc("world", true, "The whole world: accounts, users, friendships, groups with members and roles.", "{}"),
    doc("kick", false, "An owner or admin removes a member (`block` refuses later join requests).", r#"{"operator":20001,"group":30001,"member":20003,"block":false}"#),
    doc("mute", false, "An owner or admin mutes a member for `seconds` (0 unmutes).", r#"{"operator":20001,"group":30001,"member":20003,"seconds":600}"#),
    doc("leave", false, "A person leaves a group.", r#"{"user":20003,"group":30001}"#),
    doc("set_card", false, "Someone sets their own group card, or a higher role sets another's.", r#"{"operator":20001,"group":30001,"member":20002,"card":"Bob (ops)"}"#),
    doc("recall", false, "A person recalls a group (`group`) or private (`to`) message by req and random.", r#"{"user":20001,"group":30001,"req":1,"random":123}"#),
    doc("set_admin", false, "The owner grants or removes admin.", r#"{"operator":20001,"group":30001,"member":20002,"admin":true}"#),
    doc("rename_group", false, "An owner or admin renames the group.", r#"{"operator":20001,"group":30001,"name":"new name"}"#),
    doc("whole_mute", false, "An owner or admin switches the whole-group mute on (`mute`: true) or off.", r#"{"operator":20001,"group":30001,"mute":true}"#),
    doc("add_user", false, "Adds a simulated user with a new QQ number.", r#"{"uin":20004,"nickname":"Dave"}"#),
    doc("add_group", false, "Adds a group of existing people: `owner` and the other `members`.", r#"{"gin":30003,"name":"new group","owner":20001,"members":[10001,20002]}"#),
    doc("add_friendship", false, "Makes two people friends (event 104 for each framework account among them).", r#"{"a":20003,"b":10001}"#),
    doc("group", true, "A group's members (role, card, mute, position), settings and blocked list.", r#"{"gin":30001}"#),
    doc("history", true, "A page of a chat's messages with req, random, seq, time, sender and recall state (`group`, or `a` and `b`): the last `limit` (100, at most 1000) with a req below `before` (the newest when absent), oldest first; the answer's `before` asks for the page before it (null at the start).", r#"{"group":30001,"limit":100}"#),
    doc("friend_request", false, "A person asks a framework account to be friends (event 105); answers the request's seq.", r#"{"from":20003,"to":10001,"text":"hello"}"#),
    doc("join_request", false, "A person asks to join a group (event 3 for its framework owner and admins).", r#"{"from":20003,"group":30002,"text":"let me in"}"#),
    doc("invite", false, "A person invites a framework account into a group (event 1).", r#"{"from":20002,"to":10002,"group":30002}"#),
    doc("answer", false, "A person (or a group's owner or admin) answers a framework account's friend or join request.", r#"{"user":20003,"seq":1,"accept":true}"#),
    doc("set_nickname", false, "A person changes their nickname (event 102 for framework friends).", r#"{"user":20001,"nickname":"Alice W."}"#),
    doc("set_signature", false, "A person changes their signature (event 101 for framework friends).", r#"{"user":20001,"signature":"hello there"}"#),
    doc("like", false, "A person likes a profile (event 108 for a framework account).", r#"{"from":20001,"to":10001}"#),
    doc("red_packet", false, "A person sends a red packet into a group (listed by /getgrouphb).", r#"{"from":20001,"group":30001,"title":"恭喜发财","amount":100,"count":5}"#),
    doc("bundle", false, "Makes a forwarded-messages bundle; answers its resid for /getforwardedmsg. A message's `name` shows it as sent by anyone (`from` need not exist), its `time` when it was said.", r#"{"messages":[{"from":20001,"group":30001,"text":"first"},{"from":20002,"text":"second"},{"from":88888,"name":"someone","text":"made up","time":1700000000}]}"#),
    doc("requests", true, "Pending friend and join requests and invitations.", "{}"),
    doc("send_picture", false, "A person sends a picture (base64) privately (`to`) or to a group (`group`).", r#"{"from":20001,"to":10001,"base64":"R0lGODlhAQABAAAAACw=","flash":false}"#),
    doc("upload_file", false, "A person uploads a file to a group (a group message with the file follows).", r#"{"from":20001,"group":30001,"name":"notes.txt","base64":"aGVsbG8=","folder":"/"}"#),
    doc("clock", false, "The simulated clock moves `advance_seconds` forward (mutes end, times move on, without waiting); answers the simulated time.", r#"{"advance_seconds":600}"#),
    doc("files", true, "A group's files and folders.", r#"{"group":30001}"#),
    doc("send_file", false, "A person sends a file to a friend (a private message of type 529 with the file follows).", r#"{"from":20001,"to":10001,"name":"notes.txt","base64":"aGVsbG8="}"#),
    doc("friend_files", true, "The files an account received from friends, with the URLs serving them.", r#"{"account":10001}"#),
    doc("poke", false, "A person pokes someone (戳一戳): in `group`, or a friend without it; oneself too. A system notice (event 33) for the framework accounts that see it.", r#"{"from":20001,"target":10001,"group":30001}"#),
    doc("react", false, "A member reacts to a group message (its `req`) with a face id, or takes it back (`add`: false); a system notice (event 33) for the group's framework accounts; answers the reaction's count.", r#"{"user":20001,"group":30001,"req":1,"emoji":"76","add":true}"#),
    doc("set_essence", false, "An owner or admin marks a group message (its `req`) as essence, or unmarks it (`essence`: false); a system notice (event 33) for the group's framework accounts.", r#"{"operator":20001,"group":30001,"req":1,"essence":true}"#),
    doc("announce", false, "An owner or admin posts a group announcement (群公告), with a picture the network holds (`image`, its hash), `pinned` or not, `confirm_required` (default true); answers its notice_id.", r#"{"operator":20001,"group":30001,"text":"meeting at 8","pinned":false}"#),
    doc("delete_announcement", false, "An owner or admin deletes a group announcement.", r#"{"operator":20001,"group":30001,"notice_id":"30001_1"}"#),
    doc("sign_in", false, "A member signs in (打卡) to a group for the day (again the same day changes nothing); answers the day's rank.", r#"{"user":20001,"group":30001}"#),
    doc("forward", false, "A person sends messages as one merged forward to `to`, to `group`, or to `to` through `group`: the bundle is kept and an XML card naming its resid (`m_resid`) is sent; answers resid, req, random and time. Each message as in `bundle`.", r#"{"from":20001,"group":30001,"messages":[{"from":20002,"text":"first"},{"from":88888,"name":"someone","text":"made up"}]}"#),
    doc("essence", true, "A group's essence messages, oldest mark first, with sender, operator, times and text (`viewer`: read as that member).", r#"{"group":30001}"#),
    doc("reactions", true, "The reactions to a group message (its `req`): each face with its count and who reacted.", r#"{"group":30001,"req":1}"#),
    doc("announcements", true, "A group's announcements, newest first.", r#"{"group":30001}"#),
    doc("sign_ins", true, "Who signed in to a group on `day` (days since 1970-01-01 in China's time; today when absent), in order.", r#"{"group":30001}"#),
    doc("honours", true, "A group's honours: the talkative one (龙王, the member who sent most on each of the last 7 days, current = yesterday's) from its messages, the others from the world file.", r#"{"group":30001}"#),
];
