//! `santei serve [DIR] [--port N] [--host ADDR] [--master DIR]...`: santei as a local HTTP
//! service — the JSON interface of the other commands (same bytes) and the browser page. A
//! thin call into the `server` crate, which holds the routes, limits and their documentation.

use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The browser page's folder (wasm/build-page builds it). Default wasm/www; when the
    /// default folder is missing the API is served alone.
    dir: Option<PathBuf>,
    /// Port (0 = any free port; the address is printed).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Directory of official files (repeatable); without it, the embedded data. Read again on
    /// POST /v1/admin/reload and SIGHUP.
    #[arg(long = "master", value_name = "DIR")]
    master: Vec<PathBuf>,
    /// Local public-programme file(s) for /v1/copay, /v1/batch and claims' co-payment (as
    /// `santei copay --local`).
    #[arg(long = "local", value_name = "FILE")]
    local: Vec<PathBuf>,
    /// Additional dated co-payment table file(s) (as `santei copay --tables`).
    #[arg(long = "tables", value_name = "FILE")]
    tables: Vec<PathBuf>,
    /// Largest request body in bytes (413 above); for /v1/batch, the longest line.
    #[arg(long, default_value_t = 1 << 20, value_name = "BYTES")]
    max_body: usize,
    /// Largest request line plus headers in bytes (431 above).
    #[arg(long, default_value_t = 16 << 10, value_name = "BYTES")]
    max_header: usize,
    /// Seconds for the request line and headers to arrive (and for an idle keep-alive
    /// connection to stay open).
    #[arg(long, default_value_t = 5.0, value_name = "SECS")]
    header_timeout: f64,
    /// Seconds for the body and the answer after the headers (408); for /v1/batch, the
    /// longest pause between two pieces of the body; also the longest an answer may stay
    /// unread before the connection is closed.
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    request_timeout: f64,
    /// Seconds a whole /v1/batch request may take.
    #[arg(long, default_value_t = 300.0, value_name = "SECS")]
    batch_timeout: f64,
    /// Requests answered at once; more wait in line (503 after the request timeout).
    #[arg(long, default_value_t = 64, value_name = "N")]
    max_concurrent: usize,
    /// Open connections; more wait to be accepted.
    #[arg(long, default_value_t = 512, value_name = "N")]
    max_connections: usize,
    /// Seconds requests in flight may take to finish on SIGTERM/SIGINT.
    #[arg(long, default_value_t = 30.0, value_name = "SECS")]
    shutdown_timeout: f64,
    /// Who may POST /v1/admin/reload: loopback (clients on this machine), any, off.
    #[arg(long, value_enum, default_value = "loopback")]
    admin: Admin,
    /// No access log (one JSON line per request on standard error otherwise).
    #[arg(long)]
    no_access_log: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Admin {
    Loopback,
    Any,
    Off,
}

fn secs(what: &str, v: f64) -> anyhow::Result<Duration> {
    Duration::try_from_secs_f64(v)
        .map_err(|_| anyhow::anyhow!("--{what}: {v} is not a number of seconds"))
}

pub fn run(args: &ServeArgs) -> anyhow::Result<i32> {
    let page = match &args.dir {
        Some(d) => Some(d.clone()),
        None => {
            let d = PathBuf::from("wasm/www");
            if d.is_dir() {
                Some(d)
            } else {
                eprintln!("santei serve: note: no wasm/www here: serving the API alone");
                None
            }
        }
    };
    if let Some(p) = &page {
        if !p.join("index.html").is_file() {
            eprintln!(
                "santei serve: note: {} has no index.html (build the page with wasm/build-page)",
                p.display()
            );
        }
    }
    let config = server::Config {
        page: page.clone(),
        data: server::DataSource {
            master: args.master.clone(),
            local: args.local.clone(),
            tables: args.tables.clone(),
        },
        limits: server::Limits {
            max_body: args.max_body,
            max_header: args.max_header,
            header_timeout: secs("header-timeout", args.header_timeout)?,
            request_timeout: secs("request-timeout", args.request_timeout)?,
            batch_timeout: secs("batch-timeout", args.batch_timeout)?,
            max_concurrent: args.max_concurrent,
            max_connections: args.max_connections,
            shutdown_timeout: secs("shutdown-timeout", args.shutdown_timeout)?,
        },
        admin: match args.admin {
            Admin::Loopback => server::AdminAccess::Loopback,
            Admin::Any => server::AdminAccess::Any,
            Admin::Off => server::AdminAccess::Off,
        },
        access_log: if args.no_access_log {
            server::AccessLog::Off
        } else {
            server::AccessLog::Stderr
        },
    };
    server::run(config, &args.host, args.port, |addr| {
        use std::io::Write;
        match &page {
            Some(p) => println!("serving {} at http://{addr}/", p.display()),
            None => println!("serving the API at http://{addr}/"),
        }
        let _ = std::io::stdout().flush();
    })?;
    Ok(0)
}
