//! [`Call`]: one OneBot action being carried out for one account, with the helpers every
//! action family uses to ask the backend and to answer in the profile's envelope.

use lizi_core::{Backend, ControlRequest, Reply, Request, Uin};
use lizi_onebot::envelope::Failure as Why;
use lizi_onebot::{ActionResponse, Profile};
use serde_json::Value;

/// Response data, or the failed response (boxed: it is large).
pub(crate) type Answer = Result<Value, Box<ActionResponse>>;

/// The framework account a call acts as.
pub(crate) struct Account {
    /// Its QQ number.
    pub uin: Uin,
    /// Its nickname.
    pub nickname: String,
    /// Whether it is logged in.
    pub online: bool,
}

/// An action being carried out: the backend, the profile to answer in, the account.
pub(crate) struct Call<'a> {
    /// Does the QQ work.
    pub backend: &'a dyn Backend,
    /// The envelope and retcodes to answer with.
    pub profile: Profile,
    /// Who acts.
    pub account: &'a Account,
}

impl Call<'_> {
    /// The acting account's number (`fromqq`/`logonqq` of the XLZ requests).
    pub fn me(&self) -> Uin {
        self.account.uin
    }

    /// A failed response: the action could not be done, for `why`.
    pub fn failed(&self, why: impl Into<String>) -> Box<ActionResponse> {
        Box::new(self.profile.failed(Why::HandlerFailed, why))
    }

    /// A failed response: the parameters make no sense, for `why`.
    pub fn bad(&self, why: impl Into<String>) -> Box<ActionResponse> {
        Box::new(self.profile.failed(Why::BadParams, why))
    }

    /// Carries out an XLZ request; a backend failure becomes a failed response with the
    /// backend's reason.
    pub async fn ask(&self, request: Request) -> Result<Reply, Box<ActionResponse>> {
        self.backend
            .call(request)
            .await
            .map_err(|failure| self.failed(failure.message))
    }

    /// Carries out one of the backend's control actions (where no XLZ request exists), by
    /// name with its JSON body.
    pub async fn control(&self, action: &str, body: Value) -> Result<Reply, Box<ActionResponse>> {
        self.backend
            .control(ControlRequest::post(action, body.to_string()))
            .await
            .map_err(|failure| self.failed(failure.message))
    }

    /// Carries out an XLZ request whose success has no data (`null`).
    pub async fn done(&self, request: Request) -> Answer {
        self.ask(request).await.map(|_| Value::Null)
    }

    /// Carries out an XLZ request that answers text.
    pub async fn text(&self, request: Request) -> Result<String, Box<ActionResponse>> {
        match self.ask(request).await? {
            Reply::Text(text) => Ok(text),
            other => Err(self.unexpected(&other)),
        }
    }

    /// Carries out a control action that answers JSON.
    pub async fn control_json(&self, action: &str, body: Value) -> Answer {
        match self.control(action, body).await? {
            Reply::Json(value) => Ok(value),
            other => Err(self.unexpected(&other)),
        }
    }

    /// Fails unless the account is logged in (XLZ's changes need an online account).
    pub fn ensure_online(&self) -> Result<(), Box<ActionResponse>> {
        if self.account.online {
            Ok(())
        } else {
            Err(self.failed(format!("account {} is not logged in", self.me())))
        }
    }

    /// The failed response for a backend reply of the wrong shape.
    pub fn unexpected(&self, reply: &Reply) -> Box<ActionResponse> {
        tracing::warn!("the backend answered an unexpected {reply:?}");
        self.failed("the backend answered something other than what this action expects")
    }
}

/// Carries out a request whose success has no data (`null`), for `profile`.
pub(crate) async fn done(backend: &dyn Backend, profile: Profile, request: Request) -> Answer {
    match backend.call(request).await {
        Ok(_) => Ok(Value::Null),
        Err(failure) => Err(Box::new(
            profile.failed(Why::HandlerFailed, failure.message),
        )),
    }
}

/// Serialises response data.
pub(crate) fn data(value: impl serde::Serialize) -> Answer {
    Ok(serde_json::to_value(value).unwrap_or(Value::Null))
}
