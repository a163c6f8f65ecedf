//! The lizi server: settings, and the wiring of the store, the backend and the API.

pub mod fd_limit;
pub mod folder;
pub mod settings;

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use lizi_sim::{SimBackend, WorldFixture, WorldSource};
use lizi_store::{Flush, Store};
use tokio::net::TcpListener;

pub use settings::{ServeArgs, Settings};

/// Loads the world fixture the settings name, or the built-in one.
pub fn load_fixture(settings: &Settings) -> anyhow::Result<WorldFixture> {
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

/// The backend an [`App`] runs.
enum Engine {
    /// The simulated network.
    Sim(Arc<SimBackend>),
    /// Real accounts through OneBot implementations.
    Bridge(Arc<lizi_bridge::BridgeBackend>),
}

/// A lizi ready to serve: its store opened and its world loaded.
pub struct App {
    settings: Settings,
    store: Arc<Store>,
    engine: Engine,
    /// The data folder's lock, held until the store is closed (none in memory).
    folder: Option<folder::FolderLock>,
}

impl App {
    /// Locks the data folder, opens it (emptying it first with `reset`) and loads the
    /// world: the saved one, or the fixture's for an empty folder. Fails, changing
    /// nothing, when another process holds the folder.
    pub async fn open(settings: Settings) -> anyhow::Result<App> {
        let fixture = load_fixture(&settings)?;
        let folder = match settings.store.flush {
            Flush::Memory => None,
            _ => Some(folder::claim(&settings.store.dir)?),
        };
        if settings.reset && folder.is_some() {
            lizi_store::remove_files(&settings.store.dir).context("resetting the data folder")?;
            tracing::warn!(data = %settings.data.display(), "data folder reset");
        }
        let store = Store::open(settings.store.clone())
            .with_context(|| format!("opening the data folder {}", settings.data.display()))?;
        if settings.backend == settings::BackendKind::OneBot {
            let bridge = lizi_bridge::BridgeBackend::open(store.clone())
                .context("loading the OneBot bridge's accounts and messages")?;
            return Ok(App {
                settings,
                store,
                engine: Engine::Bridge(Arc::new(bridge)),
                folder,
            });
        }
        let (backend, source) = SimBackend::open(store.clone(), &fixture)
            .await
            .context("loading the simulated world")?;
        backend.set_message_limits(settings.limits);
        match (source, &settings.world) {
            (WorldSource::Loaded, Some(world)) => tracing::info!(
                "the data folder already holds a world; {} is ignored (use --reset to start again from it)",
                world.display()
            ),
            (WorldSource::Loaded, None) => tracing::info!("world loaded from the data folder"),
            (WorldSource::Seeded, _) => tracing::info!("new world created from the fixture"),
        }
        Ok(App {
            settings,
            store,
            engine: Engine::Sim(Arc::new(backend)),
            folder,
        })
    }

    /// The store.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Serves on a bound listener until `shutdown` resolves; then waits for every
    /// accepted change to be on disk.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let bound = listener.local_addr().context("reading the bound address")?;
        let base = match &self.settings.api.public_url {
            Some(url) => url.clone(),
            None if bound.ip().is_unspecified() => {
                let port = bound.port();
                tracing::info!(
                    "listening on all addresses: picture URLs use http://127.0.0.1:{port}; set public_url for others"
                );
                format!("http://127.0.0.1:{port}")
            }
            None => format!("http://{bound}"),
        };
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let mut result = Ok(());
        let mut bridge_task = None;
        let backend: Arc<dyn lizi_core::Backend> = match &self.engine {
            Engine::Sim(sim) => {
                let fetcher = Arc::new(lizi_api::HttpFetcher::new(&self.settings.api));
                sim.set_media(fetcher, &base);
                sim.clone()
            }
            Engine::Bridge(bridge) => {
                let config = lizi_bridge::BridgeConfig {
                    accept: self.settings.onebot_accept,
                    token: self.settings.onebot.token.clone(),
                    action_timeout: lizi_bridge::ACTION_TIMEOUT,
                };
                match lizi_bridge::accept::start(bridge.clone(), config, stopping.clone()).await {
                    Ok(task) => bridge_task = Some(task),
                    Err(error) => result = Err(error).context("starting the OneBot bridge"),
                }
                bridge.clone()
            }
        };
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let stopped = |mut stopping: tokio::sync::watch::Receiver<bool>| async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        };
        let mut onebot = None;
        let face = &self.settings.onebot;
        let onebot_listener = match face.listen {
            Some(address) => match TcpListener::bind(address).await {
                Ok(listener) => Some(listener),
                Err(error) => {
                    result = Err(error).context(format!("binding the OneBot listener {address}"));
                    None
                }
            },
            None => None,
        };
        lizi_onebot_face::reverse::forget_stale_cursors(backend.as_ref(), &self.store, face).await;
        if result.is_ok() && (onebot_listener.is_some() || !face.reverse_urls.is_empty()) {
            let face = lizi_onebot_face::start(
                onebot_listener,
                backend.clone(),
                self.store.clone(),
                face.clone(),
                stopped(stopping.clone()),
            );
            onebot = Some(face.await);
        }
        if result.is_ok() {
            result = lizi_api::run(
                listener,
                backend,
                self.store.clone(),
                self.settings.api,
                stopped(stopping),
            )
            .await
            .context("serving");
        }
        if let Some(onebot) = onebot {
            match onebot.await {
                Ok(Err(error)) => tracing::error!("the OneBot face failed: {error}"),
                Err(error) => tracing::error!("the OneBot face stopped abnormally: {error}"),
                Ok(Ok(())) => {}
            }
        }
        if let Some(task) = bridge_task {
            // The API has stopped: no request needs the implementations any more.
            task.abort();
        }
        let store = self.store;
        tokio::task::spawn_blocking(move || store.close())
            .await
            .context("closing the store")?;
        drop(self.folder);
        result
    }
}

/// Opens and serves lizi on a bound listener until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    App::open(settings).await?.serve(listener, shutdown).await
}
