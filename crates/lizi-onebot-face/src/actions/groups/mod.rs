//! Actions on groups: [`info`] (what a group is and who is in it), [`admin`] (running
//! it), [`requests`] (the invitations and join requests it receives), [`announcements`]
//! (群公告), [`honours`] (its honours and sign-ins), [`lists`] (its muted members,
//! filtered join requests and what it still allows).

pub(crate) mod admin;
pub(crate) mod announcements;
pub(crate) mod honours;
pub(crate) mod info;
pub(crate) mod lists;
pub(crate) mod requests;
