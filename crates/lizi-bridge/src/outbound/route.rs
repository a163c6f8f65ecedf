//! The backend's answer to XLZ requests: [`Backend`] for [`BridgeBackend`].
//!
//! Every request is first checked against the endpoint table ([`super::table`], in
//! [`super::carry`]): impossible endpoints, and those the account's implementation lacks,
//! fail without calling it. The rest is routed here: the account list, sends and recalls
//! ([`super::send`]), request answers by the kept flag ([`super::requests`]), pictures,
//! voices and avatars ([`super::media`]), group files ([`super::files`]), lists and group
//! admin actions ([`super::standard`]), and the other single-action endpoints
//! ([`super::plan`], carried out by [`super::carry`]). A request none of them takes fails
//! saying it is not bridged (never a fake success); the control API (`/sim/…`) is not
//! available.

use lizi_core::model::LogonAccount;
use lizi_core::{Backend, BoxFuture, ControlRequest, Failure, FailureKind, Reply, Request};

use super::plan::outcome::NO_ANONYMOUS_SEND;
use super::standard;
use crate::backend::BridgeBackend;
use crate::state::identity::Conversation;

impl BridgeBackend {
    /// `/getlogonqq`: every account seen, online once its handshake is done and while
    /// the implementation does not report it offline.
    fn accounts(&self) -> Vec<LogonAccount> {
        let state = self.lock();
        state
            .accounts
            .iter()
            .map(|(&uin, account)| LogonAccount {
                uin,
                nickname: account.seen.nickname.clone(),
                online: account.link.is_some() && account.identified && !account.reported_offline,
                received: account.received,
                sent: account.sent,
                protocol: Some(account.seen.implementation.display()),
            })
            .collect()
    }

    /// Carries `request` out on its account, or fails saying why not.
    async fn route(&self, request: Request) -> Result<Reply, Failure> {
        use Request as R;
        if let Some(refused) = self.refused(&request) {
            return Err(refused);
        }
        match request {
            R::GetLogonQq(_) => Ok(Reply::Accounts(self.accounts())),
            R::SendGroupMsg(r) if r.anonymous == Some(true) => {
                Err(Failure::new(FailureKind::Invalid, NO_ANONYMOUS_SEND))
            }
            R::SendGroupMsg(r) => {
                self.send(r.fromqq, Conversation::Group(r.togroup), &r.text)
                    .await
            }
            R::SendPrivateMsg(r) => {
                self.send(r.fromqq, Conversation::Friend(r.toqq), &r.text)
                    .await
            }
            R::SendGroupTempMsg(r) => {
                let conversation = Conversation::Temporary {
                    group: r.togroup,
                    user: r.toqq,
                };
                self.send(r.fromqq, conversation, &r.text).await
            }
            R::DeleteGroupMsg(r) => {
                let group = r.group;
                self.recall(r.fromqq, r.req, r.random, |c| {
                    c == Conversation::Group(group)
                })
                .await
            }
            R::SetFriendAddRequest(r) => {
                let approve = r.op == 1;
                self.answer_request(r.fromqq, r.seq, Some(approve), None)
                    .await
            }
            R::SetGroupAddRequest(r) => {
                let approve = match r.op {
                    11 => Some(true),
                    12 => Some(false),
                    _ => None,
                };
                self.answer_request(r.fromqq, r.seq, approve, r.reason.clone())
                    .await
            }
            media @ (R::SendPrivatePic(_)
            | R::SendGroupPic(_)
            | R::SendPrivateAudio(_)
            | R::SendGroupAudio(_)
            | R::GetPhotoUrl(_)
            | R::UploadFacePic(_)
            | R::UploadGroupFacePic(_)) => self.media_call(media).await,
            R::DeletePrivateMsg(r) => {
                let peer = r.toqq;
                self.recall(r.fromqq, r.req, r.random, |c| c.peer() == Some(peer))
                    .await
            }
            file @ (R::UploadFile(_)
            | R::NewGroupFolder(_)
            | R::RenameGroupFolder(_)
            | R::RemoveGroupFolder(_)
            | R::RemoveGroupFile(_)
            | R::MoveGroupFile(_)
            | R::GetGroupFileList(_)
            | R::GetGroupFileUrl(_)
            | R::ForwardGroupFileToGroup(_)
            | R::ForwardGroupFileToFriend(_)
            | R::ForwardFriendFileToFriend(_)) => self.files(file).await.unwrap_or_else(|other| {
                Err(Failure::new(
                    FailureKind::NotImplemented,
                    format!("{} is not bridged yet", other.path()),
                ))
            }),
            other => match standard::plan(&other) {
                Some(call) => {
                    let link = self.link(call.account)?;
                    let data = link
                        .call(call.action, call.params)
                        .await
                        .map_err(|e| self.failed(call.account, e))?;
                    let reply = standard::reply(call.answer, &data);
                    self.keep_names(&reply);
                    Ok(reply)
                }
                None => self.carry_out(other).await,
            },
        }
    }
}

impl Backend for BridgeBackend {
    fn name(&self) -> &'static str {
        "onebot"
    }

    fn call(&self, request: Request) -> BoxFuture<'_, Result<Reply, Failure>> {
        Box::pin(self.route(request))
    }

    fn media(&self, hash: &str) -> BoxFuture<'_, Option<lizi_core::media::MediaBytes>> {
        let hash = hash.to_owned();
        Box::pin(async move {
            match self.media.bytes(&hash).await {
                Some(bytes) => Some(bytes),
                None => self.file_bytes(&hash).await,
            }
        })
    }

    fn control(&self, request: ControlRequest) -> BoxFuture<'_, Result<Reply, Failure>> {
        let action = request.action();
        Box::pin(async move {
            Err(Failure::new(
                FailureKind::NotImplemented,
                format!("the control action `{action}` is not available with the onebot backend: it drives real accounts, not a simulated network"),
            ))
        })
    }
}
