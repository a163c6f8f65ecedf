//! The one request handler: the endpoint table, the WebSockets, the control API and the
//! operational endpoints (access was checked from the head by the API's port).

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{Method, Request, StatusCode};
use axum::response::Response;
use lizi_core::{ControlError, ControlRequest, EndpointSpec, Form, Gate, Methods, Reply};
use lizi_http::Peer;

use crate::console::CONSOLE_LOGIN;
use crate::metrics::Metrics;
use crate::observe::Endpoint;
use crate::response::{self, with, xlz};
use crate::{encode, sessions, ws, AppState};

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

/// Handles every request that passed the API port's checks ([`crate::access::ApiGate`]):
/// its peer and credentials were checked from the head, and its body read whole.
pub async fn dispatch(State(state): State<AppState>, request: Request<Body>) -> Response {
    Metrics::bump(&state.metrics.requests);
    let path = request.uri().path().to_ascii_lowercase();
    let query = request.uri().query().map(str::to_owned);
    if (path == "/" || path == "/ws") && lizi_http::websocket::is_upgrade(&request) {
        return ws::upgrade(request, state, path == "/ws");
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
    let peer = request.extensions().get::<Peer>().copied();
    // The port has read the body whole already, within max_body_bytes.
    let body = match to_bytes(request.into_body(), usize::MAX).await {
        Ok(body) => body.to_vec(),
        Err(error) => {
            return response::error(
                StatusCode::BAD_REQUEST,
                format!("the request body is malformed: {error}"),
            )
        }
    };
    if path == CONSOLE_LOGIN {
        if method != Method::POST {
            return response::error(StatusCode::METHOD_NOT_ALLOWED, "log in with POST");
        }
        let Some(Peer(peer)) = peer else {
            return response::error(StatusCode::INTERNAL_SERVER_ERROR, "no peer address");
        };
        return crate::login::login(&state, peer.ip(), &body);
    }
    if let Some(response) = crate::record::route(&state, &method, &path, &body).await {
        return response;
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

fn not_found(path: &str) -> Response {
    response::error(StatusCode::NOT_FOUND, format!("no endpoint at {path}"))
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
