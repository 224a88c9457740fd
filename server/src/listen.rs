//! The accept loop (connection cap, hyper's HTTP/1.1 limits), graceful shutdown, and the
//! signals of `santei serve` (SIGTERM/SIGINT: drain and stop; SIGHUP: reload).

use crate::app::{load_engine, App, LoadError};
use crate::http::Peer;
use crate::Config;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{watch, Semaphore};
use tower::ServiceExt;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error("{0}: no such folder (build the page with wasm/build-page, or leave the folder out to serve the API alone)")]
    Page(PathBuf),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// A server that is running (in this process's tokio runtime).
pub struct Running {
    addr: SocketAddr,
    app: Arc<App>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// Read the data again and swap it in (as `POST /v1/admin/reload`): the new engine's
    /// version report, or why the reload failed (the old data stays).
    pub async fn reload(&self) -> Result<String, String> {
        self.app.reload("Running::reload").await
    }
    /// Stop accepting; requests in flight finish, idle connections close.
    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }
    /// Wait until the server has stopped (after [`Running::shutdown`]): every connection
    /// closed, or the shutdown timeout passed.
    pub async fn join(self) {
        let _ = self.task.await;
    }
}

/// Since when writing to a connection has been blocked (the client does not read).
#[derive(Default)]
struct Stall {
    /// Nanoseconds since [`epoch`] when the write blocked; 0: not blocked.
    since: AtomicU64,
}

fn epoch() -> Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

impl Stall {
    fn blocked(&self) {
        let now = epoch().elapsed().as_nanos().max(1) as u64;
        let _ = self
            .since
            .compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
    }
    fn moved(&self) {
        self.since.store(0, Ordering::Relaxed);
    }
    fn longer_than(&self, limit: Duration) -> bool {
        let since = self.since.load(Ordering::Relaxed);
        since != 0 && epoch().elapsed().as_nanos() as u64 - since > limit.as_nanos() as u64
    }
}

/// A connection's socket that notes when its writes block and when they move again.
struct Watched {
    inner: tokio::net::TcpStream,
    stall: Arc<Stall>,
}

impl Watched {
    fn note<T>(&self, r: &Poll<std::io::Result<T>>) {
        match r {
            Poll::Pending => self.stall.blocked(),
            Poll::Ready(_) => self.stall.moved(),
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.note(&r);
        r
    }
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.note(&r);
        r
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The connections the kernel holds for the accept loop while it waits (see
/// [`crate::Limits::max_connections`]); Linux caps it at `net.core.somaxconn`.
pub const BACKLOG: u32 = 1024;

/// A listening socket on `addr` with a backlog of [`BACKLOG`] (std's `bind` uses 128, which
/// drops connections in a burst instead of queueing them).
pub fn bind(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(BACKLOG)?.into_std()
}

/// Load the engine and start serving on `listener` (a bound, listening socket) in the current
/// tokio runtime.
pub async fn start(config: Config, listener: std::net::TcpListener) -> Result<Running, ServeError> {
    let page = match &config.page {
        Some(p) => Some(p.canonicalize().map_err(|_| ServeError::Page(p.clone()))?),
        None => None,
    };
    let data = config.data.clone();
    let engine = tokio::task::spawn_blocking(move || load_engine(&data))
        .await
        .map_err(|e| ServeError::Io(std::io::Error::other(e.to_string())))??;
    let app = Arc::new(App::new(
        engine,
        config.data,
        config.limits,
        config.admin,
        config.access_log,
        page,
    ));
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, app.clone(), stopped));
    Ok(Running {
        addr,
        app,
        stop,
        task,
    })
}

async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    mut stop: watch::Receiver<bool>,
) {
    let router = crate::routes::router(app.clone());
    let limits = app.limits.clone();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.max_header)
        .max_buf_size(limits.max_header.max(64 << 10))
        .keep_alive(true);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    loop {
        let slot = tokio::select! {
            s = slots.clone().acquire_owned() => match s { Ok(s) => s, Err(_) => break },
            _ = stop.changed() => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, keep serving.
                    app.event(serde_json::json!({"event": "accept", "error": e.to_string()}));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        let svc = router.clone().map_request(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(Peer(peer));
                req
            },
        );
        let stall = Arc::new(Stall::default());
        let io = Watched {
            inner: stream,
            stall: stall.clone(),
        };
        let conn = http.serve_connection(TokioIo::new(io), TowerToHyperService::new(svc));
        let conn = graceful.watch(conn);
        let limit = limits.request_timeout;
        tokio::spawn(async move {
            tokio::pin!(conn);
            // A client that stops reading the answer is cut after `limit` (its in-flight
            // permit and connection slot are released when the connection is dropped).
            let check = (limit / 4).max(Duration::from_millis(10));
            loop {
                tokio::select! {
                    _ = &mut conn => break,
                    _ = tokio::time::sleep(check) => {
                        if stall.longer_than(limit) {
                            break;
                        }
                    }
                }
            }
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(limits.shutdown_timeout) => {
            app.event(serde_json::json!({
                "event": "shutdown",
                "error": format!("requests still running after {} s were cut (--shutdown-timeout)", limits.shutdown_timeout.as_secs_f64()),
            }));
        }
    }
}

/// `santei serve`: build a runtime, load the data, listen on `host:port`, call `listening`
/// with the address, and serve until SIGTERM or SIGINT (then drain); SIGHUP reloads. A second
/// SIGTERM/SIGINT while draining stops at once.
pub fn run(
    config: Config,
    host: &str,
    port: u16,
    listening: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("santei-serve")
        .build()?;
    rt.block_on(async move {
        let bind_error = |source| ServeError::Bind {
            addr: format!("{host}:{port}"),
            source,
        };
        let addr = tokio::net::lookup_host((host, port))
            .await
            .map_err(bind_error)?
            .next()
            .ok_or_else(|| bind_error(std::io::Error::other("no address")))?;
        let listener = bind(addr).map_err(bind_error)?;
        let running = start(config, listener).await?;
        listening(running.addr());
        signals(&running).await;
        running.shutdown();
        let app = running.app.clone();
        app.event(serde_json::json!({"event": "shutdown", "draining": true}));
        tokio::select! {
            _ = running.join() => {}
            _ = stop_signal() => {
                app.event(serde_json::json!({"event": "shutdown", "error": "second signal: stopped without waiting"}));
            }
        }
        Ok(())
    })
}

/// Wait for SIGTERM or SIGINT, reloading on each SIGHUP meanwhile.
#[cfg(unix)]
async fn signals(running: &Running) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut hup = signal(SignalKind::hangup()).ok();
    loop {
        tokio::select! {
            _ = stop_signal() => return,
            Some(()) = async { match hup.as_mut() { Some(h) => h.recv().await, None => std::future::pending().await } } => {
                let app = running.app.clone();
                tokio::spawn(async move { app.reload("SIGHUP").await });
            }
        }
    }
}

#[cfg(not(unix))]
async fn signals(_running: &Running) {
    stop_signal().await;
}

/// SIGTERM or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut t), Ok(mut i)) => {
                tokio::select! {
                    _ = t.recv() => {}
                    _ = i.recv() => {}
                }
            }
            _ => std::future::pending::<()>().await,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
