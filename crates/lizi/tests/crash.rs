//! `kill -9` during a steady stream of sends and reads: after a restart, every request
//! that got a success answer is in the world, and every event of such a request is in
//! each live session exactly once.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::child::Lizi;
use common::temp_dir;
use serde_json::{json, Value};

const SENDERS: usize = 4;

struct Client {
    base: String,
    http: reqwest::Client,
}

impl Client {
    fn new(port: u16) -> Client {
        Client {
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
        }
    }

    async fn post(&self, path: &str, body: String) -> Result<Value, reqwest::Error> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .body(body)
            .send()
            .await?;
        let text = response.text().await?;
        Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn sim(&self, body: Value) -> Result<u16, reqwest::Error> {
        let response = self
            .http
            .post(format!("{}/sim/message", self.base))
            .json(&body)
            .send()
            .await?;
        Ok(response.status().as_u16())
    }

    /// Every pending event of a session, by destructive reads.
    async fn drain(&self, session: u64) -> Vec<Value> {
        let mut all = Vec::new();
        loop {
            let answer = self
                .post("/geteventv2", format!("sessid={session}"))
                .await
                .unwrap();
            assert_eq!(answer["status"], "OK", "{answer}");
            let events = answer["events"].as_array().unwrap().clone();
            if events.is_empty() {
                return all;
            }
            all.extend(events);
        }
    }
}

/// One sender: group messages from a bot and private messages from a simulated user,
/// remembering those that were answered with success.
async fn send_until_killed(client: Arc<Client>, task: usize, acked: Arc<Mutex<Vec<String>>>) {
    for i in 0.. {
        let text = format!("g-{task}-{i}");
        let Ok(answer) = client
            .post(
                "/sendgroupmsg",
                format!("fromqq=10001&togroup=30001&text={text}"),
            )
            .await
        else {
            return;
        };
        let inner: Value =
            serde_json::from_str(answer["ret"].as_str().unwrap_or("")).unwrap_or(Value::Null);
        if inner["retcode"] == 0 {
            acked.lock().unwrap().push(text);
        }
        let text = format!("p-{task}-{i}");
        match client
            .sim(json!({"from": 20001, "to": 10001, "text": text}))
            .await
        {
            Ok(200) => acked.lock().unwrap().push(text),
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

/// A careful reader: peeks, records, then acknowledges, until the server is gone.
async fn read_until_killed(
    client: Arc<Client>,
    session: u64,
    seen: Arc<Mutex<BTreeMap<u64, Value>>>,
) {
    loop {
        let Ok(answer) = client
            .post("/geteventv2", format!("sessid={session}&peek=true"))
            .await
        else {
            return;
        };
        let events = answer["events"].as_array().cloned().unwrap_or_default();
        let Some(last) = events.last().and_then(|e| e["LiziSeq"].as_u64()) else {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        };
        {
            let mut seen = seen.lock().unwrap();
            for event in events {
                seen.insert(event["LiziSeq"].as_u64().unwrap(), event);
            }
        }
        if client
            .post("/ackevent", format!("sessid={session}&seq={last}"))
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Counts events per (account, text); asserts none is there twice.
fn tally(events: &[Value]) -> HashMap<(u64, String), usize> {
    let mut counts = HashMap::new();
    for event in events {
        let key = (
            event["LogonQQ"].as_u64().unwrap(),
            event["Msg"]["Text"].as_str().unwrap().to_owned(),
        );
        *counts.entry(key).or_insert(0) += 1;
    }
    for (key, count) in &counts {
        assert_eq!(*count, 1, "{key:?} is there {count} times");
    }
    counts
}

fn assert_acked_present(counts: &HashMap<(u64, String), usize>, acked: &[String], what: &str) {
    for text in acked {
        let accounts: &[u64] = if text.starts_with('g') {
            &[10001, 10002]
        } else {
            &[10001]
        };
        for account in accounts {
            assert!(
                counts.contains_key(&(*account, text.clone())),
                "{what}: acknowledged {text} is missing for {account}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_acknowledged_is_lost_or_duplicated_after_sigkill() {
    let dir = temp_dir("crash");
    let data = dir.join("data");
    let args = ["--listen", "127.0.0.1:0", "--data", data.to_str().unwrap()];
    let mut lizi = Lizi::spawn(&dir, &args, &[("LIZI_LOG", "warn,lizi=info")]);
    let client = Arc::new(Client::new(lizi.port()));
    let careful = client.post("/allocsession", String::new()).await.unwrap()["session_id"]
        .as_u64()
        .unwrap();
    let untouched = client.post("/allocsession", String::new()).await.unwrap()["session_id"]
        .as_u64()
        .unwrap();

    let acked = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::new(Mutex::new(BTreeMap::new()));
    let mut tasks: Vec<_> = (0..SENDERS)
        .map(|task| tokio::spawn(send_until_killed(client.clone(), task, acked.clone())))
        .collect();
    tasks.push(tokio::spawn(read_until_killed(
        client.clone(),
        careful,
        seen.clone(),
    )));

    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let moment = Duration::from_millis(300 + u64::from(nanos % 900));
    tokio::time::sleep(moment).await;
    lizi.signal("KILL");
    for task in tasks {
        tokio::time::timeout(Duration::from_secs(20), task)
            .await
            .expect("tasks end")
            .unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() > 20,
        "only {} sends were acknowledged in {moment:?}",
        acked.len()
    );
    eprintln!(
        "killed after {moment:?}, with {} acknowledged sends",
        acked.len()
    );

    let mut lizi = Lizi::spawn(&dir, &args, &[("LIZI_LOG", "warn,lizi=info")]);
    let client = Client::new(lizi.port());

    // The careful reader: what it had seen plus what is left, by sequence number.
    let mut careful_events = seen.lock().unwrap().clone();
    for event in client.drain(careful).await {
        let seq = event["LiziSeq"].as_u64().unwrap();
        if let Some(before) = careful_events.insert(seq, event.clone()) {
            assert_eq!(before, event, "event {seq} changed across the crash");
        }
    }
    let careful_events: Vec<Value> = careful_events.into_values().collect();
    assert_acked_present(&tally(&careful_events), &acked, "careful session");

    // The session nobody read: everything acknowledged, exactly once.
    let untouched_events = client.drain(untouched).await;
    assert_acked_present(&tally(&untouched_events), &acked, "untouched session");
    let seqs: Vec<u64> = untouched_events
        .iter()
        .map(|e| e["LiziSeq"].as_u64().unwrap())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "events out of order");

    // The world has every acknowledged message.
    let world: Value = client
        .http
        .get(format!("{}/sim/world", client.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let group_messages = world["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["gin"] == 30001)
        .map(|g| g["messages"].as_u64().unwrap())
        .unwrap();
    let acked_group = acked.iter().filter(|t| t.starts_with('g')).count() as u64;
    assert!(
        group_messages >= acked_group,
        "{group_messages} < {acked_group}"
    );

    // And it goes on working.
    let answer = client
        .post(
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001&text=after".into(),
        )
        .await
        .unwrap();
    assert!(
        answer["ret"].as_str().unwrap().contains("\"retcode\":0"),
        "{answer}"
    );
    lizi.signal("TERM");
    assert_eq!(lizi.wait_exit(Duration::from_secs(10)).0.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}
