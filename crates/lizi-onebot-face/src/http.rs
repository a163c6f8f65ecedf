//! The OneBot HTTP API, its event stream and the forward WebSocket on one listener. The
//! HTTP API: `/<action>` by GET or POST, parameters from the query string, a form body or
//! a JSON object body; `GET /_events`, the events as Server-Sent Events where the profile's
//! implementation serves them ([`crate::stream`]); the forward WebSocket: `/` (events and
//! actions), `/api` (actions), `/event` (events). Event connections resume where the same
//! client (`?client=`, or its token) stopped. For all, the account from `X-Self-ID` or
//! `?self_id=`. The token was checked from the head by the face's port ([`crate::listen`])
//! before a request gets here. Answers are the profile's envelope, numbered as its HTTP API
//! numbers them ([`Profile::over_http`](lizi_onebot::Profile::over_http)).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use lizi_core::{Form, Uin};
use lizi_onebot::envelope::Rendered;
use lizi_onebot::registry::Registry;
use lizi_onebot::ActionRequest;
use lizi_store::ReaderId;
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
        .route("/_events", any(event_stream))
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
    let named = (role != Role::Api).then_some("");
    let (account, reader, name) = match open_events(&face, &query, request.headers(), named).await {
        Ok(opened) => opened,
        Err(refused) => return refused,
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
        shared.release_name(name);
    }
}

/// `GET /_events`: the account's events as Server-Sent Events ([`crate::stream`]) where
/// the profile's implementation serves them; elsewhere an unknown action, as there.
async fn event_stream(
    State(face): State<Face>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !Registry::of(face.shared.config.profile).serves_http_events() {
        let path = Path("_events".to_owned());
        return call(State(face), path, RawQuery(query), headers, body).await;
    }
    let query = Form::decode(b"", query.as_deref());
    match open_events(&face, &query, &headers, Some(" sse")).await {
        Ok((account, reader, name)) => {
            let stopping = face.stopping.clone();
            crate::stream::events(face.shared, account, reader, name, stopping)
        }
        Err(refused) => refused,
    }
}

/// The account chosen (`X-Self-ID`, `?self_id=`, else the first online one) and a cursor
/// opened for a connection: named ([`forward_name`] with `suffix`) when it carries events,
/// so that it resumes, unless that name is in use.
async fn open_events(
    face: &Face,
    query: &Form,
    headers: &HeaderMap,
    suffix: Option<&str>,
) -> Result<(Uin, ReaderId, Option<String>), Response> {
    let wanted = self_id(headers, query);
    let account = choose_account(face.shared.backend.as_ref(), wanted)
        .await
        .map_err(|message| (StatusCode::BAD_REQUEST, message).into_response())?;
    let token = face.shared.config.token.as_deref();
    let name = suffix
        .map(|suffix| format!("{}{suffix}", forward_name(account, query, token)))
        .filter(|name| face.shared.claim_name(name));
    match face.shared.store.open_reader(name.as_deref()) {
        Ok(reader) => Ok((account, reader, name)),
        Err(error) => {
            forget_name(&face.shared, name.as_deref());
            Err((StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response())
        }
    }
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
    let (status, answer) = profile.over_http(answer);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (status, json(profile.render(&answer))).into_response()
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
