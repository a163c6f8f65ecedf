//! Actions on groups: [`info`] (what a group is and who is in it), [`admin`] (running
//! it), [`requests`] (the invitations and join requests it receives), [`lists`] (its
//! muted members, filtered join requests and what it still allows).

pub(crate) mod admin;
pub(crate) mod info;
pub(crate) mod lists;
pub(crate) mod requests;
