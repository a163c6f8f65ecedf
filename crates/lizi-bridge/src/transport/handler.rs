//! [`LinkHandler`]: what the transport tells the bridge about each connection, from the
//! handshake to the close. The transport knows nothing else of the bridge: the backend
//! implements this in [`crate::inbound::receive`].

use std::future::Future;
use std::sync::Arc;

use lizi_core::Uin;
use serde_json::Value;

use super::action_times::ActionTimes;
use super::dials::DialCounts;
use super::link::Link;

/// The bridge's side of the connections, one link per account.
pub trait LinkHandler: Send + Sync + 'static {
    /// A number for a new connection, telling it apart from the account's earlier and
    /// later ones.
    fn link_id(&self) -> u64;

    /// `link` is now its account's connection, replacing (and closing) an earlier one.
    fn connected(&self, link: Arc<Link>);

    /// The handshake learnt the account's nickname and which implementation drives it.
    fn identified(&self, account: Uin, nickname: String, implementation: String);

    /// `frame` once the pictures and voices it names are kept, before it is handed to
    /// [`event`](Self::event).
    fn keep_received_media(&self, frame: Value) -> impl Future<Output = Value> + Send;

    /// One event frame of `account`, in the order the connection delivered it; resolves
    /// once what it became is kept (the connection waits when too many are not yet).
    fn event(&self, account: Uin, frame: Value) -> impl Future<Output = ()> + Send + 'static;

    /// Once the handshake is done: what the account missed while it had no connection,
    /// fetched through `link`.
    fn refill(&self, link: &Link) -> impl Future<Output = ()> + Send;

    /// `link` closed (or was replaced).
    fn disconnected(&self, link: &Link);

    /// Where the dials to `--onebot-connect` URLs are counted.
    fn dial_counts(&self) -> &DialCounts;

    /// Where the time of every action is noted.
    fn action_times(&self) -> &ActionTimes;
}
