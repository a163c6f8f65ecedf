//! `lizi record`: records the conversation on a running lizi (the simulated network or
//! real accounts through the bridge) as a scenario file, through its HTTP API
//! (`/lizi/record/start` and `/lizi/record/stop`), until Ctrl-C (or SIGTERM) or for
//! `--minutes`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use serde_json::{json, Value};

use crate::client::LiziClient;
use crate::interrupt::Interrupt;

/// The flags of `lizi record`.
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    /// The running lizi's XLZ address.
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:10429")]
    pub url: String,
    /// Its token, if it has one.
    #[arg(long, env = "LIZI_TOKEN", value_name = "TOKEN")]
    pub token: Option<String>,
    /// Its password, if it has one.
    #[arg(long, env = "LIZI_PASSWORD", value_name = "PASSWORD")]
    pub password: Option<String>,
    /// Where to write the scenario file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Stop after this many minutes (else on Ctrl-C).
    #[arg(long, value_name = "N")]
    pub minutes: Option<f64>,
    /// Record only these framework accounts (repeatable; default: all).
    #[arg(long = "account", value_name = "QQ")]
    pub accounts: Vec<u64>,
    /// Record only these groups (repeatable; default: every conversation).
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<u64>,
    /// Record only the private chats of these people (repeatable).
    #[arg(long = "user", value_name = "QQ")]
    pub users: Vec<u64>,
    /// Keep real QQ numbers and names (the bridge replaces them by fixtures by default);
    /// the file then says it holds them.
    #[arg(long)]
    pub keep_ids: bool,
    /// Keep pictures and files, by hash only.
    #[arg(long)]
    pub keep_media: bool,
    /// The scenario's name.
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
}

/// Runs `lizi record`; answers the exit status.
pub fn run(args: RecordArgs) -> anyhow::Result<i32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(record(args))
}

async fn record(args: RecordArgs) -> anyhow::Result<i32> {
    let interrupt = Interrupt::install().context("installing the SIGINT and SIGTERM handlers")?;
    let base = args.url.trim_end_matches('/').to_owned();
    let lizi = LiziClient::new(base.clone(), 0, args.password.clone(), args.token.clone());
    let mut body = json!({
        "accounts": args.accounts,
        "groups": args.groups,
        "users": args.users,
        "keep_ids": args.keep_ids,
        "keep_media": args.keep_media,
    });
    if let Some(name) = &args.name {
        body["name"] = json!(name);
    }
    let (status, text) = lizi
        .post("/lizi/record/start", Some(&body))
        .await
        .map_err(anyhow::Error::msg)?;
    if status != 200 {
        anyhow::bail!(
            "{base} did not start recording ({status}): {}",
            reason(&text)
        );
    }
    match args.minutes {
        Some(minutes) => {
            eprintln!("recording on {base} for {minutes} minutes (Ctrl-C stops it sooner)")
        }
        None => eprintln!(
            "recording on {base}; Ctrl-C stops it and writes {}",
            args.out.display()
        ),
    }
    let limit = args
        .minutes
        .map(|m| Duration::from_secs_f64((m * 60.0).max(0.0)));
    match limit {
        Some(limit) => {
            let _ = tokio::time::timeout(limit, interrupt.wait()).await;
        }
        None => {
            interrupt.wait().await;
        }
    }
    let (status, file) = lizi
        .post("/lizi/record/stop", None)
        .await
        .map_err(anyhow::Error::msg)?;
    if status != 200 {
        anyhow::bail!(
            "{base} did not stop the recording ({status}): {}",
            reason(&file)
        );
    }
    std::fs::write(&args.out, &file).with_context(|| format!("writing {}", args.out.display()))?;
    let steps = file.lines().filter(|line| *line == "[[step]]").count();
    eprintln!("wrote {} ({steps} steps)", args.out.display());
    Ok(0)
}

/// lizi's reason in an error answer.
fn reason(text: &str) -> String {
    serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_owned))
        .unwrap_or_else(|| text.to_owned())
}
