//! The proxy from the environment is taken only when asked for, and `NO_PROXY` is
//! honoured. One test in its own binary: it changes the process's environment.

use offblocks::{Client, SigningKey};
use offblocks_sandbox::{ConnectProxy, Sandbox, SandboxConfig};

#[test]
fn environment_proxies_are_opt_in_and_honour_no_proxy() {
    let sandbox = Sandbox::start(SandboxConfig::default()).unwrap();
    let proxy = ConnectProxy::start().unwrap();
    for var in ["ALL_PROXY", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"] {
        std::env::remove_var(var);
        std::env::remove_var(var.to_lowercase());
    }
    std::env::set_var("HTTPS_PROXY", proxy.url());
    std::env::set_var("HTTP_PROXY", proxy.url());
    let call = |from_env: bool| {
        let client = Client::builder()
            .base_url(sandbox.url())
            .credentials(sandbox.api_key(), sandbox.api_secret())
            .signing_key(SigningKey::generate().unwrap())
            .proxy_from_env(from_env)
            .build()
            .unwrap();
        client.auth().token().unwrap();
        proxy.tunnels().len()
    };
    assert_eq!(call(false), 0, "the environment is not read by default");
    assert_eq!(call(true), 1, "read when asked");
    std::env::set_var("NO_PROXY", "localhost,127.0.0.1");
    assert_eq!(call(true), 1, "NO_PROXY names the host: no tunnel");

    // A proxy from the environment that is not on loopback would carry the plain-http
    // loopback traffic (API secret, bearer) across the network: refused, unless
    // NO_PROXY exempts the host.
    std::env::remove_var("NO_PROXY");
    std::env::set_var("HTTP_PROXY", "http://user:pa55@proxy.example:3128");
    std::env::set_var("HTTPS_PROXY", "http://user:pa55@proxy.example:3128");
    let build = || {
        Client::builder()
            .base_url(sandbox.url())
            .credentials(sandbox.api_key(), sandbox.api_secret())
            .signing_key(SigningKey::generate().unwrap())
            .proxy_from_env(true)
            .build()
    };
    match build() {
        Err(offblocks::Error::Config(why)) => {
            assert!(why.contains("proxy") && !why.contains("pa55"), "{why}")
        }
        other => panic!("a remote proxy from the environment for plain http: {other:?}"),
    }
    std::env::set_var("NO_PROXY", "127.0.0.1");
    assert!(build().is_ok(), "NO_PROXY exempts the host");
}
