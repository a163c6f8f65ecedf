//! The measured scenarios (see BENCHMARKS.md).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
use futures_util::StreamExt;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use crate::load::{self, percentile};
use crate::server::{world_file, Lizi};
use crate::{Bench, Figure};

type Scenario =
    for<'a> fn(&'a Bench) -> Pin<Box<dyn Future<Output = anyhow::Result<Vec<Figure>>> + 'a>>;

/// Every scenario, in report order.
pub const ALL: &[(&str, Scenario)] = &[
    ("throughput", |b| Box::pin(send_throughput(b))),
    ("flush", |b| Box::pin(flush_policies(b))),
    ("fanout", |b| Box::pin(fan_out(b))),
    ("drain", |b| Box::pin(drain(b))),
    ("memory", |b| Box::pin(memory(b))),
    ("latency", |b| Box::pin(event_latency(b))),
];

/// A figure with a target.
fn judged(name: &str, value: String, target: &str, met: bool) -> Figure {
    Figure {
        name: name.into(),
        value,
        target: target.into(),
        met: Some(met),
    }
}

fn ratio(name: &str, value: f64, target: &str, met: bool) -> Figure {
    judged(name, format!("{value:.2}"), target, met)
}

fn info(name: &str, value: String) -> Figure {
    Figure {
        name: name.into(),
        value,
        target: String::new(),
        met: None,
    }
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    body: &str,
) -> anyhow::Result<String> {
    let response = client
        .post(format!("{base}{path}"))
        .body(body.to_owned())
        .send()
        .await?;
    ensure!(response.status() == 200, "{path}: {}", response.status());
    Ok(response.text().await?)
}

async fn sessions(base: &str, n: usize) -> anyhow::Result<Vec<u64>> {
    let client = reqwest::Client::new();
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        let answer: Value = serde_json::from_str(&post(&client, base, "/allocsession", "").await?)?;
        ids.push(answer["session_id"].as_u64().context("session id")?);
    }
    Ok(ids)
}

fn group_send(i: u64) -> (String, String) {
    (
        "/sendgroupmsg".into(),
        format!("fromqq=10001&togroup=40001&text=bench+message+{i}"),
    )
}

/// Send load against a trivial endpoint of the same server, durable defaults.
async fn send_throughput(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = world_file(&bench.dir, 50, 1)?;
    let lizi = Lizi::start(&bench.binary, &world, &[])?;
    sessions(&lizi.base, 10).await?;
    load::run(
        &lizi.base,
        bench.connections,
        Duration::from_millis(500),
        group_send,
    )
    .await;
    // Twice each, interleaved; the better run of each counts.
    let mut trivial: Option<load::LoadResult> = None;
    let mut sends: Option<load::LoadResult> = None;
    for _round in 0..2 {
        let t = load::run(&lizi.base, bench.connections, bench.phase, |_| {
            ("/getlogonqq".into(), String::new())
        })
        .await;
        let s = load::run(&lizi.base, bench.connections, bench.phase, group_send).await;
        ensure!(
            s.errors == 0 && t.errors == 0,
            "errors: {} sends, {} trivial",
            s.errors,
            t.errors
        );
        if trivial.as_ref().is_none_or(|best| t.rps() > best.rps()) {
            trivial = Some(t);
        }
        if sends.as_ref().is_none_or(|best| s.rps() > best.rps()) {
            sends = Some(s);
        }
    }
    let (Some(trivial), Some(sends)) = (trivial, sends) else {
        anyhow::bail!("no measurement");
    };
    let r = sends.rps() / trivial.rps();
    Ok(vec![
        info(
            "/getlogonqq, 64 connections",
            format!("{:.0} req/s", trivial.rps()),
        ),
        info(
            "/sendgroupmsg to 50 members, 10 sessions, flush=full",
            format!("{:.0} req/s", sends.rps()),
        ),
        ratio("send throughput / trivial endpoint", r, ">= 0.5", r >= 0.5),
        info(
            "/sendgroupmsg p99 latency",
            format!("{:.2} ms", sends.percentile(99.0).as_secs_f64() * 1e3),
        ),
        info(
            "/getlogonqq p99 latency",
            format!("{:.2} ms", trivial.percentile(99.0).as_secs_f64() * 1e3),
        ),
    ])
}

/// Send throughput with `full` and `normal` flushing against the in-memory build.
async fn flush_policies(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = world_file(&bench.dir, 50, 1)?;
    let mut rates = Vec::new();
    for flush in ["memory", "normal", "full"] {
        let lizi = Lizi::start(&bench.binary, &world, &["--flush", flush])?;
        sessions(&lizi.base, 10).await?;
        load::run(
            &lizi.base,
            bench.connections,
            Duration::from_millis(500),
            group_send,
        )
        .await;
        let sends = load::run(&lizi.base, bench.connections, bench.phase, group_send).await;
        ensure!(sends.errors == 0, "{flush}: {} errors", sends.errors);
        rates.push(sends.rps());
    }
    Ok(vec![
        info("sends, flush=memory", format!("{:.0} req/s", rates[0])),
        info(
            "sends flush=normal / flush=memory",
            format!("{:.2}", rates[1] / rates[0]),
        ),
        info(
            "sends flush=full / flush=memory",
            format!("{:.2}", rates[2] / rates[0]),
        ),
    ])
}

/// Cost per event with 1, 100 and 1,000 live sessions: three servers, measured in turn,
/// twice; the better round of each counts, so a noisy moment does not decide the ratio.
async fn fan_out(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = world_file(&bench.dir, 50, 1)?;
    let counts = [1usize, 100, 1000];
    let mut servers = Vec::new();
    for n in counts {
        let lizi = Lizi::start(&bench.binary, &world, &[])?;
        sessions(&lizi.base, n).await?;
        servers.push(lizi);
    }
    let mut best = [0.0f64; 3];
    for _round in 0..2 {
        for (i, lizi) in servers.iter().enumerate() {
            load::run(
                &lizi.base,
                bench.connections,
                Duration::from_millis(300),
                group_send,
            )
            .await;
            let sends = load::run(&lizi.base, bench.connections, bench.phase, group_send).await;
            ensure!(
                sends.errors == 0,
                "{} sessions: {} errors",
                counts[i],
                sends.errors
            );
            best[i] = best[i].max(sends.rps());
        }
    }
    let costs: Vec<f64> = best.iter().map(|rps| 1e6 / rps).collect();
    let r100 = costs[1] / costs[0];
    let r1000 = costs[2] / costs[0];
    Ok(vec![
        info("cost per event, 1 session", format!("{:.1} us", costs[0])),
        ratio(
            "cost per event, 100 / 1 sessions",
            r100,
            "<= 1.2",
            r100 <= 1.2,
        ),
        ratio(
            "cost per event, 1000 / 1 sessions",
            r1000,
            "<= 1.2",
            r1000 <= 1.2,
        ),
    ])
}

/// Makes `events` events: group messages seen by each of the world's 10 accounts.
async fn make_events(bench: &Bench, base: &str, events: u64) -> anyhow::Result<()> {
    let sends = events / 10;
    let next = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let tasks: Vec<_> = (0..bench.connections)
        .map(|_| {
            let (base, next) = (base.to_owned(), next.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= sends {
                        return Ok::<_, anyhow::Error>(());
                    }
                    let (path, body) = group_send(i);
                    post(&client, &base, &path, &body).await?;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(())
}

/// `/geteventv2` and `/getevent` each taking 100,000 pending events.
async fn drain(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    const EVENTS: u64 = 100_000;
    let world = world_file(&bench.dir, 50, 10)?;
    let lizi = Lizi::start(&bench.binary, &world, &[])?;
    let ids = sessions(&lizi.base, 4).await?;
    make_events(bench, &lizi.base, EVENTS).await?;
    let client = reqwest::Client::new();
    let mut rates: Vec<(&str, f64)> = Vec::new();
    // Each form twice, interleaved, on its own session; the better of the two counts.
    let takes = [
        ("/getevent", ids[0]),
        ("/geteventv2", ids[1]),
        ("/getevent", ids[2]),
        ("/geteventv2", ids[3]),
    ];
    for (path, id) in takes {
        let start = Instant::now();
        let body = post(&client, &lizi.base, path, &format!("sessid={id}")).await?;
        let seconds = start.elapsed().as_secs_f64();
        let count = if path == "/getevent" {
            body.matches('\n').count() as u64
        } else {
            serde_json::from_str::<Value>(&body)?["events"]
                .as_array()
                .map_or(0, |e| e.len() as u64)
        };
        ensure!(count == EVENTS, "{path} gave {count} events");
        rates.push((path, count as f64 / seconds));
        if std::env::var_os("LIZI_BENCH_VERBOSE").is_some() {
            println!("    {path}: {:.0} events/s", count as f64 / seconds);
        }
    }
    Ok(["/geteventv2", "/getevent"]
        .into_iter()
        .map(|path| {
            let rate = rates
                .iter()
                .filter(|(p, _)| *p == path)
                .map(|(_, r)| *r)
                .fold(0.0, f64::max);
            judged(
                &format!("{path} taking 100,000 pending events"),
                format!("{rate:.0} events/s"),
                ">= 500000",
                rate >= 500_000.0,
            )
        })
        .collect())
}

/// Resident memory idle, and with 1,000 sessions 100,000 events behind against one.
async fn memory(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    const EVENTS: u64 = 100_000;
    let world = world_file(&bench.dir, 50, 10)?;
    let idle = Lizi::start(&bench.binary, &world, &[])?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle_rss = idle.rss()? as f64 / 1048576.0;
    drop(idle);
    let mut rss = Vec::new();
    for n in [1, 1000] {
        let lizi = Lizi::start(&bench.binary, &world, &[])?;
        sessions(&lizi.base, n).await?;
        make_events(bench, &lizi.base, EVENTS).await?;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        rss.push(lizi.rss()? as f64 / 1048576.0);
    }
    let r = rss[1] / rss[0];
    Ok(vec![
        judged(
            "resident memory, idle",
            format!("{idle_rss:.1} MB"),
            "<= 30 MB",
            idle_rss <= 30.0,
        ),
        info(
            "resident memory, 1 session 100,000 behind",
            format!("{:.1} MB", rss[0]),
        ),
        info(
            "resident memory, 1000 sessions 100,000 behind",
            format!("{:.1} MB", rss[1]),
        ),
        ratio(
            "memory, 1000 sessions / 1 session (100,000 behind)",
            r,
            "<= 1.5",
            r <= 1.5,
        ),
    ])
}

/// From a control-API send to the `NewEvent` frame and the `/ws` frame, under send load.
async fn event_latency(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = world_file(&bench.dir, 50, 1)?;
    let lizi = Lizi::start(&bench.binary, &world, &[])?;
    sessions(&lizi.base, 10).await?;
    let ws_url = format!("ws://127.0.0.1:{}", lizi.port);
    let (nudges, _) = tokio_tungstenite::connect_async(format!("{ws_url}/")).await?;
    let (stream, _) = tokio_tungstenite::connect_async(format!("{ws_url}/ws")).await?;
    // Both streams start at the same position: frame k of `/` is event `first + k`.
    let first = Arc::new(Mutex::new(None::<u64>));
    let nudge_times = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let probe_seen = Arc::new(Mutex::new(Vec::<(u64, u64, Instant)>::new())); // (probe, seq, at)
    let nudge_task = {
        let times = nudge_times.clone();
        tokio::spawn(async move {
            let (_, mut read) = nudges.split();
            while let Some(Ok(message)) = read.next().await {
                if message == Message::Text("NewEvent".into()) {
                    times.lock().unwrap().push(Instant::now());
                }
            }
        })
    };
    let stream_task = {
        let (first, seen) = (first.clone(), probe_seen.clone());
        tokio::spawn(async move {
            let (_, mut read) = stream.split();
            while let Some(Ok(Message::Text(text))) = read.next().await {
                let at = Instant::now();
                let Ok(event) = serde_json::from_str::<Value>(&text) else {
                    continue;
                };
                let seq = event["LiziSeq"].as_u64().unwrap_or(0);
                first.lock().unwrap().get_or_insert(seq);
                if let Some(probe) = event["Msg"]["Text"]
                    .as_str()
                    .and_then(|t| t.strip_prefix("probe-"))
                {
                    if let Ok(probe) = probe.parse() {
                        seen.lock().unwrap().push((probe, seq, at));
                    }
                }
            }
        })
    };
    let load = tokio::spawn({
        let base = lizi.base.clone();
        let (connections, phase) = (bench.connections, bench.phase);
        async move { load::run(&base, connections, phase, group_send).await }
    });
    let client = reqwest::Client::new();
    let mut sent = Vec::new();
    let deadline = Instant::now() + bench.phase - Duration::from_millis(300);
    let mut probe = 0u64;
    tokio::time::sleep(Duration::from_millis(200)).await;
    while Instant::now() < deadline {
        let body =
            serde_json::json!({"from": 20001, "to": 10001, "text": format!("probe-{probe}")})
                .to_string();
        sent.push(Instant::now());
        let response = client
            .post(format!("{}/sim/message", lizi.base))
            .body(body)
            .send()
            .await?;
        ensure!(response.status() == 200, "probe: {}", response.status());
        probe += 1;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sends = load.await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    nudge_task.abort();
    stream_task.abort();
    let first = first.lock().unwrap().context("no event arrived on /ws")?;
    let nudge_times = nudge_times.lock().unwrap().clone();
    let mut to_stream = Vec::new();
    let mut to_nudge = Vec::new();
    for (probe, seq, at) in probe_seen.lock().unwrap().iter() {
        let Some(sent) = sent.get(*probe as usize) else {
            continue;
        };
        to_stream.push(at.duration_since(*sent));
        if let Some(nudged) = nudge_times.get((seq - first) as usize) {
            to_nudge.push(nudged.saturating_duration_since(*sent));
        }
    }
    ensure!(
        to_stream.len() as u64 == probe,
        "{} of {probe} probes arrived on /ws",
        to_stream.len()
    );
    to_stream.sort_unstable();
    to_nudge.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (p99_nudge, p99_stream) = (
        ms(percentile(&to_nudge, 99.0)),
        ms(percentile(&to_stream, 99.0)),
    );
    Ok(vec![
        info(
            "background load during the probes",
            format!("{:.0} sends/s", sends.rps()),
        ),
        info(
            "send -> NewEvent frame, p50",
            format!("{:.2} ms", ms(percentile(&to_nudge, 50.0))),
        ),
        judged(
            "send -> NewEvent frame, p99",
            format!("{p99_nudge:.2} ms"),
            "< 5 ms",
            p99_nudge < 5.0,
        ),
        info(
            "send -> /ws frame, p50",
            format!("{:.2} ms", ms(percentile(&to_stream, 50.0))),
        ),
        judged(
            "send -> /ws frame, p99",
            format!("{p99_stream:.2} ms"),
            "< 5 ms",
            p99_stream < 5.0,
        ),
    ])
}
