//! The simulated QQ network behind lizi's `sim` backend, and its control API.
//!
//! A [`WorldFixture`] (TOML, see [`fixture`]) describes the network at start: framework
//! accounts, other users, friendships and groups. A [`SimBackend`] runs that world in
//! memory, answers API requests through the [`lizi_core::Backend`] trait, and appends the
//! events every change causes to the [`lizi_core::EventLog`] it was given. This crate knows
//! nothing of HTTP.

mod accounts;
mod backend;
mod error;
pub mod fixture;
mod lists;
mod messages;
mod view;
mod world;

pub use backend::SimBackend;
pub use error::SimError;
pub use fixture::WorldError;
pub use fixture::WorldFixture;

#[cfg(test)]
mod tests;
