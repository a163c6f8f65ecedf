//! The bridge's endpoint table (docs/bridge.md#what-works-on-each-implementation): one row per XLZ endpoint saying how the
//! bridge carries it out — its [`Category`], whether each implementation can
//! ([`Support`]), the OneBot action(s) it takes, and a note.
//!
//! The backend consults it before anything ([`refusal`]): an impossible endpoint, or one
//! the account's implementation lacks, fails at once naming the implementation and the
//! reason, without calling it. The README's coverage table is rendered from it
//! ([`coverage_markdown`]).

use lizi_core::{Failure, FailureKind};
use lizi_onebot::quirks::TemporaryChat;
use lizi_onebot::Profile;

use crate::state::implementation::{display_name, Implementation};

/// How an endpoint is carried out (docs/bridge.md#what-works-on-each-implementation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// A standard OneBot v11 action (plus the bridge's bookkeeping).
    Standard,
    /// An extension action of some implementations.
    Extension,
    /// Several actions in a row.
    Composite,
    /// Answered by lizi itself, with no OneBot call at that moment.
    BridgeLocal,
    /// Not possible through any implementation.
    Impossible,
}

impl Category {
    /// Every category, in table order.
    pub const ALL: [Category; 5] = [
        Category::Standard,
        Category::Extension,
        Category::Composite,
        Category::BridgeLocal,
        Category::Impossible,
    ];

    /// The category's name in the README.
    pub fn name(self) -> &'static str {
        match self {
            Category::Standard => "standard",
            Category::Extension => "extension",
            Category::Composite => "composite",
            Category::BridgeLocal => "local",
            Category::Impossible => "impossible",
        }
    }
}

/// Whether an implementation can carry an endpoint out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Yes.
    Yes,
    /// In part: tried, with the limit given.
    Partial(&'static str),
    /// No: refused before calling, for the reason given.
    No(&'static str),
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// The endpoint's canonical path.
    pub path: &'static str,
    /// How it is carried out.
    pub category: Category,
    /// The OneBot action(s) it takes.
    pub actions: &'static [&'static str],
    /// Support in NapCat, LLOneBot and Lagrange.OneBot, in that order.
    pub support: [Support; 3],
    /// A short note (for impossible endpoints: why).
    pub note: &'static str,
}

impl Row {
    /// Support in `profile`.
    pub fn support_in(&self, profile: Profile) -> Support {
        match profile {
            Profile::NapCat => self.support[0],
            Profile::LLOneBot => self.support[1],
            Profile::Lagrange => self.support[2],
        }
    }
}

/// The implementations of the support columns, in column order.
pub const COLUMNS: [Profile; 3] = [Profile::NapCat, Profile::LLOneBot, Profile::Lagrange];

use Category::{BridgeLocal, Composite, Extension, Impossible, Standard};
use Support::{No, Partial, Yes};

const ALL: [Support; 3] = [Yes, Yes, Yes];

const fn row(
    path: &'static str,
    category: Category,
    actions: &'static [&'static str],
    support: [Support; 3],
    note: &'static str,
) -> Row {
    Row {
        path,
        category,
        actions,
        support,
        note,
    }
}

/// Whether `profile`'s implementation reaches a non-friend through a group: what
/// [`TemporaryChat`] says, which the OneBot face imitates too.
const fn temporary(profile: Profile) -> Support {
    let chat = TemporaryChat::of(profile);
    match chat {
        TemporaryChat::ThroughGivenGroup => Yes,
        TemporaryChat::ExistingOnly => Partial(chat.limit()),
        TemporaryChat::Never => No(chat.limit()),
    }
}

const fn local(path: &'static str, note: &'static str) -> Row {
    row(path, BridgeLocal, &[], ALL, note)
}

const fn impossible(path: &'static str, why: &'static str) -> Row {
    const NONE: [Support; 3] = [No(""), No(""), No("")];
    row(path, Impossible, &[], NONE, why)
}

/// NapCat only: the extension's reason for the others.
const fn napcat_only(why_not: &'static str) -> [Support; 3] {
    [Yes, No(why_not), No(why_not)]
}

const GROUP_PERMISSIONS: &str = "only NapCat has set_group_member_permissions";
const INVITE_POLICY: &str = "only NapCat has set_group_member_invite_policy";
const NO_PROFILE: &str = "Lagrange.OneBot has no set_qq_profile";
const NO_XML: &str = "NapCat drops xml segments from sends";
const XML_UNVERIFIED: &str = "xml segments are passed on; QQ may refuse them";

/// Every XLZ endpoint (docs/xlz-api.md#every-endpoint, docs/xlz-api.md#endpoint-answers, lizi's `/ackevent`), in the order of
/// lizi-core's endpoint table.
pub static ROWS: &[Row] = &[
    local("/allocsession", "lizi's event log: a session cursor"),
    local("/removesession", "lizi's event log"),
    local("/resetevent", "lizi's event log"),
    local("/getevent", "lizi's event log"),
    local("/geteventv2", "lizi's event log"),
    local("/ackevent", "lizi's event log"),
    impossible(
        "/loginqq",
        "logging in happens inside the implementation (QR code, WebUI, quick login); OneBot \
         has no login action",
    ),
    impossible(
        "/logoutqq",
        "OneBot has no logout action (NapCat's bot_exit ends the whole process)",
    ),
    row(
        "/getlogonqq",
        Standard,
        &["get_version_info", "get_login_info"],
        ALL,
        "asked on connect; 登录协议 names the implementation",
    ),
    row(
        "/sendprivatemsg",
        Standard,
        &["send_private_msg"],
        ALL,
        "paced; req/random kept by lizi",
    ),
    row(
        "/sendgroupmsg",
        Standard,
        &["send_group_msg"],
        ALL,
        "paced; the own-message event carries req/random",
    ),
    row(
        "/sendgrouptempmsg",
        Extension,
        &["send_private_msg"],
        [
            temporary(Profile::NapCat),
            temporary(Profile::LLOneBot),
            temporary(Profile::Lagrange),
        ],
        "send_private_msg with group_id",
    ),
    row(
        "/sendprivatejsonmsg",
        Standard,
        &["send_private_msg"],
        ALL,
        "json segment; QQ only shows signed cards",
    ),
    row(
        "/sendgroupjsonmsg",
        Standard,
        &["send_group_msg"],
        ALL,
        "json segment (also /sendgroupjsonlmsg)",
    ),
    row(
        "/sendprivatexmlmsg",
        Standard,
        &["send_private_msg"],
        [No(NO_XML), Partial(XML_UNVERIFIED), Yes],
        "xml segment",
    ),
    row(
        "/sendgroupxmlmsg",
        Standard,
        &["send_group_msg"],
        [No(NO_XML), Partial(XML_UNVERIFIED), Yes],
        "xml segment",
    ),
    local(
        "/sendprivatepic",
        "kept by lizi, sent later as a base64 image segment",
    ),
    local(
        "/sendgrouppic",
        "kept by lizi, sent later as a base64 image segment",
    ),
    local(
        "/sendprivateaudio",
        "kept by lizi, sent later as a base64 record segment",
    ),
    local(
        "/sendgroupaudio",
        "kept by lizi, sent later as a base64 record segment",
    ),
    row(
        "/sendinputstatus",
        Extension,
        &["set_input_status"],
        napcat_only("only NapCat has set_input_status"),
        "status 1 typing, 3 speaking; 2 sends nothing",
    ),
    impossible("/callfriend", "no implementation has a voice-call action"),
    row(
        "/sharemusic",
        Standard,
        &["send_private_msg", "send_group_msg"],
        ALL,
        "custom music segment; the implementation needs its music sign server",
    ),
    impossible(
        "/sendfreepackage",
        "gifts were a go-cqhttp segment; no NT implementation sends them",
    ),
    row(
        "/deletegroupmsg",
        Standard,
        &["delete_msg"],
        ALL,
        "message_id from lizi's message map",
    ),
    row(
        "/deleteprivatemsg",
        Standard,
        &["delete_msg"],
        ALL,
        "message_id from lizi's message map",
    ),
    impossible("/addfriend", "no implementation can send a friend request"),
    impossible("/addgroup", "no implementation can ask to join a group"),
    row("/deletefriend", Extension, &["delete_friend"], ALL, ""),
    impossible(
        "/setfriendignmsg",
        "no implementation can block a friend's messages (NapCat's delete_friend temp_block \
         deletes the friend too)",
    ),
    impossible("/setfriendcare", "no implementation can set 特别关心"),
    row(
        "/setfriendaddrequest",
        Standard,
        &["set_friend_add_request"],
        ALL,
        "seq to flag from lizi's store",
    ),
    row(
        "/setgroupaddrequest",
        Standard,
        &["set_group_add_request"],
        ALL,
        "seq to flag from lizi's store; op 14 (ignore) sends nothing",
    ),
    row("/uploadfacepic", Extension, &["set_qq_avatar"], ALL, ""),
    row(
        "/uploadgroupfacepic",
        Extension,
        &["set_group_portrait"],
        ALL,
        "",
    ),
    row("/setgroupcard", Standard, &["set_group_card"], ALL, ""),
    row(
        "/getnickname",
        Standard,
        &["get_stranger_info"],
        ALL,
        "fromcache: lizi's cache of lists and events first",
    ),
    row(
        "/getgroupnamefromcache",
        Standard,
        &["get_group_info"],
        ALL,
        "lizi's cache first",
    ),
    row("/getfriendlist", Standard, &["get_friend_list"], ALL, ""),
    row("/getgrouplist", Standard, &["get_group_list"], ALL, ""),
    row(
        "/getgroupmemberlist",
        Standard,
        &["get_group_member_list"],
        ALL,
        "",
    ),
    row("/setgroupmgr", Standard, &["set_group_admin"], ALL, ""),
    row(
        "/getgroupmgrlist",
        Standard,
        &["get_group_member_list"],
        ALL,
        "owner first, then the admins",
    ),
    row(
        "/getgroupcard",
        Standard,
        &["get_group_member_info"],
        ALL,
        "",
    ),
    row(
        "/getsignat",
        Extension,
        &["get_stranger_info"],
        ALL,
        "long_nick (NapCat, LLOneBot) or sign (Lagrange.OneBot)",
    ),
    row(
        "/setnickname",
        Extension,
        &["set_qq_profile"],
        [Yes, Yes, No(NO_PROFILE)],
        "",
    ),
    row(
        "/setsignat",
        Extension,
        &["set_self_longnick", "set_qq_profile"],
        [Yes, Yes, No(NO_PROFILE)],
        "NapCat set_self_longnick, LLOneBot set_qq_profile personal_note",
    ),
    row(
        "/updatedata",
        Extension,
        &["set_qq_profile"],
        [
            Partial("nick, desc and sex only"),
            Partial("nick, desc and sex only"),
            No(NO_PROFILE),
        ],
        "birth, profession, company, location, home and email cannot be set",
    ),
    row("/kickgroupmember", Standard, &["set_group_kick"], ALL, ""),
    row("/mutegroupmember", Standard, &["set_group_ban"], ALL, ""),
    row("/exitgroup", Standard, &["set_group_leave"], ALL, ""),
    row(
        "/dispgroup",
        Standard,
        &["set_group_leave"],
        [
            No("NapCat ignores is_dismiss and would only leave the group"),
            No("LLOneBot ignores is_dismiss and would only leave the group"),
            No("Lagrange.OneBot ignores is_dismiss and would only leave the group"),
        ],
        "is_dismiss is standard but ignored everywhere",
    ),
    row(
        "/setgroupwholemute",
        Standard,
        &["set_group_whole_ban"],
        ALL,
        "",
    ),
    row(
        "/setgrouppriv_newgroup",
        Extension,
        &["set_group_member_permissions"],
        napcat_only(GROUP_PERMISSIONS),
        "allow_member_create_group",
    ),
    row(
        "/setgrouppriv_newtempsession",
        Extension,
        &["set_group_member_permissions"],
        napcat_only(GROUP_PERMISSIONS),
        "allow_member_temporary_session",
    ),
    impossible(
        "/setgrouppriv_uploadfile",
        "no implementation can set the members' file upload permission",
    ),
    row(
        "/setgrouppriv_uploadphotoalbum",
        Extension,
        &["set_group_member_permissions"],
        napcat_only(GROUP_PERMISSIONS),
        "allow_member_upload_album",
    ),
    row(
        "/setgrouppriv_invitein",
        Extension,
        &["set_group_member_invite_policy"],
        napcat_only(INVITE_POLICY),
        "allow false: disabled; true: require_approval",
    ),
    row(
        "/setgrouppriv_anonymous",
        Standard,
        &["set_group_anonymous"],
        [
            No("NapCat has set_group_anonymous commented out: QQ retired anonymous chat"),
            No("LLOneBot has no set_group_anonymous: QQ retired anonymous chat"),
            No("Lagrange.OneBot has no set_group_anonymous: QQ retired anonymous chat"),
        ],
        "",
    ),
    impossible("/setgrouppriv_tanbaishuo", "坦白说 no longer exists in QQ"),
    row(
        "/setgrouppriv_newmembercanviewhistorymsg",
        Extension,
        &["set_group_new_member_history_visibility"],
        napcat_only("only NapCat has set_group_new_member_history_visibility"),
        "",
    ),
    row(
        "/setgrouppriv_inviteway",
        Extension,
        &["set_group_member_invite_policy"],
        napcat_only(INVITE_POLICY),
        "1 no_approval, 2 require_approval, 3 no_approval_under_100",
    ),
    impossible(
        "/setsharepos",
        "no implementation can share a position in a group",
    ),
    impossible(
        "/uploadpos",
        "no implementation can report a position to a group",
    ),
    row(
        "/getmutetime",
        Extension,
        &["get_group_member_info"],
        [Yes, Yes, No("its member info has no shut_up_timestamp")],
        "shut_up_timestamp minus now",
    ),
    row(
        "/querygroupinfo",
        Standard,
        &["get_group_info"],
        [
            Partial("the name only"),
            Partial("the name only"),
            Partial("the name only"),
        ],
        "Pos, Type, Tag and Introduction are not exposed",
    ),
    impossible("/getgrouphb", "no implementation exposes red packets"),
    row(
        "/uploadfile",
        Extension,
        &["upload_group_file"],
        ALL,
        "answers OK at once, uploads after",
    ),
    row(
        "/newgroupfolder",
        Extension,
        &["create_group_file_folder"],
        ALL,
        "",
    ),
    row(
        "/renamegroupfolder",
        Extension,
        &["rename_group_file_folder"],
        [
            No("NapCat has no rename_group_file_folder action"),
            Yes,
            Yes,
        ],
        "folder name to id through get_group_root_files",
    ),
    row(
        "/removegroupfolder",
        Extension,
        &["delete_group_folder", "delete_group_file_folder"],
        ALL,
        "Lagrange.OneBot names it delete_group_file_folder",
    ),
    row(
        "/removegroupfile",
        Extension,
        &["delete_group_file"],
        ALL,
        "",
    ),
    impossible("/savefiletoweiyun", "no implementation exposes 微云"),
    row(
        "/movegroupfile",
        Extension,
        &["move_group_file"],
        ALL,
        "parameter names differ per implementation",
    ),
    row(
        "/getgroupfilelist",
        Extension,
        &["get_group_root_files", "get_group_files_by_folder"],
        ALL,
        "",
    ),
    row(
        "/getgroupfileurl",
        Extension,
        &["get_group_file_url"],
        ALL,
        "",
    ),
    row(
        "/forwardgroupfiletogroup",
        Composite,
        &["get_group_file_url", "upload_group_file"],
        [
            Yes,
            Partial("upload_group_file may not take a URL"),
            Partial("upload_group_file may not take a URL"),
        ],
        "",
    ),
    row(
        "/forwardgroupfiletofriend",
        Composite,
        &["get_group_file_url", "upload_private_file"],
        [
            Yes,
            Partial("upload_private_file may not take a URL"),
            Partial("upload_private_file may not take a URL"),
        ],
        "",
    ),
    row(
        "/forwardfriendfiletofriend",
        Composite,
        &["get_private_file_url", "upload_private_file"],
        ALL,
        "",
    ),
    row(
        "/setonlinestate",
        Extension,
        &["set_online_status"],
        [Yes, Yes, No("Lagrange.OneBot has no set_online_status")],
        "XLZ 11/31/41 are NT 10/30/40; sun is ext_status, power battery_status",
    ),
    row(
        "/getqqonlinestate",
        Extension,
        &["nc_get_user_status"],
        napcat_only("only NapCat has nc_get_user_status"),
        "",
    ),
    row("/sendlike", Standard, &["send_like"], ALL, "one like"),
    row(
        "/queryuserinfo",
        Standard,
        &["get_stranger_info"],
        [
            Partial("what get_stranger_info gives"),
            Partial("what get_stranger_info gives"),
            Partial("what get_stranger_info gives"),
        ],
        "NickName, Age, QQLevel, Sign; the rest empty",
    ),
    row(
        "/getphotourl",
        BridgeLocal,
        &["get_image"],
        [
            Yes,
            Yes,
            Partial("no get_image: an expired URL cannot be refreshed"),
        ],
        "a lizi URL serving the kept bytes",
    ),
    row(
        "/getforwardedmsg",
        Standard,
        &["get_forward_msg"],
        ALL,
        "nodes as GroupMsg",
    ),
    row(
        "/getskey",
        Standard,
        &["get_cookies"],
        ALL,
        "only with key access enabled",
    ),
    row(
        "/getpskey",
        Standard,
        &["get_cookies"],
        ALL,
        "p_skey of the domain; only with key access enabled",
    ),
    row(
        "/getclientkey",
        Extension,
        &["get_clientkey"],
        napcat_only("only NapCat has get_clientkey"),
        "only with key access enabled",
    ),
];

/// The row of `path` (canonical, as [`lizi_core::Request::path`] gives it).
pub fn row_of(path: &str) -> Option<&'static Row> {
    ROWS.iter().find(|row| row.path == path)
}

/// The failure of `path` for an account driven by `implementation`, when the table says it
/// cannot work there: impossible everywhere, or absent from that implementation. `None`:
/// go ahead (an implementation the table does not know is always tried).
pub fn refusal(path: &str, implementation: &Implementation) -> Option<Failure> {
    let row = row_of(path)?;
    let named = implementation.display();
    if row.category == Impossible {
        return Some(Failure::new(
            FailureKind::NotImplemented,
            format!("{path} cannot work through OneBot ({named}): {}", row.note),
        ));
    }
    match row.support_in(implementation.profile()?) {
        No(why) => Some(Failure::new(
            FailureKind::NotImplemented,
            format!("{path} cannot work on {named}: {why}"),
        )),
        Yes | Partial(_) => None,
    }
}

fn cell(support: Support) -> String {
    match support {
        Yes => "✓".to_owned(),
        Partial(why) => format!("~ {why}"),
        No(why) => format!("– {why}"),
    }
}

/// The README's coverage table: one Markdown row per endpoint, in table order.
pub fn coverage_markdown() -> String {
    let mut out = String::from(
        "| Endpoint | Kind | NapCat | LLOneBot | Lagrange.OneBot | OneBot action(s) | Notes |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for row in ROWS {
        let actions: Vec<String> = row.actions.iter().map(|a| format!("`{a}`")).collect();
        let (support, note) = if row.category == Impossible {
            (["–".to_owned(), "–".to_owned(), "–".to_owned()], row.note)
        } else {
            (row.support.map(cell), row.note)
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            row.path,
            row.category.name(),
            support[0],
            support[1],
            support[2],
            actions.join(", "),
            note
        ));
    }
    out
}

/// How many endpoints of `category` work (fully or in part) on `profile`.
pub fn working(profile: Profile, category: Category) -> usize {
    ROWS.iter()
        .filter(|row| row.category == category && !matches!(row.support_in(profile), No(_)))
        .count()
}

/// The README's coverage counts: per implementation, how many endpoints of each category
/// work (fully or in part), and how many cannot.
pub fn counts_markdown() -> String {
    let mut out = String::from("| Implementation |");
    for category in Category::ALL {
        out.push_str(&format!(" {} |", category.name()));
    }
    out.push_str(" cannot work (impossible included) |\n|---|---|---|---|---|---|---|\n");
    for profile in COLUMNS {
        out.push_str(&format!("| {} |", display_name(profile)));
        let mut works = 0;
        for category in Category::ALL {
            let count = if category == Impossible {
                ROWS.iter().filter(|row| row.category == Impossible).count()
            } else {
                working(profile, category)
            };
            if category != Impossible {
                works += count;
            }
            out.push_str(&format!(" {count} |"));
        }
        out.push_str(&format!(" {} |\n", ROWS.len() - works));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lizi_core::endpoint::ENDPOINTS;

    #[test]
    fn the_table_has_exactly_the_endpoints_of_lizi_core() {
        let ours: Vec<&str> = ROWS.iter().map(|row| row.path).collect();
        let core: Vec<&str> = ENDPOINTS.iter().map(|spec| spec.path).collect();
        assert_eq!(ours, core);
    }

    #[test]
    fn temporary_sends_are_what_the_face_imitates() {
        let row = ROWS.iter().find(|row| row.path == "/sendgrouptempmsg");
        let row = row.expect("a row");
        for profile in COLUMNS {
            let expected = match TemporaryChat::of(profile) {
                TemporaryChat::ThroughGivenGroup => Yes,
                TemporaryChat::ExistingOnly => Partial(TemporaryChat::ExistingOnly.limit()),
                TemporaryChat::Never => No(TemporaryChat::Never.limit()),
            };
            assert_eq!(row.support_in(profile), expected, "{profile:?}");
        }
    }

    #[test]
    fn every_refusal_says_why() {
        for row in ROWS.iter().filter(|row| row.category != Impossible) {
            for support in row.support {
                if let No(why) | Partial(why) = support {
                    assert!(!why.is_empty(), "{}: a reason is missing", row.path);
                }
            }
            assert!(!row.actions.is_empty() || row.category == BridgeLocal);
        }
        for row in ROWS.iter().filter(|row| row.category == Impossible) {
            assert!(!row.note.is_empty(), "{}: why impossible?", row.path);
            assert!(row.actions.is_empty());
        }
        for text in ROWS.iter().flat_map(|row| {
            row.support
                .iter()
                .map(|s| cell(*s))
                .chain([row.note.into()])
        }) {
            assert!(
                !text.contains('|'),
                "a cell breaks the Markdown table: {text}"
            );
        }
    }

    #[test]
    fn impossible_and_absent_endpoints_are_refused_naming_the_implementation() {
        let napcat = Implementation::Known(Profile::NapCat);
        let lagrange = Implementation::Known(Profile::Lagrange);
        let failure = refusal("/callfriend", &napcat).expect("impossible");
        assert_eq!(failure.kind, FailureKind::NotImplemented);
        assert!(failure.message.contains("NapCat"), "{failure}");
        assert!(failure.message.contains("voice-call"), "{failure}");
        let failure = refusal("/sendinputstatus", &lagrange).expect("absent");
        assert!(failure.message.contains("Lagrange.OneBot"), "{failure}");
        assert!(failure.message.contains("set_input_status"), "{failure}");
        assert_eq!(refusal("/sendinputstatus", &napcat), None);
        assert!(refusal("/sendprivatexmlmsg", &napcat).is_some());
        assert_eq!(refusal("/sendprivatexmlmsg", &lagrange), None);
        // Partial support is tried.
        let llonebot = Implementation::Known(Profile::LLOneBot);
        assert_eq!(refusal("/updatedata", &llonebot), None);
        // An implementation the table does not know is tried, but never for the impossible.
        let other = Implementation::Other("go-cqhttp".into());
        assert_eq!(refusal("/sendinputstatus", &other), None);
        assert!(refusal("/loginqq", &other)
            .expect("impossible")
            .message
            .contains("go-cqhttp"));
        assert!(refusal("/dispgroup", &napcat).is_some());
    }

    #[test]
    fn every_row_is_refused_exactly_where_it_cannot_work() {
        for row in ROWS {
            for profile in COLUMNS {
                let implementation = Implementation::Known(profile);
                let refused = refusal(row.path, &implementation);
                let expected =
                    row.category == Impossible || matches!(row.support_in(profile), No(_));
                assert_eq!(refused.is_some(), expected, "{} on {profile:?}", row.path);
                if let Some(failure) = refused {
                    assert!(
                        failure.message.contains(display_name(profile))
                            && failure.message.contains(row.path),
                        "{failure}"
                    );
                }
            }
            // Not knowing the implementation, only the impossible is refused.
            let unknown = refusal(row.path, &Implementation::Unknown);
            assert_eq!(
                unknown.is_some(),
                row.category == Impossible,
                "{}",
                row.path
            );
        }
    }

    #[test]
    fn the_counts_cover_every_endpoint() {
        for profile in COLUMNS {
            let impossible = ROWS.iter().filter(|r| r.category == Impossible).count();
            let works: usize = Category::ALL[..4]
                .iter()
                .map(|category| working(profile, *category))
                .sum();
            let refused = ROWS
                .iter()
                .filter(|r| r.category != Impossible && matches!(r.support_in(profile), No(_)))
                .count();
            assert_eq!(works + refused + impossible, ROWS.len());
        }
    }

    #[test]
    fn the_readme_holds_the_coverage_tables() {
        let readme = include_str!("../../../../docs/bridge.md");
        assert!(
            readme.contains(&coverage_markdown()),
            "docs/bridge.md must hold this table:\n{}",
            coverage_markdown()
        );
        assert!(
            readme.contains(&counts_markdown()),
            "docs/bridge.md must hold these counts:\n{}",
            counts_markdown()
        );
    }
}
