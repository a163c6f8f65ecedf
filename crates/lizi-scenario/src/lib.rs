//! `lizi test`: scenario tests for a bot in any language. Each scenario file (TOML) gives
//! a world, how the bot starts and steps (people act, the clock moves, the bot is expected
//! to act); each runs against a fresh lizi that a [`Launcher`] starts, scenarios in
//! parallel, and the run reports progress, every failure in full, a summary and optionally
//! JUnit XML. What the bot did is seen through lizi's HTTP API, as a person would see it.
//! SIGINT and SIGTERM stop a run at once: every bot and all it started are killed, the
//! scenarios are reported as interrupted and the JUnit file is still written.

mod bot;
mod client;
mod expect;
pub mod interrupt;
pub mod junit;
pub mod launcher;
pub mod model;
mod process_tree;
pub mod record;
pub mod report;
pub mod runner;
mod steps;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use interrupt::Interrupt;
pub use launcher::{Launcher, LiziSetup, Serving, WorldAccount};
use model::Scenario;
pub use record::RecordArgs;
use runner::{Failure, Options, Outcome};

/// The flags of `lizi test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Scenario files, or folders whose `*.toml` files are scenarios.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The command that starts the bot, run with `sh -c` (a scenario's `bot` wins).
    #[arg(long, value_name = "COMMAND")]
    pub bot: Option<String>,
    /// Also write the results as JUnit XML to this file.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Run only the scenarios whose file path or name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// How many scenarios run at once [default: the number of cores].
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The most one scenario may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,
}

/// Runs `lizi test` against the lizis `launcher` starts; answers the exit status (0 when
/// every scenario passed, 1 when one failed, 130 or 143 when SIGINT or SIGTERM stopped
/// the run).
pub fn run<L: Launcher>(args: TestArgs, launcher: L) -> anyhow::Result<i32> {
    let files = scenario_files(&args.paths)?;
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut chosen = Vec::new();
    for file in files {
        let scenario = Scenario::load(&file, &launcher).map_err(|error| match error {
            model::ScenarioError::Read { source, .. } => source.to_string(),
            model::ScenarioError::Invalid { reason, .. } => reason,
        });
        let name = scenario.as_ref().map(|s| s.name.as_str()).unwrap_or("");
        let wanted = args
            .filter
            .as_deref()
            .is_none_or(|filter| file.to_string_lossy().contains(filter) || name.contains(filter));
        if wanted {
            chosen.push((file, scenario));
        }
    }
    if chosen.is_empty() {
        anyhow::bail!("no scenario to run (check the paths and --filter)");
    }
    // Orphans below the bots come to this process, which kills and reaps them.
    process_tree::become_subreaper();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    let interrupt = runtime
        .block_on(async { Interrupt::install() })
        .context("installing the SIGINT and SIGTERM handlers")?;
    let options = Options {
        bot: args.bot.clone(),
        timeout: Duration::from_secs(args.timeout.max(1)),
        interrupt: interrupt.clone(),
    };
    let outcomes = runtime.block_on(async {
        let reaper = tokio::spawn(process_tree::reap_while_running());
        let outcomes = run_all(chosen, Arc::new(launcher), options, jobs).await;
        reaper.abort();
        outcomes
    });
    let signal = interrupt.signal();
    runtime.shutdown_timeout(Duration::from_secs(1));
    // Whatever outlived its scenario (a bot's shell tokio had no time to reap, an orphan
    // that was forking while it was killed) goes now.
    process_tree::kill_and_reap_everything();
    let mut out = std::io::stdout().lock();
    for outcome in &outcomes {
        let report = report::failure_report(outcome);
        if !report.is_empty() {
            write!(out, "\n{report}")?;
        }
    }
    writeln!(out, "\n{}", report::summary(&outcomes))?;
    out.flush()?;
    if let Some(path) = &args.junit {
        std::fs::write(path, junit::document(&outcomes))
            .with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(signal) = signal {
        return Ok(signal.exit_code());
    }
    Ok(i32::from(outcomes.iter().any(|o| o.failure.is_some())))
}

/// A scenario file chosen to run: read, or why it could not be.
type Chosen<W> = (PathBuf, Result<Scenario<W>, String>);

/// Runs the scenarios, `jobs` at a time, printing a progress line as each ends; answers
/// the outcomes in the order given.
async fn run_all<L: Launcher>(
    chosen: Vec<Chosen<L::World>>,
    launcher: Arc<L>,
    options: Options,
    jobs: usize,
) -> Vec<Outcome> {
    let slots = Arc::new(tokio::sync::Semaphore::new(jobs));
    let options = Arc::new(options);
    let mut tasks = Vec::new();
    for (file, scenario) in chosen {
        let slots = slots.clone();
        let options = options.clone();
        let launcher = launcher.clone();
        tasks.push(tokio::spawn(async move {
            let outcome = match scenario {
                Ok(scenario) => {
                    let interrupt = options.interrupt.clone();
                    let slot = tokio::select! {
                        biased;
                        signal = interrupt.wait() => Err(signal),
                        slot = slots.acquire_owned() => Ok(slot),
                    };
                    match slot {
                        Ok(_slot) => {
                            runner::run_scenario(scenario, launcher.as_ref(), &options).await
                        }
                        Err(signal) => not_started(scenario, signal),
                    }
                }
                Err(error) => unreadable(&file, error),
            };
            let mut out = std::io::stdout().lock();
            // A closed stdout (`| head`) must not stop the run: the exit status still tells.
            let _ = writeln!(out, "{}", report::progress_line(&outcome));
            let _ = out.flush();
            outcome
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        match task.await {
            Ok(outcome) => outcomes.push(outcome),
            Err(error) => outcomes.push(Outcome {
                file: String::new(),
                name: String::new(),
                failure: Some(Failure::new(format!("the runner failed: {error}"))),
                bot_output: None,
                duration: Duration::ZERO,
            }),
        }
    }
    outcomes
}

/// The outcome of a scenario a signal stopped before it started.
fn not_started<W>(scenario: Scenario<W>, signal: interrupt::Signal) -> Outcome {
    Outcome {
        file: scenario.file.display().to_string(),
        name: scenario.name,
        failure: Some(Failure::interrupted(signal, "the wait for its turn")),
        bot_output: None,
        duration: Duration::ZERO,
    }
}

/// The outcome of a scenario file that could not be read.
fn unreadable(file: &Path, error: String) -> Outcome {
    Outcome {
        file: file.display().to_string(),
        name: file
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default(),
        failure: Some(Failure::new(format!("the scenario is invalid: {error}"))),
        bot_output: None,
        duration: Duration::ZERO,
    }
}

/// The scenario files `paths` name: files as given, folders' `*.toml` files sorted.
fn scenario_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("scenario path {}", path.display()))?;
        if !meta.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("reading {}", path.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|ext| ext == "toml") && p.is_file())
            .collect();
        found.sort();
        files.extend(found);
    }
    Ok(files)
}
