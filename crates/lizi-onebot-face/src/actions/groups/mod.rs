//! Actions on groups: [`info`] (what a group is and who is in it), [`admin`] (running
//! it), [`requests`] (the invitations and join requests it receives).

pub(crate) mod admin;
pub(crate) mod info;
pub(crate) mod requests;
