//! Saving and loading the world as documents: one JSON document per row of each table.
//!
//! A document is `(kind, key, body)`: `kind` names the table (see [`KINDS`]), `key` is the
//! row key as compact JSON (`10001`, `[10001,20001]`, `[{"Group":30001},5]`, `"global"`)
//! and `body` is the row as JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::table::Table;
use crate::world::World;

/// The document kinds, one per table of [`World`].
pub const KINDS: [&str; 23] = [
    "person",
    "friendship",
    "group",
    "conversation",
    "counters",
    "media",
    "file",
    "avatar",
    "request",
    "red_packet",
    "bundle",
    "essence",
    "reaction",
    "announcement",
    "sign_in",
    "honour",
    "last_spoke",
    "message_counts",
    "group_remark",
    "group_mask",
    "category",
    "at_all",
    "sticker",
];

/// Calls `$then!` with the `(kind, field)` pair of every table of [`World`], in the order of
/// [`KINDS`], so that the methods that walk all tables are written once.
macro_rules! with_tables {
    ($then:ident!($($args:tt)*)) => {
        $then!($($args)*;
            ("person", people),
            ("friendship", friendships),
            ("group", groups),
            ("conversation", conversations),
            ("counters", counters),
            ("media", media),
            ("file", files),
            ("avatar", avatars),
            ("request", requests),
            ("red_packet", red_packets),
            ("bundle", bundles),
            ("essence", essence),
            ("reaction", reactions),
            ("announcement", announcements),
            ("sign_in", sign_ins),
            ("honour", honours),
            ("last_spoke", last_spoke),
            ("message_counts", message_counts),
            ("group_remark", group_remarks),
            ("group_mask", group_masks),
            ("category", categories),
            ("at_all", at_all),
            ("sticker", stickers)
        )
    };
}

/// One changed entity, as the store saves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocChange {
    /// The table: one of [`KINDS`].
    pub kind: &'static str,
    /// The row key, as compact JSON.
    pub key: String,
    /// The row, as JSON; `None` when the row was deleted.
    pub body: Option<String>,
}

/// Why saved documents could not be loaded into a [`World`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// A document of a kind no table holds.
    #[error("unknown document kind {kind:?} (key {key})")]
    UnknownKind {
        /// The kind.
        kind: String,
        /// The document's key.
        key: String,
    },
    /// A document whose key or body is not what its kind holds.
    #[error("bad {kind} document {key}: {message}")]
    BadDocument {
        /// The kind.
        kind: &'static str,
        /// The document's key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// JSON text of a key or row. The world's types are plain data (maps keyed by numbers or
/// strings only), so this does not fail; should it ever, the row is left unsaved and the
/// error logged, rather than failing the request that changed it.
fn json<T: Serialize>(kind: &str, value: &T) -> Option<String> {
    serde_json::to_string(value)
        .map_err(|e| tracing::error!(kind, "a world row could not be saved: {e}"))
        .ok()
}

/// Appends one change per marked row of `table`, clearing the marks.
fn drain<K, V>(kind: &'static str, table: &mut Table<K, V>, out: &mut Vec<DocChange>)
where
    K: Ord + Clone + Serialize,
    V: Serialize,
{
    table.drain_changes(|key, row| {
        let body = match row {
            Some(row) => match json(kind, row) {
                Some(body) => Some(body),
                None => return,
            },
            None => None,
        };
        if let Some(key) = json(kind, key) {
            out.push(DocChange { kind, key, body });
        }
    });
}

/// Appends one document per row of `table`.
fn dump<K, V>(kind: &'static str, table: &Table<K, V>, out: &mut Vec<DocChange>)
where
    K: Ord + Clone + Serialize,
    V: Serialize,
{
    out.extend(table.iter().filter_map(|(key, row)| {
        Some(DocChange {
            kind,
            key: json(kind, key)?,
            body: Some(json(kind, row)?),
        })
    }));
}

/// Parses a document's key and body and puts the row in `table`.
fn load<K, V>(
    kind: &'static str,
    table: &mut Table<K, V>,
    key: &str,
    body: &str,
    check: impl FnOnce(&K, &V) -> bool,
) -> Result<(), LoadError>
where
    K: Ord + Clone + DeserializeOwned,
    V: DeserializeOwned,
{
    let bad = |message: String| LoadError::BadDocument {
        kind,
        key: key.to_owned(),
        message,
    };
    let k: K = serde_json::from_str(key).map_err(|e| bad(format!("key: {e}")))?;
    let v: V = serde_json::from_str(body).map_err(|e| bad(format!("body: {e}")))?;
    if !check(&k, &v) {
        return Err(bad("the key does not match the body".into()));
    }
    table.load_row(k, v);
    Ok(())
}

impl World {
    /// Drains every change since the last call: one [`DocChange`] per changed row, in
    /// the order of [`KINDS`] and then by key. `body` is `None` for a deleted row.
    pub fn take_changes(&mut self) -> Vec<DocChange> {
        macro_rules! drain_all {
            ($world:ident, $out:ident; $(($kind:literal, $field:ident)),*) => {
                $(drain($kind, &mut $world.$field, &mut $out);)*
            };
        }
        let mut out = Vec::new();
        with_tables!(drain_all!(self, out));
        out
    }

    /// Forgets every change since the last drain without serialising anything (for a
    /// store that keeps nothing).
    pub fn discard_changes(&mut self) {
        macro_rules! discard_all {
            ($world:ident; $(($kind:literal, $field:ident)),*) => {
                $($world.$field.drain_changes(|_, _| {});)*
            };
        }
        with_tables!(discard_all!(self));
    }

    /// Whether any row changed since the last [`take_changes`](World::take_changes).
    pub fn has_changes(&self) -> bool {
        macro_rules! any_changed {
            ($world:ident; $(($kind:literal, $field:ident)),*) => {
                false $(|| $world.$field.has_changes())*
            };
        }
        with_tables!(any_changed!(self))
    }

    /// Every row as a [`DocChange`] (for seeding an empty store), in the order of
    /// [`KINDS`] and then by key. Pending changes are left as they are.
    pub fn all_docs(&self) -> Vec<DocChange> {
        macro_rules! dump_all {
            ($world:ident, $out:ident; $(($kind:literal, $field:ident)),*) => {
                $(dump($kind, &$world.$field, &mut $out);)*
            };
        }
        let mut out = Vec::new();
        with_tables!(dump_all!(self, out));
        out
    }

    /// Rebuilds a world from saved documents `(kind, key, body)`, in any order, with no
    /// pending changes. A later document with the same kind and key replaces an earlier
    /// one. Unknown kinds, unparsable keys or bodies, and a person, group or message whose
    /// body disagrees with its key are errors.
    pub fn from_docs<'a>(
        docs: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> Result<World, LoadError> {
        let mut world = World::default();
        for (kind, key, body) in docs {
            match kind {
                "person" => load("person", &mut world.people, key, body, |k, p| *k == p.uin)?,
                "friendship" => load("friendship", &mut world.friendships, key, body, |k, _| {
                    k.0 < k.1
                })?,
                "group" => load("group", &mut world.groups, key, body, |k, g| *k == g.gin)?,
                "conversation" => load(
                    "conversation",
                    &mut world.conversations,
                    key,
                    body,
                    |_, _| true,
                )?,
                "counters" => load("counters", &mut world.counters, key, body, |_, _| true)?,
                "media" => load("media", &mut world.media, key, body, |_, _| true)?,
                "file" => load("file", &mut world.files, key, body, |k, f| k.1 == f.id)?,
                "avatar" => load("avatar", &mut world.avatars, key, body, |_, _| true)?,
                "request" => load("request", &mut world.requests, key, body, |k, r| {
                    *k == r.seq
                })?,
                "red_packet" => load("red_packet", &mut world.red_packets, key, body, |k, p| {
                    *k == p.id
                })?,
                "bundle" => load("bundle", &mut world.bundles, key, body, |k, b| {
                    *k == b.resid
                })?,
                "essence" => load("essence", &mut world.essence, key, body, |_, _| true)?,
                "reaction" => load("reaction", &mut world.reactions, key, body, |_, _| true)?,
                "announcement" => load(
                    "announcement",
                    &mut world.announcements,
                    key,
                    body,
                    |k, a| k.1 == a.id,
                )?,
                "sign_in" => load("sign_in", &mut world.sign_ins, key, body, |_, _| true)?,
                "honour" => load("honour", &mut world.honours, key, body, |_, _| true)?,
                "last_spoke" => load("last_spoke", &mut world.last_spoke, key, body, |_, _| true)?,
                "message_counts" => load(
                    "message_counts",
                    &mut world.message_counts,
                    key,
                    body,
                    |_, _| true,
                )?,
                "group_remark" => load(
                    "group_remark",
                    &mut world.group_remarks,
                    key,
                    body,
                    |_, _| true,
                )?,
                "group_mask" => load("group_mask", &mut world.group_masks, key, body, |_, _| true)?,
                "category" => load("category", &mut world.categories, key, body, |_, _| true)?,
                "at_all" => load("at_all", &mut world.at_all, key, body, |_, _| true)?,
                "sticker" => load("sticker", &mut world.stickers, key, body, |_, _| true)?,
                other => {
                    return Err(LoadError::UnknownKind {
                        kind: other.to_owned(),
                        key: key.to_owned(),
                    })
                }
            }
        }
        world.compact();
        world.index_online();
        Ok(world)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::WorldFixture;
    use crate::messages::Target;

    fn world() -> World {
        World::from_fixture(&WorldFixture::default_world(), 100)
    }

    fn kinds(changes: &[DocChange]) -> Vec<(&'static str, &str)> {
        changes.iter().map(|c| (c.kind, c.key.as_str())).collect()
    }

    /// The world saved and loaded again; the history, which the store keeps apart from
    /// the documents, is carried over.
    fn reload(world: &World) -> World {
        let docs = world.all_docs();
        let mut back = World::from_docs(
            docs.iter()
                .map(|d| (d.kind, d.key.as_str(), d.body.as_deref().unwrap())),
        )
        .unwrap();
        back.history = world.history.clone();
        back
    }

    #[test]
    fn a_fresh_world_has_no_changes() {
        let mut world = world();
        assert!(!world.has_changes());
        assert!(world.take_changes().is_empty());
    }

    #[test]
    fn a_group_message_changes_its_rows_only() {
        let mut world = world();
        world
            .send(10001, Target::Group(30001), "hi", 200, 7)
            .unwrap();
        let changes = world.take_changes();
        assert_eq!(
            kinds(&changes),
            [
                ("conversation", r#"{"Group":30001}"#),
                ("counters", r#""global""#),
                ("last_spoke", "[30001,10001]"),
                ("message_counts", "10001"),
                ("message_counts", "10002"),
            ],
            "the sender and the other online member count it; the group and the people \
             are untouched"
        );
        let messages = world.take_messages();
        assert_eq!(messages.len(), 1, "the message goes to the history");
        assert_eq!(
            (messages[0].req, messages[0].seq, messages[0].text.as_str()),
            (1, 1, "hi")
        );
        assert!(world.take_messages().is_empty(), "take_messages clears");
        assert_eq!(
            changes[1].body.as_deref(),
            Some(r#"{"last_seq":1,"last_event_seq":0}"#)
        );
        assert_eq!(
            changes[3].body.as_deref(),
            Some(r#"{"received":0,"sent":1}"#)
        );
        assert!(world.take_changes().is_empty(), "take_changes clears");
    }

    #[test]
    fn a_private_message_from_a_user_changes_its_rows_only() {
        let mut world = world();
        world
            .send(20001, Target::Private(10001), "hi", 200, 7)
            .unwrap();
        assert_eq!(
            kinds(&world.take_changes()),
            [
                ("conversation", r#"{"Private":[10001,20001]}"#),
                ("counters", r#""global""#),
                ("message_counts", "10001"),
            ],
            "Alice is no account; the receiving bot counts it"
        );
    }

    #[test]
    fn refusals_and_no_ops_change_nothing() {
        let mut world = world();
        assert!(world
            .send(10001, Target::Private(20003), "x", 1, 1)
            .is_err());
        assert!(world.send(20003, Target::Group(30002), "x", 1, 1).is_err());
        assert!(world.login(10001, 1).unwrap().is_empty(), "already online");
        assert!(world.login(20001, 1).is_err());
        assert!(world.logout(20001).is_err());
        assert!(!world.has_changes());
        world.logout(10001).unwrap();
        assert_eq!(kinds(&world.take_changes()), [("person", "10001")]);
        world.logout(10001).unwrap();
        assert!(world.take_changes().is_empty(), "already offline");
    }

    #[test]
    fn docs_round_trip() {
        let mut world = world();
        world.send(10001, Target::Group(30001), "a", 1, 1).unwrap();
        world
            .send(
                10001,
                Target::Temp {
                    gin: 30001,
                    to: 20003,
                },
                "b",
                2,
                2,
            )
            .unwrap();
        world
            .send(20001, Target::Private(10001), "c", 3, 3)
            .unwrap();
        world.logout(10002).unwrap();
        crate::media::tests::add_media_rows(&mut world);
        crate::social::tests::add_social_rows(&mut world);
        crate::chat::tests::add_chat_rows(&mut world);
        crate::contacts::tests::add_account_rows(&mut world);
        let docs = world.all_docs();
        for kind in KINDS {
            assert!(docs.iter().any(|d| d.kind == kind), "{kind}");
        }
        assert!(docs.iter().any(|d| d.key == "[10001,20001]"));
        let mut back = reload(&world);
        assert_eq!(back, world);
        assert!(!back.has_changes());
        // The reloaded world goes on numbering where the saved one stopped.
        let (receipt, _) = back.send(10001, Target::Private(20001), "d", 4, 4).unwrap();
        assert_eq!(receipt.req, 2);
        assert_eq!(back.counters().last_seq, 4);

        // Applying the changes to the saved documents gives the new world.
        let mut saved: std::collections::BTreeMap<(&str, String), String> = docs
            .into_iter()
            .map(|d| ((d.kind, d.key), d.body.unwrap()))
            .collect();
        for change in back.take_changes() {
            match change.body {
                Some(body) => saved.insert((change.kind, change.key), body),
                None => saved.remove(&(change.kind, change.key)),
            };
        }
        let mut loaded = World::from_docs(
            saved
                .iter()
                .map(|((kind, key), body)| (*kind, key.as_str(), body.as_str())),
        )
        .unwrap();
        loaded.history = back.history.clone();
        assert_eq!(loaded, back);
    }

    #[test]
    fn bad_docs_are_named() {
        let error = World::from_docs([("planet", "1", "{}")]).unwrap_err();
        assert_eq!(
            error,
            LoadError::UnknownKind {
                kind: "planet".into(),
                key: "1".into()
            }
        );
        assert_eq!(
            error.to_string(),
            r#"unknown document kind "planet" (key 1)"#
        );

        let error = World::from_docs([("person", "10001", "not json")]).unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("bad person document 10001: body:"),
            "{message}"
        );

        let error = World::from_docs([("group", "\"Nope\"", "{}")]).unwrap_err();
        assert!(matches!(
            &error,
            LoadError::BadDocument { kind: "group", key, .. } if key == "\"Nope\""
        ));
        assert!(error.to_string().contains(": key:"), "{error}");

        let alice = reload(&world()).all_docs();
        let alice = alice.iter().find(|d| d.key == "20001").unwrap();
        let error =
            World::from_docs([("person", "20002", alice.body.as_deref().unwrap())]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "bad person document 20002: the key does not match the body"
        );
    }
}
