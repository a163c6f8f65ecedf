//! The face's table held equal to the registry of each implementation: every action a
//! profile's implementation registers is carried out by a row of the table or refused with
//! a sentence, nothing else is answered, and each row reads the parameters the
//! implementation reads, under its names, requiring what it requires — apart from the
//! differences listed here, each with its reason.

use std::collections::BTreeSet;

use lizi_onebot::action::ParamSpec;
use lizi_onebot::registry::{Registered, Registry};
use lizi_onebot::{ActionSpec, Profile, ACTIONS};

use super::refused::REFUSALS;

/// Parameters an implementation reads that lizi's row does not, and why that changes
/// nothing on the simulated network: (profile, action, parameters, why).
type Differences = &'static [(Profile, &'static str, &'static [&'static str], &'static str)];

/// NapCat's options for the card of a merged forward sent as `node` segments.
const FORWARD_CARD: &[&str] = &["source", "news", "summary", "prompt", "timeout"];

const NOT_READ: Differences = &[
    (
        Profile::NapCat,
        "send_private_msg",
        &["message_type"],
        "forced to private by the handler",
    ),
    (
        Profile::LLOneBot,
        "send_private_msg",
        &["message_type"],
        "forced to private by the handler",
    ),
    (
        Profile::NapCat,
        "send_group_msg",
        &["message_type", "user_id"],
        "forced to group: the peer is the group",
    ),
    (
        Profile::LLOneBot,
        "send_group_msg",
        &["message_type", "user_id"],
        "forced to group: the peer is the group",
    ),
    (
        Profile::NapCat,
        "send_private_msg",
        FORWARD_CARD,
        "shape a merged-forward card, the forward sends' concern",
    ),
    (
        Profile::NapCat,
        "send_group_msg",
        FORWARD_CARD,
        "shape a merged-forward card, the forward sends' concern",
    ),
    (
        Profile::NapCat,
        "send_msg",
        FORWARD_CARD,
        "shape a merged-forward card, the forward sends' concern",
    ),
    (
        Profile::Lagrange,
        "send_private_msg",
        &["message_style"],
        "bubble and font: the simulated network shows no message style",
    ),
    (
        Profile::Lagrange,
        "send_group_msg",
        &["message_style"],
        "bubble and font: the simulated network shows no message style",
    ),
    (
        Profile::Lagrange,
        "send_msg",
        &["message_style"],
        "bubble and font: the simulated network shows no message style",
    ),
    (
        Profile::Lagrange,
        "set_friend_add_request",
        &["reason"],
        "declared but not read by Lagrange.OneBot either",
    ),
    (
        Profile::NapCat,
        "set_group_add_request",
        &["count"],
        "how many notifications NapCat searches for the flag; lizi's flag names the request itself",
    ),
    (
        Profile::NapCat,
        "get_group_msg_history",
        &["disable_get_url", "parse_mult_msg", "quick_reply"],
        "shape NapCat's conversion of NT messages, which lizi's stored messages do not go through",
    ),
    (
        Profile::NapCat,
        "get_friend_msg_history",
        &["disable_get_url", "parse_mult_msg", "quick_reply"],
        "shape NapCat's conversion of NT messages, which lizi's stored messages do not go through",
    ),
    (
        Profile::NapCat,
        "upload_group_file",
        &["upload_file"],
        "whether NapCat uploads the bytes before sending the file; lizi stores them either way",
    ),
    (
        Profile::NapCat,
        "upload_private_file",
        &["upload_file"],
        "whether NapCat uploads the bytes before sending the file; lizi stores them either way",
    ),
    (
        Profile::Lagrange,
        "get_private_file_url",
        &["user_id", "file_hash"],
        "lizi finds a friend's file by its id alone",
    ),
    (
        Profile::Lagrange,
        "delete_friend",
        &["block"],
        "the simulated network has no blacklist (as NapCat's temp_block, not applied)",
    ),
    (
        Profile::Lagrange,
        "create_group_file_folder",
        &["parent_id"],
        "declared but not read by Lagrange.OneBot either: folders are made at the root",
    ),
];

/// Parameters lizi's row requires where the implementation accepts a call without them,
/// and what the implementation does then: (profile, action, parameters, why).
const REQUIRED_BY_LIZI_ONLY: Differences = &[];

fn refused(name: &str) -> bool {
    REFUSALS
        .iter()
        .any(|refusal| refusal.actions.contains(&name))
}

#[test]
fn every_registered_action_is_carried_out_or_refused_and_nothing_else_answers() {
    let mut problems = Vec::new();
    for profile in Profile::ALL {
        for registered in &Registry::of(profile).actions {
            let name = registered.name.as_str();
            let row = ActionSpec::find(name).is_some();
            match (row, refused(name)) {
                (true, false) | (false, true) => {}
                (true, true) => problems.push(format!("{name}: a row and a refusal")),
                (false, false) => {
                    problems.push(format!("{profile:?} registers {name}: no row, no refusal"))
                }
            }
        }
    }
    let registered_somewhere = |name: &str| {
        Profile::ALL
            .iter()
            .any(|&p| Registry::of(p).action(name).is_some())
    };
    for spec in ACTIONS {
        if !registered_somewhere(spec.name) {
            problems.push(format!("{}: a row no implementation registers", spec.name));
        }
    }
    for name in REFUSALS.iter().flat_map(|refusal| refusal.actions) {
        if !registered_somewhere(name) {
            problems.push(format!(
                "{name}: refused, but no implementation registers it"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The names a row reads: each parameter's and its aliases.
fn row_names(params: &[ParamSpec]) -> BTreeSet<&'static str> {
    params
        .iter()
        .flat_map(|param| std::iter::once(param.name).chain(param.aliases.iter().copied()))
        .collect()
}

/// Whether `registered` requires one of `param`'s names.
fn requires(registered: &Registered, param: &ParamSpec) -> bool {
    registered.params.iter().any(|known| {
        !known.optional
            && known
                .names()
                .any(|n| n == param.name || param.aliases.contains(&n))
    })
}

fn listed(list: Differences, profile: Profile, action: &str, param: &str) -> bool {
    list.iter()
        .any(|(p, a, names, _)| *p == profile && *a == action && names.contains(&param))
}

#[test]
fn each_row_reads_what_the_implementation_reads_and_requires_what_it_requires() {
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    for spec in ACTIONS {
        for profile in Profile::ALL {
            let Some(registered) = Registry::of(profile).action(spec.name) else {
                continue;
            };
            let names = row_names(spec.params);
            for param in &registered.params {
                if !param.names().any(|n| names.contains(n)) {
                    if listed(NOT_READ, profile, spec.name, &param.name) {
                        used.insert((profile.name(), spec.name, param.name.as_str()));
                    } else {
                        problems.push(format!(
                            "{profile:?} {}: reads `{}`, the row does not",
                            spec.name, param.name
                        ));
                    }
                }
            }
            for param in spec.params.iter().filter(|param| param.required) {
                if !requires(registered, param) {
                    if listed(REQUIRED_BY_LIZI_ONLY, profile, spec.name, param.name) {
                        used.insert((profile.name(), spec.name, param.name));
                    } else {
                        problems.push(format!(
                            "{profile:?} {}: the row requires `{}`, the implementation does not",
                            spec.name, param.name
                        ));
                    }
                }
            }
        }
    }
    // And no row reads a name that no implementation reads.
    for spec in ACTIONS {
        let read_somewhere = |name: &str| {
            Profile::ALL.iter().any(|&profile| {
                Registry::of(profile)
                    .action(spec.name)
                    .is_some_and(|registered| registered.param(name).is_some())
            })
        };
        for name in row_names(spec.params) {
            if !read_somewhere(name) {
                problems.push(format!(
                    "{}: the row reads `{name}`, no implementation does",
                    spec.name
                ));
            }
        }
    }
    for (profile, action, names, _) in NOT_READ.iter().chain(REQUIRED_BY_LIZI_ONLY) {
        for param in *names {
            if !used.contains(&(profile.name(), *action, *param)) {
                problems.push(format!(
                    "{profile:?} {action} `{param}`: listed, not a difference"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
