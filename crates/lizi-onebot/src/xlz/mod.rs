//! The conversion between XLZ message text and OneBot v11 segments (onebot.md §4), once,
//! for lizi's OneBot face and for its bridge alike.
//!
//! Each direction is read two ways, because the two sides of OneBot differ: a bot talks to
//! lizi's face, an implementation (NapCat, LLOneBot, Lagrange.OneBot) to the bridge.
//!
//! | | the face (bots) | the bridge (implementations) |
//! |---|---|---|
//! | segments → text | [`sent_text`]: what lizi can send, the rest refused by name | [`reported_text`]: every segment, nothing dropped |
//! | text → segments | [`event_segments`]: codes in place | [`send_segments`]: the reply first, prepared media in place |
//!
//! [`Quoted`] carries the stored message a reply names, so the conversion keeps no store
//! of its own; [`Unsendable`] says why a bot's message cannot be sent. Faces are named
//! from QQ's list, and the received segments XLZ has no code for are written as text.

mod faces;
mod quote;
mod rich;
mod segments;
mod text;

pub use quote::Quoted;
pub use segments::{event_segments, send_segments};
pub use text::{reported_text, sent_text, Unsendable};
