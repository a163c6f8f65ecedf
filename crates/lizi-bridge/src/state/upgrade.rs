//! Bringing a data folder of the bridge's first layout up to date, once, at start. That
//! layout kept a message under (account, `message_id`) alone and relied on loading every
//! record into memory to find messages by their XLZ ids, requests by their flag and
//! pictures by their URL. Now each is found by key ([`super::kept`]): messages move to
//! their new key (with their conversation) and get a document naming them by XLZ ids and
//! a summary per conversation; requests get one naming them by flag and the account's
//! last handle; received pictures one naming them by URL. The folder then records
//! [`LAYOUT`] so this runs once; a new folder records it at once.

use std::sync::Arc;

use lizi_store::{Op, Store, StoreError};

use super::identity::{MessageMap, MessageRecord};
use super::kept::Kept;
use super::media::{Known, MediaStore, MEDIA_KIND};
use super::requests::{PendingRequest, RequestMap, DOC_KIND as REQUEST_KIND};

/// The store document kind of the layout version (key `version`).
const LAYOUT_KIND: &str = "bridge_layout";

/// The layout this bridge writes.
pub const LAYOUT: u32 = 2;

/// The store document kind of message records in the first layout.
const FIRST_MESSAGE_KIND: &str = "bridge_message";

/// How many records are rewritten in one store write.
const CHUNK: usize = 2_000;

/// Brings the folder of `store` to [`LAYOUT`], through the maps opened on it.
pub async fn run(
    store: &Arc<Store>,
    messages: &mut MessageMap,
    requests: &mut RequestMap,
    media: &MediaStore,
) -> Result<(), StoreError> {
    let layout: Kept<u32> = Kept::new(store.clone(), LAYOUT_KIND);
    if layout.get("version")?.is_some() {
        return Ok(());
    }
    let old: Kept<MessageRecord> = Kept::new(store.clone(), FIRST_MESSAGE_KIND);
    let records = old.all()?;
    let moved = records.len();
    for chunk in records.chunks(CHUNK) {
        let mut ops = Vec::new();
        for (key, record) in chunk {
            ops.push(old.remove(key.clone()));
            ops.extend(messages.insert(record.clone()));
        }
        store.write(ops).wait().await?;
    }
    let pending: Kept<PendingRequest> = Kept::new(store.clone(), REQUEST_KIND);
    for chunk in pending.all()?.chunks(CHUNK) {
        let ops = chunk
            .iter()
            .flat_map(|(_, request)| requests.insert(request.clone()))
            .collect();
        store.write(ops).wait().await?;
    }
    let known: Kept<Known> = Kept::new(store.clone(), MEDIA_KIND);
    for chunk in known.all()?.chunks(CHUNK) {
        let ops: Vec<Op> = chunk
            .iter()
            .filter_map(|(hash, known)| Some(media.source_op(known.source.as_deref()?, hash)))
            .collect();
        store.write(ops).wait().await?;
    }
    store
        .write(vec![layout.put("version".into(), &LAYOUT)])
        .wait()
        .await?;
    if moved > 0 {
        tracing::info!(
            messages = moved,
            "onebot bridge: the data folder's records were brought to layout {LAYOUT}"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::identity::{random_of, Conversation};
    use lizi_store::StoreConfig;

    #[tokio::test]
    async fn first_layout_messages_and_requests_are_found_by_key_afterwards() {
        let store = Store::open(StoreConfig::memory()).expect("a store");
        let record = MessageRecord {
            account: 1,
            conversation: Conversation::Group(9),
            req: 4,
            random: random_of(-7),
            time: 100,
            ob_id: -7,
            sender: 5,
            text: "old".into(),
        };
        let request = PendingRequest {
            account: 1,
            seq: 3,
            flag: "f".into(),
            user: 6,
            group: 0,
            invite: false,
        };
        let put = |kind: &'static str, key: &str, body: String| Op::Doc {
            kind: kind.into(),
            key: key.into(),
            body: Some(body),
        };
        store
            .write(vec![
                put(FIRST_MESSAGE_KIND, "1:-7", json(&record)),
                put(REQUEST_KIND, "1:3", json(&request)),
            ])
            .wait()
            .await
            .expect("written");
        let mut messages = MessageMap::open(store.clone()).expect("opened");
        let mut requests = RequestMap::open(store.clone()).expect("opened");
        let media = MediaStore::open(store.clone());
        run(&store, &mut messages, &mut requests, &media)
            .await
            .expect("upgraded");
        let found = messages.by_pair(1, 4, record.random).expect("read");
        assert_eq!(found, Some(record.clone()));
        assert_eq!(messages.next_req(1, Conversation::Group(9), None), 5);
        assert!(requests.knows(1, "f").expect("read"));
        assert_eq!(requests.next_seq(1), 4);
        let old: Kept<MessageRecord> = Kept::new(store.clone(), FIRST_MESSAGE_KIND);
        assert!(old.all().expect("read").is_empty());
        // Once only: a second run finds the layout recorded.
        store
            .write(vec![put(FIRST_MESSAGE_KIND, "1:-8", json(&record))])
            .wait()
            .await
            .expect("written");
        run(&store, &mut messages, &mut requests, &media)
            .await
            .expect("upgraded");
        assert_eq!(old.all().expect("read").len(), 1);
    }

    fn json(value: &impl serde::Serialize) -> String {
        serde_json::to_string(value).expect("json")
    }
}
