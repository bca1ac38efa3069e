//! The `offblocks-sandbox` binary: announces itself on stdout and exits when stdin closes.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn prints_its_environment_and_exits_on_stdin_close() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_offblocks-sandbox"))
        .args([
            "--port",
            "0",
            "--api-key",
            "key-1",
            "--api-secret",
            "secret-1",
        ])
        .args(["--activation-polls", "0", "--exit-on-stdin-close"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        lines.push(line.trim_end().to_string());
    }
    let url = lines[0].strip_prefix("OFFBLOCKS_BASE_URL=").unwrap();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"),
        "{url}"
    );
    assert_eq!(lines[1], "OFFBLOCKS_API_KEY=key-1");
    assert_eq!(lines[2], "OFFBLOCKS_API_SECRET=secret-1");

    let addr = url.trim_start_matches("http://").trim_end_matches("/v1");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /v1/customers HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 401 "), "{response}");

    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the sandbox did not exit after stdin closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn rejects_unknown_arguments() {
    let output = Command::new(env!("CARGO_BIN_EXE_offblocks-sandbox"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage:"));
}

#[test]
fn with_tls_prints_the_ca_file_and_serves_https() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_offblocks-sandbox"))
        .args(["--tls", "--exit-on-stdin-close"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..4 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        lines.push(line.trim_end().to_string());
    }
    let ca_file = lines[0]
        .strip_prefix("OFFBLOCKS_CA_FILE=")
        .unwrap()
        .to_owned();
    let pem = std::fs::read_to_string(&ca_file).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let url = lines[1].strip_prefix("OFFBLOCKS_BASE_URL=").unwrap();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert!(lines[3].starts_with("OFFBLOCKS_API_SECRET="));
    // A plain HTTP request to the TLS port gets no HTTP answer.
    let addr = url.trim_start_matches("https://").trim_end_matches("/v1");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET /v1/customers HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    assert!(!response.starts_with(b"HTTP/1.1"), "{response:?}");
    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the sandbox did not exit");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        std::fs::metadata(&ca_file).is_err(),
        "the CA file it made is removed at exit"
    );
}
