//! The conversion between XLZ message text and OneBot v11 segments (docs/onebot-implementations.md#xlz-text-and-onebot-segments), once,
//! for lizi's OneBot face and for its bridge alike.
//!
//! Each direction is read two ways, because the two sides of OneBot differ: a bot talks to
//! lizi's face, an implementation (NapCat, LLOneBot, Lagrange.OneBot) to the bridge.
//!
//! - segments → text: [`sent_text`] for a bot's message sent through the face (what lizi
//!   can send; anything else refused by name), [`reported_text`] for a message an
//!   implementation reports to the bridge (every segment written; nothing dropped).
//! - text → segments: [`event_segments`] for what the face shows a bot (each code in
//!   place), [`send_segments`] for what the bridge sends an implementation (the reply
//!   first, the prepared pictures and voices in place).
//!
//! [`Quoted`] carries the stored message a reply names, so the conversion keeps no store
//! of its own; [`Unsendable`] says why a bot's message cannot be sent. Faces are named
//! from QQ's list, and the received segments XLZ has no code for are written as text. The
//! data keys a segment has beyond those the conversion reads ride in its code ([`carry`],
//! [`restore`]), so they arrive as they were sent.

mod faces;
mod keys;
mod quote;
mod rich;
mod segments;
mod text;

pub use keys::{carry, restore};
pub use quote::Quoted;
pub use segments::{event_segments, send_segments};
pub use text::{reported_text, sent_text, Unsendable};
