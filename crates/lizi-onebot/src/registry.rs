//! What each implementation registers, read from its own source at a named release: the
//! files in `crates/lizi-onebot/registry/` (how they were derived and how to refresh them is
//! in that folder's `README.md`), compiled in and parsed once.
//!
//! The registry decides, per [`Profile`]: which action names exist (an unregistered one is
//! an unknown action, as the implementation answers it), which suffixes the router takes,
//! and, per action, the parameters the implementation reads — their names and aliases,
//! which it cannot do without, their defaults and declared types — and the keys of its
//! `data`. [`Registered::admit`] applies the parameter rules to a call before lizi's typed
//! row reads it, so a profile reads exactly what its implementation reads.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::action::{ActionSpec, ParamError, Problem};
use crate::profile::Profile;

/// One implementation's registry file.
#[derive(Debug, Clone, Deserialize)]
pub struct Registry {
    /// The implementation and its release.
    pub implementation: Implementation,
    /// Object shapes several actions answer with, by name: key → JSON type.
    #[serde(default)]
    pub shapes: BTreeMap<String, BTreeMap<String, String>>,
    /// Every registered action, in the file's order.
    #[serde(rename = "action")]
    pub actions: Vec<Registered>,
}

/// The implementation a registry file describes.
#[derive(Debug, Clone, Deserialize)]
pub struct Implementation {
    /// Its name (`NapCat`).
    pub name: String,
    /// Its GitHub repository (`owner/name`).
    pub repository: String,
    /// The release read.
    pub release: String,
    /// The release's commit.
    pub commit: String,
    /// Suffixes its router also accepts (`_async`, `_rate_limited`).
    #[serde(default)]
    pub name_suffixes: Vec<String>,
    /// How it answers an unknown action.
    pub unknown_action: String,
    /// How it answers bad parameters.
    pub param_error: String,
    /// Whether and where it serves events over HTTP (`GET /_events`).
    pub http_events: String,
}

/// One registered action.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Registered {
    /// Its name.
    pub name: String,
    /// The source file of its handler.
    pub source: String,
    /// Every parameter it declares or reads, in declaration order.
    #[serde(default)]
    pub params: Vec<RegisteredParam>,
    /// The JSON type of its `data`.
    pub data: String,
    /// The keys of `data` (of each element when `data` is an array of objects).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Quirks.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Whether the handler adds keys beyond `fields` (NT's own, spread into the answer).
    #[serde(default)]
    pub open_fields: bool,
}

/// One parameter of a registered action.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RegisteredParam {
    /// The name the handler reads first.
    pub name: String,
    /// Names read when it is absent.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The declared JSON type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether a call without it is accepted.
    pub optional: bool,
    /// The value it takes when absent.
    #[serde(default)]
    pub default: Option<Value>,
}

impl RegisteredParam {
    /// Its name and aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

static FILES: LazyLock<[Registry; 3]> = LazyLock::new(|| {
    [
        include_str!("../registry/napcat.toml"),
        include_str!("../registry/lagrange.toml"),
        include_str!("../registry/llonebot.toml"),
    ]
    .map(|text| match toml::from_str(text) {
        Ok(registry) => registry,
        // The files are compiled in and a unit test parses them: this cannot happen in a
        // build that passed its tests.
        Err(error) => panic!("a compiled-in registry file does not parse: {error}"),
    })
});

impl Registry {
    /// The registry of `profile`'s implementation.
    pub fn of(profile: Profile) -> &'static Registry {
        let [napcat, lagrange, llonebot] = &*FILES;
        match profile {
            Profile::NapCat => napcat,
            Profile::Lagrange => lagrange,
            Profile::LLOneBot => llonebot,
        }
    }

    /// The registered action `name` (exact, without suffix).
    pub fn action(&'static self, name: &str) -> Option<&'static Registered> {
        self.actions.iter().find(|action| action.name == name)
    }

    /// Whether the router takes `suffix` (`_async`, `_rate_limited`).
    pub fn accepts_suffix(&self, suffix: &str) -> bool {
        self.name_suffixes().any(|known| known == suffix)
    }

    fn name_suffixes(&self) -> impl Iterator<Item = &str> {
        self.implementation.name_suffixes.iter().map(String::as_str)
    }

    /// Whether the implementation serves events at `GET /_events`.
    pub fn serves_http_events(&self) -> bool {
        self.implementation.http_events.contains("/_events")
            && !self.implementation.http_events.starts_with("None")
    }
}

impl Registry {
    /// `data` in the shape this implementation answers `action` with: an object's keys (or
    /// each listed object's) that it does not write left out (unless its handler adds
    /// unlisted ones, `open_fields`), and those it always writes but the answer lacks added
    /// with the declared type's empty value (`0`, `""`, `false`, `[]`, `{}`, `null`);
    /// `null` where it answers `null`. Data whose keys the registry does not list (`any`, a
    /// bare `object`) is left as it is.
    pub fn shape(&self, action: &Registered, data: Value) -> Value {
        let declared = action.data.trim();
        if declared == "null" {
            return Value::Null;
        }
        let (list, inner) = match declared
            .strip_prefix("array<")
            .and_then(|rest| rest.strip_suffix('>'))
        {
            Some(inner) => (true, inner),
            None => (false, declared),
        };
        let keys: BTreeMap<&str, &str> = if inner == "object" && !action.fields.is_empty() {
            action
                .fields
                .iter()
                .filter(|(key, _)| !key.contains(['.', '[']))
                .map(|(key, kind)| (key.as_str(), kind.as_str()))
                .collect()
        } else if let Some(shape) = self.shapes.get(inner) {
            shape
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect()
        } else {
            return data;
        };
        match (list, data) {
            (true, Value::Array(items)) => Value::Array(
                items
                    .into_iter()
                    .map(|item| shape_object(item, &keys, action.open_fields))
                    .collect(),
            ),
            (false, data) => shape_object(data, &keys, action.open_fields),
            (true, other) => other,
        }
    }
}

/// `value`, an object, with exactly `keys`' keys (the optional ones only when present).
fn shape_object(value: Value, keys: &BTreeMap<&str, &str>, open: bool) -> Value {
    let Value::Object(mut object) = value else {
        return value;
    };
    if !open {
        object.retain(|key, _| keys.contains_key(key.as_str()));
    }
    for (key, kind) in keys {
        if !kind.ends_with('?') && !object.contains_key(*key) {
            object.insert((*key).to_owned(), empty(kind));
        }
    }
    Value::Object(object)
}

/// The empty value of a declared type: `null` when the type allows it, `"unknown"` when
/// that is one of its literals, else the first alternative's.
fn empty(kind: &str) -> Value {
    let alternatives: Vec<&str> = kind
        .trim_end_matches('?')
        .split('|')
        .map(str::trim)
        .collect();
    if alternatives.contains(&"null") {
        return Value::Null;
    }
    if alternatives.contains(&"\"unknown\"") {
        return Value::from("unknown");
    }
    let first = alternatives.first().copied().unwrap_or("");
    match first {
        "number" => Value::from(0),
        "string" => Value::from(""),
        "boolean" => Value::from(false),
        "object" => Value::Object(Map::new()),
        _ if first.starts_with("array<") => Value::Array(Vec::new()),
        _ if first.starts_with("map<") => Value::Object(Map::new()),
        _ if first.starts_with('"') => Value::from(first.trim_matches('"')),
        _ => Value::Null,
    }
}

impl Registered {
    /// The parameter read under `key` (its name or an alias).
    pub fn param(&self, key: &str) -> Option<&RegisteredParam> {
        self.params
            .iter()
            .find(|param| param.names().any(|n| n == key))
    }

    /// A call's parameters as `profile`'s implementation reads them: keys it does not read
    /// left out; a parameter it cannot do without refused when absent, and one declared as
    /// a string refused when given as a number or boolean (where its validation does so);
    /// an absent one with a default given that default under its name.
    pub fn admit(
        &'static self,
        profile: Profile,
        params: &Map<String, Value>,
    ) -> Result<Map<String, Value>, ParamError> {
        let mut admitted = Map::new();
        for param in &self.params {
            let given = param
                .names()
                .filter_map(|name| Some((name, params.get(name)?)))
                .find(|(_, value)| !value.is_null());
            match given {
                Some((name, value)) => {
                    if profile.strict_strings()
                        && param.kind == "string"
                        && (value.is_number() || value.is_boolean())
                    {
                        return Err(ParamError {
                            param: name,
                            problem: Problem::NotAString(value.to_string()),
                        });
                    }
                    admitted.insert(name.to_owned(), value.clone());
                }
                None if !param.optional && profile.refuses_missing_params() => {
                    return Err(ParamError {
                        param: param.name.as_str(),
                        problem: Problem::Missing,
                    });
                }
                None => {
                    if let Some(default) = &param.default {
                        admitted.insert(param.name.clone(), default.clone());
                    }
                }
            }
        }
        Ok(admitted)
    }
}

impl ActionSpec {
    /// Whether `profile`'s implementation registers this action.
    pub fn available_in(&self, profile: Profile) -> bool {
        Registry::of(profile).action(self.name).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_three_files_parse_with_their_releases() {
        let counts: Vec<_> = Profile::ALL
            .iter()
            .map(|&p| {
                let registry = Registry::of(p);
                (
                    registry.implementation.name.as_str(),
                    registry.implementation.release.as_str(),
                    registry.actions.len(),
                )
            })
            .collect();
        assert_eq!(
            counts,
            [
                ("NapCat", "v4.18.19", 175),
                ("Lagrange.OneBot", "nightly", 79),
                ("LLOneBot", "v7.0.1", 113)
            ]
        );
        for profile in Profile::ALL {
            let registry = Registry::of(profile);
            assert_eq!(registry.implementation.commit.len(), 40);
            let mut names: Vec<_> = registry.actions.iter().map(|a| &a.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(
                names.len(),
                registry.actions.len(),
                "{profile:?}: a name twice"
            );
        }
    }

    #[test]
    fn suffixes_and_event_streams_are_the_implementations() {
        let napcat = Registry::of(Profile::NapCat);
        assert!(napcat.accepts_suffix("_async") && napcat.accepts_suffix("_rate_limited"));
        assert!(!Registry::of(Profile::Lagrange).accepts_suffix("_async"));
        assert!(napcat.serves_http_events());
        assert!(Registry::of(Profile::LLOneBot).serves_http_events());
        assert!(!Registry::of(Profile::Lagrange).serves_http_events());
    }

    #[test]
    fn admitting_keeps_what_the_implementation_reads() {
        let napcat = Registry::of(Profile::NapCat);
        let moving = napcat.action("move_group_file").expect("registered");
        let params = json!({"group_id": 1, "file_id": "f", "current_parent_directory": "/",
            "target_parent_directory": "/a", "parent_directory": "/b", "extra": 1});
        let admitted = moving
            .admit(Profile::NapCat, params.as_object().expect("object"))
            .expect("admitted");
        let keys: Vec<_> = admitted.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "group_id",
                "file_id",
                "current_parent_directory",
                "target_parent_directory"
            ]
        );
        // A default fills an absent parameter; a required one is refused when absent.
        let lagrange = Registry::of(Profile::Lagrange).action("set_group_ban");
        let admitted = lagrange
            .expect("registered")
            .admit(Profile::Lagrange, json!({}).as_object().expect("object"))
            .expect("Lagrange refuses nothing for being absent");
        assert_eq!(admitted.get("duration"), Some(&json!(0)));
        let kick = Registry::of(Profile::LLOneBot).action("set_group_kick");
        let refused = kick.expect("registered").admit(
            Profile::LLOneBot,
            json!({"group_id": 1}).as_object().expect("o"),
        );
        assert_eq!(
            refused.map_err(|e| e.to_string()),
            Err("parameter `user_id`: is required".into())
        );
    }

    #[test]
    fn data_takes_the_shape_the_implementation_answers_with() {
        let napcat = Registry::of(Profile::NapCat);
        let cookies = napcat.action("get_credentials").expect("registered");
        let data = json!({"cookies": "a=b", "csrf_token": 5, "lizi": true});
        assert_eq!(
            napcat.shape(cookies, data),
            json!({"cookies": "a=b", "token": 0})
        );
        let friends = napcat.action("get_friend_list").expect("registered");
        let data = json!([{"user_id": 1, "nickname": "n", "extra": 1}]);
        assert_eq!(
            napcat.shape(friends, data),
            json!([{"user_id": 1, "nickname": "n"}])
        );
        let lagrange = Registry::of(Profile::Lagrange);
        let upload = lagrange.action("upload_group_file").expect("registered");
        assert_eq!(lagrange.shape(upload, json!({"file_id": "x"})), Value::Null);
        let ocr = napcat.action("get_group_info_ex").expect("registered");
        assert_eq!(napcat.shape(ocr, json!({"x": 1})), json!({"x": 1}), "any");
    }

    #[test]
    fn llonebot_refuses_a_number_where_it_declares_a_string() {
        let answer = Registry::of(Profile::LLOneBot).action("set_friend_add_request");
        let params = json!({"flag": 12345, "approve": true});
        let refused = answer
            .expect("registered")
            .admit(Profile::LLOneBot, params.as_object().expect("object"));
        assert_eq!(
            refused.map_err(|e| e.problem),
            Err(Problem::NotAString("12345".into()))
        );
        let napcat = Registry::of(Profile::NapCat).action("set_friend_add_request");
        let admitted = napcat
            .expect("registered")
            .admit(Profile::NapCat, params.as_object().expect("object"));
        assert!(admitted.is_ok(), "NapCat converts numbers to strings");
    }
}
