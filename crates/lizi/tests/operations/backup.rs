//! `lizi backup PATH`: taken from a running lizi during a send burst, the copy holds every
//! message answered before the backup began, passes `PRAGMA integrity_check`, and a lizi
//! started on it serves them; it needs the API's credentials; and a stopped lizi's folder
//! is copied the same way.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

use crate::common::child::{Lizi, LIZI_VARS};
use crate::common::{enc, Scratch};

/// Runs `lizi backup <args>` to the end, with only the given LIZI_* variables.
async fn backup(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lizi"));
    command
        .arg("backup")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null());
    for var in LIZI_VARS {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    tokio::task::spawn_blocking(move || command.output().expect("run lizi backup"))
        .await
        .expect("join")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// `PRAGMA integrity_check` of a copy.
fn integrity(path: &Path) -> String {
    let connection = rusqlite::Connection::open(path).expect("open the copy");
    connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("integrity_check")
}

/// Sends a group message; answers whether it was accepted.
async fn send(client: &reqwest::Client, port: u16, token: &str, text: &str) -> bool {
    let Ok(response) = client
        .post(format!("http://127.0.0.1:{port}/sendgroupmsg"))
        .bearer_auth(token)
        .body(format!("fromqq=10001&togroup=30001&text={}", enc(text)))
        .send()
        .await
    else {
        return false;
    };
    let Ok(answer) = response.json::<Value>().await else {
        return false;
    };
    answer["ret"]
        .as_str()
        .and_then(|ret| serde_json::from_str::<Value>(ret).ok())
        .is_some_and(|inner| inner["retcode"] == 0)
}

/// Every text in group 30001's history, through the control API.
async fn history(port: u16, token: &str) -> HashSet<String> {
    let client = reqwest::Client::new();
    let mut texts = HashSet::new();
    let mut before: Option<u64> = None;
    loop {
        let page = before.map_or(String::new(), |before| format!("&before={before}"));
        let view: Value = client
            .get(format!(
                "http://127.0.0.1:{port}/sim/history?group=30001&limit=1000{page}"
            ))
            .bearer_auth(token)
            .send()
            .await
            .expect("history")
            .json()
            .await
            .expect("JSON");
        let messages = view["messages"].as_array().expect("messages");
        texts.extend(
            messages
                .iter()
                .filter_map(|m| m["text"].as_str().map(str::to_owned)),
        );
        match view["before"].as_u64() {
            Some(next) if !messages.is_empty() => before = Some(next),
            _ => return texts,
        }
    }
}

/// Restores `copy` (a `lizi.db` in a fresh folder), starts lizi on it, and answers the
/// texts of group 30001's history.
async fn texts_in(scratch: &Scratch, copy: &Path, token: &str) -> HashSet<String> {
    let name = copy.file_stem().unwrap().to_str().unwrap();
    let restored = scratch.path(&format!("restored-{name}"));
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(copy, restored.join("lizi.db")).unwrap();
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--data",
        restored.to_str().unwrap(),
    ];
    let mut lizi = Lizi::spawn(&scratch.0, &args, &[("LIZI_TOKEN", token)]);
    let texts = history(lizi.port(), token).await;
    lizi.terminate();
    texts
}

/// The texts of `wanted` that are not in `texts`, for the assertion's message.
fn missing<'a>(wanted: &'a [String], texts: &HashSet<String>) -> Vec<&'a String> {
    wanted.iter().filter(|t| !texts.contains(*t)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_during_a_send_burst_holds_every_answered_message() {
    const TOKEN: &str = "backup-token";
    let scratch = Scratch::new("backup-burst");
    let data = scratch.data();
    let serve = ["--listen", "127.0.0.1:0", "--data", data.as_str()];
    let mut lizi = Lizi::spawn(&scratch.0, &serve, &[("LIZI_TOKEN", TOKEN)]);
    let port = lizi.port();

    // Eight senders; each text is noted once its send is answered.
    let answered = Arc::new(Mutex::new(Vec::<String>::new()));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let senders: Vec<_> = (0..8)
        .map(|sender| {
            let (answered, stopping) = (answered.clone(), stopping.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                let mut n = 0;
                while !*stopping.borrow() {
                    let text = format!("burst {sender}-{n}");
                    if send(&client, port, TOKEN, &text).await {
                        answered.lock().unwrap().push(text);
                    }
                    n += 1;
                }
            })
        })
        .collect();
    while answered.lock().unwrap().len() < 300 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // Without the API's token the running lizi refuses, and no file is left.
    let refused = scratch.path("refused.db");
    let output = backup(
        &scratch.0,
        &[refused.to_str().unwrap(), "--data", &data],
        &[],
    )
    .await;
    assert!(!output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("403"), "{}", text(&output));
    assert!(!refused.exists());

    // The endpoint `lizi backup` calls, asked at once after noting what was answered.
    // (Whether the copy waits for the journal's records to reach the database is tested
    // in lizi-store's `backup` tests, where the database's lag can be caught; here the
    // request takes longer to arrive than the database lags behind.)
    let endpoint_copy = scratch.path("endpoint.db");
    let answered_before_endpoint: Vec<String> = answered.lock().unwrap().clone();
    let response = reqwest::Client::new()
        .post(format!("http://127.0.0.1:{port}/lizi/backup"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("backup");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/vnd.sqlite3"
    );
    std::fs::write(&endpoint_copy, response.bytes().await.expect("the copy")).unwrap();

    let copy = scratch.path("copy.db");
    let before: Vec<String> = answered.lock().unwrap().clone();
    let output = backup(
        &scratch.0,
        &[copy.to_str().unwrap(), "--data", &data],
        &[("LIZI_TOKEN", TOKEN)],
    )
    .await;
    let after = answered.lock().unwrap().len();
    let _ = stop.send(true);
    for sender in senders {
        sender.await.expect("sender");
    }
    let all: Vec<String> = answered.lock().unwrap().clone();
    assert!(output.status.success(), "{}", text(&output));
    let said = text(&output);
    assert!(said.contains("running lizi"), "{said}");
    assert!(said.contains("integrity check ok"), "{said}");
    assert!(
        after > before.len(),
        "the burst went on during the backup ({} then {after})",
        before.len()
    );
    assert_eq!(integrity(&copy), "ok");
    lizi.terminate();

    assert_eq!(integrity(&endpoint_copy), "ok");
    let texts = texts_in(&scratch, &endpoint_copy, TOKEN).await;
    let lacking = missing(&answered_before_endpoint, &texts);
    assert!(
        lacking.is_empty(),
        "{} of {} answered messages are not in the endpoint's copy, such as {:?}",
        lacking.len(),
        answered_before_endpoint.len(),
        &lacking[..lacking.len().min(5)]
    );

    // Restoring is starting lizi on the copy.
    let texts = texts_in(&scratch, &copy, TOKEN).await;
    let lacking = missing(&before, &texts);
    assert!(
        lacking.is_empty(),
        "{} of {} answered messages are not in the copy, such as {:?}",
        lacking.len(),
        before.len(),
        &lacking[..lacking.len().min(5)]
    );

    // A stopped lizi's folder: copied here, with everything the burst wrote.
    let stopped_copy = scratch.path("stopped.db");
    let output = backup(
        &scratch.0,
        &[stopped_copy.to_str().unwrap(), "--data", &data],
        &[],
    )
    .await;
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("stopped"), "{}", text(&output));
    assert_eq!(integrity(&stopped_copy), "ok");
    let texts = texts_in(&scratch, &stopped_copy, TOKEN).await;
    assert_eq!(missing(&all, &texts).len(), 0, "every answered message");

    // An existing file is never overwritten.
    let output = backup(
        &scratch.0,
        &[stopped_copy.to_str().unwrap(), "--data", &data],
        &[],
    )
    .await;
    assert!(!output.status.success());
    assert!(text(&output).contains("exists"), "{}", text(&output));
}

#[tokio::test]
async fn a_folder_without_data_is_refused_and_left_alone() {
    let scratch = Scratch::new("backup-empty");
    let data = scratch.data();
    let copy = scratch.path("copy.db");
    let output = backup(&scratch.0, &[copy.to_str().unwrap(), "--data", &data], &[]).await;
    assert!(!output.status.success());
    assert!(
        text(&output).contains("holds no lizi data"),
        "{}",
        text(&output)
    );
    assert!(!Path::new(&data).exists(), "the folder is not created");
    assert!(!copy.exists());
}
