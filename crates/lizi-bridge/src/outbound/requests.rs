//! Friend and group requests answered (docs/onebot-implementations.md#request-handles): XLZ names a request by the `seq`
//! of its event, the implementation by its `flag`, kept for it in
//! [`crate::state::requests`] when it arrived.

use lizi_core::{Failure, FailureKind, Reply, Uin};
use serde_json::json;

use crate::backend::BridgeBackend;
use crate::state::kept::read_failed;

impl BridgeBackend {
    /// Answers `account`'s request `seq` by its flag: approve, refuse, or (`None`) leave
    /// it unanswered, as QQ's "ignore" does.
    pub(crate) async fn answer_request(
        &self,
        account: Uin,
        seq: i64,
        approve: Option<bool>,
        reason: Option<String>,
    ) -> Result<Reply, Failure> {
        let found = self
            .lock()
            .requests
            .get(account, seq)
            .map_err(read_failed)?;
        let request = found.ok_or_else(|| {
            Failure::new(
                FailureKind::NotFound,
                format!("lizi's OneBot bridge knows no request seq={seq} of account {account}"),
            )
        })?;
        let Some(approve) = approve else {
            return Ok(Reply::Done);
        };
        let (action, params) = if request.group == 0 {
            (
                "set_friend_add_request",
                json!({"flag": request.flag, "approve": approve}),
            )
        } else {
            let sub_type = if request.invite { "invite" } else { "add" };
            let params = json!({"flag": request.flag, "sub_type": sub_type, "approve": approve,
                "reason": reason.unwrap_or_default()});
            ("set_group_add_request", params)
        };
        let link = self.link(account)?;
        link.call(action, params)
            .await
            .map_err(|e| self.failed(account, e))?;
        Ok(Reply::Done)
    }
}
