//! Actions on messages: [`send`] (plain sends), [`cards`] (card messages), [`stored`]
//! (fetching, recalling and paging stored messages, forwarded bundles), and [`target`]
//! (where a message goes and what a send answers, which sends and cards share).

pub(crate) mod cards;
pub(crate) mod send;
pub(crate) mod stored;
pub(crate) mod target;
