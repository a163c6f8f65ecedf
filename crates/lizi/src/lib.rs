//! The lizi server: settings, wiring of the event log, the backend and the API.

pub mod settings;

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use lizi_core::EventLog;
use lizi_sim::{SimBackend, WorldFixture};
use tokio::net::TcpListener;

pub use settings::{ServeArgs, Settings};

/// Loads the world the settings name, or the built-in one.
pub fn load_world(settings: &Settings) -> anyhow::Result<WorldFixture> {
    match &settings.world {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading world fixture {}", path.display()))?;
            WorldFixture::from_toml(&text)
                .with_context(|| format!("world fixture {}", path.display()))
        }
        None => Ok(WorldFixture::default_world()),
    }
}

/// Serves lizi on a bound listener until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(&settings.data)
        .with_context(|| format!("creating data folder {}", settings.data.display()))?;
    let world = load_world(&settings)?;
    let log = Arc::new(EventLog::new());
    let backend = Arc::new(SimBackend::new(world, log.clone()));
    lizi_api::run(listener, backend, log, settings.api, shutdown)
        .await
        .context("serving")
}
