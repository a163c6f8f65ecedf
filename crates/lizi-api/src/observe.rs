//! Every HTTP request as it is answered: one line at debug level with its method, path,
//! status and duration (the path only: a query string may carry a credential).
//!
//! A layer on the router rather than code in each handler, so the XLZ API and the OneBot
//! face's listener log their requests alike.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

/// Runs the request and logs its line.
pub(crate) async fn request(request: Request, next: Next) -> Response {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return next.run(request).await;
    }
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let micros = started.elapsed().as_micros() as f64;
    tracing::debug!(
        method = %method,
        path,
        status = response.status().as_u16(),
        duration_ms = micros / 1000.0,
        "request"
    );
    response
}
