//! `lizi-bench`: measures a release build of lizi on loopback and prints every figure as
//! a ratio measured in the same run, with its target and whether it is met.
//!
//! Run it with `bench/run` (which builds the release binaries first).

mod big_world;
mod bridge;
mod bridge_memory;
mod history;
mod instructions;
mod load;
mod params;
mod scenarios;
mod server;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;

/// One line of the report.
pub struct Figure {
    /// What was measured.
    pub name: String,
    /// The measurement, formatted.
    pub value: String,
    /// The target, formatted.
    pub target: String,
    /// Whether the target is met (`None`: informational).
    pub met: Option<bool>,
}

/// What every scenario needs.
pub struct Bench {
    /// The lizi binary.
    pub binary: PathBuf,
    /// Scratch folder for worlds.
    pub dir: PathBuf,
    /// How long each load phase runs.
    pub phase: Duration,
    /// Connections of the load generator.
    pub connections: usize,
}

fn binary() -> anyhow::Result<PathBuf> {
    if let Some(path) = std::env::var_os("LIZI_BIN") {
        return Ok(path.into());
    }
    let me = std::env::current_exe()?;
    let path = me.parent().context("no folder")?.join("lizi");
    anyhow::ensure!(
        path.exists(),
        "{} not found: build it with `cargo build --release -p lizi`",
        path.display()
    );
    Ok(path)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds: u64 = std::env::args()
        .skip_while(|a| a != "--seconds")
        .nth(1)
        .map(|s| s.parse())
        .transpose()
        .context("--seconds takes a number")?
        .unwrap_or(4);
    let bench = Bench {
        binary: binary()?,
        dir: std::env::temp_dir().join(format!("lizi-bench-worlds-{}", std::process::id())),
        phase: Duration::from_secs(seconds),
        connections: 64,
    };
    println!(
        "lizi benchmarks: {} ({} s per load phase, {} connections)",
        bench.binary.display(),
        seconds,
        bench.connections
    );
    let mut figures = Vec::new();
    let only: Option<String> = std::env::args().skip_while(|a| a != "--only").nth(1);
    for (name, scenario) in scenarios::ALL {
        if only.as_deref().is_some_and(|only| only != *name) {
            continue;
        }
        match scenario(&bench).await {
            Ok(mut more) => {
                for figure in &more {
                    print_figure(figure);
                }
                figures.append(&mut more);
            }
            Err(error) => println!("  scenario failed: {error:#}"),
        }
    }
    let _ = std::fs::remove_dir_all(&bench.dir);
    let missed = figures.iter().filter(|f| f.met == Some(false)).count();
    let met = figures.iter().filter(|f| f.met == Some(true)).count();
    println!("\n{met} targets met, {missed} missed");
    Ok(())
}

fn print_figure(figure: &Figure) {
    let verdict = match figure.met {
        Some(true) => "met",
        Some(false) => "MISSED",
        None => "",
    };
    println!(
        "  {:<58} {:>22}   target {:<14} {verdict}",
        figure.name, figure.value, figure.target
    );
}
