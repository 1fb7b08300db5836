pub mod home;
pub mod place;
