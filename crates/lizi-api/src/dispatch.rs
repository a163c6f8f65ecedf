//! The one request handler: access checks, then the endpoint table, the WebSockets, the
//! control API and the operational endpoints.

use std::net::SocketAddr;

use axum::body::{to_bytes, Body};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::{header, Method, Request, StatusCode};
use axum::response::Response;
use lizi_core::{ControlError, ControlRequest, EndpointSpec, Form, Gate, Methods, Reply};

use crate::access::{credentials_ok, peer_allowed, ACCESS_DENIED};
use crate::metrics::Metrics;
use crate::observe::Endpoint;
use crate::response::{self, with, xlz};
use crate::{encode, sessions, ws, AppState};

/// Where the console turns a password into the `pass` cookie.
const CONSOLE_LOGIN: &str = "/console/login";

/// `/health`: ok, or 503 with the reason while the store's writes fail.
fn health(store: &lizi_store::Store) -> Response {
    match store.failing() {
        None => xlz(r#"{"status":"ok"}"#),
        Some(reason) => with(
            StatusCode::SERVICE_UNAVAILABLE,
            response::XLZ_CONTENT_TYPE,
            serde_json::json!({"status": "failing", "reason": reason}).to_string(),
        ),
    }
}

/// Handles every request.
pub async fn dispatch(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request<Body>,
) -> Response {
    Metrics::bump(&state.metrics.requests);
    if !peer_allowed(peer.ip(), &state.config.allow_from) {
        Metrics::bump(&state.metrics.denied);
        tracing::warn!(%peer, "refused a peer that is not allowed");
        return with(
            StatusCode::FORBIDDEN,
            response::XLZ_CONTENT_TYPE,
            ACCESS_DENIED,
        );
    }
    let path = request.uri().path().to_ascii_lowercase();
    let query = request.uri().query().map(str::to_owned);
    // Media URLs are handed to clients like QQ's CDN URLs: the content hash is the key.
    // The console's files hold no data (see `console`); its login sets the credential.
    let open = path == "/health"
        || path.starts_with(crate::media::MEDIA_PREFIX)
        || crate::console::is_asset(&path)
        || path == CONSOLE_LOGIN;
    if !open && !credentials_ok(request.headers(), query.as_deref(), &state.config) {
        Metrics::bump(&state.metrics.denied);
        return with(
            StatusCode::FORBIDDEN,
            response::XLZ_CONTENT_TYPE,
            ACCESS_DENIED,
        );
    }

    if (path == "/" || path == "/ws") && is_upgrade(&request) {
        let (mut parts, _) = request.into_parts();
        return match WebSocketUpgrade::from_request_parts(&mut parts, &state).await {
            Ok(upgrade) => ws::upgrade(upgrade, state, path == "/ws"),
            Err(rejection) => response::error(StatusCode::BAD_REQUEST, rejection.body_text()),
        };
    }
    match path.as_str() {
        "/health" => return health(&state.log),
        "/openapi.json" => {
            let backend = state
                .backend
                .control_actions()
                .map_or(&[][..], |a| a.docs());
            let extension = state.extension.as_ref().map_or(&[][..], |e| e.docs());
            let document = crate::openapi::document(state.config.key_access, &[backend, extension]);
            return with(StatusCode::OK, "application/json", document.to_string());
        }
        media if media.starts_with(crate::media::MEDIA_PREFIX) => {
            if request.method() != Method::GET && request.method() != Method::HEAD {
                return response::error(StatusCode::METHOD_NOT_ALLOWED, "media is read with GET");
            }
            return crate::media::serve(&state, media).await;
        }
        console if crate::console::is_asset(console) => {
            return crate::console::asset(console);
        }
        "/lizi/status" => return crate::console::status(&state),
        "/lizi/backup" => return crate::backup::serve(&state, request.method()).await,
        "/metrics" => return crate::metrics::serve(&state.registry),
        _ => {}
    }

    let method = request.method().clone();
    let body = match read_body(request.into_body(), state.config.max_body_bytes).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    if path == CONSOLE_LOGIN {
        if method != Method::POST {
            return response::error(StatusCode::METHOD_NOT_ALLOWED, "log in with POST");
        }
        return crate::console::login(&state.config, &body);
    }
    if let Some(action) = path.strip_prefix("/sim/") {
        let body = if body.is_empty() {
            query_json(query.as_deref())
        } else {
            body
        };
        if let Some(response) = extended_control(&state, &method, action, &body) {
            return response;
        }
        return control(&state, &method, action, body).await;
    }
    let Some(spec) = EndpointSpec::find(&path) else {
        return not_found(&path);
    };
    if spec.gate == Gate::KeyAccess && !state.config.key_access {
        return not_found(&path);
    }
    let method_ok =
        method == Method::POST || (method == Method::GET && spec.methods == Methods::GetOrPost);
    if !method_ok {
        return response::error(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{} takes POST, not {method}", spec.path),
        );
    }
    let mut response = endpoint(&state, spec, &body, query.as_deref()).await;
    // Named for the request's histogram (see `observe.rs`), found here already.
    response.extensions_mut().insert(Endpoint(spec.path));
    response
}

/// A control action's query string as a JSON object (for GET views): numbers stay numbers.
fn query_json(query: Option<&str>) -> Vec<u8> {
    let form = Form::decode(b"", query);
    let object: serde_json::Map<String, serde_json::Value> = form
        .keys()
        .filter_map(|key| {
            let value = form.get(key)?.ok()?;
            let value = match value.parse::<u64>() {
                Ok(number) => serde_json::Value::from(number),
                Err(_) => serde_json::Value::from(value),
            };
            Some((key.to_owned(), value))
        })
        .collect();
    if object.is_empty() {
        Vec::new()
    } else {
        serde_json::Value::Object(object).to_string().into_bytes()
    }
}

fn is_upgrade(request: &Request<Body>) -> bool {
    request
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

fn not_found(path: &str) -> Response {
    response::error(StatusCode::NOT_FOUND, format!("no endpoint at {path}"))
}

/// Reads the whole body: 413 over the limit, 400 when hyper could not read it (a broken
/// chunked encoding, a body cut short).
async fn read_body(body: Body, limit: usize) -> Result<Vec<u8>, Response> {
    match to_bytes(body, limit).await {
        Ok(bytes) => Ok(bytes.to_vec()),
        Err(error) => match malformed(&error) {
            Some(cause) => Err(response::error(
                StatusCode::BAD_REQUEST,
                format!("the request body is malformed: {cause}"),
            )),
            None => Err(response::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the request body is larger than the limit of {limit} bytes (max_body_bytes)"
                ),
            )),
        },
    }
}

/// What hyper reported when it could not read the body, if it did (the other cause of a
/// failed read is the length limit).
fn malformed(error: &axum::Error) -> Option<String> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(transport) = current.downcast_ref::<hyper::Error>() {
            return Some(match std::error::Error::source(transport) {
                Some(inner) => format!("{transport}: {inner}"),
                None => transport.to_string(),
            });
        }
        cause = current.source();
    }
    None
}

/// Runs one endpoint of the table.
async fn endpoint(
    state: &AppState,
    spec: &EndpointSpec,
    body: &[u8],
    query: Option<&str>,
) -> Response {
    let form = match Form::decode_capped(body, query, state.config.max_params) {
        Ok(form) => form,
        Err(error) => {
            Metrics::bump(&state.metrics.bad_requests);
            return response::too_many_params(spec.path, &error);
        }
    };
    let request = match (spec.parse)(&form) {
        Ok(request) => request,
        Err(error) => {
            Metrics::bump(&state.metrics.bad_requests);
            return response::bad_param(spec.path, &error);
        }
    };
    if let Some(response) = sessions::handle(&state.log, &request).await {
        return response;
    }
    let result = state.backend.call(request).await;
    if let Err(failure) = &result {
        tracing::debug!(path = spec.path, kind = failure.kind.name(), "{failure}");
    }
    match encode::encode(spec.template, result) {
        Ok(body) => xlz(body),
        Err(mismatch) => {
            tracing::error!(path = spec.path, "{mismatch}");
            response::error(StatusCode::INTERNAL_SERVER_ERROR, mismatch.to_string())
        }
    }
}

/// Runs a control action of the extension, if it is one of its own (all take POST).
fn extended_control(
    state: &AppState,
    method: &Method,
    action: &str,
    body: &[u8],
) -> Option<Response> {
    let extension = state.extension.as_ref()?;
    if !extension.docs().iter().any(|doc| doc.action == action) {
        return None;
    }
    if method != Method::POST {
        return Some(response::error(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("/sim/{action} takes POST"),
        ));
    }
    let (status, answer) = extension.control(action, body)?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status == StatusCode::BAD_REQUEST {
        Metrics::bump(&state.metrics.bad_requests);
    }
    Some(with(
        status,
        "application/json; charset=UTF-8",
        answer.to_string(),
    ))
}

/// Runs one control-API action (`/sim/<action>`, JSON in and out): the backend's own
/// control actions decode and carry it out; a backend without any refuses it.
async fn control(state: &AppState, method: &Method, action: &str, body: Vec<u8>) -> Response {
    let request = if method == Method::POST {
        ControlRequest::post(action, body)
    } else {
        ControlRequest::get(action, body)
    };
    let answer = match state.backend.control_actions() {
        Some(actions) => actions.run(request).await,
        None => state
            .backend
            .control(request)
            .await
            .map_err(ControlError::from),
    };
    match answer {
        Ok(Reply::Json(value)) => with(
            StatusCode::OK,
            "application/json; charset=UTF-8",
            value.to_string(),
        ),
        Ok(other) => {
            tracing::error!(action, "control action answered {other:?}");
            response::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "control action gave no JSON",
            )
        }
        Err(error @ ControlError::UnknownAction(_)) => {
            response::error(StatusCode::NOT_FOUND, error.to_string())
        }
        Err(error @ ControlError::BadBody { .. }) => {
            Metrics::bump(&state.metrics.bad_requests);
            response::error(StatusCode::BAD_REQUEST, error.to_string())
        }
        Err(error @ ControlError::TakesPost(_)) => {
            response::error(StatusCode::METHOD_NOT_ALLOWED, error.to_string())
        }
        Err(ControlError::Failed(failure)) => {
            let status = match failure.kind {
                lizi_core::FailureKind::UnknownAccount
                | lizi_core::FailureKind::UnknownUser
                | lizi_core::FailureKind::UnknownGroup
                | lizi_core::FailureKind::NotFound => StatusCode::NOT_FOUND,
                lizi_core::FailureKind::NotImplemented => StatusCode::NOT_IMPLEMENTED,
                lizi_core::FailureKind::TooLong => StatusCode::BAD_REQUEST,
                lizi_core::FailureKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                _ => StatusCode::CONFLICT,
            };
            let body = serde_json::json!({
                "ret": "error",
                "error": failure.message,
                "kind": failure.kind.name(),
                "retcode": failure.kind.retcode(),
            });
            with(status, "application/json; charset=UTF-8", body.to_string())
        }
    }
}
