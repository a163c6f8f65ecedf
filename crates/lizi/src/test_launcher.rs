//! The lizis `lizi test` runs scenarios against: this server, in this process, in memory,
//! on the simulated network (see `lizi_scenario::Launcher`).

use std::net::SocketAddr;

use lizi_scenario::{Launcher, LiziSetup, Serving, WorldAccount};
use lizi_sim::WorldFixture;
use lizi_store::Flush;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::settings::{OneBotFaceFlags, SecurityFlags, ServeArgs, ServerFlags, StorageFlags};
use crate::{App, Settings};

/// Starts each scenario's lizi in this process.
#[derive(Debug, Clone, Copy, Default)]
pub struct InProcess;

impl Launcher for InProcess {
    type World = WorldFixture;

    fn default_world(&self) -> WorldFixture {
        WorldFixture::default_world()
    }

    fn world_from_text(&self, text: &str) -> Result<WorldFixture, String> {
        WorldFixture::from_toml(text).map_err(|e| e.to_string())
    }

    fn world_from_table(&self, table: toml::Value) -> Result<WorldFixture, String> {
        table.try_into().map_err(|e: toml::de::Error| e.to_string())
    }

    fn accounts(&self, world: &WorldFixture) -> Vec<WorldAccount> {
        world
            .accounts()
            .iter()
            .map(|account| WorldAccount {
                uin: account.uin,
                online: account.online,
            })
            .collect()
    }

    async fn start(
        &self,
        setup: LiziSetup<WorldFixture>,
        stop: oneshot::Receiver<()>,
    ) -> Result<Serving, String> {
        let args = ServeArgs {
            server: ServerFlags {
                listen: Some(setup.listen),
                ..Default::default()
            },
            storage: StorageFlags {
                flush: Some(Flush::Memory),
                ..Default::default()
            },
            security: SecurityFlags {
                password: setup.password,
                token: setup.token.clone(),
                ..Default::default()
            },
            onebot: OneBotFaceFlags {
                onebot_listen: setup.onebot_listen,
                onebot_token: setup.token,
                onebot_reverse_urls: setup.onebot_reverse_url.into_iter().collect(),
                onebot_reconnect_ms: Some(setup.onebot_reconnect.as_millis() as u64),
                ..Default::default()
            },
            ..Default::default()
        };
        let settings = Settings::resolve(args).map_err(|e| format!("{e:#}"))?;
        let listener = TcpListener::bind(setup.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", setup.listen))?;
        let address: SocketAddr = listener.local_addr().map_err(|e| e.to_string())?;
        let app = App::open_with(settings, &setup.world)
            .await
            .map_err(|e| format!("{e:#}"))?;
        let task = tokio::spawn(async move {
            let stopped = async move {
                let _ = stop.await;
            };
            app.serve(listener, stopped)
                .await
                .map_err(|e| format!("{e:#}"))
        });
        Ok(Serving { address, task })
    }
}
