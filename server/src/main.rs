//! `server` — serve / migrate / seed / seed-large / precompress.

use clap::{Parser, Subcommand};
use server::db::{self, sample};
use server::{site, Config};

#[derive(Parser)]
#[command(name = "server", about = "一老一小 server: API, server-side rendering, data tools")]
struct Cli {
    /// SQLite database URL.
    #[arg(long, env = "DATABASE_URL", default_value = db::DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate and serve (the default). A new database starts empty, without accounts:
    /// create the first admin with `create-admin`.
    Serve {
        /// Load the sample data (示例) and its sample accounts into an empty database, and let
        /// the sample accounts sign in (a demo; never on real data).
        #[arg(long)]
        sample: bool,
    },
    /// Apply the migrations and exit.
    Migrate,
    /// Load the sample data (示例) into an empty database; --reset deletes the database file first.
    Seed {
        #[arg(long)]
        reset: bool,
    },
    /// Generate the large benchmark data set (sample places over China's main cities) into an empty database.
    SeedLarge {
        #[arg(long, default_value_t = 100_000)]
        places: usize,
    },
    /// Create a platform admin (管理员). The password comes from $ADMIN_PASSWORD, or one line on stdin.
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "平台管理员")]
        display_name: String,
    },
    /// Make this week's 探访 for every running plan and mark past weeks' undone visits
    /// missed (the server does this hourly; running it twice makes nothing twice).
    WelfareVisits,
    /// Make every device refetch its cached areas at its next sync (after restoring a
    /// backup or a bulk change): the next `/api/v1/changes` answers `reset: true`.
    SyncReset,
    /// Write .br and .gz beside the built assets under DIR.
    Precompress { dir: std::path::PathBuf },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve { sample: false }) {
        Command::Serve { sample } => {
            let db = if sample { db::open_with_sample(&cli.database_url).await? } else { db::open_db(&cli.database_url).await? };
            if !sample && server::api::auth::account_count(&db.read).await? == 0 {
                tracing::warn!(
                    "this database has no accounts yet: create the first admin with \
                     `ADMIN_PASSWORD=… server create-admin --username NAME` (or start with --sample for a demo)"
                );
            }
            // Deletions are kept 30 days for delta sync; older clients refetch their areas.
            server::db::places::prune_tombstones(&db.write, 30 * 86_400).await?;
            server::serve(db, Config { sample_logins: sample, ..Config::from_env()? }).await?;
        }
        Command::Migrate => {
            db::open(&cli.database_url).await?;
            println!("migrated {}", cli.database_url);
        }
        Command::Seed { reset } => {
            if reset {
                remove_sqlite_files(&cli.database_url)?;
            }
            let pool = db::open(&cli.database_url).await?;
            if server::db::places::place_count(&pool).await? > 0 {
                anyhow::bail!("{} already holds places; use `seed --reset` to start again", cli.database_url);
            }
            let n = sample::load(&pool).await?;
            println!("loaded {n} sample places into {}", cli.database_url);
        }
        Command::SeedLarge { places } => {
            let pool = db::open(&cli.database_url).await?;
            if server::db::places::place_count(&pool).await? > 0 {
                anyhow::bail!("{} already holds places; give an empty database", cli.database_url);
            }
            let t = std::time::Instant::now();
            let n = sample::load_large(&pool, places).await?;
            println!("generated {n} places in {:.1} s into {}", t.elapsed().as_secs_f64(), cli.database_url);
        }
        Command::CreateAdmin { username, display_name } => {
            let password = match std::env::var("ADMIN_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    eprintln!("password for {username} (one line):");
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            if password.chars().count() < 10 {
                anyhow::bail!("the password must have at least 10 characters");
            }
            let pool = db::open(&cli.database_url).await?;
            let hash = server::api::auth::hash_password(&password)?;
            let id = server::db::accounts::create_account(&pool, server::db::accounts::NewAccount { username: &username, display_name: &display_name, password_hash: &hash, role: app::model::Role::Admin, organisation_id: None, district_id: None, is_sample: false }, chrono::Utc::now().timestamp())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created admin {username} (id {id})");
        }
        Command::WelfareVisits => {
            let pool = db::open(&cli.database_url).await?;
            let g = server::db::welfare::generate(&pool, chrono::Utc::now()).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            println!("weekly 探访: {} made for this week, {} marked missed", g.created, g.missed);
        }
        Command::SyncReset => {
            let pool = db::open(&cli.database_url).await?;
            let seq = server::db::places::sync_reset(&pool).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            println!("devices synced before change {seq} will refetch their areas");
        }
        Command::Precompress { dir } => {
            let (files, raw, br) = site::precompress(&dir)?;
            println!("precompressed {files} files: {raw} bytes raw, {br} bytes brotli");
        }
    }
    Ok(())
}

fn remove_sqlite_files(url: &str) -> anyhow::Result<()> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    for suffix in ["", "-wal", "-shm"] {
        let p = format!("{path}{suffix}");
        if std::path::Path::new(&p).exists() {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}
