//! [`Implementation`]: which OneBot implementation drives an account, as detected from
//! its `get_version_info` `app_name` on connect.

use lizi_onebot::Profile;
use serde::{Deserialize, Serialize};

/// The OneBot implementation behind an account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Implementation {
    /// One of the implementations the bridge knows (NapCat, LLOneBot, Lagrange.OneBot).
    Known(Profile),
    /// Another `app_name` (go-cqhttp, a fork…): every action is tried, nothing is
    /// refused in advance.
    Other(String),
    /// Not learnt (yet): `get_version_info` failed or the account never connected.
    #[default]
    Unknown,
}

/// The implementation an `app_name` names: NapCat, LLOneBot or Lagrange.OneBot.
pub fn detect(app_name: &str) -> Option<Profile> {
    let name = app_name.to_ascii_lowercase();
    [
        ("napcat", Profile::NapCat),
        ("llonebot", Profile::LLOneBot),
        ("lagrange", Profile::Lagrange),
    ]
    .into_iter()
    .find(|(mark, _)| name.contains(mark))
    .map(|(_, profile)| profile)
}

/// The name people know a known implementation by.
pub fn display_name(profile: Profile) -> &'static str {
    match profile {
        Profile::NapCat => "NapCat",
        Profile::LLOneBot => "LLOneBot",
        Profile::Lagrange => "Lagrange.OneBot",
    }
}

impl Implementation {
    /// The implementation an `app_name` names; an empty name is [`Implementation::Unknown`].
    pub fn from_app_name(app_name: &str) -> Implementation {
        match detect(app_name) {
            Some(profile) => Implementation::Known(profile),
            None if app_name.trim().is_empty() => Implementation::Unknown,
            None => Implementation::Other(app_name.trim().to_owned()),
        }
    }

    /// The known implementation, if it is one.
    pub fn profile(&self) -> Option<Profile> {
        match self {
            Implementation::Known(profile) => Some(*profile),
            _ => None,
        }
    }

    /// The short name failures start with (`napcat`, the `app_name`, or a description).
    pub fn short_name(&self) -> String {
        match self {
            Implementation::Known(profile) => profile.name().to_owned(),
            Implementation::Other(name) => name.clone(),
            Implementation::Unknown => "the OneBot implementation".to_owned(),
        }
    }

    /// The name `/getlogonqq` shows as `登录协议`: `NapCat`, `LLOneBot`,
    /// `Lagrange.OneBot`, the `app_name`, or `OneBot`.
    pub fn display(&self) -> String {
        match self {
            Implementation::Known(profile) => display_name(*profile).to_owned(),
            Implementation::Other(name) => name.clone(),
            Implementation::Unknown => "OneBot".to_owned(),
        }
    }
}

impl From<String> for Implementation {
    fn from(stored: String) -> Implementation {
        Implementation::from_app_name(&stored)
    }
}

impl From<Implementation> for String {
    fn from(implementation: Implementation) -> String {
        match implementation {
            Implementation::Known(profile) => profile.name().to_owned(),
            Implementation::Other(name) => name,
            Implementation::Unknown => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implementations_are_told_apart_by_app_name() {
        assert_eq!(detect("NapCat.Onebot"), Some(Profile::NapCat));
        assert_eq!(detect("LLOneBot"), Some(Profile::LLOneBot));
        assert_eq!(detect("Lagrange.OneBot"), Some(Profile::Lagrange));
        assert_eq!(detect("go-cqhttp"), None);
        assert_eq!(
            Implementation::from_app_name("go-cqhttp"),
            Implementation::Other("go-cqhttp".into())
        );
        assert_eq!(Implementation::from_app_name(" "), Implementation::Unknown);
    }

    #[test]
    fn the_stored_form_reads_back_as_the_same_implementation() {
        for implementation in [
            Implementation::Known(Profile::Lagrange),
            Implementation::Other("go-cqhttp".into()),
            Implementation::Unknown,
        ] {
            let stored = serde_json::to_string(&implementation).unwrap();
            let back: Implementation = serde_json::from_str(&stored).unwrap();
            assert_eq!(back, implementation);
        }
        // What earlier versions stored: the profile's lower-case name.
        let old: Implementation = serde_json::from_str("\"napcat\"").unwrap();
        assert_eq!(old.display(), "NapCat");
    }
}
