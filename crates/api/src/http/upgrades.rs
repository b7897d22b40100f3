//! Where WebSocket upgrade requests go, and the server's connection handling around them.
//!
//! actix-http keeps a connection's 16 KiB of read and write buffers for as long as a WebSocket
//! upgraded on it lives. For visitor sockets (thousands per server, mostly idle) that was most
//! of their memory, so every upgrade request comes here first (actix-http's upgrade hook):
//! - the widget's socket runs the app's own handler (identify the visitor, admit, welcome),
//!   writes its 101, frees the connection's buffers and lives on a [`LeanSocket`];
//! - any other upgrade (the dashboard's event socket, on actix-ws) is handed to a plain HTTP
//!   service as if the connection had just arrived: its request is written back in front of the
//!   stream, so the app sees exactly what the client sent.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_codec::{AsyncRead, AsyncWrite, Encoder, Framed, ReadBuf};
use actix_http::body::{BodySize, BoxBody, MessageBody};
use actix_http::{
    h1, ConnectionType, HttpMessage, HttpServiceBuilder, Protocol, Request, Response,
};
use actix_server::Server;
use actix_service::{fn_factory, fn_service, map_config, IntoServiceFactory, Service};
use actix_service::{ServiceFactory, ServiceFactoryExt};
use actix_web::dev::AppConfig;
use actix_web::rt::net::TcpStream;
use bytes::{Buf, Bytes, BytesMut};
use tokio::io::AsyncWriteExt;

use crate::realtime::lean_socket::LeanSocket;
use crate::realtime::visitor_socket::{self, Visitor, MAX_FRAME_BYTES};
use crate::state::AppState;
use switchboard_types::widget::ServerFrame;

/// The widget's socket.
pub const WIDGET_SOCKET_PATH: &str = "/api/widget/v1/ws";

/// Marks a widget upgrade request that will be served on a [`LeanSocket`].
#[derive(Clone, Copy)]
pub struct LeanUpgrade;

/// What the widget handler hands back with its 101 for the lean socket to run.
pub struct LeanVisitor {
    pub visitor: Visitor,
    pub welcome: ServerFrame,
}

/// How long a client has to send a request, and to close after the response (actix-web's
/// defaults).
const CLIENT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const CLIENT_DISCONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// An actix-web app's service factory, as `serve` takes it (`App` is one).
pub trait AppFactory<B>:
    ServiceFactory<
        Request,
        Config = AppConfig,
        InitError = (),
        Error: Into<actix_web::Error> + 'static,
        Response: Into<Response<B>> + 'static,
        Service: 'static,
    > + 'static
{
}

impl<T, B> AppFactory<B> for T where
    T: ServiceFactory<
            Request,
            Config = AppConfig,
            InitError = (),
            Error: Into<actix_web::Error> + 'static,
            Response: Into<Response<B>> + 'static,
            Service: 'static,
        > + 'static
{
}

/// Serves `app` (built once per worker) on `listener`, with the upgrade routing above.
pub fn serve<F, I, S, B>(
    state: AppState,
    listener: std::net::TcpListener,
    shutdown_timeout: u64,
    app: F,
) -> io::Result<Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, Request>,
    S: AppFactory<B>,
    B: MessageBody + 'static,
{
    let builder = Server::build();
    let stop = builder.graceful_shutdown_signal();
    let local = listener.local_addr()?;
    Ok(builder
        .listen("switchboard-http", listener, move || {
            let (app, state, stop) = (app.clone(), state.clone(), stop.clone());
            let upgrades = {
                let (app, stop) = (app.clone(), stop.clone());
                fn_factory(move || {
                    let (app, state) = (app.clone(), state.clone());
                    let plain = http_service(&stop, local).finish(app_factory(&app));
                    async move {
                        let plain = Rc::new(plain.new_service(()).await?);
                        let app = Rc::new(app_factory(&app).new_service(()).await?);
                        Ok::<_, ()>(fn_service(move |(req, framed)| {
                            Box::pin(route_upgrade(
                                state.clone(),
                                app.clone(),
                                plain.clone(),
                                req,
                                framed,
                            ))
                        }))
                    }
                })
            };
            http_service(&stop, local)
                .upgrade(upgrades)
                .finish(app_factory(&app))
                .tcp()
        })?
        .disable_signals()
        .shutdown_timeout(shutdown_timeout)
        .run())
}

/// actix-web's connection settings (what `HttpServer` would set).
fn http_service<T, S>(
    stop: &actix_server::GracefulShutdownSignal,
    local: SocketAddr,
) -> HttpServiceBuilder<T, S>
where
    S: ServiceFactory<Request, Config = ()>,
    S::Error: Into<Response<BoxBody>> + 'static,
    S::InitError: std::fmt::Debug,
    <S::Service as Service<Request>>::Future: 'static,
{
    let stop = stop.clone();
    HttpServiceBuilder::default()
        // Idle keep-alive connections close at once on a graceful stop (as `HttpServer` does).
        .graceful_shutdown_signal(move || {
            let stop = stop.clone();
            async move { stop.notified().await }
        })
        .client_request_timeout(CLIENT_REQUEST_TIMEOUT)
        .client_disconnect_timeout(CLIENT_DISCONNECT_TIMEOUT)
        // Small frames (events, acks) must leave at once: with Nagle's algorithm a frame waits
        // for the peer's delayed ACK of the previous one, adding ~40 ms.
        .tcp_nodelay(true)
        .local_addr(local)
}

/// One instance of the app as actix-http wants it: a service of plain requests.
fn app_factory<F, I, S, B>(
    app: &F,
) -> impl ServiceFactory<
    Request,
    Config = (),
    Response = Response<B>,
    Error = Response<BoxBody>,
    InitError = (),
    Service = impl Service<Request, Response = Response<B>, Error = Response<BoxBody>> + 'static,
>
where
    F: Fn() -> I,
    I: IntoServiceFactory<S, Request>,
    S: AppFactory<B>,
    B: MessageBody + 'static,
{
    let app = app()
        .into_factory()
        .map(Into::into)
        .map_err(|e: S::Error| e.into().error_response().into());
    map_config(app, |_| AppConfig::default())
}

/// Serves one upgrade request (see the module's doc).
async fn route_upgrade<A, P, B>(
    state: AppState,
    app: Rc<A>,
    plain: Rc<P>,
    req: Request,
    framed: Framed<TcpStream, h1::Codec>,
) -> Result<(), actix_web::Error>
where
    A: Service<Request, Response = Response<B>, Error = Response<BoxBody>>,
    P: Service<(ReplayIo, Protocol, Option<SocketAddr>)>,
    P::Error: std::fmt::Display,
    B: MessageBody + 'static,
{
    let mut parts = framed.into_parts();
    // A response to a request pipelined before the upgrade may not have been flushed yet.
    if !parts.write_buf.is_empty() {
        parts.io.write_all(&parts.write_buf).await?;
    }
    if req.path() != WIDGET_SOCKET_PATH {
        let peer = req.peer_addr();
        let io = ReplayIo::new(&req, &parts.read_buf, parts.io);
        drop(req);
        // How a connection ends (a closed tab resets it) is nobody's error: the plain HTTP
        // service does not report it for any other connection either.
        if let Err(error) = plain.call((io, Protocol::Http1, peer)).await {
            tracing::debug!(%error, "an upgraded connection ended");
        }
        return Ok(());
    }
    req.extensions_mut().insert(LeanUpgrade);
    let mut res = match app.call(req).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(res) => res,
    };
    let lean = res.extensions_mut().remove::<LeanVisitor>();
    let (head, body) = res.into_parts();
    let (mut io, mut codec) = (parts.io, parts.codec);
    let leftover = parts.read_buf;
    drop(parts.write_buf);
    match lean {
        Some(LeanVisitor { visitor, welcome }) => {
            let switched = write_head(&mut io, &mut codec, head, None).await;
            let socket = LeanSocket::new(io, &leftover, MAX_FRAME_BYTES);
            // The socket runs on its own task: this connection's task (and what actix-http
            // keeps in it) ends here.
            // Without the 101 the visitor is dropped here, which gives back their place.
            if switched.is_ok() {
                visitor_socket::spawn(state, socket, visitor, &welcome);
            }
            Ok(())
        }
        None => {
            let body = actix_web::body::to_bytes(body).await.unwrap_or_default();
            let _ = write_head(&mut io, &mut codec, head, Some(body)).await;
            let _ = io.shutdown().await;
            Ok(())
        }
    }
}

/// Writes a response head (and a body, closing the connection after it).
async fn write_head(
    io: &mut TcpStream,
    codec: &mut h1::Codec,
    mut head: Response<()>,
    body: Option<Bytes>,
) -> io::Result<()> {
    let mut out = BytesMut::new();
    let size = match &body {
        Some(body) => {
            head.head_mut().set_connection_type(ConnectionType::Close);
            BodySize::Sized(body.len() as u64)
        }
        None => BodySize::None,
    };
    codec
        .encode(h1::Message::Item((head, size)), &mut out)
        .map_err(io::Error::other)?;
    if let Some(body) = body {
        out.extend_from_slice(&body);
    }
    io.write_all(&out).await
}

/// A connection whose first request was already read: that request (and whatever followed it)
/// is read again first, then the stream.
pub struct ReplayIo {
    replay: Bytes,
    io: TcpStream,
}

impl ReplayIo {
    fn new(req: &Request, leftover: &[u8], io: TcpStream) -> ReplayIo {
        let mut replay = BytesMut::new();
        let version = match req.version() {
            actix_http::Version::HTTP_10 => "HTTP/1.0",
            _ => "HTTP/1.1",
        };
        replay
            .extend_from_slice(format!("{} {} {version}\r\n", req.method(), req.uri()).as_bytes());
        for (name, value) in req.headers().iter() {
            replay.extend_from_slice(name.as_str().as_bytes());
            replay.extend_from_slice(b": ");
            replay.extend_from_slice(value.as_bytes());
            replay.extend_from_slice(b"\r\n");
        }
        replay.extend_from_slice(b"\r\n");
        replay.extend_from_slice(leftover);
        ReplayIo {
            replay: replay.freeze(),
            io,
        }
    }
}

impl AsyncRead for ReplayIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if !self.replay.is_empty() {
            let n = self.replay.len().min(buf.remaining());
            buf.put_slice(&self.replay[..n]);
            self.replay.advance(n);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for ReplayIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}
