//! `shangliang`: the one binary. `serve` runs the web app (and the worker
//! unless told not to); `migrate`, `demo`, `admin` and `worker` do one job each.
mod admin_cli;
mod backup;
mod config;
mod demo;
mod opinion_cli;
mod worker;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::{Config, Overrides};

#[derive(Parser)]
#[command(name = "shangliang", version, about = "商量：基层协商议事平台")]
struct Cli {
    /// TOML configuration file (default: ./shangliang.toml when present).
    #[arg(long, global = true)]
    config: Option<String>,
    /// Database: sqlite://shangliang.db (default) or postgres://user@host/db.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Log format: text or json.
    #[arg(long, global = true)]
    log_format: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (and the background worker).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<String>,
        /// Fill an empty database with the demo subdistrict first.
        #[arg(long)]
        demo: bool,
        /// Do not run background jobs in this process.
        #[arg(long)]
        no_worker: bool,
    },
    /// Apply database migrations.
    Migrate,
    /// Load the demo subdistrict into an empty database.
    Demo {
        /// Load it as if it were this moment (RFC 3339, e.g.
        /// 2026-12-05T07:00:00+08:00) instead of now; for tests.
        #[arg(long, hide = true)]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
    /// Run background jobs only.
    Worker {
        /// Run as if it were this moment (RFC 3339), the clock standing
        /// still; for tests of supervision.
        #[arg(long, hide = true)]
        at: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
    /// Regions, accounts and roles; the holiday calendar.
    #[command(subcommand)]
    Admin(admin_cli::Admin),
    /// Write a consistent backup (database and photos) to FILE while the server runs.
    Backup { file: std::path::PathBuf },
    /// Restore a backup FILE into an empty database (SQLite or PostgreSQL),
    /// then check every table's content and the audit chain against it.
    Restore { file: std::path::PathBuf },
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(admin_cli::Audit),
    /// Opinion maps (画出同心圆).
    #[command(subcommand)]
    Opinion(OpinionCmd),
}

#[derive(Subcommand)]
enum OpinionCmd {
    /// Analyse a Pol.is export folder: groups, representative statements, consensus.
    Analyze {
        /// openData (votes.csv / participants-votes.csv, comments.csv) or math export (votes.json, comments.json).
        dir: std::path::PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// Logs go to standard output through a writer thread: a request never
/// waits on the terminal or the log file, nor on another request's line
/// (one line per request under load was the larger part of a kept page's
/// cost). Lines are never dropped; the returned guard flushes them at exit.
/// Colours only on a terminal.
fn init_tracing(format: &str) -> tracing_appender::non_blocking::WorkerGuard {
    use std::io::IsTerminal;
    use std::os::fd::AsFd;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    // The log thread writes what has queued up in one go and flushes when
    // the queue is empty, so it writes to standard output's descriptor
    // through a buffer of its own rather than line by line.
    let out: Box<dyn std::io::Write + Send> = match std::io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => Box::new(std::io::BufWriter::with_capacity(
            64 << 10,
            std::fs::File::from(fd),
        )),
        Err(_) => Box::new(std::io::stdout()),
    };
    let (writer, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(false)
        .finish(out);
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(std::io::stdout().is_terminal());
    if format == "json" {
        b.json().init();
    } else {
        b.init();
    }
    guard
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Works on files only: no configuration, no database.
    if let Command::Opinion(OpinionCmd::Analyze { dir, json }) = &cli.command {
        return opinion_cli::analyze(dir, *json);
    }
    let listen = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => None,
    };
    let cfg = Config::load(
        cli.config.as_deref(),
        Overrides {
            database_url: cli.database_url.clone(),
            listen,
            log_format: cli.log_format.clone(),
        },
    )?;
    let _flush_logs_at_exit = init_tracing(&cfg.log_format);
    let store = store::Store::connect(&cfg.database_url)
        .await
        .context("cannot open the database")?
        .with_follow_up_days(cfg.follow_up_days);
    store.migrate().await.context("migration failed")?;
    match cli.command {
        Command::Migrate => println!("数据库已是最新结构 (database is up to date)"),
        Command::Demo { at } => {
            let store = match at {
                Some(t) => store.with_clock(store::Clock::at(t.to_utc())),
                None => store,
            };
            demo::load(&store).await?;
            demo::print_logins();
        }
        Command::Worker { at } => {
            let store = match at {
                Some(t) => store.with_clock(store::Clock::at(t.to_utc())),
                None => store,
            };
            let courier = cfg.courier(store.clone(), cfg.sms_sender()?)?;
            worker::run(
                store,
                courier,
                cfg.worker_interval_secs,
                &cfg.web(),
                shutdown_signal(),
            )
            .await
        }
        Command::Serve {
            demo, no_worker, ..
        } => serve(store, &cfg, demo, no_worker).await?,
        Command::Admin(a) => {
            store::Origin::command_line()
                .scope(admin_cli::admin(&store, a))
                .await?
        }
        Command::Audit(a) => admin_cli::audit(&store, a).await?,
        Command::Backup { file } => backup::backup(&store, &*photo_store(&cfg)?, &file).await?,
        Command::Restore { file } => backup::restore(&store, &*photo_store(&cfg)?, &file).await?,
        Command::Opinion(_) => unreachable!("handled before the database is opened"),
    }
    Ok(())
}

fn photo_store(cfg: &Config) -> anyhow::Result<std::sync::Arc<dyn media::PhotoStore>> {
    cfg.web()
        .photo_store()
        .with_context(|| format!("cannot use the photo store ({})", photo_place(cfg)))
}

/// Where the photos are, for messages.
fn photo_place(cfg: &Config) -> String {
    match cfg
        .photo_s3_bucket
        .as_deref()
        .filter(|b| !b.trim().is_empty())
    {
        Some(bucket) => format!("bucket {bucket}"),
        None => format!("folder {}", cfg.photo_dir),
    }
}

async fn serve(
    store: store::Store,
    cfg: &Config,
    demo: bool,
    no_worker: bool,
) -> anyhow::Result<()> {
    if demo {
        if store.is_empty().await? {
            demo::load(&store).await?;
        } else {
            println!("数据库中已有数据，跳过演示数据 (database not empty, demo data not loaded)");
        }
        demo::print_logins();
    }
    let listener = tokio::net::TcpListener::bind(&cfg.listen)
        .await
        .with_context(|| format!("cannot listen on {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    println!("商量已启动，请打开 http://{addr}/ (Shangliang is running at http://{addr}/)");
    tracing::info!(%addr, "listening");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let sms = cfg.sms_sender()?;
    let courier = cfg.courier(store.clone(), sms.clone())?;
    let worker = (!no_worker).then(|| {
        let store = store.clone();
        let interval = cfg.worker_interval_secs;
        let web = cfg.web();
        let mut rx = stop_rx.clone();
        tokio::spawn(async move {
            worker::run(store, courier, interval, &web, async move {
                let _ = rx.changed().await;
            })
            .await
        })
    });
    let state = web::AppState::new(store.clone(), cfg.web(), sms)
        .with_context(|| format!("cannot use the photo store ({})", photo_place(cfg)))?;
    let shutdown = async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight");
        let _ = stop_tx.send(true);
    };
    web::serve(listener, state, shutdown).await?;
    if let Some(w) = worker {
        let _ = w.await;
    }
    store.close().await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
