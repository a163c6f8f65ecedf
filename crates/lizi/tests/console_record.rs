//! The console records a conversation as a test: in a real headless Chromium, a person
//! chats with the example bot, records, saves the file the page downloads, and `lizi
//! test` runs it with the same bot (it passes) and with the bot changed (it fails, the
//! report showing the recorded and the new answer).

#[path = "console/browser.rs"]
mod browser;
mod common;

use std::time::{Duration, Instant};

use browser::Browser;
use common::scenario_run::{changed_bot, replays_and_catches_the_change, BotProcess, XLZ_BOT};
use common::{python_available, Scratch, Server};
use fantoccini::key::Key;
use serde_json::json;

/// Types `text` and Enter into the composer, then waits until the chat shows `answer`.
async fn say_and_see(browser: &Browser, text: &str, answer: &str) {
    browser.click("#input").await;
    browser.type_into("#input", text).await;
    browser.type_into("#input", &Key::Enter.to_string()).await;
    browser
        .until(
            10,
            answer,
            &format!(
                "return [...document.querySelectorAll('#messages .msg')].some(m => m.textContent.includes({}))",
                json!(answer)
            ),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_conversation_in_the_console_is_recorded_saved_and_replayed() {
    if !python_available(false) {
        return;
    }
    let server = Server::start().await;
    let Some(browser) = Browser::start("record", 1280, 800).await else {
        return;
    };
    let scratch = Scratch::new("console-record");
    let bot = BotProcess::start(
        XLZ_BOT,
        &[
            ("LIZI_URL", server.base.clone()),
            ("LIZI_ACCOUNT", "10001".into()),
        ],
        scratch.path("bot.log"),
    );
    bot.wait_ready().await;
    browser
        .client
        .goto(&server.url("/console?as=user:20001&chat=group:30001&lang=en"))
        .await
        .expect("open the console");
    browser.group_chat_opens(30001).await;
    assert_eq!(
        browser
            .run(
                "return document.querySelector('#record-state').hidden",
                vec![]
            )
            .await,
        true,
        "no recording runs yet"
    );
    browser.click("#record").await;
    browser
        .until(
            10,
            "the recording indicator",
            "return !document.querySelector('#record-state').hidden \
             && document.querySelector('#record').textContent === 'Stop recording'",
        )
        .await;
    browser.shot("01-recording").await;
    say_and_see(&browser, "ping", "pong").await;
    say_and_see(&browser, "hello", "hi @").await;
    say_and_see(&browser, "just chatting", "just chatting").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    browser
        .until(
            10,
            "the steps counted",
            "const shown = document.querySelector('#record-state').textContent.match(/(\\d+) steps/); \
             return shown && Number(shown[1]) >= 5",
        )
        .await;
    browser.click("#record").await;
    browser
        .until(
            10,
            "the save button",
            "return !document.querySelector('#record-save').hidden \
             && document.querySelector('#record-state').hidden",
        )
        .await;
    browser.shot("02-recorded").await;
    browser.click("#record-save").await;
    let saved = browser.downloads().join("recorded.toml");
    // Chromium may put an empty file in place before it writes the download under another
    // name and renames it over: the file is read once it has content and nothing is left
    // in progress beside it.
    let deadline = Instant::now() + Duration::from_secs(20);
    let text = loop {
        let in_progress = std::fs::read_dir(browser.downloads())
            .map(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"))
            })
            .unwrap_or(false);
        match std::fs::read_to_string(&saved) {
            Ok(text) if !text.is_empty() && !in_progress => break text,
            _ => {}
        }
        assert!(Instant::now() < deadline, "the file was never downloaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    for piece in [
        "say = \"ping\"",
        "text = \"pong\"",
        "text = \"hi [@20001]\"",
        "expect_silence = ",
    ] {
        assert!(text.contains(piece), "{piece} is not in\n{text}");
    }
    drop(bot);
    let file = scratch.write("recorded.toml", &text);
    let changed = changed_bot(&scratch.0, "examples/xlz_echo_bot.py");
    replays_and_catches_the_change(&file, XLZ_BOT, &changed);
    assert_eq!(browser.errors().await, json!([]));
}
