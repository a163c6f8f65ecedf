//! The OneBot HTTP API and forward WebSocket on one listener. The HTTP API: `/<action>` by
//! GET or POST, parameters from the query string, a form body or a JSON object body; the
//! forward WebSocket: `/` (events and actions), `/api` (actions), `/event` (events), whose
//! event connections resume where the same client (`?client=`, or its token) stopped. For
//! both, the account from `X-Self-ID` or `?self_id=`. The token was checked from the head
//! by the face's port ([`crate::listen`]) before a request gets here. Answers are HTTP 200
//! with the profile's envelope.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use lizi_core::Form;
use lizi_onebot::envelope::Rendered;
use lizi_onebot::ActionRequest;
use serde_json::{Map, Value};

use tokio::sync::watch;

use crate::actions::{choose_account, unreadable};
use crate::connection::{serve, text_frames, Link, Role, Shared};
use crate::faults::act;

#[derive(Clone)]
struct Face {
    shared: Arc<Shared>,
    stopping: watch::Receiver<bool>,
}

/// The HTTP API's routes, and the forward WebSocket's (`/`, `/api`, `/event`).
pub(crate) fn router(shared: Arc<Shared>, stopping: watch::Receiver<bool>) -> Router {
    Router::new()
        .route("/", any(forward_socket))
        .route("/api", any(forward_socket))
        .route("/event", any(forward_socket))
        .route("/{action}", any(call))
        // The port has read the body whole, within max_body_bytes.
        .layer(DefaultBodyLimit::disable())
        .with_state(Face { shared, stopping })
}

/// A forward WebSocket at `/`, `/api` or `/event`.
async fn forward_socket(State(face): State<Face>, request: Request<Body>) -> Response {
    let role = match request.uri().path() {
        "/api" => Role::Api,
        "/event" => Role::Event,
        _ => Role::Universal,
    };
    forward(face, request, role).await
}

/// The prefix of every forward connection's cursor name.
pub(crate) const FORWARD_PREFIX: &str = "onebot forward ";

/// The name of a forward connection's cursor: the account and the `?client=` name, or
/// else (a digest of) the access token it presented, so a client that reconnects resumes
/// where it stopped.
fn forward_name(account: u64, query: &Form, token: Option<&str>) -> String {
    let key = match (text(query, "client"), token) {
        (Some(client), _) => format!("client {client}"),
        (None, Some(token)) => {
            let digest = <sha1::Sha1 as sha1::Digest>::digest(token.as_bytes());
            let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
            format!("token {hex}")
        }
        (None, None) => "default".into(),
    };
    format!("{FORWARD_PREFIX}{account} {key}")
}

/// A forward WebSocket: the account chosen as for HTTP calls, then one connection. One
/// carrying events reads through a named cursor ([`forward_name`]): it gets what it missed
/// since the same client last disconnected (or, dropping while disconnected, the events
/// from now on). A second connection under a name in use gets the events from now on.
async fn forward(face: Face, mut request: Request<Body>, role: Role) -> Response {
    let (response, upgrading) = match lizi_http::websocket::accept(&mut request) {
        Ok(accepted) => accepted,
        Err(refusal) => return refusal.map(Body::new),
    };
    let query = Form::decode(b"", request.uri().query());
    let wanted = self_id(request.headers(), &query);
    let account = match choose_account(face.shared.backend.as_ref(), wanted).await {
        Ok(account) => account,
        Err(message) => return (StatusCode::BAD_REQUEST, message).into_response(),
    };
    let token = face.shared.config.token.as_deref();
    let name = Some(forward_name(account, &query, token))
        .filter(|_| role != Role::Api)
        .filter(|name| lock(&face.shared).insert(name.clone()));
    let reader = match face.shared.store.open_reader(name.as_deref()) {
        Ok(reader) => reader,
        Err(error) => {
            forget_name(&face.shared, name.as_deref());
            return (StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response();
        }
    };
    tokio::spawn(async move {
        let shared = &face.shared;
        match upgrading.socket().await {
            Ok(socket) => {
                let (sink, stream) = text_frames(socket);
                let mut stopping = face.stopping.clone();
                let link = Link {
                    account,
                    reader,
                    role,
                    ends_at_logout: false,
                };
                serve(shared, sink, stream, link, &mut stopping).await;
            }
            Err(error) => tracing::debug!("onebot forward WebSocket upgrade failed: {error}"),
        }
        shared.store.close_reader(reader);
        forget_name(shared, name.as_deref());
    });
    response.map(Body::new)
}

/// Frees a forward cursor name, when the connection had one.
fn forget_name(shared: &Shared, name: Option<&str>) {
    if let Some(name) = name {
        lock(shared).remove(name);
    }
}

/// The forward cursor names in use.
fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, std::collections::HashSet<String>> {
    shared
        .forward_names
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn self_id(headers: &HeaderMap, query: &Form) -> Option<u64> {
    headers
        .get("x-self-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| text(query, "self_id"))
        .and_then(|id| id.trim().parse().ok())
}

async fn call(
    State(face): State<Face>,
    Path(action): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let profile = face.shared.config.profile;
    let query = Form::decode(b"", query.as_deref());
    let params = match params(&headers, &query, &body) {
        Ok(params) => params,
        Err(why) => return json(unreadable(profile, why)),
    };
    let self_id = self_id(&headers, &query);
    let request = ActionRequest {
        action,
        params,
        echo: None,
    };
    let answer = act(&face.shared, self_id, &request).await;
    json(profile.render(&answer))
}

fn text(form: &Form, key: &str) -> Option<String> {
    form.get(key).and_then(Result::ok).map(str::to_owned)
}

/// The call's parameters: the JSON object body or the form body, then the query string
/// for keys the body does not give.
fn params(
    headers: &HeaderMap,
    query: &Form,
    body: &Bytes,
) -> Result<Map<String, Value>, &'static str> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    let mut params = if json && !body.is_empty() {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => map,
            Ok(_) => return Err("the JSON body must be an object"),
            Err(_) => return Err("the body is not valid JSON"),
        }
    } else {
        form_map(&Form::decode(body, None))
    };
    for (key, value) in form_map(query) {
        params.entry(key).or_insert(value);
    }
    Ok(params)
}

fn form_map(form: &Form) -> Map<String, Value> {
    form.keys()
        .filter_map(|key| Some((key.to_owned(), Value::String(text(form, key)?))))
        .collect()
}

fn json(rendered: Rendered) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        rendered.to_string(),
    )
        .into_response()
}
