//! A small HTTP `CONNECT` proxy on loopback, for testing clients' proxy support from any
//! language: it tunnels each `CONNECT host:port` it is asked for and remembers it.
//!
//! `GET /tunnels` (a plain request to the proxy itself) answers the tunnels opened so far
//! as JSON: `[{"target": "127.0.0.1:8080", "proxyAuthorization": "Basic …" | null}]`.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

/// A tunnel the proxy opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tunnel {
    /// The `host:port` of the `CONNECT`.
    pub target: String,
    /// The request's `Proxy-Authorization` header, if it had one.
    pub proxy_authorization: Option<String>,
}

/// A running proxy; it serves until the process ends.
#[derive(Debug, Clone)]
pub struct ConnectProxy {
    url: String,
    tunnels: Arc<Mutex<Vec<Tunnel>>>,
}

impl ConnectProxy {
    /// Starts a proxy on `127.0.0.1` at a free port.
    ///
    /// # Errors
    /// When no port can be bound.
    pub fn start() -> io::Result<ConnectProxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://{}", listener.local_addr()?);
        let tunnels = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&tunnels);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                thread::spawn(move || {
                    // A client that goes away mid-tunnel is no error of the proxy's.
                    let _ = serve(stream, &seen);
                });
            }
        });
        Ok(ConnectProxy { url, tunnels })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The tunnels opened so far, oldest first.
    pub fn tunnels(&self) -> Vec<Tunnel> {
        self.tunnels
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

fn serve(stream: TcpStream, seen: &Mutex<Vec<Tunnel>>) -> io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = Vec::new();
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 && head.len() < 100 {
        head.push(line.trim_end().to_owned());
        line.clear();
    }
    let mut out = stream;
    let request_line = head.first().cloned().unwrap_or_default();
    let mut words = request_line.split_whitespace();
    match (words.next(), words.next()) {
        (Some("CONNECT"), Some(target)) => {
            let proxy_authorization = head.iter().skip(1).find_map(|h| {
                let (name, value) = h.split_once(':')?;
                name.eq_ignore_ascii_case("proxy-authorization")
                    .then(|| value.trim().to_owned())
            });
            let Ok(upstream) = TcpStream::connect(target) else {
                return out.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
            };
            seen.lock().unwrap_or_else(|e| e.into_inner()).push(Tunnel {
                target: target.to_owned(),
                proxy_authorization,
            });
            out.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
            // Bytes the client sent after its CONNECT head are already in the reader.
            let buffered = reader.buffer().to_vec();
            let mut up = upstream.try_clone()?;
            up.write_all(&buffered)?;
            let mut down = out.try_clone()?;
            let mut from_client = reader.into_inner();
            let mut from_server = upstream;
            let to_server = thread::spawn(move || {
                let _ = io::copy(&mut from_client, &mut up);
                let _ = up.shutdown(Shutdown::Write);
            });
            let _ = io::copy(&mut from_server, &mut down);
            let _ = down.shutdown(Shutdown::Write);
            let _ = to_server.join();
            Ok(())
        }
        (Some("GET"), Some("/tunnels")) => {
            let list: Vec<_> = seen
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "target": t.target,
                        "proxyAuthorization": t.proxy_authorization,
                    })
                })
                .collect();
            let body = serde_json::to_vec(&list).unwrap_or_default();
            write!(
                out,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n",
                body.len()
            )?;
            out.write_all(&body)
        }
        _ => out.write_all(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n"),
    }
}
