//! A read-only view of the log's consumers, for operators: each session and each named
//! reader with how many published events wait for it and how many it lost.

use crate::store::Store;

/// One consumer of the event log, as [`Store::cursors`] shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CursorView {
    /// The session id, or `None` for a named reader.
    pub session: Option<u64>,
    /// The reader's name (`push <url>`, `onebot …`), or `None` for a session.
    pub name: Option<String>,
    /// Published events not yet taken.
    pub pending: u64,
    /// Events lost to the lag limit and not yet reported.
    pub lost: u64,
}

impl Store {
    /// Every session (by id) and every named reader (by name), in that order.
    pub fn cursors(&self) -> Vec<CursorView> {
        let inner = self.lock();
        let published = inner.published;
        let mut sessions: Vec<CursorView> = inner
            .sessions
            .iter()
            .map(|(id, session)| CursorView {
                session: Some(*id),
                name: None,
                pending: published.saturating_sub(session.cursor),
                lost: session.lost,
            })
            .collect();
        sessions.sort_by_key(|view| view.session);
        let mut readers: Vec<CursorView> = inner
            .readers
            .values()
            .filter_map(|reader| {
                Some(CursorView {
                    session: None,
                    name: Some(reader.name.clone()?),
                    pending: published.saturating_sub(reader.cursor),
                    lost: reader.lost,
                })
            })
            .collect();
        readers.sort_by(|a, b| a.name.cmp(&b.name));
        sessions.extend(readers);
        sessions
    }
}
