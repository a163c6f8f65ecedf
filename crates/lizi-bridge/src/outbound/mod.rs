//! XLZ requests carried out on the accounts' implementations.
//!
//! [`route`] is the backend's [`Backend`](lizi_core::Backend): each request is checked
//! against the endpoint [`table`] ([`carry`]), then routed to what carries it out —
//! [`send`] (messages sent and recalled, with the pictures and voices of [`attachments`],
//! a forgotten message found again by [`resolve`]), [`requests`] (requests answered),
//! [`media`] (uploads, picture URLs, avatars), [`files`] (group files and folders),
//! [`standard`] (the endpoints that are one standard action each) and [`plan`] (the other
//! single-action endpoints, planned purely and carried out by [`carry`]).

pub mod attachments;
pub mod carry;
pub mod files;
pub mod media;
pub mod plan;
pub mod requests;
pub mod resolve;
pub mod route;
pub mod send;
pub mod standard;
pub mod table;
