//! The console records a conversation as a test: in a real headless Chromium, a person
//! chats with the example bot, records, saves the file the page downloads, and `lizi
//! test` runs it with the same bot (it passes) and with the bot changed (it fails, the
//! report showing the recorded and the new answer).

#[path = "console/browser.rs"]
mod browser;
mod common;

use std::time::{Duration, Instant};

use browser::Browser;
use common::scenario_run::{lizi_test, root, BotProcess, XLZ_BOT};
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
    let deadline = Instant::now() + Duration::from_secs(30);
    while !bot.said_ready() {
        assert!(Instant::now() < deadline, "the bot: {}", bot.output());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    browser
        .client
        .goto(&server.url("/console?as=user:20001&chat=group:30001&lang=en"))
        .await
        .expect("open the console");
    browser
        .until(
            10,
            "the group to open",
            "return document.querySelector('#chat-title').textContent.includes('30001') \
             && !document.querySelector('#input').disabled",
        )
        .await;
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
    let deadline = Instant::now() + Duration::from_secs(20);
    while !saved.is_file() {
        assert!(Instant::now() < deadline, "the file was never downloaded");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Chromium writes the file under another name first, then renames it.
    let text = std::fs::read_to_string(&saved).expect("the downloaded file");
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
    let run = lizi_test(&[&file, "--bot", XLZ_BOT], Duration::from_secs(120));
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    let source = std::fs::read_to_string(root().join("examples/xlz_echo_bot.py")).expect("bot");
    let changed = scratch.write("changed_bot.py", &source.replace("\"pong\"", "\"PONG\""));
    let run = lizi_test(
        &[&file, "--bot", &format!("python3 {changed}")],
        Duration::from_secs(120),
    );
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("expected: the bot says \"pong\" in group 30001"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("what happened: the bot said \"PONG\" in group 30001"),
        "{}",
        run.stdout
    );
    assert_eq!(browser.errors().await, json!([]));
}
