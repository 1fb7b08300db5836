//! `sqlx::migrate!` embeds the migration files at compile time; this makes cargo compile the
//! server again when one of them changes (sqlx's documented way).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=migrations_pg");
}
