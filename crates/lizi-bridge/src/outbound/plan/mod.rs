//! The single-action endpoints beyond the standard ones ([`super::standard`]): what the
//! bridge does for one request, planned by the family it belongs to — [`people`] (other
//! people), [`account`] (the account itself), [`groups`] (groups) and [`cards`] (cards,
//! music and forwarded bundles) — as one [`outcome::Plan`]: one OneBot call and how to read
//! its data, a send through the common send path, or an answer known without calling.
//! Planning is pure, so that every row is unit-tested without a connection; the backend
//! carries a plan out in [`super::carry`].

pub mod account;
pub mod cards;
pub mod groups;
pub mod outcome;
pub mod people;

use lizi_core::{Failure, FailureKind, Reply, Request};
use serde_json::Value;

use crate::state::implementation::Implementation;
use outcome::{Context, Planned, Read};

/// The plan of `request`, if it is one of the single-action endpoints.
pub fn plan(request: &Request, context: &Context<'_>) -> Planned {
    people::plan(request, context)
        .or_else(|| account::plan(request, context))
        .or_else(|| groups::plan(request, context))
        .or_else(|| cards::plan(request, context))
}

/// The reply the data of a call gives, as `read` says; data the implementation left out
/// is a failure naming it, never an empty success.
pub fn read(read: Read, data: &Value, implementation: &Implementation) -> Result<Reply, Failure> {
    let missing = |what: &str| {
        Failure::new(
            FailureKind::Internal,
            format!("{} answered without {what}", implementation.short_name()),
        )
    };
    match read {
        Read::Done => Ok(Reply::Done),
        Read::Nickname | Read::Signature | Read::UserInfo | Read::OnlineState => {
            people::read(read, data).ok_or_else(|| missing(read_name(read)))
        }
        Read::ClientKey | Read::Cookie(_) => {
            account::read(read, data).ok_or_else(|| missing(read_name(read)))
        }
        Read::Forwarded(_) => cards::read(read, data).ok_or_else(|| missing(read_name(read))),
        _ => groups::read(read, data).ok_or_else(|| missing(read_name(read))),
    }
}

fn read_name(read: Read) -> &'static str {
    match read {
        Read::Done => "anything",
        Read::Nickname => "a nickname",
        Read::Signature => "a signature (long_nick or sign)",
        Read::UserInfo => "a profile",
        Read::OnlineState => "a status",
        Read::GroupName => "a group_name",
        Read::GroupInfo => "the group's information",
        Read::Managers => "a member list",
        Read::Card => "the member's information",
        Read::MuteLeft(_) => "shut_up_timestamp",
        Read::Forwarded(_) => "messages",
        Read::Cookie(_) => "the cookie",
        Read::ClientKey => "a clientkey",
    }
}
