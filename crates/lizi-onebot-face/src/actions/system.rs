//! Actions about lizi itself rather than QQ: its version, the account's status, what it
//! can send, its cache (none) and NapCat's URL check. Restarting is refused
//! ([`super::refused`]).

use lizi_onebot::action::{BotStatus, CanSend, VersionInfo};
use lizi_onebot::Profile;
use serde_json::Value;

use crate::actions::call::{data, Answer, Call};

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
    ///
    /// Lagrange.OneBot adds its own state (`app_initialized`, `app_enabled`,
    /// `plugins_good`, `app_good`: running, so true) and its memory use (lizi's is not
    /// told: 0).
    pub(crate) fn status(&self) -> Answer {
        let mut extra = serde_json::Map::new();
        if self.profile == Profile::Lagrange {
            for running in ["app_initialized", "app_enabled", "plugins_good", "app_good"] {
                extra.insert(running.into(), Value::Bool(true));
            }
            extra.insert("memory".into(), Value::from(0));
        }
        data(BotStatus {
            online: Some(self.account.online),
            good: self.account.online,
            extra,
        })
    }

    /// `can_send_image` and `can_send_record`: yes.
    pub(crate) fn can_send(&self) -> Answer {
        data(CanSend { yes: true })
    }

    /// `check_url_safely` (NapCat): `{level: 1}`, NapCat's answer whatever the URL.
    pub(crate) fn url_safety(&self) -> Answer {
        Ok(serde_json::json!({"level": 1}))
    }

    /// `clean_cache`: lizi's OneBot face keeps no cache, so there is nothing to clean.
    pub(crate) fn clean_cache(&self) -> Answer {
        Ok(Value::Null)
    }
}
