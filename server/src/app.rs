//! The state every request shares: the engine behind an atomic pointer, where its data comes
//! from, and the settings.

use crate::{AccessLog, AdminAccess, Limits};
use arc_swap::ArcSwap;
use calc::Engine;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The data the engine is built from (the flags `--master`, `--local`, `--tables`).
#[derive(Clone, Debug, Default)]
pub struct DataSource {
    /// Directories of official files (`s_ALL…`, update files, 電子点数表 tables …); empty: the
    /// embedded data.
    pub master: Vec<PathBuf>,
    /// Local public-programme files (地方単独公費, 法別 80–99; TOML or JSON), as
    /// `santei copay --local`.
    pub local: Vec<PathBuf>,
    /// Additional dated co-payment table files, as `santei copay --tables`.
    pub tables: Vec<PathBuf>,
}

/// Why the engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("loading santei's embedded data: {0}")]
    Embedded(String),
    #[error("loading the official files: {0}")]
    Official(String),
    #[error("loading santei's rule files: {0}")]
    Rules(String),
    #[error("reading {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Tables(String),
}

fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Build an engine from a data source (blocking: reads files). The same steps as the CLI's
/// `--master` / `--local` / `--tables` (`santei batch`): official files (or the embedded data),
/// then the dated tables, then the local programmes.
pub fn load_engine(data: &DataSource) -> Result<Engine, LoadError> {
    let dataset = if data.master.is_empty() {
        masters::pack::embedded().map_err(|e| LoadError::Embedded(e.to_string()))?
    } else {
        masters::pack::load_official_dirs(&data.master)
            .map_err(|e| LoadError::Official(e.to_string()))?
            .0
    };
    let mut engine = Engine::with_data(dataset).map_err(|e| LoadError::Rules(e.to_string()))?;
    if !data.tables.is_empty() || !data.local.is_empty() {
        let mut tables = engine.copay_tables().clone();
        for p in &data.tables {
            tables = tables
                .with_tables(&p.display().to_string(), &read(p)?)
                .map_err(|e| LoadError::Tables(e.to_string()))?;
        }
        for p in &data.local {
            tables = tables
                .with_local_programmes(&p.display().to_string(), &read(p)?)
                .map_err(|e| LoadError::Tables(e.to_string()))?;
        }
        engine = engine.with_copay_tables(tables);
    }
    Ok(engine)
}

/// What the handlers share.
pub(crate) struct App {
    engine: ArcSwap<Engine>,
    pub data: DataSource,
    /// One reload at a time (a second waits for the first, then loads again).
    reloading: tokio::sync::Mutex<()>,
    pub limits: Limits,
    pub admin: AdminAccess,
    pub access_log: AccessLog,
    /// The page folder, canonical.
    pub page: Option<PathBuf>,
    /// Requests being answered; the permit lives until the response body is sent.
    pub in_flight: Arc<Semaphore>,
    /// `GET /v1/openapi.json`, rendered once.
    pub openapi: String,
}

impl App {
    pub fn new(
        engine: Engine,
        data: DataSource,
        limits: Limits,
        admin: AdminAccess,
        access_log: AccessLog,
        page: Option<PathBuf>,
    ) -> App {
        App {
            engine: ArcSwap::from_pointee(engine),
            data,
            reloading: tokio::sync::Mutex::new(()),
            in_flight: Arc::new(Semaphore::new(limits.max_concurrent.max(1))),
            limits,
            admin,
            access_log,
            page,
            openapi: crate::openapi::document_text(),
        }
    }

    /// The engine of this moment; a reload does not affect a request that holds it.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.load_full()
    }

    /// Read the data source again and swap the new engine in. On failure the engine in use
    /// stays. Returns the new engine's version report (`santei version`). `via` names what
    /// asked (in the event line logged).
    pub async fn reload(&self, via: &str) -> Result<String, String> {
        let _one = self.reloading.lock().await;
        let data = self.data.clone();
        let result = async {
            let loaded = tokio::task::spawn_blocking(move || load_engine(&data))
                .await
                .map_err(|e| format!("internal error while reloading: {e}"))?;
            let engine =
                loaded.map_err(|e| format!("reload failed, the data in use stays: {e}"))?;
            let report = api::version(&engine, None).map_err(|e| e.message)?;
            self.engine.store(Arc::new(engine));
            Ok::<_, String>(report)
        }
        .await;
        self.event(match &result {
            Ok(_) => serde_json::json!({"event": "reload", "via": via, "ok": true}),
            Err(e) => serde_json::json!({"event": "reload", "via": via, "ok": false, "error": e}),
        });
        result
    }

    /// An event line (reload, shutdown, accept errors): to the access log's function when it
    /// has one, else to standard error — also with the access log off.
    pub fn event(&self, mut v: serde_json::Value) {
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("time".into(), crate::http::now().into());
        }
        let line = v.to_string();
        match &self.access_log {
            AccessLog::Custom(f) => f(line),
            _ => crate::http::log_line(&line),
        }
    }
}
