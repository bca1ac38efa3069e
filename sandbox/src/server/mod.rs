//! The HTTP/1.1 server: a `TcpListener` accept loop and one thread per connection, with
//! keep-alive and an idle timeout.

mod request;
mod response;

pub(crate) use request::Request;
pub(crate) use response::Response;

use crate::api::{self, Outcome};
use crate::shared::{lock, Shared};
use crate::timefmt::http_date;
use crate::tls::SharedTls;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// How long a connection may sit idle (or stall mid-request) before it is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// Starts accepting connections on `listener` until `shared.shutdown` is set.
pub(crate) fn spawn_accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
) -> std::io::Result<JoinHandle<()>> {
    thread::Builder::new()
        .name("offblocks-sandbox-accept".into())
        .spawn(move || accept_loop(&listener, &shared))
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors or similar: back off instead of spinning.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let id = shared.next_connection.fetch_add(1, Ordering::Relaxed);
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.connections).insert(id, clone);
        }
        let conn_shared = Arc::clone(shared);
        let spawned = thread::Builder::new()
            .name(format!("offblocks-sandbox-conn-{id}"))
            .spawn(move || {
                serve_connection(&conn_shared, stream);
                lock(&conn_shared.connections).remove(&id);
            });
        if spawned.is_err() {
            if let Some(stream) = lock(&shared.connections).remove(&id) {
                let _ = stream.shutdown(Shutdown::Both);
            }
        }
    }
}

fn serve_connection(shared: &Shared, stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let peer = stream.peer_addr().ok();
    match shared.tls.as_ref().and_then(|t| t.config.as_ref()) {
        Some(config) => {
            let Ok(tcp) = stream.try_clone() else {
                return;
            };
            // A client that refuses the certificate ends here, before any request.
            if let Ok(tls) = SharedTls::accept(config, stream, Arc::clone(&shared.tls_received)) {
                serve_requests(shared, BufReader::new(tls.clone()), tls.clone(), peer);
                tls.close();
            }
            let _ = tcp.shutdown(Shutdown::Both);
        }
        None => {
            let plain_on_tls_port = shared.tls.is_some();
            if plain_on_tls_port && refuse_tls_hello(&stream) {
                let _ = stream.shutdown(Shutdown::Both);
                return;
            }
            let Ok(read_half) = stream.try_clone() else {
                return;
            };
            serve_requests(shared, BufReader::new(read_half), &stream, peer);
            let _ = stream.shutdown(Shutdown::Both);
        }
    }
}

/// As a plain HTTP server answers bytes that cannot start a request line (a TLS
/// `ClientHello` begins with 0x16): `400` at once and close, instead of waiting for a
/// line end that never comes. Returns whether it did.
fn refuse_tls_hello(mut stream: &TcpStream) -> bool {
    let mut first = [0u8; 1];
    match stream.peek(&mut first) {
        Ok(1) if !first[0].is_ascii_alphabetic() && !first[0].is_ascii_whitespace() => {
            let body = "not an HTTP request\n";
            let _ = write!(
                stream,
                "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            true
        }
        _ => false,
    }
}

/// Reads requests and writes their responses until the connection ends.
fn serve_requests(
    shared: &Shared,
    mut reader: impl BufRead,
    mut writer: impl Write,
    peer: Option<SocketAddr>,
) {
    loop {
        if shared.shutdown.load(Ordering::SeqCst) {
            break;
        }
        let req = match request::read_request(&mut reader, &mut writer, peer) {
            Ok(Some(req)) => req,
            Ok(None) | Err(request::ReadError::Io) => break,
            Err(request::ReadError::Bad(err)) => {
                let mut resp = Response::error(&err);
                resp.request_id = crate::random::uuid();
                let _ = write(shared, &mut writer, &resp, false);
                break;
            }
        };
        let keep_alive = req.keep_alive();
        match api::handle(shared, &req) {
            Outcome::Drop => break,
            Outcome::Respond(resp) => {
                if write(shared, &mut writer, &resp, keep_alive).is_err() || !keep_alive {
                    break;
                }
            }
        }
    }
}

fn write(
    shared: &Shared,
    out: &mut impl Write,
    resp: &Response,
    keep_alive: bool,
) -> std::io::Result<()> {
    let date = http_date(shared.clock.now_secs());
    response::write_response(out, resp, &date, keep_alive)
}
