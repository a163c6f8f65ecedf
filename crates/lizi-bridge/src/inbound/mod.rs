//! What the implementations report, carried into lizi's event log as XLZ events.
//!
//! [`receive`] takes a connection's life and frames from the transport (the backend's
//! [`LinkHandler`](crate::transport::handler::LinkHandler)): accounts coming and going,
//! their [`presence`], and each frame in order. A frame becomes XLZ events through
//! [`messages`] (messages and recalls; text by `lizi_onebot::xlz`), [`membership`] and
//! [`notices`] (the other notices), [`requests`] (under a handle) and [`files`] (files
//! noted once); [`event_msg`] writes the XLZ `EventMsg` they share. [`media`] keeps the
//! pictures and voices a message names before it is converted. After a lost connection,
//! [`refill`] fetches what the account missed from history, or reports a gap; an event
//! that cannot be read is reported as [`unreadable`].

pub mod event_msg;
pub mod files;
pub mod media;
pub mod membership;
pub mod messages;
pub mod notices;
pub mod presence;
pub mod receive;
pub mod refill;
pub mod requests;
pub mod unreadable;
