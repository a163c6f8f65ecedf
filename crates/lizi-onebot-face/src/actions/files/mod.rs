//! Actions on files: [`group`] (a group's files and folders), [`friends`] (files sent
//! to and received from friends).

pub(crate) mod friends;
pub(crate) mod group;
