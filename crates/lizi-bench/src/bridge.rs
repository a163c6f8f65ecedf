//! The bridge scenario: lizi A runs the `onebot` backend, lizi B runs the simulated network
//! and plays the implementation, dialling A by reverse WebSocket as NapCat does (as the
//! bridge tests pair them). The bench is a client of both: it makes B's users talk, reads
//! A's `/ws` and B's own OneBot forward WebSocket, and sends through A's XLZ API.
//!
//! - Events per second from the implementation to an XLZ client: B's users send group
//!   messages as fast as 64 connections can; each is an event for each of B's
//!   [`ACCOUNTS`] accounts, each carried to A on that account's own connection; what counts
//!   is what arrives on A's `/ws`.
//! - The latency the bridge adds: a probe message every 2 ms, with nothing else going on;
//!   for each, the moment its OneBot frame arrives on a forward WebSocket of B (the frame
//!   B sends A at the same time) and the moment its XLZ frame arrives on A's `/ws`.
//! - Sends per second through the bridge, pacing off: `/sendgroupmsg` on A from each of the
//!   accounts in turn, carried out by B as a `send_group_msg` action.
//!
//! B keeps nothing on disk (`--flush memory`), as an implementation does not make each
//! message durable before it answers: what is measured is A, the bridge. (lizi's OneBot
//! face answers one connection's actions one at a time; durable, each would wait for a
//! flush of B's journal, and B, not the bridge, would set the rate.)
//! - Memory per connected idle account: a fresh A before and after a B with 100 accounts
//!   has connected them all.

use std::ffi::OsString;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use serde_json::{json, Value};

use crate::load::{self, percentile};
use crate::scenarios::{info, judged, read_frames};
use crate::server::{world_file, Lizi};
use crate::{Bench, Figure};

const MB: f64 = 1048576.0;

/// B's framework accounts in the traffic measurements, each on its own connection to A.
const ACCOUNTS: u64 = 10;

/// lizi A, the bridge, and the address implementations dial.
fn start_bridge(bench: &Bench) -> anyhow::Result<(Lizi, String)> {
    let args: Vec<OsString> = [
        "--backend",
        "onebot",
        "--onebot-accept",
        "127.0.0.1:0",
        "--bridge-account-rate",
        "0",
        "--bridge-group-rate",
        "0",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    const MARK: &str = "accepting implementations on ws://";
    let (lizi, lines) = Lizi::launch(&bench.binary, &args, Lizi::scratch()?, &[MARK])?;
    let accept = lines[0]
        .split(MARK)
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .context("no accept address")?
        .to_owned();
    Ok((lizi, accept))
}

/// lizi B on `world`, dialling A at `accept` as NapCat; answers it and the address of
/// its own OneBot listener.
fn start_implementation(
    bench: &Bench,
    world: &Path,
    accept: &str,
) -> anyhow::Result<(Lizi, String)> {
    let mut args: Vec<OsString> = vec!["--world".into(), world.into()];
    args.extend(
        [
            "--onebot-reverse-url",
            &format!("ws://{accept}/onebot/v11/ws"),
            "--onebot-profile",
            "napcat",
            "--onebot-reconnect-ms",
            "100",
            "--onebot-listen",
            "127.0.0.1:0",
            "--flush",
            "memory",
        ]
        .iter()
        .map(OsString::from),
    );
    const MARK: &str = "onebot HTTP API listening on ";
    let (lizi, lines) = Lizi::launch(&bench.binary, &args, Lizi::scratch()?, &[MARK])?;
    let listen = lines[0]
        .split(MARK)
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .context("no OneBot address")?;
    Ok((lizi, listen))
}

/// Waits until `bridge` shows `accounts` accounts online (`/getlogonqq`).
pub(crate) async fn wait_online(bridge: &Lizi, accounts: usize) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answer: Value = serde_json::from_str(
            &client
                .post(format!("{}/getlogonqq", bridge.base))
                .send()
                .await?
                .text()
                .await?,
        )?;
        let list: Value = answer["ret"]
            .as_str()
            .and_then(|ret| serde_json::from_str(ret).ok())
            .unwrap_or(Value::Null);
        let online = list["QQlist"].as_object().map_or(0, |all| {
            all.values().filter(|a| a["登录状态"] == "在线").count()
        });
        if online >= accounts {
            return Ok(());
        }
        ensure!(
            Instant::now() < deadline,
            "{online} of {accounts} accounts online on the bridge"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A `/sim/message` from a user of B to the group: an event for each of B's accounts.
fn user_message(i: u64) -> (String, String) {
    let body = json!({"from": 20001, "group": 40001, "text": format!("load {i}")});
    ("/sim/message".into(), body.to_string())
}

/// The number after `probe-` in a frame, if it has one.
fn probe_number(text: &str) -> Option<u64> {
    let at = text.find("probe-")? + "probe-".len();
    let digits: String = text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Every figure of the scenario.
pub async fn bridge(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let mut figures = traffic(bench).await?;
    figures.extend(idle_accounts(bench).await?);
    Ok(figures)
}

/// Events per second, the latency added, and sends per second, on one pair.
async fn traffic(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let (bridge, accept) = start_bridge(bench)?;
    let world = world_file(&bench.dir, 50, ACCOUNTS as usize)?;
    let (implementation, onebot) = start_implementation(bench, &world, &accept)?;
    wait_online(&bridge, ACCOUNTS as usize).await?;

    let stop = Arc::new(AtomicBool::new(false));
    // A's `/ws`: every frame's arrival, and the probes' (those of account 10001).
    let xlz = read_frames(
        format!("ws://127.0.0.1:{}/ws", bridge.port),
        stop.clone(),
        |text, at| {
            let probe = (text.contains("\"LogonQQ\":10001") && text.contains("probe-"))
                .then(|| probe_number(text))
                .flatten();
            Some((probe, at))
        },
    )?;
    // B's frames of account 10001, as B sends them to A.
    let sent = read_frames(
        format!("ws://{onebot}/event?self_id=10001"),
        stop.clone(),
        |text, at| Some((probe_number(text)?, at)),
    )?;

    // The latency added, with nothing else going on.
    let client = reqwest::Client::new();
    let deadline = Instant::now() + bench.phase;
    let mut probes = 0u64;
    while Instant::now() < deadline {
        let body = json!({"from": 20001, "group": 40001, "text": format!("probe-{probes}")});
        let answer = client
            .post(format!("{}/sim/message", implementation.base))
            .body(body.to_string())
            .send()
            .await?;
        ensure!(answer.status() == 200, "probe: {}", answer.status());
        probes += 1;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // Events per second, with B's users talking as fast as they can.
    let loaded_from = Instant::now();
    let load = load::run(
        &implementation.base,
        bench.connections,
        bench.phase,
        user_message,
    )
    .await;
    let loaded_until = Instant::now();
    ensure!(load.errors == 0, "{} failed messages on B", load.errors);
    tokio::time::sleep(Duration::from_millis(1000)).await;

    // Sends through the bridge, pacing off.
    let sends = load::run(&bridge.base, bench.connections, bench.phase, |i| {
        let account = 10001 + i % ACCOUNTS;
        (
            "/sendgroupmsg".into(),
            format!("fromqq={account}&togroup=40001&text=through+the+bridge+{i}"),
        )
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    let join = |e| anyhow::anyhow!("a websocket reader panicked: {e:?}");
    let frames = xlz.join().map_err(join)?;
    let sent = sent.join().map_err(join)?;

    let mut sent_at = vec![None; probes as usize];
    for (probe, at) in sent {
        if let Some(slot) = sent_at.get_mut(probe as usize) {
            slot.get_or_insert(at);
        }
    }
    let mut added: Vec<Duration> = Vec::new();
    let mut early = 0u64;
    for (probe, at) in &frames {
        let Some(Some(sent)) = probe.and_then(|p| sent_at.get(p as usize)) else {
            continue;
        };
        match at.checked_duration_since(*sent) {
            Some(delay) => added.push(delay),
            None => {
                early += 1;
                added.push(Duration::ZERO);
            }
        }
    }
    ensure!(
        added.len() as u64 == probes,
        "{} of {probes} probes were seen on both sides",
        added.len()
    );
    added.sort_unstable();
    // Arrivals on A while B was loaded, the first half second left out (the pipeline fills).
    let window = (loaded_from + Duration::from_millis(500), loaded_until);
    let arrived = frames
        .iter()
        .filter(|(_, at)| *at >= window.0 && *at < window.1)
        .count();
    let rate = arrived as f64 / (window.1 - window.0).as_secs_f64();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p99 = ms(percentile(&added, 99.0));
    if std::env::var_os("LIZI_BENCH_VERBOSE").is_some() {
        println!("    probes whose XLZ frame came before B's own frame to the bench: {early}");
    }
    Ok(vec![
        info(
            &format!("bridge: B's messages, each an event for {ACCOUNTS} accounts"),
            format!("{:.0} messages/s", load.rps()),
        ),
        judged(
            "bridge: events/s implementation -> XLZ /ws",
            format!("{rate:.0} events/s"),
            ">= 20000",
            rate >= 20_000.0,
        ),
        info(
            "bridge: latency added, implementation frame -> /ws, p50",
            format!("{:.2} ms", ms(percentile(&added, 50.0))),
        ),
        judged(
            "bridge: latency added, p99",
            format!("{p99:.2} ms"),
            "<= 3 ms",
            p99 <= 3.0,
        ),
        info(
            "bridge: /sendgroupmsg through the bridge, pacing off",
            format!("{:.0} req/s ({} errors)", sends.rps(), sends.errors),
        ),
    ])
}

/// Resident memory per connected idle account: A before, and once a B of 100 accounts has
/// connected them all.
async fn idle_accounts(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    const IDLE: usize = 100;
    let (bridge, accept) = start_bridge(bench)?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = bridge.rss()? as f64;
    let world = world_file(&bench.dir, 150, IDLE)?;
    let (_implementation, _) = start_implementation(bench, &world, &accept)?;
    wait_online(&bridge, IDLE).await?;
    tokio::time::sleep(Duration::from_millis(2000)).await;
    let after = bridge.rss()? as f64;
    let per_account = (after - before) / IDLE as f64 / 1024.0;
    Ok(vec![
        info(
            "bridge: resident memory, no account / 100 idle accounts",
            format!("{:.1} / {:.1} MB", before / MB, after / MB),
        ),
        judged(
            "bridge: resident memory per connected idle account",
            format!("{per_account:.0} KB"),
            "<= 200 KB",
            per_account <= 200.0,
        ),
    ])
}
