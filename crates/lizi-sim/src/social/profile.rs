//! Profiles and presence: nicknames, signatures, profile data, online states, likes,
//! input status and the simulated session keys.

use std::collections::BTreeMap;

use lizi_core::endpoint::UpdateData;
use lizi_core::event::kind;
use lizi_core::model::UserInfo;
use lizi_core::{Event, Uin};
use serde::{Deserialize, Serialize};

use crate::error::SimError;
use crate::notify::Notice;
use crate::world::World;

/// How many times a non-SVIP account may like the same person a day (QQ's limit).
pub const DAILY_LIKES: i64 = 10;

/// The profile and presence of a person beyond [`Person`](crate::world::Person)'s basics.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// Birthday, `year/month/day`.
    pub birth: String,
    /// Profession code (1–14), 0 unset.
    pub profession: i64,
    /// Company.
    pub company: String,
    /// Location, `country|province|city|district letters|district`.
    pub location: String,
    /// Home town, same format.
    pub home: String,
    /// Personal description.
    pub desc: String,
    /// Online state (11 online, 31 away, 41 invisible, 50 busy, 60 Q me, 70 do not
    /// disturb); 0 until set, which counts as online.
    pub state: i64,
    /// Extended state (`sun`).
    pub sun: i64,
    /// Battery level shown with the state (1–100), 0 unset.
    pub power: i64,
    /// Likes received in all.
    pub likes: i64,
    /// The day (UTC+8 day number) of `likes_today`.
    pub likes_day: i64,
    /// Likes received on `likes_day`.
    pub likes_today: i64,
    /// The day of `liked`.
    pub liked_day: i64,
    /// Likes given on `liked_day`, by person.
    pub liked: BTreeMap<Uin, i64>,
    /// Seed of the simulated session keys (0 until first asked for).
    pub key_seed: u64,
}

pub use lizi_core::china_time::day_of;

/// The name of an online state, as `/getqqonlinestate` answers it.
pub fn state_name(state: i64) -> &'static str {
    match state {
        31 => "离开",
        41 => "隐身",
        50 => "忙碌",
        60 => "Q我吧",
        70 => "请勿打扰",
        _ => "在线",
    }
}

/// The civil year of unix time `time` (UTC+8).
fn year_of(time: i64) -> i64 {
    lizi_core::china_time::date_of(time).0
}

impl World {
    /// The online framework accounts among `uin`'s friends see `notice`.
    fn notify_friends(&self, uin: Uin, notice: &Notice) -> Vec<Event> {
        self.friends_of(uin)
            .into_iter()
            .flat_map(|friend| self.notify_account(friend, notice))
            .collect()
    }

    /// `uin` (a user, or an online framework account) takes `nickname`; event 102 for
    /// its framework friends.
    pub fn set_nickname(
        &mut self,
        uin: Uin,
        nickname: &str,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        self.active_person(uin)?;
        if nickname.trim().is_empty() {
            return Err(SimError::Invalid("a nickname cannot be empty".into()));
        }
        if let Some(person) = self.people.get_mut(&uin) {
            person.nickname = nickname.to_owned();
        }
        let notice = Notice::new(kind::NICKNAME_CHANGED, uin, uin, time).text(nickname);
        Ok(self.notify_friends(uin, &notice))
    }

    /// `uin` takes `signature`; event 101 for its framework friends.
    pub fn set_signature(
        &mut self,
        uin: Uin,
        signature: &str,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        self.active_person(uin)?;
        if let Some(person) = self.people.get_mut(&uin) {
            person.signature = signature.to_owned();
        }
        let notice = Notice::new(kind::SIGNATURE_CHANGED, uin, uin, time).text(signature);
        Ok(self.notify_friends(uin, &notice))
    }

    /// `/updatedata`: every given field (already validated); a new nickname is announced
    /// like `/setnickname`'s, and a birthday sets the age.
    pub fn update_data(&mut self, request: &UpdateData, time: i64) -> Result<Vec<Event>, SimError> {
        let uin = request.logonqq;
        self.online_account(uin)?;
        let mut events = Vec::new();
        if let Some(nick) = &request.nick {
            if *nick != self.nickname(uin) {
                events = self.set_nickname(uin, nick, time)?;
            }
        }
        let Some(person) = self.people.get_mut(&uin) else {
            return Err(SimError::UnknownAccount(uin));
        };
        let set = |target: &mut String, value: &Option<String>| {
            if let Some(value) = value {
                target.clone_from(value);
            }
        };
        if let Some(sex) = request.sex {
            person.sex = sex;
        }
        if let Some(birth) = &request.birth {
            person.profile.birth.clone_from(birth);
            if let Some(year) = birth
                .split('/')
                .next()
                .and_then(|y| y.trim().parse::<i64>().ok())
            {
                person.age = (year_of(time) - year).max(0);
            }
        }
        if let Some(profession) = request.profession {
            person.profile.profession = profession;
        }
        set(&mut person.profile.company, &request.company);
        set(&mut person.profile.location, &request.location);
        set(&mut person.profile.home, &request.home);
        set(&mut person.email, &request.email);
        set(&mut person.profile.desc, &request.desc);
        Ok(events)
    }

    /// `/getsignat`: `uin`'s signature, asked by online framework account `logon`.
    pub fn signature_of(&self, logon: Uin, uin: Uin) -> Result<String, SimError> {
        self.online_account(logon)?;
        Ok(self.person(uin)?.signature.clone())
    }

    /// `/setonlinestate`.
    pub fn set_online_state(
        &mut self,
        uin: Uin,
        state: i64,
        sun: Option<i64>,
        power: Option<i64>,
    ) -> Result<(), SimError> {
        self.online_account(uin)?;
        if let Some(person) = self.people.get_mut(&uin) {
            person.profile.state = state;
            person.profile.sun = sun.unwrap_or(0);
            person.profile.power = power.unwrap_or(0);
        }
        Ok(())
    }

    /// The online state of `uin` as `viewer` sees it: framework accounts that are logged
    /// out, or invisible to others, are offline (`离线`).
    pub fn online_state(&self, viewer: Uin, uin: Uin) -> Result<String, SimError> {
        let person = self.person(uin)?;
        let offline = person.account.is_some_and(|a| !a.online)
            || (person.profile.state == 41 && viewer != uin);
        Ok(if offline {
            "离线".to_owned()
        } else {
            state_name(person.profile.state).to_owned()
        })
    }

    /// `/queryuserinfo`: `uin`'s profile as online framework account `logon` sees it.
    pub fn user_info(&self, logon: Uin, uin: Uin, time: i64) -> Result<UserInfo, SimError> {
        self.online_account(logon)?;
        let person = self.person(uin)?;
        let profile = &person.profile;
        let mut place = profile.location.split('|');
        let mut part = || place.next().unwrap_or_default().to_owned();
        let (country, province, city) = (part(), part(), part());
        let today = day_of(time);
        let liked_by_me = self
            .people
            .get(&logon)
            .filter(|p| p.profile.liked_day == today)
            .and_then(|p| p.profile.liked.get(&uin).copied())
            .unwrap_or(0);
        Ok(UserInfo {
            uin,
            nick_name: person.nickname.clone(),
            remark: self.remark_of(logon, uin),
            email: person.email.clone(),
            online_state: self.online_state(logon, uin)?,
            c_like: profile.likes,
            sign: person.signature.clone(),
            qq_level: 1,
            age: person.age,
            country,
            province,
            city,
            svc_list: Vec::new(),
            qqdr: String::new(),
            today_liked: liked_by_me,
            today_c_like: if profile.likes_day == today {
                profile.likes_today
            } else {
                0
            },
        })
    }

    /// `from` likes friend `to`'s profile once; at most [`DAILY_LIKES`] times a day per
    /// person. Event 108 for `to`, whose text is how often `from` liked it today.
    pub fn like(&mut self, from: Uin, to: Uin, time: i64) -> Result<Vec<Event>, SimError> {
        self.active_person(from)?;
        self.person(to)?;
        if from == to {
            return Err(SimError::Invalid(format!(
                "{from} cannot like its own profile"
            )));
        }
        self.ensure_friends(from, to)?;
        let today = day_of(time);
        let given = self
            .people
            .get(&from)
            .filter(|p| p.profile.liked_day == today)
            .and_then(|p| p.profile.liked.get(&to).copied())
            .unwrap_or(0);
        if given >= DAILY_LIKES {
            return Err(SimError::Refused(format!(
                "{from} already liked {to} {DAILY_LIKES} times today; a non-SVIP account may \
                 like the same person at most {DAILY_LIKES} times a day"
            )));
        }
        if let Some(person) = self.people.get_mut(&from) {
            let profile = &mut person.profile;
            if profile.liked_day != today {
                profile.liked_day = today;
                profile.liked.clear();
            }
            profile.liked.insert(to, given + 1);
        }
        if let Some(person) = self.people.get_mut(&to) {
            let profile = &mut person.profile;
            if profile.likes_day != today {
                profile.likes_day = today;
                profile.likes_today = 0;
            }
            profile.likes_today += 1;
            profile.likes += 1;
        }
        let notice = Notice::new(kind::LIKED, from, from, time).text((given + 1).to_string());
        Ok(self.notify_account(to, &notice))
    }

    /// `/sendinputstatus`: event 119 (sub type and text: the status) for friend `to`.
    pub fn input_status(
        &self,
        from: Uin,
        to: Option<Uin>,
        status: i64,
        time: i64,
    ) -> Result<Vec<Event>, SimError> {
        self.online_account(from)?;
        let to = to.ok_or_else(|| SimError::Invalid("toqq is needed".into()))?;
        self.person(to)?;
        self.ensure_friends(from, to)?;
        let notice = Notice::new(kind::INPUT_STATUS, from, from, time)
            .sub_type(status)
            .text(status.to_string());
        Ok(self.notify_account(to, &notice))
    }

    /// `/callfriend`: rings friend `to` (nothing to see in the simulation).
    pub fn call_friend(&self, from: Uin, to: Option<Uin>) -> Result<(), SimError> {
        self.online_account(from)?;
        let to = to.ok_or_else(|| SimError::Invalid("toqq is needed".into()))?;
        self.person(to)?;
        self.ensure_friends(from, to)
    }

    /// A simulated session key of online framework account `uin`: `skey`, `pskey` (for
    /// `domain`) or `clientkey`. Stable for the account: derived from a random seed made
    /// on first use and kept with the account.
    pub fn session_key(&mut self, uin: Uin, which: &str, domain: &str) -> Result<String, SimError> {
        self.online_account(uin)?;
        let seed = match self.people.get(&uin).map(|p| p.profile.key_seed) {
            Some(seed) if seed != 0 => seed,
            _ => {
                let seed = fastrand::u64(1..);
                if let Some(person) = self.people.get_mut(&uin) {
                    person.profile.key_seed = seed;
                }
                seed
            }
        };
        let mut stream = KeyStream::new(seed, uin, which, domain);
        Ok(match which {
            "skey" => format!("@{}", stream.chars(9, ALNUM)),
            "pskey" => format!("{}_", stream.chars(43, PSKEY)),
            _ => stream.chars(64, HEX),
        })
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const PSKEY: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*-";
const HEX: &[u8] = b"0123456789ABCDEF";

/// A deterministic character stream: FNV-1a over the inputs, then splitmix64.
struct KeyStream(u64);

impl KeyStream {
    fn new(seed: u64, uin: Uin, which: &str, domain: &str) -> KeyStream {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let bytes = seed
            .to_le_bytes()
            .into_iter()
            .chain(uin.to_le_bytes())
            .chain(which.bytes())
            .chain([0])
            .chain(domain.bytes());
        for byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
        KeyStream(hash)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn chars(&mut self, n: usize, alphabet: &[u8]) -> String {
        (0..n)
            .map(|_| {
                let i = usize::try_from(self.next() % alphabet.len() as u64).unwrap_or(0);
                char::from(alphabet[i])
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_years() {
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(1_609_562_723), 2021);
        assert_eq!(
            year_of(1_704_038_400),
            2024,
            "2023-12-31 16:00 UTC is 2024 in China"
        );
        assert_eq!(day_of(16 * 3600) - day_of(0), 1);
    }

    #[test]
    fn key_streams_are_stable() {
        let a = KeyStream::new(7, 10001, "pskey", "qun.qq.com").chars(10, ALNUM);
        let b = KeyStream::new(7, 10001, "pskey", "qun.qq.com").chars(10, ALNUM);
        let c = KeyStream::new(7, 10001, "pskey", "qzone.qq.com").chars(10, ALNUM);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
