//! One scenario from start to end: a fresh lizi from the launcher (in memory, on a free
//! port), the bot started against it, readiness, the steps, and everything stopped.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::oneshot;
use tokio::time::Instant;

use super::bot::Bot;
use super::client::{Conv, LiziClient, Message};
use super::interrupt::{Interrupt, Signal};
use super::launcher::{Launcher, LiziSetup, Serving};
use super::model::{Action, Scenario, Step};

/// The pause before the scenario's lizi dials a dropped reverse WebSocket again: short,
/// since a bot under test starts its server moments after lizi first tries.
const REVERSE_RECONNECT: Duration = Duration::from_millis(100);

/// How often readiness is looked at.
const READY_POLL: Duration = Duration::from_millis(20);

/// What the whole run gives every scenario.
#[derive(Debug, Clone)]
pub struct Options {
    /// The bot command for scenarios that name none.
    pub bot: Option<String>,
    /// The most one scenario may take, readiness included.
    pub timeout: Duration,
    /// SIGINT or SIGTERM, when one stops the run.
    pub interrupt: Interrupt,
}

/// Why a scenario failed, for the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The first line: the step, and what was expected or went wrong.
    pub title: String,
    /// Further lines: what happened instead.
    pub details: Vec<String>,
    /// The conversation around that moment: its name, and its lines.
    pub transcript: Option<(String, Vec<String>)>,
    /// The signal that stopped the scenario, when one did.
    pub interrupted: Option<Signal>,
}

impl Failure {
    /// A failure with only a title.
    pub fn new(title: String) -> Failure {
        Failure {
            title,
            details: Vec::new(),
            transcript: None,
            interrupted: None,
        }
    }

    /// The failure of a scenario `signal` stopped `during` what it was doing.
    pub fn interrupted(signal: Signal, during: &str) -> Failure {
        let mut failure = Failure::new(format!("interrupted by {signal} during {during}"));
        failure.interrupted = Some(signal);
        failure
    }
}

/// A scenario's result.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The scenario file.
    pub file: String,
    /// The scenario's name.
    pub name: String,
    /// Why it failed; `None` when it passed.
    pub failure: Option<Failure>,
    /// The bot's stdout and stderr (the last lines); `None` when no bot was started.
    pub bot_output: Option<Vec<String>>,
    /// How long it took.
    pub duration: Duration,
}

impl Outcome {
    /// The signal that stopped the scenario, when one did.
    pub fn interrupted(&self) -> Option<Signal> {
        self.failure.as_ref().and_then(|f| f.interrupted)
    }
}

/// A scenario being run: lizi's client and what the expectations have used up.
pub(crate) struct Run {
    pub(crate) lizi: LiziClient,
    pub(crate) account: u64,
    /// Nicknames of the world's people, for transcripts.
    names: HashMap<u64, String>,
    /// Per conversation, the seq of the last bot message an expectation used.
    pub(crate) consumed: HashMap<Conv, i64>,
    /// Recalled messages an expectation already used.
    pub(crate) recalls_seen: HashSet<i64>,
    /// The conversation of the last `say`.
    pub(crate) last_conv: Option<Conv>,
}

impl Run {
    /// `Alice (20001)`.
    pub(crate) fn who(&self, uin: u64) -> String {
        match self.names.get(&uin) {
            Some(name) => format!("{name} ({uin})"),
            None => uin.to_string(),
        }
    }

    /// The last ten messages, one line each: `[12:00:01] Alice (20001): ping`.
    pub(crate) fn transcript(&self, messages: &[Message]) -> Vec<String> {
        let start = messages.len().saturating_sub(10);
        messages[start..]
            .iter()
            .map(|m| {
                let seconds = m.time.rem_euclid(86_400);
                let recalled = if m.recalled { " (recalled)" } else { "" };
                format!(
                    "[{:02}:{:02}:{:02}] {}: {}{recalled}",
                    seconds / 3600,
                    seconds / 60 % 60,
                    seconds % 60,
                    self.who(m.from),
                    m.text
                )
            })
            .collect()
    }
}

/// Picks a free loopback port (for the OneBot listener and a reverse bot's port).
fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// Runs one scenario (already read) against a lizi `launcher` starts, with the run's
/// options.
pub async fn run_scenario<L: Launcher>(
    scenario: Scenario<L::World>,
    launcher: &L,
    options: &Options,
) -> Outcome {
    let started = Instant::now();
    let mut outcome = Outcome {
        file: scenario.file.display().to_string(),
        name: scenario.name.clone(),
        failure: None,
        bot_output: None,
        duration: Duration::ZERO,
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let served = match start_lizi(&scenario, launcher, stopped).await {
        Ok(served) => served,
        Err(error) => {
            outcome.failure = Some(Failure::new(format!("lizi could not start: {error}")));
            return outcome;
        }
    };
    let Served {
        task,
        run,
        env,
        address,
    } = served;
    let command = scenario.bot.clone().or_else(|| options.bot.clone());
    let mut bot = None;
    let result = match &command {
        Some(command) => match Bot::start(command, &env) {
            Ok(started) => {
                let bot = bot.insert(started);
                let run = drive(&scenario, run, bot, &options.interrupt);
                let run = tokio::time::timeout(options.timeout, run);
                run.await.unwrap_or_else(|_| Err(too_long(options)))
            }
            Err(error) => Err(Failure::new(error)),
        },
        None => {
            println!("{}: waiting for a bot at http://{address}", outcome.file);
            let run = drive_running(&scenario, run, &options.interrupt);
            let run = tokio::time::timeout(options.timeout, run);
            run.await.unwrap_or_else(|_| Err(too_long(options)))
        }
    };
    if let Some(bot) = bot {
        outcome.bot_output = Some(bot.stop().await);
    }
    let _ = stop.send(());
    // An interrupted run does not wait long for its lizis: the user wants out.
    let patience = match options.interrupt.signal() {
        Some(_) => Duration::from_secs(1),
        None => Duration::from_secs(10),
    };
    match tokio::time::timeout(patience, task).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(error))) => eprintln!("the lizi of {}: {error}", outcome.file),
        Ok(Err(error)) => eprintln!("the lizi of {}: {error}", outcome.file),
        Err(_) => eprintln!(
            "the lizi of {} did not stop within {} s",
            outcome.file,
            patience.as_secs()
        ),
    }
    outcome.failure = result.err();
    outcome.duration = started.elapsed();
    outcome
}

/// The failure of a scenario that outlived `--timeout`.
fn too_long(options: &Options) -> Failure {
    Failure::new(format!(
        "the scenario did not end within {} s (--timeout)",
        options.timeout.as_secs()
    ))
}

/// A scenario's lizi, serving.
struct Served {
    task: tokio::task::JoinHandle<Result<(), String>>,
    run: Run,
    env: Vec<(&'static str, String)>,
    address: SocketAddr,
}

/// Starts a fresh lizi for `scenario`, in memory.
async fn start_lizi<L: Launcher>(
    scenario: &Scenario<L::World>,
    launcher: &L,
    stopped: oneshot::Receiver<()>,
) -> Result<Served, String> {
    let mut env: Vec<(&'static str, String)> = Vec::new();
    let mut setup = LiziSetup {
        listen: scenario.listen,
        world: scenario.world.clone(),
        password: scenario.password.clone(),
        token: scenario.token.clone(),
        onebot_listen: None,
        onebot_reverse_url: None,
        onebot_reconnect: REVERSE_RECONNECT,
    };
    if scenario.onebot {
        let port = free_port()?;
        setup.onebot_listen = Some(SocketAddr::from(([127, 0, 0, 1], port)));
        env.push(("LIZI_ONEBOT_URL", format!("http://127.0.0.1:{port}")));
        env.push(("LIZI_ONEBOT_WS", format!("ws://127.0.0.1:{port}/")));
    }
    if let Some(url) = &scenario.onebot_reverse_url {
        let port = free_port()?;
        setup.onebot_reverse_url = Some(url.replace("{port}", &port.to_string()));
        env.push(("LIZI_ONEBOT_REVERSE_PORT", port.to_string()));
    }
    let Serving { address, task } = launcher.start(setup, stopped).await?;
    let base = format!("http://{address}");
    env.push(("LIZI_URL", base.clone()));
    env.push(("LIZI_ACCOUNT", scenario.account.to_string()));
    if let Some(token) = &scenario.token {
        env.push(("LIZI_TOKEN", token.clone()));
    }
    if let Some(password) = &scenario.password {
        env.push(("LIZI_PASSWORD", password.clone()));
    }
    let lizi = LiziClient::new(
        base,
        scenario.account,
        scenario.password.clone(),
        scenario.token.clone(),
    );
    let names = match lizi.view("world").await {
        Ok(world) => names_of(&world),
        Err(error) => {
            task.abort();
            return Err(error);
        }
    };
    let run = Run {
        lizi,
        account: scenario.account,
        names,
        consumed: HashMap::new(),
        recalls_seen: HashSet::new(),
        last_conv: None,
    };
    Ok(Served {
        task,
        run,
        env,
        address,
    })
}

/// Every account's and user's nickname in a `/sim/world` view.
fn names_of(world: &Value) -> HashMap<u64, String> {
    ["accounts", "users"]
        .iter()
        .filter_map(|key| world[key].as_array())
        .flatten()
        .filter_map(|person| {
            let uin = person["uin"].as_u64()?;
            Some((uin, person["nickname"].as_str()?.to_owned()))
        })
        .collect()
}

/// Waits for the bot, then runs the steps; the bot exiting or a signal ends the scenario.
async fn drive<W>(
    scenario: &Scenario<W>,
    mut run: Run,
    bot: &mut Bot,
    interrupt: &Interrupt,
) -> Result<(), Failure> {
    let limit = Duration::from_millis(scenario.ready_timeout_ms);
    let deadline = Instant::now() + limit;
    loop {
        if let Some(signal) = interrupt.signal() {
            return Err(Failure::interrupted(signal, "the wait for the bot"));
        }
        if let Some(status) = bot.exited() {
            return Err(Failure::new(format!(
                "the bot exited ({status}) before it connected"
            )));
        }
        if bot.said_ready() || run.lizi.connections().await.unwrap_or(0) > 0 {
            break;
        }
        if Instant::now() >= deadline {
            return Err(Failure::new(format!(
                "the bot never connected within {} ms (no event session or WebSocket in lizi, no `ready` line on its stdout)",
                limit.as_millis()
            )));
        }
        tokio::time::sleep(READY_POLL).await;
    }
    for step in &scenario.steps {
        // A bot that exits fails the step at once, whatever the step waits for.
        tokio::select! {
            biased;
            signal = interrupt.wait() => return Err(Failure::interrupted(signal, &label(step))),
            result = run_step(&mut run, step) => result?,
            status = bot.wait_exit() => {
                let status = status.map_or_else(|e| e.to_string(), |s| s.to_string());
                return Err(Failure::new(format!("{}: the bot exited ({status})", label(step))));
            }
        }
    }
    Ok(())
}

/// Runs the steps against a bot already running, once it has connected; a signal ends
/// the scenario.
async fn drive_running<W>(
    scenario: &Scenario<W>,
    mut run: Run,
    interrupt: &Interrupt,
) -> Result<(), Failure> {
    while run.lizi.connections().await.unwrap_or(0) == 0 {
        if let Some(signal) = interrupt.signal() {
            return Err(Failure::interrupted(signal, "the wait for the bot"));
        }
        tokio::time::sleep(READY_POLL).await;
    }
    for step in &scenario.steps {
        tokio::select! {
            biased;
            signal = interrupt.wait() => return Err(Failure::interrupted(signal, &label(step))),
            result = run_step(&mut run, step) => result?,
        }
    }
    Ok(())
}

/// `step 3 (say)`.
fn label(step: &Step) -> String {
    format!("step {} ({})", step.number, step.action.key())
}

async fn run_step(run: &mut Run, step: &Step) -> Result<(), Failure> {
    let label = label(step);
    match &step.action {
        Action::Expect(expect) => run.expect(&label, expect).await,
        Action::ExpectSilence(silence) => run.expect_silence(&label, silence).await,
        Action::ExpectWorld(world) => run.expect_world(&label, world).await,
        action => run
            .act(action)
            .await
            .map_err(|reason| Failure::refused(label, reason)),
    }
}
