//! What the bridge keeps, in memory and in lizi's store, between the requests and events
//! that read and change it: message identity ([`identity`]: XLZ ids ↔ OneBot
//! `message_id`), request handles ([`requests`]), the names seen ([`names`]), which
//! [`implementation`] drives each account and what else is kept of it ([`accounts`]),
//! the pictures and voices kept ([`media`]), the files seen and folder names ([`files`]),
//! the send-pacing buckets ([`pacing`]) and the notices seen lately
//! ([`recent_notices`]). Nothing here talks to an implementation.

pub mod accounts;
pub mod files;
pub mod identity;
pub mod implementation;
pub mod media;
pub mod names;
pub mod pacing;
pub mod recent_notices;
pub mod requests;
