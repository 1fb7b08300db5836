pub mod home;
pub mod outbox;
pub mod place;
pub mod saved;
