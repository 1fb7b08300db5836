pub mod home;
pub mod operator;
pub mod outbox;
pub mod place;
pub mod saved;
