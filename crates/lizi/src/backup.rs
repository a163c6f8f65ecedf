//! `lizi backup PATH`: a consistent copy of a lizi's data, running or stopped.
//!
//! The settings (flags, environment, config file) are those of `lizi serve`, so the same
//! `--config` names the same data folder and credentials. When a lizi holds the folder,
//! the copy is taken by that lizi (`POST /lizi/backup` at the address its lock file names,
//! with the API's token or password) and streamed here: only the process that writes the
//! database knows when the journal's records are in it. When none does, the folder is
//! locked and opened here (which applies what the journal holds) and copied the same way.
//! Either way the copy holds everything answered before the backup began, passes
//! `PRAGMA integrity_check`, and is a whole `lizi.db`: restoring is starting lizi on a
//! folder that holds it under that name.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use lizi_store::{BackupInfo, Flush, Store, DB_FILE};

use crate::folder::{self, FolderError};
use crate::settings::{ServeArgs, Settings};

/// The arguments of `lizi backup`.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// Where to write the copy: a file that does not exist yet.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// The settings of the lizi whose data is copied.
    #[command(flatten)]
    pub serve: ServeArgs,
}

/// Where a copy came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The running lizi with this PID took it.
    Running(Option<u32>),
    /// No lizi ran; the folder was opened here.
    Stopped,
}

/// Writes the copy the arguments ask for; answers what it holds and where it came from.
pub fn run(args: BackupArgs) -> anyhow::Result<(BackupInfo, Source)> {
    let settings = Settings::resolve(args.serve)?;
    take(&settings, &args.path)
}

/// Writes a copy of the data of the lizi `settings` describe to `path`.
pub fn take(settings: &Settings, path: &Path) -> anyhow::Result<(BackupInfo, Source)> {
    if settings.store.flush == Flush::Memory {
        bail!("there is nothing to back up: with flush = memory lizi keeps no data folder");
    }
    let dir = &settings.store.dir;
    if !dir.join(DB_FILE).is_file() {
        bail!(
            "{} holds no lizi data (no {DB_FILE}); give --data (or --config) the data folder",
            dir.display()
        );
    }
    match folder::claim(dir) {
        Ok(lock) => {
            let store = Store::open(settings.store.clone())
                .with_context(|| format!("opening the data folder {}", dir.display()))?;
            let copied = store.backup_to(path);
            store.close();
            drop(lock);
            let info = copied.with_context(|| format!("backing up into {}", path.display()))?;
            Ok((info, Source::Stopped))
        }
        Err(FolderError::InUse { pid, .. }) => {
            let holder = folder::holder(dir);
            let Some(api) = holder.api else {
                bail!(
                    "the lizi{} that holds {} does not listen yet; try again in a moment",
                    pid.map_or(String::new(), |pid| format!(" (PID {pid})")),
                    dir.display()
                );
            };
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("starting the runtime")?;
            let info = runtime.block_on(download(settings, &format!("http://{api}"), path))?;
            Ok((info, Source::Running(holder.pid.or(pid))))
        }
        Err(error) => Err(error.into()),
    }
}

/// Asks the lizi at `base` for a copy and writes it to `path` (a file that must not
/// exist); checks it. On failure no file is left at `path`.
async fn download(settings: &Settings, base: &str, path: &Path) -> anyhow::Result<BackupInfo> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    let written = fetch_into(settings, base, &mut file)
        .await
        .and_then(|()| file.sync_all().context("flushing the copy"))
        .and_then(|()| lizi_store::check_backup(path).context("checking the copy"));
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written.with_context(|| format!("backing up into {}", path.display()))
}

/// Streams the copy the lizi at `base` answers into `file`.
async fn fetch_into(
    settings: &Settings,
    base: &str,
    file: &mut std::fs::File,
) -> anyhow::Result<()> {
    let mut request = reqwest::Client::new().post(format!("{base}/lizi/backup"));
    if let Some(token) = &settings.api.token {
        request = request.bearer_auth(token);
    } else if let Some(password) = &settings.api.password {
        let pass = lizi_core::media::md5_hex(password.as_bytes());
        request = request.header("Cookie", format!("pass={pass}"));
    }
    let mut response = request
        .send()
        .await
        .with_context(|| format!("asking the running lizi at {base} for a copy"))?;
    if !response.status().is_success() {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let reason = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|answer| answer["error"].as_str().map(str::to_owned))
            .unwrap_or(body);
        bail!("the running lizi at {base} answered {status}: {reason}");
    }
    let expected = response.content_length();
    let mut received = 0u64;
    while let Some(chunk) = response.chunk().await.context("receiving the copy")? {
        file.write_all(&chunk).context("writing the copy")?;
        received += chunk.len() as u64;
    }
    if let Some(expected) = expected.filter(|&expected| expected != received) {
        bail!("the copy was cut short: {received} of {expected} bytes");
    }
    Ok(())
}
