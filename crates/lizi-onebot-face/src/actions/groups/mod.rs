//! Actions on groups: [`info`] (what a group is and who is in it), [`admin`] (running
//! it), [`requests`] (the invitations and join requests it receives), [`announcements`]
//! (群公告), [`honours`] (its honours and sign-ins).

pub(crate) mod admin;
pub(crate) mod announcements;
pub(crate) mod honours;
pub(crate) mod info;
pub(crate) mod requests;
