//! Parameter decoding under a hostile body of 100,000 distinct keys. With the default
//! parameter cap the request is refused (400) as soon as the cap is passed: its answer
//! time, and a trivial client's slowest answer while two such requests run. With the cap
//! raised so the keys are decoded: the answer time, and its ratio to a trivial request's.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::load::percentile;
use crate::report::{info, judged};
use crate::server::{world_file, Lizi};
use crate::{Bench, Figure};

/// Keys in the hostile body.
const KEYS: usize = 100_000;

/// One request's round trip; the status must be `expected`.
async fn timed(
    client: &reqwest::Client,
    base: &str,
    body: &str,
    expected: u16,
) -> anyhow::Result<Duration> {
    let start = Instant::now();
    let response = client
        .post(format!("{base}/getlogonqq"))
        .body(body.to_owned())
        .send()
        .await?;
    let status = response.status().as_u16();
    response.bytes().await?;
    anyhow::ensure!(status == expected, "/getlogonqq answered {status}");
    Ok(start.elapsed())
}

/// The best of three round trips of `body`.
async fn best_of_three(
    client: &reqwest::Client,
    base: &str,
    body: &str,
    expected: u16,
) -> anyhow::Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..3 {
        best = best.min(timed(client, base, body, expected).await?);
    }
    Ok(best)
}

/// The scenario.
pub async fn many_keys(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = world_file(&bench.dir, 50, 1)?;
    let client = reqwest::Client::new();
    let body: Arc<String> = Arc::new(
        (0..KEYS)
            .map(|k| format!("k{k}={k}"))
            .collect::<Vec<_>>()
            .join("&"),
    );
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);

    let capped = Lizi::start(&bench.binary, &world, &[])?;
    let refused = best_of_three(&client, &capped.base, &body, 400).await?;
    // Two hostile requests at once, and a trivial client probing meanwhile.
    let hostile: Vec<_> = (0..2)
        .map(|_| {
            let (client, base, body) = (client.clone(), capped.base.clone(), body.clone());
            tokio::spawn(async move { timed(&client, &base, &body, 400).await })
        })
        .collect();
    let mut during = Vec::new();
    while hostile.iter().any(|task| !task.is_finished()) {
        during.push(timed(&client, &capped.base, "", 200).await?);
    }
    for task in hostile {
        task.await??;
    }
    let worst = during.iter().max().copied().unwrap_or_default();
    drop(capped);

    let uncapped = Lizi::start(&bench.binary, &world, &["--max-params", "200000"])?;
    let mut trivial = Vec::new();
    for _ in 0..200 {
        trivial.push(timed(&client, &uncapped.base, "", 200).await?);
    }
    trivial.sort();
    let trivial = percentile(&trivial, 0.5);
    let decoded = best_of_three(&client, &uncapped.base, &body, 200).await?;
    Ok(vec![
        info(
            "request of 100,000 keys, refused (default cap)",
            ms(refused),
        ),
        info(
            "trivial request, slowest during two such refusals",
            ms(worst),
        ),
        judged(
            "request of 100,000 keys decoded (cap raised)",
            ms(decoded),
            "< 1000 ms",
            decoded < Duration::from_secs(1),
        ),
        info(
            "request of 100,000 keys decoded / trivial request",
            format!("{:.0}", decoded.as_secs_f64() / trivial.as_secs_f64()),
        ),
    ])
}
