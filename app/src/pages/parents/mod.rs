//! Parents: find a place, see it, save it, ask for a visit, a trial or a place, follow requests.

pub mod ask;
pub mod home;
pub mod my_requests;
pub mod place;
pub mod saved;
