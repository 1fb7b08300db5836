//! `server` — serve / migrate / seed / seed-large / import / precompress.

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
    /// Load the sample data (示例) into an empty database; --reset deletes the database file first;
    /// --remove-sample deletes every sample record instead (before importing real ones).
    Seed {
        #[arg(long)]
        reset: bool,
        #[arg(long, conflicts_with = "reset")]
        remove_sample: bool,
    },
    /// Registry import: check a file (--dry-run writes nothing), or import it in one
    /// transaction; or write the XLSX template. Exits 1 when the file has problems.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Generate the large benchmark data set (sample places over China's main cities) into an empty database.
    SeedLarge {
        #[arg(long, default_value_t = 100_000)]
        places: usize,
        /// Load the sample districts (新吴区 …) first, so the same database serves the desks' benchmarks.
        #[arg(long)]
        with_sample: bool,
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

#[derive(Subcommand)]
enum ImportCommand {
    /// 托育机构 and their places (XLSX, or CSV in UTF-8 or GBK/GB18030).
    Places {
        #[command(flatten)]
        file: ImportFile,
        /// Close the places of the file's districts that the file no longer lists.
        #[arg(long)]
        close_missing: bool,
    },
    /// Home-care providers with their service items, prices, service area and carers.
    Providers {
        #[command(flatten)]
        file: ImportFile,
        /// Close the providers of the file's districts that the file no longer lists.
        #[arg(long)]
        close_missing: bool,
    },
    /// Population figures per 街道 and year (常住人口, 0–3 岁, 60+, 65+, 80+, 社区数): the
    /// supervisors' denominators.
    Population {
        #[command(flatten)]
        file: ImportFile,
    },
    /// Write the XLSX template (with its 填写说明 sheet) for a kind: places, providers or population.
    Template { kind: String, out: std::path::PathBuf },
}

#[derive(clap::Args)]
struct ImportFile {
    file: std::path::PathBuf,
    /// Check and show what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// For CSV: auto, utf-8 or gb18030.
    #[arg(long, default_value = "auto")]
    encoding: String,
    /// Import the rows without problems and skip the others.
    #[arg(long)]
    only_valid_rows: bool,
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
            let sample_data = server::db::imports::holds_sample(&mut *db.read.acquire().await?).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            server::serve(db, Config { sample_logins: sample, sample_data, ..Config::from_env()? }).await?;
        }
        Command::Migrate => {
            db::open(&cli.database_url).await?;
            println!("migrated {}", cli.database_url);
        }
        Command::Seed { remove_sample: true, .. } => {
            let pool = db::open(&cli.database_url).await?;
            let r = sample::remove(&pool).await?;
            println!(
                "removed the sample data (示例): {} organisations, {} places, {} home-care providers, {} accounts",
                r.organisations, r.places, r.providers, r.accounts
            );
        }
        Command::Import { what } => {
            let code = import_command(&cli.database_url, what).await?;
            std::process::exit(code);
        }
        Command::Seed { reset, .. } => {
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
        Command::SeedLarge { places, with_sample } => {
            let pool = db::open(&cli.database_url).await?;
            if server::db::places::place_count(&pool).await? > 0 {
                anyhow::bail!("{} already holds places; give an empty database", cli.database_url);
            }
            let t = std::time::Instant::now();
            if with_sample {
                sample::load(&pool).await?;
            }
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

/// `server import …`: prints the problems and the plan; 0 when done (or, with --dry-run,
/// when the file has no problems), 1 when the file has problems or is refused.
async fn import_command(url: &str, what: ImportCommand) -> anyhow::Result<i32> {
    use app::model::import::{ImportApply, ImportKind, TextEncoding};
    use server::import;
    let (kind, ImportFile { file, dry_run, encoding, only_valid_rows }, close_missing) = match what {
        ImportCommand::Template { kind, out } => {
            let kind = ImportKind::from_code(&kind).ok_or_else(|| anyhow::anyhow!("kind: places, providers or population"))?;
            std::fs::write(&out, import::template::xlsx(kind)?)?;
            println!("wrote the {} template to {}", kind.label(), out.display());
            return Ok(0);
        }
        ImportCommand::Places { file, close_missing } => (ImportKind::Places, file, close_missing),
        ImportCommand::Providers { file, close_missing } => (ImportKind::Providers, file, close_missing),
        ImportCommand::Population { file } => (ImportKind::Population, file, false),
    };
    let encoding = TextEncoding::from_code(&encoding).ok_or_else(|| anyhow::anyhow!("--encoding: auto, utf-8 or gb18030"))?;
    let bytes = std::fs::read(&file)?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let pool = db::open(url).await?;
    let started = std::time::Instant::now();
    let areas = import::areas(&mut *pool.acquire().await?).await?;
    let id = server::db::imports::new_id();
    let now = chrono::Utc::now();
    let today = app::model::requests::beijing_today(now);
    let parsed = import::read(kind, &bytes, &name, encoding, &areas, today);
    let prepared = import::prepare(&mut *pool.acquire().await?, (&id, &name), parsed, now).await?;
    let p = &prepared.preview;
    println!("{name}: {} 行（{}），{} 行有问题", p.rows, p.read_as, p.error_rows);
    for i in &p.issues {
        println!("  {}", i.text());
    }
    let what = match kind {
        ImportKind::Places => "点位",
        ImportKind::Providers => "服务机构",
        ImportKind::Population => "街道年份的人口数据",
    };
    println!("新增 {} 个{what}，修改 {} 个，没有变化 {} 个，本次文件中没有 {} 个", p.create.len(), p.update.len(), p.unchanged, p.missing.len());
    for r in p.update.iter().take(50) {
        let what: Vec<String> = r.changes.iter().map(|c| format!("{}：{} → {}", c.column, c.before, c.after)).collect();
        println!("  修改 {}（第 {} 行）：{}", r.name, r.rows[0], what.join("；"));
    }
    for m in &p.missing {
        println!("  本次文件中没有：{} · {}（{}，编号 {}）", m.organisation, m.name, m.street_name, m.id);
    }
    let has_problems = p.error_rows > 0 || p.issues.iter().any(|i| i.row == 0);
    if dry_run {
        println!("预览完成（--dry-run，没有写入）：{:.2} s", started.elapsed().as_secs_f64());
        return Ok(if has_problems { 1 } else { 0 });
    }
    let ask = ImportApply {
        plan_hash: p.plan_hash.clone(),
        only_valid_rows,
        close: if close_missing { p.missing.iter().map(|m| m.id).collect() } else { vec![] },
    };
    // Applying makes the plan again inside the write transaction, from the same bytes.
    let parsed = import::read(kind, &bytes, &name, encoding, &areas, today);
    let mut tx = server::db::begin_write(&pool).await?;
    let up = server::db::imports::Upload {
        id: id.clone(),
        kind: kind.code().into(),
        file_name: name.clone(),
        encoding: encoding.code().into(),
        sha256: server::http::device::sha256_hex(&bytes),
        content: bytes.clone(),
        created_by: None,
        created_at: now.timestamp(),
        applied_at: None,
        result: None,
    };
    server::db::imports::save_upload(&mut tx, &up).await?;
    let prepared = import::prepare(&mut tx, (&id, &name), parsed, now).await?;
    let tool = format!("server import {} {name}", kind.code());
    match import::execute(&mut tx, &prepared, &ask, (server::http::audit::Actor::Tool(&tool), now)).await {
        Ok(r) => {
            server::db::imports::mark_applied(&mut tx, &id, now.timestamp(), &serde_json::to_string(&r)?).await?;
            tx.commit().await?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "已导入：新增 {}，修改 {}，没有变化 {}，关闭 {}，跳过 {} 行 — {:.2} s（{:.0} 行/秒）",
                r.created, r.updated, r.unchanged, r.closed, r.skipped_rows, secs, p.rows as f64 / secs
            );
            Ok(0)
        }
        Err(e) => {
            tx.rollback().await?;
            let body = e.body();
            eprintln!("没有导入：{}", body.message);
            for f in body.fields {
                eprintln!("  {}", f.message);
            }
            Ok(1)
        }
    }
}

fn remove_sqlite_files(url: &str) -> anyhow::Result<()> {
    db::check_url(url)?;
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
