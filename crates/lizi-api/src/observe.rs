//! The time of every XLZ API request that passed the port's checks, in
//! `lizi_http_request_duration_seconds` (each request's log line is the port's, in
//! `lizi-http`): a layer on the router, so no handler has to remember it.
//!
//! The `endpoint` label is the table's path of the endpoint (which
//! [`dispatch`](crate::dispatch) puts in the response's extensions, having looked it up
//! already) or one of a few fixed names, never the path as the client wrote it, so a
//! client cannot make new series.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use lizi_core::EndpointSpec;

use crate::metrics::{HttpRequest, Metrics};

/// The table's path of the endpoint that answered, put in the response's extensions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Endpoint(pub &'static str);

/// Times a request of the XLZ API.
pub(crate) async fn xlz_request(
    State(metrics): State<Arc<Metrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let took = started.elapsed();
    let endpoint = match response.extensions().get::<Endpoint>() {
        Some(Endpoint(path)) => path,
        None => endpoint_of(uri.path()),
    };
    let labels = HttpRequest {
        endpoint,
        status: response.status().as_u16(),
    };
    metrics
        .request_duration
        .get_or_create(&labels)
        .observe(took.as_secs_f64());
    response
}

/// The paths served besides the table's, each its own `endpoint`.
const FIXED: &[&str] = &[
    "/",
    "/ws",
    "/health",
    "/metrics",
    "/openapi.json",
    "/lizi/status",
    "/lizi/backup",
    "/console/login",
];

/// The `endpoint` label of a request whose answer names none (refused before it was
/// routed, or not one of the table's): a fixed name, else `other`.
fn endpoint_of(path: &str) -> &'static str {
    if let Some(fixed) = FIXED.iter().find(|fixed| fixed.eq_ignore_ascii_case(path)) {
        return fixed;
    }
    let lower = path.to_ascii_lowercase();
    if lower.starts_with(crate::media::MEDIA_PREFIX) {
        crate::media::MEDIA_PREFIX
    } else if crate::console::is_asset(&lower) {
        "/console/"
    } else if lower.starts_with("/sim/") {
        "/sim/"
    } else {
        EndpointSpec::find(&lower).map_or("other", |spec| spec.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_named_from_a_closed_set() {
        assert_eq!(endpoint_of("/SendPrivateMsg"), "/sendprivatemsg");
        assert_eq!(endpoint_of("/sendgroupjsonlmsg"), "/sendgroupjsonmsg");
        assert_eq!(endpoint_of("/Health"), "/health");
        assert_eq!(endpoint_of("/sim/anything/at/all"), "/sim/");
        assert_eq!(endpoint_of("/lizi/media/abc123"), "/lizi/media/");
        assert_eq!(endpoint_of("/no/such/path/9f8e7d"), "other");
    }
}
