//! [`SimBackend`]: the simulated network behind the [`Backend`] trait.

use std::future::ready;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use lizi_core::backend::SimMessage;
use lizi_core::{
    Backend, BoxFuture, ControlRequest, Event, EventLog, Failure, FailureKind, Reply, Request, Uin,
};
use serde_json::json;

use crate::error::SimError;
use crate::fixture::WorldFixture;
use crate::messages::{random_id, Target};
use crate::world::{now, World};

/// The simulated QQ network, kept in memory.
///
/// Every request names a framework account (`fromqq`/`logonqq`); any other number fails
/// with [`FailureKind::UnknownAccount`]. Sending needs the account online
/// ([`FailureKind::Offline`] otherwise); lists and lookups answer from the account's cache
/// and work offline too, except `/getnickname` without `fromcache=true`. Logging in an
/// online account, or out an offline one, succeeds without changing anything.
///
/// Events are appended to the log while the world is locked, so their order is the order
/// of the changes that caused them.
#[derive(Debug)]
pub struct SimBackend {
    world: Mutex<World>,
    log: Arc<EventLog>,
}

impl SimBackend {
    /// A backend running the world `world` describes, reporting events to `log`.
    pub fn new(world: WorldFixture, log: Arc<EventLog>) -> SimBackend {
        SimBackend {
            world: Mutex::new(World::from_fixture(&world, now())),
            log,
        }
    }

    fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `change` on the world and appends the events it produced, under the lock.
    fn act<R>(
        &self,
        change: impl FnOnce(&mut World) -> Result<(R, Vec<Event>), SimError>,
    ) -> Result<R, Failure> {
        let mut world = self.lock();
        let (value, events) = change(&mut world)?;
        if !events.is_empty() {
            self.log.append(&events);
        }
        drop(world);
        Ok(value)
    }

    /// Runs a read-only `query` on the world.
    fn read<R>(&self, query: impl FnOnce(&World) -> Result<R, SimError>) -> Result<R, Failure> {
        Ok(query(&self.lock())?)
    }

    /// A framework account sends `text` to `target`.
    fn send_as_account(
        &self,
        from: Uin,
        target: Target,
        text: &str,
        anonymous: bool,
    ) -> Result<Reply, Failure> {
        let receipt = self.act(|world| {
            world.online_account(from)?;
            if let (true, Target::Group(gin)) = (anonymous, target) {
                world.group(gin)?.member(from)?;
                return Err(SimError::Refused(format!(
                    "anonymous chat is off in group {gin}"
                )));
            }
            world.send(from, target, text, now(), random_id())
        })?;
        tracing::debug!(
            from,
            ?target,
            req = receipt.req,
            "sim: account sent a message"
        );
        Ok(Reply::Sent(receipt))
    }

    fn handle(&self, request: Request) -> Result<Reply, Failure> {
        use Request as R;
        match request {
            R::AllocSession(_)
            | R::RemoveSession(_)
            | R::ResetEvent(_)
            | R::GetEvent(_)
            | R::GetEventV2(_) => Err(SimError::ApiLayer(request.path()).into()),
            R::LoginQq(r) => self.act(|w| Ok((Reply::Done, w.login(r.logonqq, now())?))),
            R::LogoutQq(r) => {
                self.act(|w| Ok((Reply::Done, w.logout(r.logonqq).map(|()| Vec::new())?)))
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
            other => Err(Failure::not_implemented(other.path(), "sim")),
        }
    }

    fn handle_control(&self, request: ControlRequest) -> Result<Reply, Failure> {
        match request {
            ControlRequest::Message(SimMessage {
                from,
                to,
                group,
                text,
            }) => {
                let target = match (to, group) {
                    (Some(to), None) => Target::Private(to),
                    (None, Some(gin)) => Target::Group(gin),
                    (Some(to), Some(gin)) => Target::Temp { gin, to },
                    (None, None) => {
                        return Err(Failure::new(
                            FailureKind::Invalid,
                            "a message needs `to`, `group`, or both",
                        ))
                    }
                };
                let receipt = self.act(|w| w.send(from, target, &text, now(), random_id()))?;
                tracing::debug!(
                    from,
                    ?target,
                    req = receipt.req,
                    "sim: control sent a message"
                );
                Ok(Reply::Json(json!({
                    "req": receipt.req,
                    "random": receipt.random,
                    "time": receipt.time,
                })))
            }
            ControlRequest::World => Ok(Reply::Json(self.lock().view())),
        }
    }
}

impl Backend for SimBackend {
    fn name(&self) -> &'static str {
        "sim"
    }

    fn call(&self, request: Request) -> BoxFuture<'_, Result<Reply, Failure>> {
        Box::pin(ready(self.handle(request)))
    }

    fn control(&self, request: ControlRequest) -> BoxFuture<'_, Result<Reply, Failure>> {
        Box::pin(ready(self.handle_control(request)))
    }
}
