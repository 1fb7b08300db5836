//! The server's integration tests, one binary: each module starts the real server on a random
//! port with its own temporary SQLite database (`helpers::start`) and speaks HTTP to it.

mod helpers;

mod admin;
mod capacity;
mod home_services;
mod imports;
mod lanes;
mod migrations;
mod operator;
mod orders;
mod privacy;
mod provider_service;
mod places;
mod requests;
mod servers;
mod supervise;
mod sync;
mod time_rules;
mod visits;
