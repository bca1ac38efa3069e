//! `offblocks-sandbox`: the emulator as a stand-alone process.
//!
//! Prints `OFFBLOCKS_BASE_URL=…`, `OFFBLOCKS_API_KEY=…`, `OFFBLOCKS_API_SECRET=…` on
//! stdout once it listens, then serves until killed (or until stdin closes, with
//! `--exit-on-stdin-close`).

use offblocks_sandbox::{Sandbox, SandboxConfig};
use std::io::{Read, Write};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: offblocks-sandbox [--host 127.0.0.1] [--port 0] [--api-key K] \
[--api-secret S] [--activation-polls N] [--activation-delay-secs N] [--challenge-domain D] \
[--token-lifetime-secs N] [--no-verify-account-signatures] [--exit-on-stdin-close]";

struct Options {
    host: String,
    port: u16,
    config: SandboxConfig,
    exit_on_stdin_close: bool,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        host: "127.0.0.1".into(),
        port: 0,
        config: SandboxConfig::default(),
        exit_on_stdin_close: false,
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
            "--token-lifetime-secs" => {
                options.config.token_lifetime = Duration::from_secs(number(value()?)?);
            }
            "--challenge-domain" => options.config.challenge_domain = Some(value()?),
            "--no-verify-account-signatures" => options.config.verify_account_signatures = false,
            "--exit-on-stdin-close" => options.exit_on_stdin_close = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
        i += 1;
    }
    Ok(options)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
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
    let mut out = std::io::stdout().lock();
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
        return ExitCode::SUCCESS;
    }
    loop {
        std::thread::park();
    }
}
