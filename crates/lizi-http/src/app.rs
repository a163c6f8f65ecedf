//! What a port serves: any tower service that takes requests whose body is read whole
//! (axum's `Router` is one, [`Handler`] makes one of an async function), seen through one
//! trait so that the listener names its bounds once.

use std::convert::Infallible;
use std::future::Future;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::future::{poll_fn, Map};
use futures_util::FutureExt;
use http::{Request, Response};
use http_body_util::Full;

/// An error of any kind, as hyper takes them.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A service a port can serve.
pub trait App: Clone + Send + 'static {
    /// The body of its answers.
    type Body: http_body::Body<Data = Bytes, Error = Self::BodyError> + Send + 'static;
    /// The error of a body that fails while it is sent.
    type BodyError: Into<BoxError>;

    /// Answers one request; `Err` says why the service failed.
    fn answer(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> impl Future<Output = Result<Response<Self::Body>, String>> + Send;
}

impl<S, B> App for S
where
    S: tower_service::Service<Request<Full<Bytes>>, Response = Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    S::Error: std::fmt::Display,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Body = B;
    type BodyError = B::Error;

    async fn answer(&mut self, request: Request<Full<Bytes>>) -> Result<Response<B>, String> {
        poll_fn(|cx| self.poll_ready(cx))
            .await
            .map_err(|error| error.to_string())?;
        self.call(request).await.map_err(|error| error.to_string())
    }
}

/// An async function from a request to its answer, served as a port's app (for a port
/// with no router, such as a WebSocket-only one).
#[derive(Debug, Clone, Copy)]
pub struct Handler<F>(pub F);

impl<F, Fut, B> tower_service::Service<Request<Full<Bytes>>> for Handler<F>
where
    F: Fn(Request<Full<Bytes>>) -> Fut,
    Fut: Future<Output = Response<B>>,
{
    type Response = Response<B>;
    type Error = Infallible;
    type Future = Map<Fut, fn(Response<B>) -> Result<Response<B>, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Full<Bytes>>) -> Self::Future {
        (self.0)(request).map(Ok)
    }
}
