//! A scripted HTTP/1.1 server on loopback, with a clock of its own, for tests of servers
//! that lie or misbehave (included by tests/hostile.rs with `#[path]`; as a test target of
//! its own it has no tests).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use super::common::{self, Seen};

/// What a scripted server answers.
pub enum Reply {
    /// A whole response; `Date` is added from the server's clock unless given.
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Writes whatever it likes on the socket.
    Raw(Box<dyn FnOnce(&mut TcpStream) + Send>),
}

pub fn json(status: u16, body: impl Into<String>) -> Reply {
    Reply::Full {
        status,
        headers: vec![("content-type", "application/json".into())],
        body: body.into().into_bytes(),
    }
}

pub fn text(status: u16, body: &str) -> Reply {
    Reply::Full {
        status,
        headers: vec![("content-type", "text/plain".into())],
        body: body.as_bytes().to_vec(),
    }
}

type Handler = dyn Fn(&Seen, &Server) -> Reply + Send + Sync;

/// A scripted HTTP/1.1 server on loopback with its own clock.
#[derive(Clone)]
pub struct Server {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    /// Milliseconds added to the local clock to get this server's.
    pub skew_ms: Arc<AtomicI64>,
    /// A `Date` to send instead of the server's clock, in unix seconds (0: none).
    pub fixed_date: Arc<AtomicI64>,
}

impl Server {
    pub fn start(handler: impl Fn(&Seen, &Server) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server {
            url: format!("http://{}/v1", listener.local_addr().unwrap()),
            seen: Arc::default(),
            skew_ms: Arc::default(),
            fixed_date: Arc::default(),
        };
        let handler: Arc<Handler> = Arc::new(handler);
        let shared = server.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let (handler, server) = (handler.clone(), shared.clone());
                std::thread::spawn(move || server.serve(stream, &*handler));
            }
        });
        server
    }

    pub fn now_ms(&self) -> i64 {
        common::now_ms() + self.skew_ms.load(Ordering::Relaxed)
    }

    pub fn date(&self) -> i64 {
        match self.fixed_date.load(Ordering::Relaxed) {
            0 => self.now_ms().div_euclid(1000),
            fixed => fixed,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.seen()
            .iter()
            .filter(|s| s.method == method && s.path_and_query == path)
            .count()
    }

    fn serve(&self, mut stream: TcpStream, handler: &Handler) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let mut parts = line.split_whitespace();
            let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                let (n, v) = h.split_once(':').unwrap();
                headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
            }
            let len: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let seen = Seen {
                method: method.to_owned(),
                path_and_query: target.to_owned(),
                headers,
                body,
            };
            self.seen.lock().unwrap().push(seen.clone());
            match handler(&seen, self) {
                Reply::Full {
                    status,
                    mut headers,
                    body,
                } => {
                    if !headers.iter().any(|(n, _)| *n == "date") {
                        headers.push(("date", offblocks_sandbox::http_date(self.date())));
                    }
                    let mut out = format!("HTTP/1.1 {status} Whatever\r\n");
                    for (n, v) in headers {
                        out.push_str(&format!("{n}: {v}\r\n"));
                    }
                    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
                    let mut bytes = out.into_bytes();
                    bytes.extend_from_slice(&body);
                    if stream.write_all(&bytes).is_err() {
                        return;
                    }
                }
                Reply::Raw(write) => {
                    write(&mut stream);
                    return;
                }
            }
        }
    }
}
