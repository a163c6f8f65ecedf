//! The measured scenarios (see BENCHMARKS.md).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context};
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
    ("params", |b| Box::pin(crate::params::many_keys(b))),
    ("history", |b| Box::pin(crate::history::history(b))),
    ("world", |b| Box::pin(crate::big_world::large_world(b))),
    ("oversized", |b| Box::pin(crate::big_world::oversized(b))),
    ("bridge", |b| Box::pin(crate::bridge::bridge(b))),
    ("bridge-memory", |b| {
        Box::pin(crate::bridge_memory::bridge_memory(b))
    }),
    ("instructions", |b| {
        Box::pin(crate::instructions::instructions(b))
    }),
];

/// A figure with a target.
pub(crate) fn judged(name: &str, value: String, target: &str, met: bool) -> Figure {
    Figure {
        name: name.into(),
        value,
        target: target.into(),
        met: Some(met),
    }
}

pub(crate) fn ratio(name: &str, value: f64, target: &str, met: bool) -> Figure {
    judged(name, format!("{value:.2}"), target, met)
}

/// A figure without a target.
pub(crate) fn info(name: &str, value: String) -> Figure {
    Figure {
        name: name.into(),
        value,
        target: String::new(),
        met: None,
    }
}

pub(crate) async fn post(
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

pub(crate) async fn sessions(base: &str, n: usize) -> anyhow::Result<Vec<u64>> {
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
    let mut cpu_trivial = Duration::ZERO;
    let mut cpu_send = Duration::ZERO;
    for _round in 0..2 {
        let (t, cpu) = with_cpu(&lizi, || {
            load::run(&lizi.base, bench.connections, bench.phase, |_| {
                ("/getlogonqq".into(), String::new())
            })
        })
        .await?;
        if trivial.as_ref().is_none_or(|best| t.rps() > best.rps()) {
            cpu_trivial = cpu;
        }
        let (s, cpu) = with_cpu(&lizi, || {
            load::run(&lizi.base, bench.connections, bench.phase, group_send)
        })
        .await?;
        if sends.as_ref().is_none_or(|best| s.rps() > best.rps()) {
            cpu_send = cpu;
        }
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
    let cpu_ratio = cpu_send.as_secs_f64() / cpu_trivial.as_secs_f64().max(1e-9);
    Ok(vec![
        info(
            "/getlogonqq, 64 connections",
            format!("{:.0} req/s", trivial.rps()),
        ),
        info(
            "/sendgroupmsg to 50 members, 10 sessions, flush=full",
            format!("{:.0} req/s", sends.rps()),
        ),
        ratio(
            "send throughput / trivial endpoint",
            r,
            ">= 0.65",
            r >= 0.65,
        ),
        info(
            "/sendgroupmsg p99 latency",
            format!("{:.2} ms", sends.percentile(99.0).as_secs_f64() * 1e3),
        ),
        info(
            "/getlogonqq p99 latency",
            format!("{:.2} ms", trivial.percentile(99.0).as_secs_f64() * 1e3),
        ),
        info(
            "lizi CPU per /getlogonqq",
            format!("{:.1} us", cpu_trivial.as_secs_f64() * 1e6),
        ),
        info(
            "lizi CPU per /sendgroupmsg",
            format!("{:.1} us", cpu_send.as_secs_f64() * 1e6),
        ),
        ratio(
            "lizi CPU per send / per trivial request",
            cpu_ratio,
            "<= 1.7",
            cpu_ratio <= 1.7,
        ),
    ])
}

/// The store's commit and committed-unit counters, from `/metrics`.
async fn commit_counts(lizi: &Lizi) -> anyhow::Result<(u64, u64)> {
    let text = reqwest::get(format!("{}/metrics", lizi.base))
        .await?
        .text()
        .await?;
    let counter = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok((
        counter("lizi_store_commits_total "),
        counter("lizi_store_committed_units_total "),
    ))
}

/// Runs a load phase and measures lizi's CPU time per answered request; with
/// `LIZI_BENCH_VERBOSE` set, prints the split by thread.
async fn with_cpu<F: Future<Output = load::LoadResult>>(
    lizi: &Lizi,
    phase: impl FnOnce() -> F,
) -> anyhow::Result<(load::LoadResult, Duration)> {
    let before = lizi.cpu_by_thread()?;
    let own_before = crate::server::own_cpu();
    let written = lizi.bytes_written()?;
    let commits = commit_counts(lizi).await?;
    let result = phase().await;
    let after = lizi.cpu_by_thread()?;
    let requests = result.ok.max(1) as u32;
    if std::env::var_os("LIZI_BENCH_VERBOSE").is_some() {
        let (commits_after, units_after) = commit_counts(lizi).await?;
        let commits_during = commits_after.saturating_sub(commits.0).max(1);
        println!(
            "    load generator: {:.1} us per request",
            (crate::server::own_cpu().saturating_sub(own_before) / requests).as_secs_f64() * 1e6
        );
        println!(
            "    {} bytes written per request; {} commits, {:.1} units each",
            lizi.bytes_written()?.saturating_sub(written) / requests as u64,
            commits_during,
            units_after.saturating_sub(commits.1) as f64 / commits_during as f64,
        );
    }
    let mut total = Duration::ZERO;
    for (name, used) in &after {
        let earlier = before
            .iter()
            .find(|(n, _)| n == name)
            .map_or(Duration::ZERO, |(_, t)| *t);
        let spent = used.saturating_sub(earlier);
        total += spent;
        if std::env::var_os("LIZI_BENCH_VERBOSE").is_some() {
            println!(
                "    {name}: {:.1} us per request",
                (spent / requests).as_secs_f64() * 1e6
            );
        }
    }
    Ok((result, total / requests))
}

/// Send throughput with `full` and `normal` flushing against the in-memory build.
async fn flush_policies(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = world_file(&bench.dir, 50, 1)?;
    let (mut rates, mut cpus) = (Vec::new(), Vec::new());
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
        let (sends, cpu) = with_cpu(&lizi, || {
            load::run(&lizi.base, bench.connections, bench.phase, group_send)
        })
        .await?;
        ensure!(sends.errors == 0, "{flush}: {} errors", sends.errors);
        rates.push(sends.rps());
        cpus.push(cpu);
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
        info(
            "lizi CPU per send, memory / normal / full",
            format!(
                "{:.1} / {:.1} / {:.1} us",
                cpus[0].as_secs_f64() * 1e6,
                cpus[1].as_secs_f64() * 1e6,
                cpus[2].as_secs_f64() * 1e6
            ),
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
///
/// The probes and both WebSocket readers run on a thread and runtime of their own, so what
/// is timed is lizi's delay, not the queue of the load generator's 64 tasks.
async fn event_latency(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = world_file(&bench.dir, 50, 1)?;
    let lizi = Lizi::start(&bench.binary, &world, &[])?;
    sessions(&lizi.base, 10).await?;
    let (ready, connected) = std::sync::mpsc::channel();
    let prober = {
        let (base, port, phase) = (lizi.base.clone(), lizi.port, bench.phase);
        std::thread::spawn(move || -> anyhow::Result<Probes> {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(probe(&base, port, phase, ready))
        })
    };
    // The load starts once both streams are open (or the prober gave up).
    let _ = connected.recv();
    let sends = load::run(&lizi.base, bench.connections, bench.phase, group_send).await;
    let probes = prober
        .join()
        .map_err(|_| anyhow::anyhow!("the probe thread panicked"))??;
    let (to_nudge, to_stream, to_answer) = (probes.to_nudge, probes.to_stream, probes.to_answer);
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
            "send -> answer (the message durable), p50 / p99",
            format!(
                "{:.2} / {:.2} ms",
                ms(percentile(&to_answer, 50.0)),
                ms(percentile(&to_answer, 99.0))
            ),
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

/// Sorted delays from each probe's send to its `NewEvent` frame and its `/ws` frame.
struct Probes {
    to_nudge: Vec<Duration>,
    to_stream: Vec<Duration>,
    /// From each probe's send to its answer, which comes once the message is durable.
    to_answer: Vec<Duration>,
}

/// A blocking WebSocket reader on its own thread that stamps each text frame as it arrives
/// and keeps what `keep` makes of it, until `stop` is set.
pub(crate) fn read_frames<T: Send + 'static>(
    url: String,
    stop: Arc<std::sync::atomic::AtomicBool>,
    keep: impl Fn(&str, Instant) -> Option<T> + Send + 'static,
) -> anyhow::Result<std::thread::JoinHandle<Vec<T>>> {
    use std::sync::atomic::Ordering;
    let address = url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .context("ws url")?
        .to_owned();
    let stream = std::net::TcpStream::connect(address)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_millis(100)))?;
    let (mut socket, _) = tokio_tungstenite::tungstenite::client::client(url, stream)
        .map_err(|e| anyhow::anyhow!("websocket handshake: {e}"))?;
    Ok(std::thread::spawn(move || {
        let mut kept = Vec::new();
        while !stop.load(Ordering::Relaxed) {
            match socket.read() {
                Ok(Message::Text(text)) => {
                    let at = Instant::now();
                    kept.extend(keep(text.as_str(), at));
                }
                Ok(_) => {}
                Err(tokio_tungstenite::tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => break,
            }
        }
        kept
    }))
}

/// Opens both streams, says so on `ready`, then sends a probe message through the control
/// API every 2 ms (enough probes for a steady p99) for most of `phase` and times the frames
/// that announce each one. Each stream is read by a blocking reader on its own thread.
async fn probe(
    base: &str,
    port: u16,
    phase: Duration,
    ready: std::sync::mpsc::Sender<()>,
) -> anyhow::Result<Probes> {
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ws_url = format!("ws://127.0.0.1:{port}");
    let nudges = read_frames(format!("{ws_url}/"), stop.clone(), |text, at| {
        (text == "NewEvent").then_some(at)
    })?;
    // (probe number or None, LiziSeq, arrival): the first frame and the probes.
    let first_seen = std::sync::atomic::AtomicBool::new(false);
    let stream = read_frames(format!("{ws_url}/ws"), stop.clone(), move |text, at| {
        use std::sync::atomic::Ordering;
        if first_seen.load(Ordering::Relaxed) && !text.contains("probe-") {
            return None;
        }
        first_seen.store(true, Ordering::Relaxed);
        let event = serde_json::from_str::<Value>(text).ok()?;
        let probe = event["Msg"]["Text"]
            .as_str()
            .and_then(|t| t.strip_prefix("probe-"))
            .and_then(|p| p.parse::<u64>().ok());
        Some((probe, event["LiziSeq"].as_u64()?, at))
    })?;
    let _ = ready.send(());
    let client = reqwest::Client::new();
    let mut sent = Vec::new();
    let mut to_answer = Vec::new();
    let deadline = Instant::now() + phase - Duration::from_millis(300);
    let mut probe = 0u64;
    tokio::time::sleep(Duration::from_millis(200)).await;
    while Instant::now() < deadline {
        let body =
            serde_json::json!({"from": 20001, "to": 10001, "text": format!("probe-{probe}")})
                .to_string();
        let at = Instant::now();
        sent.push(at);
        let response = client
            .post(format!("{base}/sim/message"))
            .body(body)
            .send()
            .await?;
        to_answer.push(at.elapsed());
        ensure!(response.status() == 200, "probe: {}", response.status());
        probe += 1;
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    tokio::time::sleep(Duration::from_millis(800)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let join = |e| anyhow::anyhow!("a websocket reader panicked: {e:?}");
    let nudge_times = nudges.join().map_err(join)?;
    let frames = stream.join().map_err(join)?;
    // Both streams start at the same position: frame k of `/` is event `first + k`.
    let first = frames
        .first()
        .map(|(_, seq, _)| *seq)
        .context("no event arrived on /ws")?;
    let mut to_stream = Vec::new();
    let mut to_nudge = Vec::new();
    for (probe, seq, at) in &frames {
        let Some(sent) = probe.and_then(|p| sent.get(p as usize)) else {
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
    if std::env::var_os("LIZI_BENCH_VERBOSE").is_some() {
        // The slow probes: when each was sent (ms into the run) and its delay to /ws.
        let start = sent.first().copied().unwrap_or_else(Instant::now);
        let slow: Vec<String> = frames
            .iter()
            .filter_map(|(probe, _, at)| {
                let sent = *sent.get((*probe)? as usize)?;
                let delay = at.duration_since(sent);
                (delay > Duration::from_millis(4)).then(|| {
                    format!(
                        "{:.0}:{:.1}",
                        sent.duration_since(start).as_secs_f64() * 1e3,
                        delay.as_secs_f64() * 1e3
                    )
                })
            })
            .collect();
        println!("    slow probes (sent at ms: delay ms): {}", slow.join(" "));
    }
    to_stream.sort_unstable();
    to_nudge.sort_unstable();
    to_answer.sort_unstable();
    Ok(Probes {
        to_nudge,
        to_stream,
        to_answer,
    })
}
