//! What the bridge keeps, in memory and in lizi's store, between the requests and events
//! that read and change it: message identity ([`identity`]: XLZ ids ↔ OneBot
//! `message_id`), request handles ([`requests`]), the names seen ([`names`]), which
//! [`implementation`] drives each account and what else is kept of it ([`accounts`]),
//! the pictures and voices kept ([`media`]), the files seen and folder names ([`files`]),
//! the send-pacing buckets ([`pacing`]), the events converted lately ([`duplicates`]) and
//! the counts of what was refused or could not be read ([`tally`]). The records that grow
//! with what the accounts see are store documents found by key ([`kept`]), and a data
//! folder of an older layout is brought up to date at start ([`upgrade`]). Nothing here
//! talks to an implementation.

pub mod accounts;
pub mod duplicates;
pub mod files;
pub mod identity;
pub mod implementation;
pub mod kept;
pub mod media;
pub mod names;
pub mod pacing;
pub mod requests;
pub mod tally;
pub mod upgrade;
