//! `POST /lizi/backup`: a consistent copy of the database, for `lizi backup` on a running
//! lizi. It needs the API's credentials like every other endpoint, and answers the copy
//! (`application/vnd.sqlite3`, with its length) once it is complete: see the store's
//! `Store::backup_file` for what the copy holds.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use tokio::io::AsyncReadExt;

use crate::response::{self, with};
use crate::AppState;

/// The size of the pieces the copy is sent in.
const CHUNK: usize = 256 << 10;

/// Takes the copy and answers it.
pub(crate) async fn serve(state: &AppState, method: &Method) -> Response {
    if method != Method::POST {
        return response::error(
            StatusCode::METHOD_NOT_ALLOWED,
            "a backup is taken with POST",
        );
    }
    let store = state.log.clone();
    let taken = tokio::task::spawn_blocking(move || store.backup_file()).await;
    let (file, info) = match taken {
        Ok(Ok(taken)) => taken,
        Ok(Err(error)) => {
            tracing::warn!("a backup failed: {error}");
            return response::error(StatusCode::SERVICE_UNAVAILABLE, error.to_string());
        }
        Err(error) => {
            tracing::error!("the backup's thread failed: {error}");
            return response::error(StatusCode::INTERNAL_SERVER_ERROR, "the backup failed");
        }
    };
    tracing::info!(
        bytes = info.bytes,
        journal_record = info.journal_record,
        "backup taken"
    );
    let file = tokio::fs::File::from_std(file);
    let chunks = futures_util::stream::try_unfold(file, |mut file| async move {
        let mut chunk = vec![0; CHUNK];
        let read = file.read(&mut chunk).await?;
        if read == 0 {
            return Ok::<_, std::io::Error>(None);
        }
        chunk.truncate(read);
        Ok(Some((Bytes::from(chunk), file)))
    });
    let mut response = with(
        StatusCode::OK,
        "application/vnd.sqlite3",
        Body::from_stream(chunks),
    );
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(info.bytes));
    response
}
