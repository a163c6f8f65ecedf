//! Recording a conversation as a scenario file for `lizi test`, on any backend:
//!
//! - `POST /lizi/record/start` (optional JSON body: `accounts`, `groups`, `users` to keep,
//!   `keep_ids`, `keep_media`, `name`) starts reading the event log;
//! - `GET /lizi/record` tells whether a recording runs and what it holds so far;
//! - `POST /lizi/record/stop` answers the recording as a scenario file
//!   (`application/toml`) that `lizi test` runs as it is.
//!
//! One recording at a time; it lives in memory only (a restart ends it), bounded by
//! `record_max_events` (over it, the oldest events go and the file says so). This
//! module only collects and answers: what the recording becomes is
//! `lizi_scenario_file`'s pure code.

mod collect;
mod world;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use lizi_core::Event;
use lizi_scenario_file::{BotFaces, Observed, RecordOptions, Recording};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::response::{self, with};
use crate::AppState;
use collect::{Collected, Filter};

/// The paths of the recording.
const STATUS: &str = "/lizi/record";
const START: &str = "/lizi/record/start";
const STOP: &str = "/lizi/record/stop";

/// The name a recorded scenario gets when the start asked for none.
const DEFAULT_NAME: &str = "a recorded conversation";

/// What `POST /lizi/record/start` takes (every field optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StartBody {
    /// Framework accounts to record (empty: all).
    #[serde(default)]
    accounts: BTreeSet<u64>,
    /// Groups to record (with `users` empty too: every conversation).
    #[serde(default)]
    groups: BTreeSet<u64>,
    /// People whose private chats and requests to record.
    #[serde(default)]
    users: BTreeSet<u64>,
    /// Keep real QQ numbers and names (the bridge anonymises by default).
    #[serde(default)]
    keep_ids: bool,
    /// Keep pictures and files, by hash only.
    #[serde(default)]
    keep_media: bool,
    /// The scenario's name.
    name: Option<String>,
}

impl StartBody {
    fn filter(&self) -> Filter {
        Filter {
            accounts: self.accounts.clone(),
            groups: self.groups.clone(),
            users: self.users.clone(),
        }
    }
}

/// A recording running.
struct Active {
    started: Instant,
    body: StartBody,
    collected: Arc<Mutex<Collected>>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

/// The one recording of this lizi, if any.
pub struct Recorder {
    active: tokio::sync::Mutex<Option<Active>>,
    bound: usize,
    faces: BotFaces,
}

impl Recorder {
    /// A recorder keeping at most `bound` events, for a lizi whose bots reach it through
    /// `faces`.
    pub fn new(bound: usize, faces: BotFaces) -> Recorder {
        Recorder {
            active: tokio::sync::Mutex::new(None),
            bound: bound.max(1),
            faces,
        }
    }
}

/// Serves the recording's paths; `None` for any other path.
pub async fn route(state: &AppState, method: &Method, path: &str, body: &[u8]) -> Option<Response> {
    let (wanted, handler) = match path {
        START => (Method::POST, Handler::Start),
        STOP => (Method::POST, Handler::Stop),
        STATUS => (Method::GET, Handler::Status),
        _ => return None,
    };
    if *method != wanted {
        return Some(response::error(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{path} takes {wanted}"),
        ));
    }
    Some(match handler {
        Handler::Start => start(state, body).await,
        Handler::Stop => stop(state).await,
        Handler::Status => status(state).await,
    })
}

enum Handler {
    Start,
    Stop,
    Status,
}

fn json_answer(status: StatusCode, value: Value) -> Response {
    with(status, "application/json; charset=UTF-8", value.to_string())
}

async fn start(state: &AppState, body: &[u8]) -> Response {
    let body: StartBody = if body.iter().all(u8::is_ascii_whitespace) {
        StartBody::default()
    } else {
        match serde_json::from_slice(body) {
            Ok(body) => body,
            Err(error) => {
                return response::error(
                    StatusCode::BAD_REQUEST,
                    format!("{START}: the body is not what it takes: {error}"),
                )
            }
        }
    };
    let recorder = &state.recorder;
    let mut active = recorder.active.lock().await;
    if let Some(running) = active.as_ref() {
        return response::error(
            StatusCode::CONFLICT,
            format!(
                "a recording runs already (for {} s): stop it first with POST {STOP}",
                running.started.elapsed().as_secs()
            ),
        );
    }
    let reader = match state.log.open_reader(None) {
        Ok(reader) => reader,
        Err(error) => {
            return response::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the recording could not read the event log: {error}"),
            )
        }
    };
    let started = Instant::now();
    let collected = Arc::new(Mutex::new(Collected::default()));
    let (stop, stopping) = watch::channel(false);
    let task = tokio::spawn(collect::collect(
        state.log.clone(),
        reader,
        started,
        body.filter(),
        recorder.bound,
        collected.clone(),
        stopping,
    ));
    tracing::info!("recording started");
    *active = Some(Active {
        started,
        body,
        collected,
        stop,
        task,
    });
    let answer = describe(state, active.as_ref());
    json_answer(StatusCode::OK, answer)
}

async fn status(state: &AppState) -> Response {
    let active = state.recorder.active.lock().await;
    json_answer(StatusCode::OK, describe(state, active.as_ref()))
}

/// What `GET /lizi/record` says.
fn describe(state: &AppState, active: Option<&Active>) -> Value {
    let Some(active) = active else {
        return json!({"recording": false});
    };
    let recording = snapshot(state, active.started, &active.body, &active.collected);
    let steps = lizi_scenario_file::recorded_scenario(&recording, DEFAULT_NAME)
        .steps
        .len();
    json!({
        "recording": true,
        "seconds": active.started.elapsed().as_secs_f64(),
        "account": recording.account,
        "events": recording.observed.len(),
        "steps": steps,
        "dropped": recording.dropped,
        "bound": state.recorder.bound,
    })
}

/// The recording so far, without the world.
fn snapshot(
    state: &AppState,
    started: Instant,
    body: &StartBody,
    collected: &Mutex<Collected>,
) -> Recording {
    let (observed, dropped, lost) = {
        let collected = collected.lock().unwrap_or_else(PoisonError::into_inner);
        let observed: Vec<Observed> = collected.events.iter().cloned().collect();
        (observed, collected.dropped, collected.lost)
    };
    let real_accounts = state.backend.name() != "sim";
    Recording {
        account: recorded_account(&observed, &body.accounts),
        observed,
        stopped_ms: started.elapsed().as_millis() as u64,
        dropped,
        lost,
        bound: state.recorder.bound,
        world: Default::default(),
        faces: state.recorder.faces.clone(),
        options: RecordOptions {
            anonymise: real_accounts && !body.keep_ids,
            keep_media: body.keep_media,
        },
        real_accounts,
    }
}

/// The account whose view the file takes: the first that spoke (the bot's), else the
/// first asked for, else the first that saw anything.
fn recorded_account(observed: &[Observed], accounts: &BTreeSet<u64>) -> u64 {
    let spoke = observed.iter().find_map(|o| match &o.event {
        Event::GroupMsg(m) if m.from_qq.uin == m.logon_qq => Some(m.logon_qq),
        Event::PrivateMsg(m) if m.from_qq.uin == m.logon_qq => Some(m.logon_qq),
        _ => None,
    });
    spoke
        .or_else(|| accounts.first().copied())
        .or_else(|| observed.first().map(|o| o.event.logon()))
        .unwrap_or(0)
}

async fn stop(state: &AppState) -> Response {
    let mut active = state.recorder.active.lock().await;
    let Some(running) = active.take() else {
        return response::error(
            StatusCode::CONFLICT,
            format!("no recording runs: start one with POST {START}"),
        );
    };
    drop(active);
    let Active {
        started,
        body,
        collected,
        stop,
        task,
    } = running;
    let _ = stop.send(true);
    if let Err(error) = task.await {
        tracing::error!("the recording's reader stopped abnormally: {error}");
    }
    let mut recording = snapshot(state, started, &body, &collected);
    if recording.account == 0 {
        recording.account = first_account(state).await;
    }
    let touched = lizi_scenario_file::touched(recording.account, &recording.observed);
    recording.world = world::seen(state.backend.as_ref(), recording.account, &touched).await;
    let name = body.name.as_deref().unwrap_or(DEFAULT_NAME);
    tracing::info!(
        events = recording.observed.len(),
        dropped = recording.dropped,
        "recording stopped"
    );
    match lizi_scenario_file::scenario_file(&recording, name) {
        Ok(file) => {
            let mut answer = with(StatusCode::OK, "application/toml; charset=UTF-8", file);
            answer.headers_mut().insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"recorded.toml\""),
            );
            answer
        }
        Err(error) => response::error(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
    }
}

/// The first online framework account, for a recording that saw nothing.
async fn first_account(state: &AppState) -> u64 {
    let request = lizi_core::Request::GetLogonQq(lizi_core::endpoint::GetLogonQq {});
    match state.backend.call(request).await {
        Ok(lizi_core::Reply::Accounts(accounts)) => accounts
            .iter()
            .find(|a| a.online)
            .or(accounts.first())
            .map_or(0, |a| a.uin),
        _ => 0,
    }
}

/// The recording's paths for the OpenAPI document.
pub fn openapi_paths() -> Vec<(&'static str, Value)> {
    let errors = json!({
        "403": {"description": "no or wrong credentials (the same as the rest of the API)"},
    });
    let mut start = json!({
        "post": {
            "tags": ["recording"],
            "summary": "Start recording the conversation as a scenario for `lizi test` (one recording at a time).",
            "requestBody": {"required": false, "content": {"application/json": {
                "schema": {"type": "object", "properties": {
                    "accounts": {"type": "array", "items": {"type": "integer"}, "description": "framework accounts to record (default: all)"},
                    "groups": {"type": "array", "items": {"type": "integer"}, "description": "groups to record (default: all conversations)"},
                    "users": {"type": "array", "items": {"type": "integer"}, "description": "people whose private chats to record (default: all conversations)"},
                    "keep_ids": {"type": "boolean", "description": "keep real QQ numbers and names (the bridge anonymises them by default)"},
                    "keep_media": {"type": "boolean", "description": "keep pictures and files, by hash only"},
                    "name": {"type": "string", "description": "the scenario's name"}
                }},
                "example": {"groups": [30001]}
            }}},
            "responses": {
                "200": {"description": "recording: what `GET /lizi/record` says"},
                "400": {"description": "the body is not what it takes"},
                "409": {"description": "a recording runs already"}
            }
        }
    });
    let mut stop = json!({
        "post": {
            "tags": ["recording"],
            "summary": "Stop the recording; answers it as a scenario file `lizi test` runs as it is.",
            "responses": {
                "200": {"description": "the scenario file", "content": {"application/toml": {"schema": {"type": "string"}}}},
                "409": {"description": "no recording runs"}
            }
        }
    });
    let mut status = json!({
        "get": {
            "tags": ["recording"],
            "summary": "Whether a recording runs, and what it holds so far.",
            "responses": {
                "200": {"description": "{\"recording\":false}, or {\"recording\":true,\"seconds\":…,\"account\":…,\"events\":…,\"steps\":…,\"dropped\":…,\"bound\":…}"}
            }
        }
    });
    for item in [&mut start, &mut stop, &mut status] {
        for operation in item
            .as_object_mut()
            .into_iter()
            .flat_map(|o| o.values_mut())
        {
            if let (Some(responses), Some(extra)) =
                (operation["responses"].as_object_mut(), errors.as_object())
            {
                responses.extend(extra.clone());
            }
        }
    }
    vec![(START, start), (STOP, stop), (STATUS, status)]
}
