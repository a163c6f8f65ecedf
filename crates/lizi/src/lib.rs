//! The lizi server: settings, and the wiring of the store, the backend and the API.
//!
//! Start-up logs one line each for the data folder, the backend and every listener (the
//! XLZ API with the console's URL, the OneBot face's, the bridge's accept address).

pub mod backup;
pub mod fd_limit;
pub mod folder;
pub mod logs;
pub mod onebot;
pub mod settings;
pub mod test_launcher;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use lizi_api::ApiConfig;
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

/// The base of the URLs lizi hands out (pictures, files, the console) when its XLZ API is
/// bound to `bound`: `public_url`, else the bound address (loopback's when bound to all
/// addresses).
pub fn public_base(api: &ApiConfig, bound: SocketAddr) -> String {
    match &api.public_url {
        Some(url) => url.clone(),
        None if bound.ip().is_unspecified() => format!("http://127.0.0.1:{}", bound.port()),
        None => format!("http://{bound}"),
    }
}

/// Logs the XLZ API's summary line: its address, and the console's URL under `base` (see
/// [`public_base`]).
pub fn log_api_listening(bound: SocketAddr, base: &str) {
    tracing::info!(
        "lizi listening on http://{bound}: the XLZ API, and the console at {base}/console/"
    );
}

/// The policy's name, as `--flush` takes it.
fn flush_name(flush: Flush) -> &'static str {
    match flush {
        Flush::Full => "full",
        Flush::Normal => "normal",
        Flush::Memory => "memory",
    }
}

/// The listeners lizi serves on, bound before the data folder is opened, so that a busy
/// port fails start-up leaving the folder as it was.
pub struct Listeners {
    /// The XLZ API's.
    pub api: TcpListener,
    /// The OneBot face's HTTP API and forward WebSocket, when configured.
    pub onebot: Option<TcpListener>,
}

impl Listeners {
    /// Binds the OneBot listener, if the settings ask for one, beside the bound `api`.
    pub async fn with_onebot(api: TcpListener, settings: &Settings) -> anyhow::Result<Self> {
        let onebot = match settings.onebot.listen {
            Some(address) => Some(
                TcpListener::bind(address)
                    .await
                    .with_context(|| format!("cannot listen on {address} (onebot_listen)"))?,
            ),
            None => None,
        };
        Ok(Listeners { api, onebot })
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
        App::open_with(settings, &fixture).await
    }

    /// Like [`App::open`], with the world `fixture` for an empty folder in place of the
    /// one the settings name.
    pub async fn open_with(settings: Settings, fixture: &WorldFixture) -> anyhow::Result<App> {
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
        match settings.store.flush {
            Flush::Memory => tracing::info!("data folder: none, everything is kept in memory"),
            flush => {
                let folder =
                    std::fs::canonicalize(&settings.data).unwrap_or_else(|_| settings.data.clone());
                tracing::info!(
                    "data folder {} (flush {})",
                    folder.display(),
                    flush_name(flush)
                );
            }
        }
        if settings.backend == settings::BackendKind::OneBot {
            let bridge = lizi_bridge::BridgeBackend::open(store.clone(), settings.bridge_pacing)
                .await
                .context("loading the OneBot bridge's accounts and messages")?
                .receiving(settings.bridge_receiving);
            tracing::info!("backend: real QQ accounts, bridged through OneBot implementations");
            return Ok(App {
                settings,
                store,
                engine: Engine::Bridge(Arc::new(bridge)),
                folder,
            });
        }
        let (backend, source) = SimBackend::open(store.clone(), fixture)
            .await
            .context("loading the simulated world")?;
        backend.set_message_limits(settings.limits);
        match (source, &settings.world) {
            (WorldSource::Loaded, Some(world)) => tracing::info!(
                "backend: the simulated network, its world loaded from the data folder ({} is \
                 ignored: use --reset to start again from it)",
                world.display()
            ),
            (WorldSource::Loaded, None) => {
                tracing::info!(
                    "backend: the simulated network, its world loaded from the data folder"
                )
            }
            (WorldSource::Seeded, Some(world)) => tracing::info!(
                "backend: the simulated network, a new world from {}",
                world.display()
            ),
            (WorldSource::Seeded, None) => {
                tracing::info!("backend: the simulated network, a new world from the built-in one")
            }
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

    /// Serves on a bound listener (and the OneBot listener, bound now if configured) until
    /// `shutdown` resolves; then waits for every accepted change to be on disk.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        match Listeners::with_onebot(listener, &self.settings).await {
            Ok(listeners) => self.serve_on(listeners, shutdown).await,
            Err(error) => {
                close(self.store, self.folder).await?;
                Err(error)
            }
        }
    }

    /// Serves on bound listeners until `shutdown` resolves; then waits for every accepted
    /// change to be on disk.
    pub async fn serve_on(
        self,
        listeners: Listeners,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Listeners {
            api: listener,
            onebot: onebot_listener,
        } = listeners;
        let bound = listener.local_addr().context("reading the bound address")?;
        if let Some(folder) = &self.folder {
            if let Err(error) = folder.announce(bound) {
                tracing::warn!("cannot note the API's address in the lock file: {error}");
            }
        }
        // Every port shares one body budget; each has its own connection cap.
        let ports = lizi_http::Ports::new(self.settings.api.max_body_memory_bytes);
        let port_config = match self.settings.api.port_config() {
            Ok(config) => config,
            Err(error) => {
                close(self.store, self.folder).await?;
                return Err(error).context("allow_hosts, allow_origins or public_url");
            }
        };
        let base = public_base(&self.settings.api, bound);
        if self.settings.api.public_url.is_none() && bound.ip().is_unspecified() {
            tracing::info!(
                "listening on all addresses: picture URLs use {base}; set public_url for others"
            );
        }
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let mut bridge_task = None;
        let backend: Arc<dyn lizi_core::Backend> = match &self.engine {
            Engine::Sim(sim) => {
                let fetcher = Arc::new(lizi_api::HttpFetcher::new(&self.settings.api));
                sim.set_media(fetcher, &base);
                sim.clone()
            }
            Engine::Bridge(bridge) => {
                bridge.set_media(lizi_bridge::MediaSetup {
                    fetcher: Arc::new(lizi_api::HttpFetcher::new(&self.settings.api)),
                    public_base_url: base.clone(),
                    flash_as_picture: self.settings.bridge_flash_as_picture,
                });
                let config = lizi_bridge::BridgeConfig {
                    accept: self.settings.onebot_accept,
                    token: self.settings.onebot.token.clone(),
                    timing: lizi_bridge::Timing {
                        action: lizi_bridge::ACTION_TIMEOUT,
                        // The XLZ port's WebSocket liveness settings serve the bridge's
                        // connections too.
                        ping_every: (self.settings.api.ws_ping_interval_ms > 0).then(|| {
                            std::time::Duration::from_millis(self.settings.api.ws_ping_interval_ms)
                        }),
                        silence: std::time::Duration::from_millis(self.settings.api.ws_timeout_ms),
                    },
                    connect: self.settings.onebot_connect.clone(),
                };
                let started = lizi_bridge::start(
                    bridge.clone(),
                    config,
                    port_config.clone(),
                    &ports,
                    stopping.clone(),
                );
                match started.await {
                    Ok(task) => bridge_task = Some(task),
                    Err(error) => {
                        close(self.store, self.folder).await?;
                        return Err(error).context("starting the OneBot bridge");
                    }
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
        let face_config = &self.settings.onebot;
        lizi_onebot_face::reverse::forget_stale_cursors(backend.as_ref(), &self.store, face_config)
            .await;
        let face_on = onebot_listener.is_some()
            || !face_config.reverse_urls.is_empty()
            || !face_config.post_urls.is_empty();
        let mut onebot_tasks = Vec::new();
        let mut faults = None;
        if face_on {
            // The face saves downloads into, and answers local paths in, the first media
            // folder.
            let config = lizi_onebot_face::FaceConfig {
                media_dir: self.settings.api.media_dirs.first().cloned(),
                ..face_config.clone()
            };
            let face = lizi_onebot_face::start(
                backend.clone(),
                self.store.clone(),
                config,
                stopped(stopping.clone()),
            )
            .await;
            faults = Some(onebot::OneBotFaults(face.faults));
            onebot_tasks.push(face.task);
            if let Some(listener) = onebot_listener {
                let address = listener
                    .local_addr()
                    .context("reading the OneBot address")?;
                tracing::info!(
                    "onebot HTTP API listening on {address} (its forward WebSocket at ws://{address}/)"
                );
                let port = lizi_onebot_face::listen::port(face_config, port_config, &ports);
                onebot_tasks.push(tokio::spawn(lizi_http::serve(
                    listener,
                    port,
                    face.router,
                    stopped(stopping.clone()),
                )));
            }
        }
        let extension: Option<Arc<dyn lizi_api::ControlExtension>> = match (&self.engine, faults) {
            (Engine::Bridge(bridge), faults) => Some(Arc::new(onebot::BridgeCounters {
                bridge: bridge.clone(),
                faults,
            })),
            (_, Some(faults)) => Some(Arc::new(faults)),
            (_, None) => None,
        };
        let mut api = self.settings.api;
        api.record_faces = lizi_scenario_file::BotFaces {
            onebot: face_config.listen.is_some(),
            onebot_reverse_url: face_config.reverse_urls.first().cloned(),
        };
        let result = lizi_api::run_extended(
            listener,
            backend,
            self.store.clone(),
            api,
            extension,
            ports,
            stopped(stopping),
        )
        .await
        .context("serving");
        for task in onebot_tasks {
            if let Err(error) = task.await {
                tracing::error!("the OneBot face stopped abnormally: {error}");
            }
        }
        if let Some(task) = bridge_task {
            // The API has stopped: no request needs the implementations any more.
            task.abort();
        }
        close(self.store, self.folder).await?;
        result
    }
}

/// Waits for every accepted change to be on disk, then lets the data folder go.
async fn close(store: Arc<Store>, folder: Option<folder::FolderLock>) -> anyhow::Result<()> {
    tokio::task::spawn_blocking(move || store.close())
        .await
        .context("closing the store")?;
    drop(folder);
    Ok(())
}

/// Opens and serves lizi on a bound listener until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    App::open(settings).await?.serve(listener, shutdown).await
}
