//! What `lizi test` needs of the server it tests a bot against: reading a scenario's world
//! and starting a fresh lizi on it. This crate knows lizi only through its HTTP API; the
//! `lizi` binary gives [`crate::run`] a launcher that starts its own server in the same
//! process, so that neither the simulation nor the server is a dependency here.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A framework account of a world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorldAccount {
    /// Its QQ.
    pub uin: u64,
    /// Whether it is online at start.
    pub online: bool,
}

/// The lizi a scenario asks for: fresh, keeping nothing on disk.
#[derive(Debug)]
pub struct LiziSetup<W> {
    /// Where its XLZ API listens (port 0 picks a free port).
    pub listen: SocketAddr,
    /// The world at start.
    pub world: W,
    /// The password clients must send.
    pub password: Option<String>,
    /// The token clients must send, to the XLZ API and to the OneBot face.
    pub token: Option<String>,
    /// Where the OneBot face's HTTP API and forward WebSocket listen, if it serves them.
    pub onebot_listen: Option<SocketAddr>,
    /// The OneBot reverse WebSocket URL it dials, if any.
    pub onebot_reverse_url: Option<String>,
    /// The pause before a dropped reverse WebSocket is dialled again.
    pub onebot_reconnect: Duration,
}

/// A lizi serving a scenario.
#[derive(Debug)]
pub struct Serving {
    /// The address its XLZ API is bound to.
    pub address: SocketAddr,
    /// The server: it stops once the `stop` channel given to [`Launcher::start`] fires or
    /// closes, and answers why it failed, if it did.
    pub task: JoinHandle<Result<(), String>>,
}

/// Reads worlds and starts the lizi each scenario runs against.
pub trait Launcher: Send + Sync + 'static {
    /// A world, read and checked.
    type World: Clone + std::fmt::Debug + Send + Sync + 'static;

    /// The world of a scenario that names none.
    fn default_world(&self) -> Self::World;

    /// Reads a world fixture file's text; answers why it is not a valid world.
    fn world_from_text(&self, text: &str) -> Result<Self::World, String>;

    /// Reads a world written as a table in the scenario file; answers why it is not a
    /// valid world.
    fn world_from_table(&self, table: toml::Value) -> Result<Self::World, String>;

    /// The world's framework accounts, in the world's order.
    fn accounts(&self, world: &Self::World) -> Vec<WorldAccount>;

    /// Starts a fresh lizi as `setup` describes, serving until `stop` fires or closes;
    /// answers why it could not start.
    fn start(
        &self,
        setup: LiziSetup<Self::World>,
        stop: oneshot::Receiver<()>,
    ) -> impl Future<Output = Result<Serving, String>> + Send;
}
