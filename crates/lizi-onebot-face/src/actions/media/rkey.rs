//! The keys of media URLs (rkeys), in each implementation's shape: NapCat's `get_rkey` (a
//! list of `{type, rkey, created_at, ttl}`), `nc_get_rkey` (NT's list, `type` 10 or 20)
//! and `get_rkey_server` (`{private_rkey, group_rkey, expired_time, name}`); LLOneBot's
//! `get_rkey` (`{private_key, group_key, expired_time, updated_time}`, the time in China's
//! `YYYY-MM-DD hh:mm:ss`); Lagrange.OneBot's `get_rkey` (`{rkeys: [...]}`).
//!
//! lizi's media URLs need no key, so the keys are simulated: each is made from the kind
//! and the hour it was made in, and stays the same for that hour (its `ttl`), as QQ's do.

use lizi_core::china_time;
use lizi_core::media::md5_hex;
use lizi_onebot::action::{Rkey, RkeyPair, RkeyServer};
use lizi_onebot::Profile;
use serde_json::{json, Value};

use crate::actions::call::{data, Answer, Call};

/// Seconds a key stays valid.
const TTL: i64 = 3600;

/// NT's kind numbers: 10 private chats, 20 groups.
const KINDS: [(i64, &str); 2] = [(10, "private"), (20, "group")];

/// The key of `kind` made at `made` (the start of its hour).
fn key(kind: &str, made: i64) -> String {
    format!(
        "&rkey={}",
        md5_hex(format!("lizi rkey {kind} {made}").as_bytes())
    )
}

/// When the keys valid at `now` were made.
fn made_at(now: i64) -> i64 {
    now - now.rem_euclid(TTL)
}

fn now() -> i64 {
    i64::try_from(crate::connection::unix_now()).unwrap_or(i64::MAX)
}

impl Call<'_> {
    /// `get_rkey`, in the profile's shape.
    pub(crate) fn rkey(&self) -> Answer {
        let made = made_at(now());
        let keys: Vec<Rkey> = KINDS
            .iter()
            .map(|(_, kind)| Rkey {
                kind: (*kind).to_owned(),
                rkey: key(kind, made),
                created_at: made,
                ttl: TTL,
            })
            .collect();
        match self.profile {
            Profile::NapCat => data(keys),
            Profile::Lagrange => Ok(json!({ "rkeys": keys })),
            Profile::LLOneBot => data(RkeyPair {
                private_key: key("private", made),
                group_key: key("group", made),
                expired_time: made + TTL,
                updated_time: china_time::format(now()),
            }),
        }
    }

    /// `nc_get_rkey`: NT's list (`rkey`, `ttl`, `time`, `type`).
    pub(crate) fn nt_rkeys(&self) -> Answer {
        let made = made_at(now());
        let keys: Vec<Value> = KINDS
            .iter()
            .map(|(number, kind)| {
                json!({ "rkey": key(kind, made), "ttl": TTL, "time": made, "type": number })
            })
            .collect();
        Ok(Value::Array(keys))
    }

    /// `get_rkey_server`.
    pub(crate) fn rkey_server(&self) -> Answer {
        let made = made_at(now());
        data(RkeyServer {
            private_rkey: Some(key("private", made)),
            group_rkey: Some(key("group", made)),
            expired_time: Some(made + TTL),
            name: "NapCat 4".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hold_for_their_hour() {
        let hour = 1_700_000_000 - 1_700_000_000 % TTL;
        assert_eq!(made_at(hour + 10), hour);
        assert_eq!(
            key("group", made_at(hour + 10)),
            key("group", made_at(hour + 3599))
        );
        assert_ne!(key("group", hour), key("group", hour + TTL));
        assert_ne!(key("group", hour), key("private", hour));
        assert!(key("group", hour).starts_with("&rkey="));
    }
}
