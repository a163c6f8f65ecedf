//! Faults on demand (docs/onebot-face.md#faults-on-demand item 6), set through the control API's
//! `POST /sim/onebot_fault`: drop or duplicate the next events, close every OneBot
//! connection, delay actions, fail the next actions with NapCat's timeout, report an
//! account offline and back. [`FaultControl`] is the handle the binary hands the API.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lizi_core::ControlDoc;
use lizi_core::Uin;
use lizi_onebot::envelope::{split_action, Failure as Why};
use lizi_onebot::{ActionRequest, ActionResponse, Status};
use serde_json::{json, Map, Value};
use tokio::sync::watch;

use crate::actions::{choose_account, perform};
use crate::connection::Shared;

/// What a failed action answers: NapCat's wording when QQ does not answer a send in time
/// (what risk control looks like from a bot).
pub const RISK_CONTROL_TIMEOUT: &str = "Timeout: NTEvent serviceAndMethod:NodeIKernelMsgService/sendMsg ListenerName:NodeIKernelMsgListener/onMsgInfoListUpdate EventRet: (the server did not answer; risk control?)";

/// The control action, documented for the OpenAPI document.
pub const FAULT_DOCS: &[ControlDoc] = &[ControlDoc {
    action: "onebot_fault",
    read_only: false,
    summary: "A OneBot fault on demand: `kind` `drop_events` or `duplicate_events` (the next `count` events, default 1), `close_connections` (every OneBot WebSocket), `delay_actions` (every action by `ms`, 0 ends it), `fail_actions` (the next `count` actions fail with NapCat's timeout: retcode 1200, over HTTP as the profile numbers a failure there), `offline` or `online` (`account` reported offline: `bot_offline` notice, heartbeats and get_status `online:false`; and back), `clear` (all of them off). Answers what it did.",
    example: r#"{"kind":"drop_events","count":1}"#,
}];

/// The faults in force.
#[derive(Debug)]
pub(crate) struct Faults {
    drop_events: AtomicU64,
    duplicate_events: AtomicU64,
    fail_actions: AtomicU64,
    delay_ms: AtomicU64,
    /// Bumped to close every connection.
    closing: watch::Sender<u64>,
    /// Connections open now.
    pub open: AtomicUsize,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            drop_events: AtomicU64::new(0),
            duplicate_events: AtomicU64::new(0),
            fail_actions: AtomicU64::new(0),
            delay_ms: AtomicU64::new(0),
            closing: watch::channel(0).0,
            open: AtomicUsize::new(0),
        }
    }
}

/// Takes one from a countdown; whether there was one to take.
fn take(counter: &AtomicU64) -> bool {
    counter
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok()
}

impl Faults {
    /// Whether the next event is to be dropped.
    pub fn drop_event(&self) -> bool {
        take(&self.drop_events)
    }

    /// Whether the next event is to be sent twice.
    pub fn duplicate_event(&self) -> bool {
        take(&self.duplicate_events)
    }

    /// Counts a connection open until the guard is dropped.
    pub fn opened(&self) -> OpenConnection<'_> {
        self.open.fetch_add(1, Ordering::Relaxed);
        OpenConnection(&self.open)
    }

    /// A receiver that changes when every connection is to close.
    pub fn closings(&self) -> watch::Receiver<u64> {
        self.closing.subscribe()
    }
}

/// An open connection, counted until dropped.
pub(crate) struct OpenConnection<'a>(&'a AtomicUsize);

impl Drop for OpenConnection<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Carries out an action as [`perform`] does, with the faults in force: the delay, the
/// failures, and `get_status` saying whether the account is reported online.
pub(crate) async fn act(
    shared: &Shared,
    self_id: Option<Uin>,
    request: &ActionRequest,
) -> ActionResponse {
    let profile = shared.config.profile;
    let started = std::time::Instant::now();
    let delay = shared.faults.delay_ms.load(Ordering::Relaxed);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if take(&shared.faults.fail_actions) {
        return profile
            .failed(Why::HandlerFailed, RISK_CONTROL_TIMEOUT)
            .with_echo(request.echo.clone());
    }
    let mut response = perform(shared, self_id, request).await;
    let (name, _) = split_action(&request.action);
    let took = started.elapsed().as_secs_f64();
    shared.metrics.acted(name, profile, took);
    if name == "get_status" && response.status == Status::Ok && response.data.is_object() {
        let account = match self_id {
            Some(account) => Some(account),
            None => choose_account(shared.backend.as_ref(), None).await.ok(),
        };
        // The action reads the account's login state itself; the fault may report a
        // logged-in account offline.
        let reported_offline =
            account.is_some_and(|a| shared.presence.borrow().reported_offline.contains(&a));
        if reported_offline {
            response.data["online"] = json!(false);
        }
    }
    response
}

/// The handle through which the control API sets faults.
#[derive(Clone)]
pub struct FaultControl {
    pub(crate) shared: Arc<Shared>,
}

impl FaultControl {
    /// Applies one fault from its JSON body: `Ok` with what was done, `Err` with the
    /// message of a 400 naming the field.
    pub fn apply(&self, body: &[u8]) -> Result<Value, String> {
        let body: Map<String, Value> = match serde_json::from_slice(body) {
            Ok(Value::Object(body)) => body,
            _ => return Err("the body must be a JSON object with a `kind`".into()),
        };
        let kind = body.get("kind").and_then(Value::as_str).unwrap_or_default();
        let faults = &self.shared.faults;
        let did = match kind {
            "drop_events" | "duplicate_events" | "fail_actions" => {
                let count = number(&body, "count")?.unwrap_or(1);
                let counter = match kind {
                    "drop_events" => &faults.drop_events,
                    "duplicate_events" => &faults.duplicate_events,
                    _ => &faults.fail_actions,
                };
                counter.store(count, Ordering::Relaxed);
                json!({"count": count})
            }
            "delay_actions" => {
                let ms =
                    number(&body, "ms")?.ok_or("`ms` is required: the delay in milliseconds")?;
                faults.delay_ms.store(ms, Ordering::Relaxed);
                json!({"ms": ms})
            }
            "close_connections" => {
                let closed = faults.open.load(Ordering::Relaxed);
                faults.closing.send_modify(|generation| *generation += 1);
                json!({"closed": closed})
            }
            "offline" | "online" => {
                let account = number(&body, "account")?
                    .ok_or("`account` is required: the framework account")?;
                if !self
                    .shared
                    .presence
                    .borrow()
                    .accounts
                    .contains_key(&account)
                {
                    return Err(format!("`account`: {account} is not a framework account"));
                }
                let offline = kind == "offline";
                self.shared.presence.send_modify(|presence| {
                    if offline {
                        presence.reported_offline.insert(account);
                    } else {
                        presence.reported_offline.remove(&account);
                    }
                });
                json!({"account": account, "online": !offline})
            }
            "clear" => {
                for counter in [
                    &faults.drop_events,
                    &faults.duplicate_events,
                    &faults.fail_actions,
                    &faults.delay_ms,
                ] {
                    counter.store(0, Ordering::Relaxed);
                }
                self.shared
                    .presence
                    .send_modify(|presence| presence.reported_offline.clear());
                json!({})
            }
            _ => {
                return Err(
                    "`kind` must be one of drop_events, duplicate_events, \
                            close_connections, delay_actions, fail_actions, offline, online, clear"
                        .into(),
                )
            }
        };
        let mut answer = json!({"ret": "ok", "kind": kind});
        if let (Value::Object(answer), Value::Object(did)) = (&mut answer, did) {
            answer.extend(did);
        }
        Ok(answer)
    }

    /// Registers the face's metrics in `registry`.
    pub fn register_metrics(&self, registry: &mut prometheus_client::registry::Registry) {
        self.shared.metrics.register(registry);
    }
}

/// An optional non-negative integer field.
fn number(body: &Map<String, Value>, field: &str) -> Result<Option<u64>, String> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("`{field}` must be a non-negative integer")),
    }
}
