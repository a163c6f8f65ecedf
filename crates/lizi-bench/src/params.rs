//! Parameter decoding under a hostile body: one request of 100,000 distinct keys, timed
//! against a trivial request of the same server, and a trivial client's latency while two
//! such requests run. The parameter cap is raised for the run so the keys are decoded,
//! not refused.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::load::percentile;
use crate::scenarios::{info, judged, post};
use crate::server::{world_file, Lizi};
use crate::{Bench, Figure};

/// Keys in the hostile body.
const KEYS: usize = 100_000;

/// One request's round trip.
async fn timed(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    body: &str,
) -> anyhow::Result<Duration> {
    let start = Instant::now();
    post(client, base, path, body).await?;
    Ok(start.elapsed())
}

/// The scenario.
pub async fn many_keys(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    let world = world_file(&bench.dir, 50, 1)?;
    let lizi = Lizi::start(&bench.binary, &world, &["--max-params", "200000"])?;
    let client = reqwest::Client::new();
    let body: Arc<String> = Arc::new(
        (0..KEYS)
            .map(|k| format!("k{k}={k}"))
            .collect::<Vec<_>>()
            .join("&"),
    );
    let mut trivial = Vec::new();
    for _ in 0..200 {
        trivial.push(timed(&client, &lizi.base, "/getlogonqq", "").await?);
    }
    trivial.sort();
    let trivial = percentile(&trivial, 0.5);
    let mut big = Duration::MAX;
    for _ in 0..3 {
        big = big.min(timed(&client, &lizi.base, "/getlogonqq", &body).await?);
    }
    // Two hostile requests at once, and a trivial client probing meanwhile.
    let hostile: Vec<_> = (0..2)
        .map(|_| {
            let (client, base, body) = (client.clone(), lizi.base.clone(), body.clone());
            tokio::spawn(async move { timed(&client, &base, "/getlogonqq", &body).await })
        })
        .collect();
    let mut during = Vec::new();
    while hostile.iter().any(|task| !task.is_finished()) {
        during.push(timed(&client, &lizi.base, "/getlogonqq", "").await?);
    }
    for task in hostile {
        task.await??;
    }
    let worst = during.iter().max().copied().unwrap_or_default();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    Ok(vec![
        judged(
            "request of 100,000 keys, answered in",
            format!("{:.1} ms", ms(big)),
            "< 1000 ms",
            big < Duration::from_secs(1),
        ),
        info(
            "request of 100,000 keys / trivial request",
            format!("{:.0}", big.as_secs_f64() / trivial.as_secs_f64()),
        ),
        info(
            "trivial request, slowest during two 100,000-key ones",
            format!("{:.1} ms", ms(worst)),
        ),
    ])
}
