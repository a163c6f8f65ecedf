//! Actions about lizi itself rather than QQ: its version, the account's status, what it
//! can send, its cache (none) and restarting (refused: restart the process).

use lizi_onebot::action::{BotStatus, CanSend, VersionInfo};
use serde_json::Value;

use crate::actions::call::{data, Answer, Call};

/// Why `set_restart` fails.
const NO_RESTART: &str =
    "lizi does not restart itself on request: restart the process; the event log keeps \
     what connections have not received";

impl Call<'_> {
    /// `get_version_info`: the profile's implementation name and lizi's version.
    pub(crate) fn version_info(&self) -> Answer {
        data(VersionInfo {
            app_name: self.profile.app_name().into(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            protocol_version: "v11".into(),
            extra: Default::default(),
        })
    }

    /// `get_status`: `online` and `good` are the account's real state.
    pub(crate) fn status(&self) -> Answer {
        data(BotStatus {
            online: Some(self.account.online),
            good: self.account.online,
            extra: Default::default(),
        })
    }

    /// `can_send_image` and `can_send_record`: yes.
    pub(crate) fn can_send(&self) -> Answer {
        data(CanSend { yes: true })
    }

    /// `clean_cache`: lizi's OneBot face keeps no cache, so there is nothing to clean.
    pub(crate) fn clean_cache(&self) -> Answer {
        Ok(Value::Null)
    }

    /// `set_restart`: refused, saying why.
    pub(crate) fn restart(&self) -> Answer {
        Err(self.failed(NO_RESTART))
    }
}
