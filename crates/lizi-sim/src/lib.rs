//! The simulated QQ network behind lizi's `sim` backend, and its control API
//! ([`control`]: the actions, their decoding and their docs).
//!
//! A [`WorldFixture`] (TOML, see [`fixture`]) describes the network at start: framework
//! accounts, other users, friendships and groups. A [`SimBackend`] runs that world in
//! memory, answers API requests through the [`lizi_core::Backend`] trait, and commits
//! every change, with the events it causes, to the [`lizi_store::Store`] it was given.
//! This crate knows nothing of HTTP.
//!
//! The [`World`] is made of [`Table`]s that track which rows change; after every change
//! the backend saves the changed rows, as [`DocChange`]s, in the same unit as the change's
//! events. [`World::all_docs`] and [`World::from_docs`] save and load a whole world.

// Requests are handed from area to area as the `Err` of a `Result` until one takes them.
#![allow(clippy::result_large_err)]

mod accounts;
mod admin;
mod backend;
mod chat;
mod compact;
mod contacts;
pub mod control;
mod error;
pub mod fixture;
mod history;
pub mod limits;
mod lists;
mod media;
mod messages;
mod notify;
mod persist;
mod shape;
mod social;
mod table;
mod view;
mod world;

pub use backend::{SimBackend, WorldSource};
pub use error::{SimError, SimOpenError};
pub use fixture::WorldError;
pub use fixture::WorldFixture;
pub use limits::MessageLimits;
pub use messages::Target;
pub use notify::Notice;
pub use persist::{DocChange, LoadError, KINDS};
pub use table::Table;
pub use world::GroupSettings;
pub use world::{
    pair, AccountState, ConvKey, Conversation, Counters, Friendship, Group, MemberState, Person,
    Role, StoredMessage, World, COUNTERS_KEY,
};

#[cfg(test)]
mod tests;
