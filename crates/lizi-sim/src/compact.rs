//! Compact storage for rarely set parts of the world.
//!
//! Most people on a large network never have their profile data, presence or likes set,
//! yet a [`Profile`] takes over 200 bytes. [`LazyProfile`] keeps none until something is
//! written: reads of an unset profile see the empty one, the first write through
//! `DerefMut` materialises it. It saves and loads exactly as a [`Profile`] does, so saved
//! worlds are unchanged.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::social::profile::Profile;

/// The profile every person has until something is set.
static EMPTY_PROFILE: Profile = Profile {
    birth: String::new(),
    profession: 0,
    company: String::new(),
    location: String::new(),
    home: String::new(),
    desc: String::new(),
    state: 0,
    sun: 0,
    power: 0,
    likes: 0,
    likes_day: 0,
    likes_today: 0,
    liked_day: 0,
    liked: BTreeMap::new(),
    key_seed: 0,
};

/// A [`Profile`] that takes one pointer until something is set.
#[derive(Debug, Clone, Default)]
pub struct LazyProfile(Option<Box<Profile>>);

impl LazyProfile {
    /// Whether nothing is set (a person's profile is then left out of its document).
    pub fn is_empty(&self) -> bool {
        **self == EMPTY_PROFILE
    }
}

impl Deref for LazyProfile {
    type Target = Profile;
    fn deref(&self) -> &Profile {
        self.0.as_deref().unwrap_or(&EMPTY_PROFILE)
    }
}

impl DerefMut for LazyProfile {
    fn deref_mut(&mut self) -> &mut Profile {
        self.0.get_or_insert_with(Box::default)
    }
}

impl PartialEq for LazyProfile {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for LazyProfile {}

impl From<Profile> for LazyProfile {
    fn from(profile: Profile) -> Self {
        if profile == EMPTY_PROFILE {
            LazyProfile(None)
        } else {
            LazyProfile(Some(Box::new(profile)))
        }
    }
}

impl Serialize for LazyProfile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for LazyProfile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Profile::deserialize(deserializer).map(LazyProfile::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_until_written_and_saved_as_a_profile() {
        let mut profile = LazyProfile::default();
        assert!(profile.0.is_none() && profile.is_empty());
        assert_eq!(profile.state, 0);
        let saved = serde_json::to_string(&profile).unwrap();
        assert_eq!(saved, serde_json::to_string(&Profile::default()).unwrap());
        assert!(serde_json::from_str::<LazyProfile>(&saved)
            .unwrap()
            .0
            .is_none());
        profile.state = 41;
        assert!(profile.0.is_some());
        let saved = serde_json::to_string(&profile).unwrap();
        assert_eq!(
            serde_json::from_str::<LazyProfile>(&saved).unwrap(),
            profile
        );
    }

    #[test]
    fn documents_leave_defaults_out_and_older_documents_still_load() {
        let person = crate::world::Person {
            uin: 20001,
            nickname: "Alice".into(),
            signature: String::new(),
            sex: 0,
            age: 0,
            email: String::new(),
            account: None,
            profile: LazyProfile::default(),
        };
        let saved = serde_json::to_string(&person).unwrap();
        assert_eq!(
            saved,
            r#"{"uin":20001,"nickname":"Alice","sex":0,"age":0,"account":null}"#
        );
        let older = serde_json::json!({
            "uin": 20001, "nickname": "Alice", "signature": "", "sex": 0, "age": 0,
            "email": "", "account": null, "profile": Profile::default(),
        });
        let loaded: crate::world::Person = serde_json::from_value(older).unwrap();
        assert_eq!(loaded, person);
        assert!(loaded.profile.0.is_none());
        let member = serde_json::json!({"card": "", "spec_title": "", "joined": 5,
            "mute_until": 0, "pos": {"Lo": 0, "La": 0}, "sharing_pos": false});
        let member: crate::world::MemberState = serde_json::from_value(member).unwrap();
        assert_eq!(serde_json::to_string(&member).unwrap(), r#"{"joined":5}"#);
    }
}
