//! The whole onboarding flow, printing each step.
//!
//! With no settings it starts the local OffBlocks emulator in-process and runs against it
//! over HTTPS, as production does (a throwaway CA made at start, given to the client as
//! an extra trust anchor):
//!
//!     cargo run --release --example onboarding
//!
//! `--plain-http` (or `OFFBLOCKS_PLAIN_HTTP=1`) runs the emulator on plain http instead.
//!
//! Against another server (the real OffBlocks sandbox, say), set:
//! `OFFBLOCKS_BASE_URL`, `OFFBLOCKS_API_KEY`, `OFFBLOCKS_API_SECRET`,
//! `OFFBLOCKS_SIGNING_KEY` (path of a P-384 PEM), and optionally `OFFBLOCKS_KEY_ID`
//! (the key is registered when absent), `OFFBLOCKS_WALLET_KEY` (hex secp256k1; random
//! when absent), `OFFBLOCKS_CHAIN` (CAIP-2, default `eip155:300`),
//! `OFFBLOCKS_SIMULATE_VERIFY` (unset: used against the sandbox or a local emulator only;
//! `0`/`false`/`off`/`no` to skip, anything else to ask for it), and
//! `OFFBLOCKS_CA_FILE` (a PEM file of extra trust anchors, for a gateway with a private
//! CA or `offblocks-sandbox --tls`).
//!
//! `--external-signer` (with `OFFBLOCKS_SIGNING_KEY`) keeps the request key out of this
//! process: every request is signed by a child `openssl dgst -sha384 -sign` (a stand-in
//! for a KMS; `SigningKey::external`), and the public key comes from `openssl pkey -pubout`.
//!
//! `--observe` also prints every HTTP attempt (method, path, status, time, request id,
//! Idempotency-Key): `cargo run --release --example onboarding -- --observe`.

use std::process::ExitCode;

use offblocks::wallet::{ChainId, Wallet};
use offblocks::{Attempt, Client, OnboardingRequest, Progress, SigningKey};
use offblocks_sandbox::{Sandbox, SandboxConfig, TlsMode};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Runs `openssl ARGS`, with `input` on its stdin; returns its stdout.
fn openssl(args: &[&str], input: &[u8]) -> offblocks::Result<Vec<u8>> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let failed = |e: std::io::Error| offblocks::Error::Signer(format!("openssl: {e}"));
    let mut child = Command::new("openssl")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(failed)?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input)
        .map_err(failed)?;
    let out = child.wait_with_output().map_err(failed)?;
    if !out.status.success() {
        return Err(offblocks::Error::Signer(format!(
            "openssl {}: {}",
            args[0], out.status
        )));
    }
    Ok(out.stdout)
}

/// The key at `path`, used only by child `openssl` processes (a stand-in for a KMS).
fn openssl_signer(path: &str) -> Result<SigningKey, String> {
    let public = openssl(&["pkey", "-in", path, "-pubout"], b"").map_err(|e| e.to_string())?;
    let public = String::from_utf8(public).map_err(|e| e.to_string())?;
    let path = path.to_owned();
    SigningKey::external(&public, move |base: &[u8]| {
        openssl(&["dgst", "-sha384", "-sign", &path], base)
    })
    .map_err(|e| format!("{e}"))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("onboarding failed: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // Keeps the emulator alive for the whole run when we started it.
    let mut _sandbox = None;
    let builder = match env("OFFBLOCKS_BASE_URL") {
        None => {
            let plain = std::env::args().any(|a| a == "--plain-http")
                || matches!(
                    env("OFFBLOCKS_PLAIN_HTTP").as_deref(),
                    Some("1" | "true" | "on" | "yes")
                );
            let sandbox = Sandbox::start(SandboxConfig {
                tls: (!plain).then_some(TlsMode::Valid),
                ..SandboxConfig::default()
            })
            .map_err(|e| format!("cannot start the local emulator: {e}"))?;
            println!("local OffBlocks emulator at {}", sandbox.url());
            let mut builder = Client::builder()
                .base_url(sandbox.url())
                .credentials(sandbox.api_key(), sandbox.api_secret())
                .signing_key(SigningKey::generate().map_err(|e| e.to_string())?);
            if let Some(ca) = sandbox.ca_pem() {
                builder = builder.ca_pem(ca);
            }
            _sandbox = Some(sandbox);
            builder
        }
        Some(url) => {
            let need = |name: &str| env(name).ok_or_else(|| format!("{name} is not set"));
            let key_path = need("OFFBLOCKS_SIGNING_KEY")?;
            let key = if std::env::args().any(|a| a == "--external-signer") {
                openssl_signer(&key_path)?
            } else {
                let pem = std::fs::read_to_string(&key_path)
                    .map_err(|e| format!("cannot read {key_path}: {e}"))?;
                SigningKey::from_pem(&pem).map_err(|e| format!("{key_path}: {e}"))?
            };
            let mut builder = Client::builder()
                .base_url(url)
                .credentials(need("OFFBLOCKS_API_KEY")?, need("OFFBLOCKS_API_SECRET")?)
                .signing_key(key);
            if let Some(id) = env("OFFBLOCKS_KEY_ID") {
                builder = builder.key_id(id);
            }
            if let Some(path) = env("OFFBLOCKS_CA_FILE") {
                builder = builder.ca_file(path);
            }
            builder
        }
    };
    let builder = match std::env::args().any(|a| a == "--observe") {
        true => builder.observer(print_attempt),
        false => builder,
    };
    let client = builder.build().map_err(|e| e.to_string())?;
    println!("api: {}", client.base_url().as_str());
    if client.key_id().is_none() {
        let id = client
            .auth()
            .register_signing_key()
            .map_err(|e| format!("registering the signing key: {e}"))?;
        println!("registered the request-signing key as {id}");
    }
    let wallet = match env("OFFBLOCKS_WALLET_KEY") {
        Some(hex) => Wallet::from_hex(&hex).map_err(|e| format!("OFFBLOCKS_WALLET_KEY: {e}"))?,
        None => Wallet::random().map_err(|e| e.to_string())?,
    };
    let chain_text = env("OFFBLOCKS_CHAIN").unwrap_or_else(|| "eip155:300".into());
    let chain = ChainId::parse(&chain_text).map_err(|e| format!("OFFBLOCKS_CHAIN: {e}"))?;
    // Unset: the library's default (the simulator only against the sandbox or a local
    // emulator).
    let simulate = match env("OFFBLOCKS_SIMULATE_VERIFY").as_deref() {
        None => None,
        Some("0" | "false" | "off" | "no") => Some(false),
        Some(_) => Some(true),
    };
    let address = wallet.address();
    println!("wallet: {address} on {chain}");
    let external_id = uuid::Uuid::new_v4().to_string();
    let mut request = OnboardingRequest::new(external_id.clone(), chain);
    request.simulate_verification = simulate;
    println!("onboarding external id {external_id}");
    let mut print = |p: &Progress| {
        println!(
            "[{:>7.1} ms] {:<24} {:<11} {}",
            p.elapsed.as_secs_f64() * 1000.0,
            p.step.as_str(),
            p.status,
            p.message
        );
    };
    let done = client
        .onboard(&request, &wallet, &mut print)
        .map_err(|e| e.to_string())?;
    println!(
        "done: customer {} ({}), account {} ({}) at {}",
        done.customer.id,
        done.customer.status,
        done.account.id,
        done.account.status,
        done.account.chain_id.as_deref().unwrap_or("-")
    );
    Ok(())
}

/// One line per HTTP attempt, for `--observe`.
fn print_attempt(a: &Attempt) {
    let outcome = match (a.status, &a.error) {
        (Some(status), _) => status.to_string(),
        (None, Some(error)) => format!("failed: {error}"),
        (None, None) => "-".into(),
    };
    println!(
        "    {:<6} {:<48} #{} {:<4} {:>6.1} ms  request-id {}  idempotency-key {}",
        a.method,
        a.path,
        a.attempt,
        outcome,
        a.duration.as_secs_f64() * 1000.0,
        a.request_id.as_deref().unwrap_or("-"),
        a.idempotency_key.as_deref().unwrap_or("-"),
    );
}
