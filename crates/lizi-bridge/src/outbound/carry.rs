//! The backend's side of the endpoint table and of the single-action endpoints: refusing
//! what the account's implementation cannot do ([`super::table`]) before calling it, and
//! carrying out a [`Plan`].

use lizi_core::{Failure, FailureKind, Reply, Request, Uin};

use super::plan;
use super::plan::outcome::{Context, Plan};
use super::table;
use crate::backend::BridgeBackend;
use crate::clock::now;

/// The account a request acts as, for the endpoints that are impossible or that some
/// implementation lacks (the ones refused, naming the account's implementation).
fn acting_account(request: &Request) -> Option<Uin> {
    use Request as R;
    Some(match request {
        R::LoginQq(r) => r.logonqq,
        R::LogoutQq(r) => r.logonqq,
        R::CallFriend(r) => r.logonqq,
        R::AddFriend(r) => r.fromqq,
        R::AddGroup(r) => r.fromqq,
        R::SetFriendIgnMsg(r) => r.fromqq,
        R::SetFriendCare(r) => r.fromqq,
        R::SetGroupPrivUploadFile(r) => r.fromqq,
        R::SetGroupPrivTanBaiShuo(r) => r.fromqq,
        R::SetSharePos(r) => r.fromqq,
        R::UploadPos(r) => r.fromqq,
        R::SaveFileToWeiyun(r) => r.fromqq,
        R::SendFreePackage(r) => r.fromqq,
        R::GetGroupHb(r) => r.logonqq,
        R::SendGroupTempMsg(r) => r.fromqq,
        R::SendPrivateXmlMsg(r) => r.fromqq,
        R::SendGroupXmlMsg(r) => r.fromqq,
        R::SendInputStatus(r) => r.logonqq,
        R::SetNickname(r) => r.fromqq,
        R::SetSignat(r) => r.fromqq,
        R::UpdateData(r) => r.logonqq,
        R::DispGroup(r) => r.fromqq,
        R::SetGroupPrivNewGroup(r) => r.fromqq,
        R::SetGroupPrivNewTempSession(r) => r.fromqq,
        R::SetGroupPrivUploadPhotoAlbum(r) => r.fromqq,
        R::SetGroupPrivInviteIn(r) => r.fromqq,
        R::SetGroupPrivAnonymous(r) => r.fromqq,
        R::SetGroupPrivNewMemberCanViewHistoryMsg(r) => r.fromqq,
        R::SetGroupPrivInviteWay(r) => r.fromqq,
        R::GetMuteTime(r) => r.fromqq,
        R::RenameGroupFolder(r) => r.fromqq,
        R::SetOnlineState(r) => r.fromqq,
        R::GetQqOnlineState(r) => r.logonqq,
        R::GetClientKey(r) => r.logonqq,
        _ => return None,
    })
}

impl BridgeBackend {
    /// The failure the endpoint table gives `request` on its account's implementation:
    /// impossible endpoints for everyone, absent ones per implementation.
    pub(crate) fn refused(&self, request: &Request) -> Option<Failure> {
        let implementation = acting_account(request)
            .map(|account| self.implementation_of(account))
            .unwrap_or_default();
        table::refusal(request.path(), &implementation)
    }

    /// The first connected account, for requests that name none.
    fn any_account(&self) -> Option<Uin> {
        let state = self.lock();
        let account = state
            .accounts
            .iter()
            .find(|(_, account)| account.link.is_some())
            .map(|(uin, _)| *uin);
        account
    }

    /// Carries out one of the single-action endpoints; any other is not bridged.
    pub(crate) async fn carry_out(&self, request: Request) -> Result<Reply, Failure> {
        let account = acting_account(&request);
        let implementation = account
            .map(|account| self.implementation_of(account))
            .unwrap_or_default();
        let any_account = self.any_account();
        let planned = {
            let context = Context {
                implementation: &implementation,
                names: &self.names,
                any_account,
                now: now(),
            };
            plan::plan(&request, &context)
        };
        let planned = planned.ok_or_else(|| {
            Failure::new(
                FailureKind::NotImplemented,
                format!(
                    "{} is not bridged yet by lizi's OneBot bridge",
                    request.path()
                ),
            )
        })??;
        match planned {
            Plan::Answer(reply) => Ok(reply),
            Plan::Call(call) => {
                let link = self.link(call.account)?;
                let data = link
                    .call(call.action, call.params)
                    .await
                    .map_err(|e| self.failed(call.account, e))?;
                let reply = plan::read(call.read, &data, &self.implementation_of(call.account))?;
                self.keep_names(&reply);
                Ok(reply)
            }
            Plan::Send(send) => {
                let reply = self
                    .send_segments(send.account, send.conversation, send.message, &send.text)
                    .await?;
                Ok(if send.done_only { Reply::Done } else { reply })
            }
        }
    }
}
