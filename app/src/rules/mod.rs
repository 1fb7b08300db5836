//! Rules both sides run — the server when it answers, the phone when it is offline: what a
//! search matches, parsing a search from the URL, coordinates and distances, ages, and how
//! numbers and times are written.

pub mod age;
pub mod format;
pub mod geo;
pub mod query;
pub mod search;
