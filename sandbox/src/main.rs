//! `offblocks-sandbox`: the emulator as a stand-alone process.
//!
//! Prints `OFFBLOCKS_BASE_URL=…`, `OFFBLOCKS_API_KEY=…`, `OFFBLOCKS_API_SECRET=…` on
//! stdout once it listens, then serves until killed (or until stdin closes, with
//! `--exit-on-stdin-close`). With `--proxy` it also runs a loopback HTTP `CONNECT` proxy
//! for clients' proxy tests and prints `OFFBLOCKS_PROXY_URL=…` first (`GET /tunnels` on
//! it lists the tunnels it opened).
//!
//! With `--tls` it serves HTTPS with a CA and a server certificate for `127.0.0.1`, `::1`
//! and `localhost` made at start, writes the CA's PEM to a file (`--ca-file PATH`, or one
//! in the temporary directory) and prints `OFFBLOCKS_CA_FILE=…` before the others.
//! `--tls-mode wrong-host|expired|untrusted|plain` (which implies `--tls`) presents a
//! certificate clients must refuse instead, or plain HTTP on the `https` port.
//!
//! `--webhook-signing-key PATH` signs every webhook delivery with the P-384 private key
//! PEM at `PATH` (`--webhook-signing-key generate`: a fresh one), writes the public key's
//! PEM to a file (`--webhook-public-key-file PATH`, or one in the temporary directory)
//! and prints `OFFBLOCKS_WEBHOOK_PUBLIC_KEY_FILE=…` before the others.
//!
//! Three strict modes can also be set through the environment (a flag wins over its
//! variable): `OFFBLOCKS_SANDBOX_CREATED_TOLERANCE` (seconds, as `--created-tolerance`),
//! `OFFBLOCKS_SANDBOX_CLOCK_OFFSET_MS` (as `--clock-offset-ms`) and
//! `OFFBLOCKS_SANDBOX_REFUSAL_STYLE` (as `--refusal-style`).

use offblocks_sandbox::{
    generate_webhook_signing_key, ConnectProxy, RefusalStyle, Sandbox, SandboxConfig, TlsMode,
    WebhookFaults,
};
use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: offblocks-sandbox [--host 127.0.0.1] [--port 0] [--api-key K] \
[--api-secret S] [--activation-polls N] [--activation-delay-secs N] \
[--verification-delay-ms MS] [--page-size N] [--challenge-domain D] \
[--token-lifetime-secs N] [--no-verify-account-signatures] [--created-tolerance SECS] \
[--clock-offset-ms MS] [--refusal-style detailed|offblocks] [--proxy] \
[--tls] [--tls-mode valid|wrong-host|expired|untrusted|plain] [--ca-file PATH] \
[--webhook-faults duplicate=P,reorder,…] [--webhook-signing-key PATH|generate] \
[--webhook-public-key-file PATH] [--exit-on-stdin-close]";

/// The environment variables that set the strict modes, each the twin of a flag.
const ENV_FLAGS: [(&str, &str); 3] = [
    ("OFFBLOCKS_SANDBOX_CREATED_TOLERANCE", "--created-tolerance"),
    ("OFFBLOCKS_SANDBOX_CLOCK_OFFSET_MS", "--clock-offset-ms"),
    ("OFFBLOCKS_SANDBOX_REFUSAL_STYLE", "--refusal-style"),
];

struct Options {
    host: String,
    port: u16,
    config: SandboxConfig,
    exit_on_stdin_close: bool,
    proxy: bool,
    ca_file: Option<String>,
    webhook_public_key_file: Option<String>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        host: "127.0.0.1".into(),
        port: 0,
        config: SandboxConfig::default(),
        exit_on_stdin_close: false,
        proxy: false,
        ca_file: None,
        webhook_public_key_file: None,
    };
    let mut i = 0;
    while i < args.len() {
        let flag = args[i].as_str();
        let mut value = || {
            i += 1;
            args.get(i)
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        let number = |v: String| -> Result<u64, String> {
            v.parse().map_err(|_| format!("{flag}: not a number: {v}"))
        };
        match flag {
            "--host" => options.host = value()?,
            "--port" => {
                let v = value()?;
                options.port = v.parse().map_err(|_| format!("--port: bad port {v}"))?;
            }
            "--api-key" => options.config.api_key = value()?,
            "--api-secret" => options.config.api_secret = value()?,
            "--activation-polls" => {
                let n = number(value()?)?;
                options.config.activation_polls =
                    u32::try_from(n).map_err(|_| "--activation-polls: too large")?;
            }
            "--activation-delay-secs" => {
                options.config.activation_delay = Duration::from_secs(number(value()?)?);
            }
            "--verification-delay-ms" => {
                options.config.verification_delay = Duration::from_millis(number(value()?)?);
            }
            "--page-size" => {
                let n = number(value()?)?;
                options.config.page_size =
                    usize::try_from(n).map_err(|_| "--page-size: too large")?;
            }
            "--token-lifetime-secs" => {
                options.config.token_lifetime = Duration::from_secs(number(value()?)?);
            }
            "--challenge-domain" => options.config.challenge_domain = Some(value()?),
            "--no-verify-account-signatures" => options.config.verify_account_signatures = false,
            "--created-tolerance" => {
                options.config.created_tolerance = Duration::from_secs(number(value()?)?);
            }
            "--clock-offset-ms" => {
                let v = value()?;
                options.config.clock_offset_ms = v
                    .parse()
                    .map_err(|_| format!("--clock-offset-ms: not a whole number: {v}"))?;
            }
            "--refusal-style" => {
                let v = value()?;
                options.config.refusal_style = RefusalStyle::parse(&v)
                    .ok_or_else(|| format!("--refusal-style: {v} is not detailed or offblocks"))?;
            }
            "--exit-on-stdin-close" => options.exit_on_stdin_close = true,
            "--proxy" => options.proxy = true,
            "--webhook-faults" => {
                options.config.webhook_faults = WebhookFaults::parse(&value()?)?;
            }
            "--tls" => {
                options.config.tls.get_or_insert(TlsMode::Valid);
            }
            "--tls-mode" => {
                let v = value()?;
                options.config.tls = Some(TlsMode::parse(&v).ok_or_else(|| {
                    format!("--tls-mode: {v} is not valid, wrong-host, expired, untrusted or plain")
                })?);
            }
            "--ca-file" => options.ca_file = Some(value()?),
            "--webhook-signing-key" => {
                let v = value()?;
                options.config.webhook_signing_key = Some(if v == "generate" {
                    generate_webhook_signing_key()
                } else {
                    std::fs::read_to_string(&v)
                        .map_err(|e| format!("--webhook-signing-key: cannot read {v}: {e}"))?
                });
            }
            "--webhook-public-key-file" => options.webhook_public_key_file = Some(value()?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
        i += 1;
    }
    Ok(options)
}

/// The flags the environment asks for, placed before the command line's so that a flag
/// given on the command line wins.
fn args_with_env(env: impl Fn(&str) -> Option<String>, cli: Vec<String>) -> Vec<String> {
    let mut args = Vec::new();
    for (var, flag) in ENV_FLAGS {
        if let Some(value) = env(var).filter(|v| !v.trim().is_empty()) {
            args.push(flag.to_string());
            args.push(value.trim().to_string());
        }
    }
    args.extend(cli);
    args
}

fn main() -> ExitCode {
    let args = args_with_env(
        |var| std::env::var(var).ok(),
        std::env::args().skip(1).collect(),
    );
    let options = match parse_args(&args) {
        Ok(options) => options,
        Err(why) => {
            if why.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("offblocks-sandbox: {why}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr = if options.host.contains(':') {
        format!("[{}]:{}", options.host, options.port)
    } else {
        format!("{}:{}", options.host, options.port)
    };
    let sandbox = match Sandbox::start_on(&addr, options.config) {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("offblocks-sandbox: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let proxy = match options.proxy.then(ConnectProxy::start).transpose() {
        Ok(proxy) => proxy,
        Err(e) => {
            eprintln!("offblocks-sandbox: cannot start the CONNECT proxy: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ca_file = match sandbox.ca_pem() {
        Some(pem) => {
            let path = options.ca_file.clone().unwrap_or_else(|| {
                std::env::temp_dir()
                    .join(format!("offblocks-sandbox-{}-ca.pem", std::process::id()))
                    .display()
                    .to_string()
            });
            if let Err(e) = std::fs::write(&path, pem) {
                eprintln!("offblocks-sandbox: cannot write the CA to {path}: {e}");
                return ExitCode::FAILURE;
            }
            Some(path)
        }
        None => None,
    };
    let webhook_key_file = match sandbox.webhook_public_key_pem() {
        Some(pem) => {
            let path = options.webhook_public_key_file.clone().unwrap_or_else(|| {
                std::env::temp_dir()
                    .join(format!(
                        "offblocks-sandbox-{}-webhook-key.pem",
                        std::process::id()
                    ))
                    .display()
                    .to_string()
            });
            if let Err(e) = std::fs::write(&path, pem) {
                eprintln!("offblocks-sandbox: cannot write the webhook public key to {path}: {e}");
                return ExitCode::FAILURE;
            }
            Some(path)
        }
        None => None,
    };
    let mut out = std::io::stdout().lock();
    if let Some(path) = &webhook_key_file {
        if writeln!(out, "OFFBLOCKS_WEBHOOK_PUBLIC_KEY_FILE={path}").is_err() {
            return ExitCode::FAILURE;
        }
    }
    if let Some(path) = &ca_file {
        if writeln!(out, "OFFBLOCKS_CA_FILE={path}").is_err() {
            return ExitCode::FAILURE;
        }
    }
    if let Some(proxy) = &proxy {
        // Before the others: readers wait for OFFBLOCKS_API_SECRET as the last line.
        if writeln!(out, "OFFBLOCKS_PROXY_URL={}", proxy.url()).is_err() {
            return ExitCode::FAILURE;
        }
    }
    let printed = writeln!(
        out,
        "OFFBLOCKS_BASE_URL={}\nOFFBLOCKS_API_KEY={}\nOFFBLOCKS_API_SECRET={}",
        sandbox.url(),
        sandbox.api_key(),
        sandbox.api_secret()
    )
    .and_then(|()| out.flush());
    drop(out);
    if printed.is_err() {
        return ExitCode::FAILURE;
    }
    if options.exit_on_stdin_close {
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        if let (Some(path), None) = (&ca_file, &options.ca_file) {
            let _ = std::fs::remove_file(path);
        }
        if let (Some(path), None) = (&webhook_key_file, &options.webhook_public_key_file) {
            let _ = std::fs::remove_file(path);
        }
        return ExitCode::SUCCESS;
    }
    loop {
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn strict_mode_flags() {
        let options = parse_args(&strings(&[
            "--created-tolerance",
            "0",
            "--clock-offset-ms",
            "-1500",
            "--refusal-style",
            "offblocks",
        ]))
        .unwrap();
        assert_eq!(options.config.created_tolerance, Duration::ZERO);
        assert_eq!(options.config.clock_offset_ms, -1500);
        assert_eq!(options.config.refusal_style, RefusalStyle::Offblocks);
        let defaults = parse_args(&[]).unwrap();
        assert_eq!(defaults.config.created_tolerance, Duration::from_secs(5));
        assert_eq!(defaults.config.refusal_style, RefusalStyle::Detailed);
        assert!(parse_args(&strings(&["--refusal-style", "polite"])).is_err());
        assert!(parse_args(&strings(&["--clock-offset-ms", "1.5"])).is_err());
        assert!(parse_args(&strings(&["--created-tolerance", "-1"])).is_err());
        assert_eq!(defaults.config.tls, None);
    }

    #[test]
    fn delay_and_paging_flags() {
        let options = parse_args(&strings(&[
            "--verification-delay-ms",
            "1500",
            "--page-size",
            "3",
        ]))
        .unwrap();
        assert_eq!(
            options.config.verification_delay,
            Duration::from_millis(1500)
        );
        assert_eq!(options.config.page_size, 3);
        let defaults = parse_args(&[]).unwrap();
        assert_eq!(defaults.config.verification_delay, Duration::ZERO);
        assert_eq!(defaults.config.page_size, 0);
        assert!(parse_args(&strings(&["--page-size", "-1"])).is_err());
        assert!(parse_args(&strings(&["--verification-delay-ms"])).is_err());
    }

    #[test]
    fn tls_flags() {
        let tls = parse_args(&strings(&["--tls"])).unwrap();
        assert_eq!(tls.config.tls, Some(TlsMode::Valid));
        let hostile = parse_args(&strings(&["--tls-mode", "wrong-host", "--tls"])).unwrap();
        assert_eq!(hostile.config.tls, Some(TlsMode::WrongHost));
        let file = parse_args(&strings(&["--tls", "--ca-file", "/tmp/ca.pem"])).unwrap();
        assert_eq!(file.ca_file.as_deref(), Some("/tmp/ca.pem"));
        assert!(parse_args(&strings(&["--tls-mode", "broken"])).is_err());
    }

    #[test]
    fn webhook_signing_flags() {
        let signed = parse_args(&strings(&["--webhook-signing-key", "generate"])).unwrap();
        let pem = signed.config.webhook_signing_key.unwrap();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert!(parse_args(&strings(&["--webhook-signing-key", "/nonexistent/key.pem"])).is_err());
        assert_eq!(parse_args(&[]).unwrap().config.webhook_signing_key, None);
    }

    #[test]
    fn environment_sets_modes_and_flags_win() {
        let env = |var: &str| match var {
            "OFFBLOCKS_SANDBOX_CREATED_TOLERANCE" => Some("0".to_string()),
            "OFFBLOCKS_SANDBOX_CLOCK_OFFSET_MS" => Some(" 250 ".to_string()),
            "OFFBLOCKS_SANDBOX_REFUSAL_STYLE" => Some(String::new()),
            _ => None,
        };
        let args = args_with_env(env, strings(&["--clock-offset-ms", "-4000"]));
        let options = parse_args(&args).unwrap();
        assert_eq!(options.config.created_tolerance, Duration::ZERO);
        assert_eq!(options.config.clock_offset_ms, -4000);
        assert_eq!(options.config.refusal_style, RefusalStyle::Detailed);
        let options = parse_args(&args_with_env(env, Vec::new())).unwrap();
        assert_eq!(options.config.clock_offset_ms, 250);
    }
}
