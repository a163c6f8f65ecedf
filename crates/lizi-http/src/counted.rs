//! A TCP stream that holds its place under the connection cap for as long as it lives,
//! also after an upgrade to a WebSocket hands it to another task. Hand-written: a plain
//! delegation of tokio's I/O traits, with a semaphore permit and a gauge alongside.

use std::io;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;

use crate::stats::PortStats;

/// An accepted connection counted against its port's `max_connections` until dropped.
#[derive(Debug)]
pub(crate) struct CountedStream {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    stats: Arc<PortStats>,
}

impl CountedStream {
    /// Counts `stream` in the open-connections gauge; the permit returns on drop.
    pub fn new(stream: TcpStream, permit: OwnedSemaphorePermit, stats: Arc<PortStats>) -> Self {
        stats.connections.fetch_add(1, Ordering::Relaxed);
        CountedStream {
            stream,
            _permit: permit,
            stats,
        }
    }
}

impl Drop for CountedStream {
    fn drop(&mut self) {
        self.stats.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

impl AsyncRead for CountedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
