//! A closed-loop HTTP load generator: N connections, each sending its next request as soon
//! as the previous one is answered, for a fixed time.

use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a load run measured.
#[derive(Debug, Clone)]
pub struct LoadResult {
    /// Requests answered with HTTP 200.
    pub ok: u64,
    /// Other answers and transport errors.
    pub errors: u64,
    /// Wall time.
    pub seconds: f64,
    /// Latencies of the answered requests, sorted.
    pub latencies: Vec<Duration>,
}

impl LoadResult {
    /// Answered requests per second.
    pub fn rps(&self) -> f64 {
        self.ok as f64 / self.seconds
    }

    /// A latency percentile (0–100).
    pub fn percentile(&self, p: f64) -> Duration {
        percentile(&self.latencies, p)
    }
}

/// A percentile of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * p / 100.0).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

/// Runs `connections` loops of POST requests built by `request(i)` for `duration`.
pub async fn run(
    base: &str,
    connections: usize,
    duration: Duration,
    request: impl Fn(u64) -> (String, String) + Send + Sync + 'static,
) -> LoadResult {
    let request = Arc::new(request);
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> = (0..connections)
        .map(|c| {
            let request = request.clone();
            let base = base.to_owned();
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .pool_max_idle_per_host(1)
                    .timeout(Duration::from_secs(30))
                    .build()
                    .expect("client");
                let (mut ok, mut errors, mut latencies) = (0u64, 0u64, Vec::new());
                let mut i = c as u64;
                while Instant::now() < deadline {
                    let (path, body) = request(i);
                    i += connections as u64;
                    let sent = Instant::now();
                    let answer = client.post(format!("{base}{path}")).body(body).send().await;
                    match answer {
                        Ok(response) if response.status() == 200 => {
                            let _ = response.bytes().await;
                            latencies.push(sent.elapsed());
                            ok += 1;
                        }
                        _ => errors += 1,
                    }
                }
                (ok, errors, latencies)
            })
        })
        .collect();
    let mut result = LoadResult {
        ok: 0,
        errors: 0,
        seconds: 0.0,
        latencies: Vec::new(),
    };
    for task in tasks {
        if let Ok((ok, errors, latencies)) = task.await {
            result.ok += ok;
            result.errors += errors;
            result.latencies.extend(latencies);
        }
    }
    result.seconds = start.elapsed().as_secs_f64();
    result.latencies.sort_unstable();
    result
}
