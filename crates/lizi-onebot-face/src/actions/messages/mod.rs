//! Actions on messages: [`send`] (plain sends), [`cards`] (card messages), [`forward`]
//! (merged forwards), [`stored`] (fetching, recalling and paging stored messages),
//! [`essence`] (essence marks), [`reactions`] (emoji reactions), and [`target`] (where a
//! message goes and what a send answers, which sends and cards share).

pub(crate) mod cards;
pub(crate) mod essence;
pub(crate) mod forward;
pub(crate) mod reactions;
pub(crate) mod send;
pub(crate) mod stored;
pub(crate) mod target;
