//! The typed API client (reqwest: fetch in WASM, hyper natively) and where pages get their
//! data (`DataSource`: the database on the server, the client in the browser).

pub mod client;
pub mod data;
