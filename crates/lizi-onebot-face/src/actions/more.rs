//! The dispatcher of the action families beyond messages and the first group actions:
//! groups, people, files, media and the rest, each carried out in its own module.

use lizi_onebot::Action;
use serde_json::Value;

use super::call::{Answer, Call};
use super::groups::NO_ANONYMOUS;
use super::misc::{NO_HONOURS, NO_POKE, NO_RESTART};

impl Call<'_> {
    /// Carries out `action`; one this face does not carry out fails saying so.
    pub(crate) async fn carry_out(&self, action: Action) -> Answer {
        use Action as A;
        let action = match self.more_files(action).await {
            Ok(answer) => return answer,
            Err(action) => action,
        };
        match action {
            A::GetGroupList(_) => self.group_list().await,
            A::GetGroupInfo(call) => self.group_info(&call).await,
            A::GetGroupMemberList(call) => self.member_list(call.group_id).await,
            A::GetGroupMemberInfo(call) => self.member(&call).await,
            A::SetGroupAdmin(call) => self.set_admin(&call).await,
            A::SetGroupName(call) => self.set_name(&call).await,
            A::SetGroupSpecialTitle(call) => self.set_special_title(&call).await,
            A::SetGroupAnonymousBan(_) | A::SetGroupAnonymous(_) => Err(self.failed(NO_ANONYMOUS)),
            A::GetGroupHonorInfo(_) => Err(self.failed(NO_HONOURS)),
            A::GetStrangerInfo(call) => self.stranger(&call).await,
            A::SendLike(call) => self.like(&call).await,
            A::SetFriendAddRequest(call) => self.answer_friend(&call).await,
            A::SetGroupAddRequest(call) => self.answer_group(&call).await,
            A::SetQqProfile(call) => self.set_profile(&call).await,
            A::GetStatus(_) => self.status(),
            A::GetOnlineClients(_) => self.online_clients(),
            A::GetCookies(call) => self.cookies(call.domain.as_deref()).await,
            A::GetCsrfToken(_) => self.csrf_token().await,
            A::GetCredentials(call) => self.credentials(call.domain.as_deref()).await,
            A::GetImage(call) => self.media_file(&call.file, None).await,
            A::GetRecord(call) => {
                self.media_file(&call.file, call.out_format.as_deref())
                    .await
            }
            // lizi's OneBot face keeps no cache: there is nothing to clean.
            A::CleanCache(_) => Ok(Value::Null),
            A::SetRestart(_) => Err(self.failed(NO_RESTART)),
            A::UploadGroupFile(call) => self.upload_file(&call).await,
            A::GetGroupRootFiles(call) => self.group_files(call.group_id, "/").await,
            A::GetGroupFilesByFolder(call) => {
                self.group_files(call.group_id, &call.folder_id).await
            }
            A::GetGroupFileUrl(call) => self.file_url(&call).await,
            A::CreateGroupFileFolder(call) => self.create_folder(&call).await,
            A::DeleteGroupFile(call) => self.delete_file(&call).await,
            A::DeleteGroupFolder(call) => self.delete_folder(&call).await,
            A::GroupPoke(_) | A::FriendPoke(_) | A::SendPoke(_) => Err(self.failed(NO_POKE)),
            A::GetGroupSystemMsg(_) => self.group_system_msg().await,
            A::SetQqAvatar(call) => self.set_avatar(None, &call.file).await,
            A::SetGroupPortrait(call) => self.set_avatar(Some(call.group_id), &call.file).await,
            other => self.carry_out_extension(other).await,
        }
    }
}
