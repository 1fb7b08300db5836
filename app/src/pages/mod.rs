pub mod admin;
pub mod home;
pub mod operator;
pub mod operator_forms;
pub mod outbox;
pub mod place;
pub mod saved;
