//! `lizi`: a Linux-native server of the XLZ QQ-bot HTTP API.

use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use lizi::{ServeArgs, Settings};
use tracing::Level;
use tracing_subscriber::filter::Targets;

/// mimalloc: lizi allocates many small, short-lived buffers across threads (requests,
/// events, rows), which glibc's allocator serves markedly slower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option: its place in `mi_option_t` (mimalloc.h), which the
/// bindings leave unnamed. A test checks it against the option's known default.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Hands memory freed after a burst back to the system at once. By default mimalloc
/// purges freed pages a second later, and only when it next runs, so an idle lizi kept
/// the memory of its last burst: 10 to 20 MB more in one run than in the next. Purging
/// at once costs nothing measurable in the send benchmark.
fn return_freed_memory_at_once() {
    // SAFETY: options are set here, before any other thread starts.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) }
}

/// A Linux-native server of the XLZ (小栗子) QQ-bot HTTP API, with a simulated QQ network.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (what a bare `lizi` does).
    Serve(Box<ServeArgs>),
    /// Run scenario tests of a bot: `lizi test scenarios/ --bot "python3 bot.py"`.
    Test(lizi_scenario::TestArgs),
    /// Record the conversation on a running lizi as a scenario file for `lizi test`:
    /// `lizi record --out chat.toml` (Ctrl-C stops it).
    Record(lizi_scenario::RecordArgs),
    /// Write a consistent copy of a running or stopped lizi's data (its flags and config
    /// file as for `serve`): `lizi backup lizi-backup.db`.
    Backup(Box<lizi::backup::BackupArgs>),
}

fn main() -> ExitCode {
    return_freed_memory_at_once();
    let cli = Cli::parse();
    let mut debug = debug_logging(cli.serve.logging.log.as_deref());
    if debug {
        // Errors carry a backtrace only when this is set as they are made.
        std::env::set_var("RUST_LIB_BACKTRACE", "1");
    }
    match start(cli, &mut debug) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error, debug);
            ExitCode::FAILURE
        }
    }
}

/// Whether the log filter `filter` shows lizi's debug lines.
fn debug_logging(filter: Option<&str>) -> bool {
    filter
        .and_then(|filter| filter.parse::<Targets>().ok())
        .is_some_and(|targets| targets.would_enable("lizi", &Level::DEBUG))
}

/// Prints a start-up error as the sentences of its chain; with debug logging, as Rust's
/// debug output, with the backtrace if one was taken (whatever `RUST_BACKTRACE` says
/// otherwise).
fn report(error: &anyhow::Error, debug: bool) {
    if debug {
        eprintln!("Error: {error:?}");
        return;
    }
    let mut text = format!("Error: {error}");
    let causes: Vec<String> = error.chain().skip(1).map(ToString::to_string).collect();
    if !causes.is_empty() {
        text.push_str("\n\nCaused by:");
        for cause in causes {
            text.push_str("\n    ");
            text.push_str(&cause);
        }
    }
    eprintln!("{text}");
}

/// Runs the command line; `debug` turns true when the settings ask for debug logging.
fn start(cli: Cli, debug: &mut bool) -> anyhow::Result<()> {
    let args = match cli.command {
        Some(Command::Serve(args)) => {
            *debug |= debug_logging(args.logging.log.as_deref());
            *args
        }
        Some(Command::Test(args)) => {
            std::process::exit(lizi_scenario::run(args, lizi::test_launcher::InProcess)?)
        }
        Some(Command::Record(args)) => std::process::exit(lizi_scenario::record::run(args)?),
        Some(Command::Backup(args)) => return backup(*args),
        None => cli.serve,
    };
    let settings = Settings::resolve(args)?;
    if debug_logging(Some(&settings.log.filter)) && !*debug {
        *debug = true;
        std::env::set_var("RUST_LIB_BACKTRACE", "1");
    }
    lizi::logs::install(&settings.log)?;
    lizi::fd_limit::raise_to_hard();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?
        .block_on(run(settings))
}

/// `lizi backup`: logs at `warn` unless told otherwise, and says what it wrote.
fn backup(mut args: lizi::backup::BackupArgs) -> anyhow::Result<()> {
    if args.serve.logging.log.is_none() {
        args.serve.logging.log = Some("warn".into());
    }
    let path = args.path.clone();
    let (info, source) = lizi::backup::run(args)?;
    let from = match source {
        lizi::backup::Source::Running(Some(pid)) => {
            format!("taken by the running lizi (PID {pid})")
        }
        lizi::backup::Source::Running(None) => "taken by the running lizi".into(),
        lizi::backup::Source::Stopped => "taken from the stopped data folder".into(),
    };
    println!(
        "wrote {}: {} bytes, {from}, up to journal record {}; integrity check ok",
        path.display(),
        info.bytes,
        info.journal_record
    );
    Ok(())
}

async fn run(settings: Settings) -> anyhow::Result<()> {
    let listen = settings.listen;
    // The port first: a busy one must leave the data folder as it was.
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr().context("reading the bound address")?;
    let base = lizi::public_base(&settings.api, address);
    let listeners = lizi::Listeners::with_onebot(listener, &settings).await?;
    let app = lizi::App::open(settings).await?;
    // Handlers first: a supervisor may signal as soon as it reads the line below.
    let shutdown = shutdown_signal().context("installing the signal handlers")?;
    lizi::log_api_listening(address, &base);
    app.serve_on(listeners, shutdown).await?;
    tracing::info!("lizi stopped");
    Ok(())
}

/// Installs the SIGINT and SIGTERM handlers now; the future resolves on either.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        tracing::info!("shutting down");
    })
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_meant() {
        // mimalloc 3's default purge delay is 1,000 ms; another value here means the
        // option moved (a new mimalloc) and the constant must follow it.
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            let delay = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
            assert_eq!(delay, 1000);
        }
    }
}
