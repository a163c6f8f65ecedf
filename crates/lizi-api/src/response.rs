//! Building HTTP responses.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use lizi_core::{ParamError, TooManyParams};
use serde_json::json;

/// The content type of every XLZ answer (clients parse the text).
pub const XLZ_CONTENT_TYPE: &str = "text/html; charset=UTF-8";

/// A response with a status, a content type and a body.
pub fn with(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// An XLZ answer: 200, `text/html; charset=UTF-8`.
pub fn xlz(body: impl Into<Body>) -> Response {
    with(StatusCode::OK, XLZ_CONTENT_TYPE, body)
}

/// A lizi error: a JSON body whose `ret` no client can take for success.
pub fn error(status: StatusCode, message: impl Into<String>) -> Response {
    let body = json!({ "ret": "error", "error": message.into() });
    with(status, "application/json; charset=UTF-8", body.to_string())
}

/// A 400 answer naming the bad parameter and its problem.
pub fn bad_param(path: &str, error: &ParamError) -> Response {
    let body = json!({
        "ret": "error",
        "error": format!("{path}: {error}"),
        "param": error.param,
        "problem": error.problem.to_string(),
    });
    with(
        StatusCode::BAD_REQUEST,
        "application/json; charset=UTF-8",
        body.to_string(),
    )
}

/// A 400 answer for a request over the parameter cap, naming the setting and its value.
pub fn too_many_params(path: &str, error: &TooManyParams) -> Response {
    let body = json!({
        "ret": "error",
        "error": format!("{path}: {error}"),
        "limit": "max_params",
        "max": error.limit,
    });
    with(
        StatusCode::BAD_REQUEST,
        "application/json; charset=UTF-8",
        body.to_string(),
    )
}
