//! [`SimBackend`]: the simulated network behind the [`Backend`] trait.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use lizi_core::media::MediaBytes;
use lizi_core::{
    Backend, BoxFuture, ControlActions, ControlDoc, ControlError, ControlRequest, Event, Failure,
    FailureKind, Reply, Request, Uin,
};
use serde_json::json;

use crate::control::{SimControl, SimMessage, CONTROL_DOCS};
use crate::error::{SimError, SimOpenError};
use crate::fixture::WorldFixture;
use crate::messages::{random_id, Target};
use crate::persist::DocChange;
use crate::world::{now, World};
use lizi_store::{Op, RollbackHook, Store, StoreError, Ticket};

/// The simulated QQ network: the world in memory, every change saved in the [`Store`].
///
/// Every request names a framework account (`fromqq`/`logonqq`); any other number fails
/// with [`FailureKind::UnknownAccount`]. Sending needs the account online
/// ([`FailureKind::Offline`] otherwise); lists and lookups answer from the account's cache
/// and work offline too, except `/getnickname` without `fromcache=true`. Logging in an
/// online account, or out an offline one, succeeds without changing anything.
///
/// A change and the events it causes are committed to the store as one unit, queued while
/// the world is locked (so units are in the order of the changes), and the request is
/// answered only once that unit is durable.
///
/// When a write fails, the store rebuilds the world from what is durable, through the
/// hook this backend registers (see the store's `rollback.rs`), so that no change answered
/// as failed stays visible; while writes fail, changes are refused before they are made.
pub struct SimBackend {
    world: Arc<Mutex<World>>,
    store: Arc<Store>,
    pub(crate) media: crate::media::MediaState,
    /// Seconds the simulated clock is ahead of the system's (`/sim/clock`); kept in memory
    /// only, so a restart puts the clock back to the system's.
    clock_offset: AtomicI64,
}

impl fmt::Debug for SimBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimBackend")
            .field("world", &self.world)
            .finish_non_exhaustive()
    }
}

/// How a world was obtained when opening a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorldSource {
    /// Loaded from the store.
    Loaded,
    /// Built from the fixture and saved into an empty store.
    Seeded,
}

/// A handled request: the reply, and the commit to wait for before answering.
pub(crate) type Handled = Result<(Reply, Option<Ticket>), Failure>;

fn doc_op(change: DocChange) -> Op {
    Op::Doc {
        kind: change.kind.into(),
        key: change.key,
        body: change.body,
    }
}

/// The store's hook that puts the world back to what is durable after a failed write.
fn rebuild_hook(world: Weak<Mutex<World>>) -> RollbackHook {
    Box::new(move |durable, store_part| {
        let rebuilt = World::from_docs(durable.docs()).map_err(|e| e.to_string())?;
        let Some(world) = world.upgrade() else {
            store_part();
            return Ok(());
        };
        let mut world = world.lock().unwrap_or_else(PoisonError::into_inner);
        let history = world.history.detached_copy();
        let limits = world.limits;
        *world = rebuilt;
        world.history = history;
        world.limits = limits;
        store_part();
        Ok(())
    })
}

fn store_failure(error: StoreError) -> Failure {
    Failure::new(
        FailureKind::Internal,
        format!("saving the change failed: {error}"),
    )
}

impl SimBackend {
    /// Opens the world saved in `store`; an empty store is seeded from `fixture`. A
    /// fixture given for a store that already holds a world is ignored (the caller logs
    /// that, from the returned [`WorldSource`]).
    pub async fn open(
        store: Arc<Store>,
        fixture: &WorldFixture,
    ) -> Result<(SimBackend, WorldSource), SimOpenError> {
        let docs = store.load_docs()?;
        if docs.is_empty() {
            let world = World::from_fixture(fixture, now());
            let ops = world.all_docs().into_iter().map(doc_op).collect();
            store.write(ops).wait().await?;
            return Ok((SimBackend::from_world(world, store), WorldSource::Seeded));
        }
        let world = World::from_docs(
            docs.iter()
                .map(|(kind, key, body)| (kind.as_str(), key.as_str(), body.as_str())),
        )?;
        Ok((SimBackend::from_world(world, store), WorldSource::Loaded))
    }

    /// A backend running the world `fixture` describes, without loading anything (for
    /// in-memory stores and tests).
    pub fn new(fixture: WorldFixture, store: Arc<Store>) -> SimBackend {
        SimBackend::from_world(World::from_fixture(&fixture, now()), store)
    }

    /// A backend running `world` (a loaded one, say), saving changes in `store`.
    pub fn from_world(mut world: World, store: Arc<Store>) -> SimBackend {
        world.history.attach(store.clone());
        let world = Arc::new(Mutex::new(world));
        if !store.is_memory() {
            store.on_rollback(rebuild_hook(Arc::downgrade(&world)));
        }
        SimBackend {
            world,
            store,
            media: crate::media::MediaState::default(),
            clock_offset: AtomicI64::new(0),
        }
    }

    /// Sets the most one message may hold (QQ's limits by default).
    pub fn set_message_limits(&self, limits: crate::limits::MessageLimits) {
        self.lock().limits = limits;
    }

    /// The control API's view of the world.
    pub fn lock_view(&self) -> serde_json::Value {
        self.lock().view()
    }

    /// Every row of the world as a document.
    pub fn all_docs(&self) -> Vec<DocChange> {
        self.lock().all_docs()
    }

    /// The simulated time (unix seconds): the system's, plus what `/sim/clock` added.
    pub fn now(&self) -> i64 {
        now().saturating_add(self.clock_offset.load(Ordering::Relaxed))
    }

    /// Moves the simulated clock `seconds` forward; answers the new simulated time.
    pub fn advance_clock(&self, seconds: u32) -> i64 {
        self.clock_offset
            .fetch_add(i64::from(seconds), Ordering::Relaxed);
        self.now()
    }

    /// The store the world is saved in.
    pub(crate) fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `change` on the world and queues the rows it touched together with the events
    /// it produced as one unit, under the lock.
    ///
    /// A change checks every rule before it changes anything, so a failed one normally
    /// touched nothing; should it have, its rows are saved all the same, so that the store
    /// always follows the world in memory.
    pub(crate) fn act<R>(
        &self,
        change: impl FnOnce(&mut World) -> Result<(R, Vec<Event>), SimError>,
    ) -> Result<(R, Ticket), Failure> {
        self.act_with(Vec::new(), change)
    }

    /// Like [`act`](Self::act), committing `extra` ops (blobs) in the same unit when the
    /// change succeeds (and dropping them when it fails).
    pub(crate) fn act_with<R>(
        &self,
        extra: Vec<Op>,
        change: impl FnOnce(&mut World) -> Result<(R, Vec<Event>), SimError>,
    ) -> Result<(R, Ticket), Failure> {
        let mut world = self.lock();
        // While writes fail, nothing is changed that could not be saved.
        self.store.writable().map_err(store_failure)?;
        let result = change(&mut world);
        let mut ops: Vec<Op> = if self.store.is_memory() {
            world.discard_changes();
            Vec::new()
        } else {
            world.take_changes().into_iter().map(doc_op).collect()
        };
        // Messages go to the store in either case: it keeps the history.
        let messages = world.take_messages();
        ops.extend(messages.into_iter().map(|row| Op::Message(Arc::new(row))));
        match result {
            Ok((value, events)) => {
                ops.extend(extra);
                Ok((value, self.store.commit(ops, &events)))
            }
            Err(error) => {
                if !ops.is_empty() {
                    drop(self.store.commit(ops, &[]));
                }
                Err(error.into())
            }
        }
    }

    /// Like [`act`](Self::act), for a change whose value is the reply.
    pub(crate) fn change(
        &self,
        change: impl FnOnce(&mut World) -> Result<(Reply, Vec<Event>), SimError>,
    ) -> Handled {
        self.act(change)
            .map(|(reply, ticket)| (reply, Some(ticket)))
    }

    /// Runs a read-only `query` on the world.
    pub(crate) fn read(&self, query: impl FnOnce(&World) -> Result<Reply, SimError>) -> Handled {
        Ok((query(&self.lock())?, None))
    }

    /// A framework account sends `text` to `target`.
    fn send_as_account(&self, from: Uin, target: Target, text: &str, anonymous: bool) -> Handled {
        let (receipt, ticket) = self.act(|world| {
            world.online_account(from)?;
            if let (true, Target::Group(gin)) = (anonymous, target) {
                return world.send_anonymous(from, gin, text, self.now(), random_id());
            }
            world.send(from, target, text, self.now(), random_id())
        })?;
        tracing::debug!(
            from,
            ?target,
            req = receipt.req,
            "sim: account sent a message"
        );
        Ok((Reply::Sent(receipt), Some(ticket)))
    }

    /// The messaging and list endpoints; other requests are handed back.
    fn handle(&self, request: Request) -> Result<Handled, Request> {
        use Request as R;
        Ok(match request {
            R::AllocSession(_)
            | R::RemoveSession(_)
            | R::ResetEvent(_)
            | R::GetEvent(_)
            | R::GetEventV2(_) => Err(SimError::ApiLayer(request.path()).into()),
            R::LoginQq(r) => self.change(|w| Ok((Reply::Done, w.login(r.logonqq, self.now())?))),
            R::LogoutQq(r) => {
                self.change(|w| Ok((Reply::Done, w.logout(r.logonqq).map(|()| Vec::new())?)))
            }
            R::GetLogonQq(_) => self.read(|w| Ok(Reply::Accounts(w.logon_accounts()))),
            R::SendPrivateMsg(r) => {
                self.send_as_account(r.fromqq, Target::Private(r.toqq), &r.text, false)
            }
            R::SendGroupMsg(r) => self.send_as_account(
                r.fromqq,
                Target::Group(r.togroup),
                &r.text,
                r.anonymous == Some(true),
            ),
            R::SendGroupTempMsg(r) => {
                let target = Target::Temp {
                    gin: r.togroup,
                    to: r.toqq,
                };
                self.send_as_account(r.fromqq, target, &r.text, false)
            }
            R::GetFriendList(r) => self.read(|w| w.friend_list(r.logonqq).map(Reply::Friends)),
            R::GetGroupList(r) => self.read(|w| w.group_list(r.logonqq).map(Reply::Groups)),
            R::GetGroupMemberList(r) => {
                self.read(|w| w.member_list(r.logonqq, r.group).map(Reply::Members))
            }
            R::GetNickname(r) => self.read(|w| {
                w.nickname_of(r.fromqq, r.toqq, r.fromcache == Some(true))
                    .map(Reply::Text)
            }),
            R::GetGroupNameFromCache(r) => self.read(|w| w.group_name(r.group).map(Reply::Text)),
            R::GetGroupCard(r) => {
                self.read(|w| w.group_card(r.fromqq, r.group, r.toqq).map(Reply::Text))
            }
            R::GetGroupMgrList(r) => {
                self.read(|w| w.manager_list(r.fromqq, r.group).map(Reply::Text))
            }
            other => return Err(other),
        })
    }

    /// The control API's `message`: a simulated user (or an account) sends a message.
    fn control_message(&self, message: SimMessage) -> Handled {
        let SimMessage {
            from,
            to,
            group,
            text,
        } = message;
        let target = Target::of(to, group).ok_or_else(|| {
            Failure::new(
                FailureKind::Invalid,
                "a message needs `to`, `group`, or both",
            )
        })?;
        let (receipt, ticket) =
            self.act(|w| w.send(from, target, &text, self.now(), random_id()))?;
        tracing::debug!(
            from,
            ?target,
            req = receipt.req,
            "sim: control sent a message"
        );
        let reply = Reply::Json(json!({
            "req": receipt.req,
            "random": receipt.random,
            "time": receipt.time,
        }));
        Ok((reply, Some(ticket)))
    }
}

impl Backend for SimBackend {
    fn name(&self) -> &'static str {
        "sim"
    }

    fn call(&self, request: Request) -> BoxFuture<'_, Result<Reply, Failure>> {
        Box::pin(async move { settle(self.route(request).await).await })
    }

    fn control_actions(&self) -> Option<&dyn ControlActions> {
        Some(self)
    }

    fn media(&self, hash: &str) -> BoxFuture<'_, Option<MediaBytes>> {
        self.media_bytes(hash)
    }
}

impl ControlActions for SimBackend {
    fn docs(&self) -> &[ControlDoc] {
        CONTROL_DOCS
    }

    fn run(&self, request: ControlRequest) -> BoxFuture<'_, Result<Reply, ControlError>> {
        Box::pin(async move {
            let control = SimControl::decode(&request.action(), request.body())?;
            if !request.posted() && !control.read_only() {
                return Err(ControlError::TakesPost(control.action().to_owned()));
            }
            self.carry_out(control).await.map_err(ControlError::Failed)
        })
    }
}

impl SimBackend {
    /// Hands a request to the first area that takes it.
    async fn route(&self, request: Request) -> Handled {
        let request = self.prepare_media(request).await?;
        let request = match self.handle(request) {
            Ok(handled) => return handled,
            Err(request) => request,
        };
        let request = match self.handle_admin(request).await {
            Ok(handled) => return handled,
            Err(request) => request,
        };
        let request = match self.handle_social(request).await {
            Ok(handled) => return handled,
            Err(request) => request,
        };
        let request = match self.handle_media(request).await {
            Ok(handled) => return handled,
            Err(request) => request,
        };
        Err(Failure::not_implemented(request.path(), "sim"))
    }

    /// Carries out a decoded control action.
    pub(crate) async fn carry_out(&self, control: SimControl) -> Result<Reply, Failure> {
        settle(self.route_control(control).await).await
    }

    /// Hands a control action to its area.
    async fn route_control(&self, control: SimControl) -> Handled {
        match self.prepare_control_media(control).await? {
            SimControl::Message(message) => self.control_message(message),
            SimControl::World => Ok((Reply::Json(self.lock().view()), None)),
            SimControl::Clock(clock) => {
                let now = self.advance_clock(clock.advance_seconds);
                tracing::debug!(now, "sim: the clock moved forward");
                Ok((Reply::Json(json!({"ret": "ok", "now": now})), None))
            }
            SimControl::Admin(admin) => self.control_admin(admin),
            SimControl::Media(media) => self.control_media(media).await,
            SimControl::Social(social) => self.control_social(social),
            SimControl::Shape(shape) => self.control_shape(shape),
            SimControl::Chat(chat) => self.control_chat(chat),
            SimControl::Account(account) => self.control_account(account),
        }
    }
}

/// Waits for a handled request's commit, then gives its reply.
async fn settle(handled: Handled) -> Result<Reply, Failure> {
    let (reply, ticket) = handled?;
    if let Some(ticket) = ticket {
        ticket.wait().await.map_err(store_failure)?;
    }
    Ok(reply)
}
