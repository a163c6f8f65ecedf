//! The instructions scenario: lizi's own instructions per request under callgrind, a figure
//! that does not move with the machine's load (the CPU times of the throughput scenario do,
//! by 10 % and more on a shared machine).
//!
//! lizi runs under `valgrind --tool=callgrind` (skipped when valgrind is not installed)
//! with the throughput scenario's world and sessions; after a warm-up, the counters are
//! zeroed, [`REQUESTS`] trivial requests are made and the counters dumped, then as many
//! sends, dumped again. Callgrind counts instructions in user space only, in every thread
//! (request workers, the journal's writer, the applier): the kernel's part of a request (its
//! TCP traffic, the journal's flushes) is not in the figure. Under callgrind lizi runs some
//! fifty times slower, so the applier takes about fifteen sends per transaction instead of
//! hundreds, and each send carries more of a transaction's fixed cost than under load.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{ensure, Context};

use crate::scenarios::{info, judged, post, sessions};
use crate::server::{world_file, Lizi};
use crate::{Bench, Figure};

/// Requests of each kind measured.
const REQUESTS: u64 = 2000;

/// Connections the requests are spread over.
const CONNECTIONS: usize = 16;

/// Makes `count` requests of `path` with the bodies `body(i)` over [`CONNECTIONS`].
async fn requests(
    base: &str,
    path: &'static str,
    count: u64,
    body: fn(u64) -> String,
) -> anyhow::Result<()> {
    let next = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..CONNECTIONS)
        .map(|_| {
            let (base, next) = (base.to_owned(), next.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        return Ok::<_, anyhow::Error>(());
                    }
                    post(&client, &base, path, &body(i)).await?;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(())
}

/// Runs `callgrind_control` with `args` on `pid`.
fn control(pid: u32, args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new("callgrind_control")
        .args(args)
        .arg(pid.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .context("callgrind_control")?;
    ensure!(status.success(), "callgrind_control {args:?} failed");
    Ok(())
}

/// Instructions of dump `part` of `pid`, summed over its threads' files in `dir`.
fn dumped(dir: &Path, pid: u32, part: u32) -> anyhow::Result<u64> {
    let prefix = format!("cg.{pid}.{part}-");
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if !name.starts_with(&prefix) {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        let thread = text
            .lines()
            .find_map(|line| line.strip_prefix("summary: "))
            .and_then(|n| n.trim().parse::<u64>().ok())
            .with_context(|| format!("no summary in {}", path.display()))?;
        if std::env::var_os("LIZI_BENCH_VERBOSE").is_some() {
            // Callgrind numbers threads in the order they started; names are not dumped.
            println!(
                "    dump {part}, thread {}: {:.0} instructions per request",
                &name[prefix.len()..],
                thread as f64 / REQUESTS as f64
            );
        }
        total += thread;
    }
    ensure!(total > 0, "callgrind wrote no dump {part}");
    Ok(total)
}

/// Instructions per trivial request and per durable send, and their ratio.
pub async fn instructions(bench: &Bench) -> anyhow::Result<Vec<Figure>> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        return Ok(vec![info(
            "instructions per request (callgrind)",
            "skipped: valgrind is not installed".into(),
        )]);
    }
    let out = Lizi::scratch()?;
    let wrapper: Vec<OsString> = [
        "valgrind".into(),
        "--tool=callgrind".into(),
        "--separate-threads=yes".into(),
        OsString::from(format!("--callgrind-out-file={}/cg.%p", out.display())),
    ]
    .into();
    let world = world_file(&bench.dir, 50, 1)?;
    let args: Vec<OsString> = vec!["--world".into(), world.into()];
    let (lizi, _) = Lizi::launch_under(&wrapper, &bench.binary, &args, out.clone(), &[])?;
    sessions(&lizi.base, 10).await?;
    let send = |i| format!("fromqq=10001&togroup=40001&text=bench+message+{i}");
    requests(&lizi.base, "/sendgroupmsg", 300, send).await?;
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    control(lizi.pid(), &["--zero"])?;
    requests(&lizi.base, "/getlogonqq", REQUESTS, |_| String::new()).await?;
    control(lizi.pid(), &["--dump=trivial"])?;
    requests(&lizi.base, "/sendgroupmsg", REQUESTS, send).await?;
    // The applier's last transaction of the phase.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    control(lizi.pid(), &["--dump=sends"])?;
    let trivial = dumped(&out, lizi.pid(), 1)? as f64 / REQUESTS as f64;
    let sends = dumped(&out, lizi.pid(), 2)? as f64 / REQUESTS as f64;
    drop(lizi);
    let _ = std::fs::remove_dir_all(&out);
    let ratio = sends / trivial;
    Ok(vec![
        info(
            "instructions per /getlogonqq (callgrind)",
            format!("{trivial:.0}"),
        ),
        info(
            "instructions per /sendgroupmsg, flush=full (callgrind)",
            format!("{sends:.0}"),
        ),
        judged(
            "instructions per send / per trivial request",
            format!("{ratio:.2}"),
            "<= 1.7",
            ratio <= 1.7,
        ),
    ])
}
