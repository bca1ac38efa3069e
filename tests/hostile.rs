//! The hostile-server suite: servers that lie, drift, impersonate or misbehave, each
//! scripted on a loopback socket, one test per lie. Every test checks what the SDK did
//! and what it did not send.

mod common;
#[path = "common/server.rs"]
mod server;

use std::cell::Cell;
use std::io::Write;
use std::ops::ControlFlow;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

use common::{verify_digest, verify_signature, Seen, KEY_ID, TOKEN};
use offblocks::api::ChallengeOptions;
use offblocks::models::{AccountType, NewAccount, NewCustomer};
use offblocks::wallet::{AccountChallengePolicy, ChainId, Refusal, Wallet};
use offblocks::{
    Attempt, Client, ClientBuilder, Error, OnboardingRequest, RetryPolicy, SigningKey,
};
use server::{json, text, Reply, Server};

fn created_of(seen: &Seen) -> Option<i64> {
    let input = seen.header("signature-input")?;
    let rest = input.split(";created=").nth(1)?;
    rest.split(';').next()?.parse().ok()
}

const TOKEN_BODY_TTL: i64 = 3600;

fn token_reply(server: &Server) -> Reply {
    json(
        200,
        format!(
            r#"{{"token":"{TOKEN}","expiresAt":{},"tokenType":"Bearer"}}"#,
            server.date() + TOKEN_BODY_TTL
        ),
    )
}

const OWNER: &str = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/// Hardhat's account #0: a well-known test key.
const OWNER_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

fn customer_json(id: &str, external_id: &str, chain_id: &str, status: &str) -> String {
    format!(
        r#"{{"id":"{id}","externalId":"{external_id}","chainId":"{chain_id}","status":"{status}","createdAt":"2024-01-12T14:53:02Z","updatedAt":"2024-01-12T14:53:02Z"}}"#
    )
}

/// Answers like OffBlocks' verifier with its default settings: a signature whose
/// `created` is later than the server's clock is refused (400, text), then `inner`.
fn zero_tolerance(
    inner: impl Fn(&Seen, &Server) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Seen, &Server) -> Reply + Send + Sync + 'static {
    move |seen, server| {
        if seen.path_and_query == "/v1/auth/token" {
            return token_reply(server);
        }
        match created_of(seen) {
            Some(created) if created <= server.now_ms().div_euclid(1000) => inner(seen, server),
            _ => text(400, "invalid required signature"),
        }
    }
}

fn builder(server: &Server) -> ClientBuilder {
    Client::builder()
        .base_url(server.url.clone())
        .credentials("3f0e7a52-6f4c-4a4e-9a57-1d2f3c4b5a69", "s3cr3t-api-secret")
        .signing_key(SigningKey::generate().unwrap())
        .key_id(KEY_ID)
        .retry(RetryPolicy {
            max_attempts: 2,
            base_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        })
}

fn new_customer(external_id: &str) -> NewCustomer {
    NewCustomer {
        chain_id: format!("eip155:300:{OWNER}"),
        external_id: external_id.into(),
    }
}

/// Creates customers on a zero-tolerance server whose clock is `ahead_ms` behind ours.
fn calls_with_client_ahead(ahead_ms: i64) {
    let server = Server::start(zero_tolerance(|seen, _| {
        let owner = format!("eip155:300:{OWNER}");
        fully_signed(
            seen,
            json(201, customer_json("c1", "e1", &owner, "initiating")),
        )
    }));
    server.skew_ms.store(-ahead_ms, Ordering::Relaxed);
    let key = SigningKey::generate().unwrap();
    let client = builder(&server).signing_key(key.clone()).build().unwrap();
    for i in 0..5 {
        client
            .customers()
            .create(&new_customer(&format!("e{i}")))
            .unwrap_or_else(|e| panic!("client {ahead_ms} ms ahead: {e}"));
    }
    let posts: Vec<Seen> = server
        .seen()
        .into_iter()
        .filter(|s| s.path_and_query == "/v1/customers")
        .collect();
    assert_eq!(posts.len(), 5, "no call was refused, none sent twice");
    for post in &posts {
        verify_signature(post, &key);
        verify_digest(post);
    }
}

/// `reply`, or a refusal when a signed request lacks a header every signed call carries.
fn fully_signed(seen: &Seen, reply: Reply) -> Reply {
    let complete = [
        "signature",
        "signature-input",
        "authorization",
        "idempotency-key",
    ]
    .iter()
    .all(|h| seen.header(h).is_some());
    if complete {
        reply
    } else {
        text(400, "missing signature headers")
    }
}

#[test]
fn client_clock_0_8_s_ahead_of_a_zero_tolerance_server() {
    calls_with_client_ahead(800);
}

#[test]
fn client_clock_1_5_s_ahead_of_a_zero_tolerance_server() {
    calls_with_client_ahead(1500);
}

#[test]
fn client_clock_4_s_ahead_of_a_zero_tolerance_server() {
    calls_with_client_ahead(4000);
}

#[test]
fn server_clock_stepped_back_is_followed_by_one_resign_with_the_same_key() {
    let server = Server::start(zero_tolerance(|_, _| {
        json(
            201,
            customer_json("c1", "e1", &format!("eip155:300:{OWNER}"), "initiating"),
        )
    }));
    let client = builder(&server).build().unwrap();
    client.customers().create(&new_customer("e0")).unwrap();
    // The server's clock is stepped back 3 s: our estimate now dates signatures in its
    // future, and the next one is refused once.
    server.skew_ms.store(-3000, Ordering::Relaxed);
    client.customers().create(&new_customer("e1")).unwrap();
    let posts: Vec<Seen> = server
        .seen()
        .into_iter()
        .filter(|s| s.path_and_query == "/v1/customers")
        .collect();
    assert_eq!(
        posts.len(),
        3,
        "the first create, then one refusal and one re-sign"
    );
    assert_eq!(
        posts[1].header("idempotency-key"),
        posts[2].header("idempotency-key")
    );
    assert_eq!(posts[1].body, posts[2].body);
    assert!(created_of(&posts[2]).unwrap() < created_of(&posts[1]).unwrap());
}

#[test]
fn a_date_in_2020_is_not_followed_and_the_error_says_why() {
    // The server believes it is 2020: every signature is in its future.
    let server = Server::start(zero_tolerance(|_, _| json(200, "[]")));
    server.fixed_date.store(1_577_836_800, Ordering::Relaxed);
    server
        .skew_ms
        .store((1_577_836_800 - common::now()) * 1000, Ordering::Relaxed);
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    assert_eq!(err.status(), Some(400));
    let text = err.to_string();
    assert!(text.contains("invalid required signature"), "{text}");
    assert!(text.contains("behind") && text.contains("600 s"), "{text}");
    assert_eq!(client.clock_offset_ms(), 0, "the client kept its own clock");
    let created = created_of(server.seen().last().unwrap()).unwrap();
    assert!((created - common::now()).abs() <= 2);
}

#[test]
fn a_date_far_in_the_future_does_not_move_created() {
    let server = Server::start(|seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => json(200, "[]"),
    });
    server
        .fixed_date
        .store(common::now() + 365 * 86_400, Ordering::Relaxed);
    let client = builder(&server).build().unwrap();
    client.customers().list().unwrap();
    client.customers().list().unwrap();
    let created = created_of(server.seen().last().unwrap()).unwrap();
    assert!((created - common::now()).abs() <= 2, "created {created}");
    assert_eq!(client.clock_offset_ms(), 0);
}

#[test]
fn the_max_clock_correction_is_configurable() {
    let server = Server::start(|seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => json(200, "[]"),
    });
    server.skew_ms.store(120_000, Ordering::Relaxed);
    let narrow = builder(&server)
        .max_clock_correction(Duration::from_secs(60))
        .build()
        .unwrap();
    narrow.customers().list().unwrap();
    assert_eq!(narrow.clock_offset_ms(), 0, "beyond 60 s: not followed");
    let wide = builder(&server).build().unwrap();
    wide.customers().list().unwrap();
    let offset = wide.clock_offset_ms();
    assert!((118_000..=120_000).contains(&offset), "followed: {offset}");
}

/// A SIWE challenge (text) for `OWNER` on chain 300 from `domain`, with `extra` lines.
fn siwe_text(domain: &str, issued_at: &str, extra: &str) -> String {
    format!(
        "{domain} wants you to sign in with your Ethereum account:\n{OWNER}\n\n\
         OffBlocks wants to verify ownership of your wallet.\n\n\
         URI: http://{domain}\nVersion: 1\nChain ID: 300\nNonce: 5ufoiEqDaFvmfo78\n\
         Issued At: {issued_at}{extra}"
    )
}

/// [`siwe_text`], base64 as OffBlocks sends it.
fn siwe_challenge(domain: &str, issued_at: &str, extra: &str) -> String {
    B64.encode(siwe_text(domain, issued_at, extra))
}

/// A server holding customer `c1` (its challenge is `challenge` with `HOST` replaced by
/// the server's authority) whose `Date` is `date`.
fn customer_challenge_server(challenge: String, date: i64) -> Server {
    let server = Server::start(move |seen, server| {
        let host = server
            .url
            .trim_start_matches("http://")
            .trim_end_matches("/v1");
        match (seen.method.as_str(), seen.path_and_query.as_str()) {
            (_, "/v1/auth/token") => token_reply(server),
            ("GET", "/v1/customers/c1/challenge") => json(
                200,
                format!(
                    r#"{{"challenge":"{}"}}"#,
                    B64.encode(challenge.replace("HOST", host))
                ),
            ),
            _ => json(201, "{}"),
        }
    });
    server.fixed_date.store(date, Ordering::Relaxed);
    server
}

fn sign_customer_challenge(server: &Server) -> offblocks::Result<()> {
    sign_customer_challenge_as(builder(server).build().unwrap())
}

/// [`sign_customer_challenge`] with `client`.
fn sign_customer_challenge_as(client: Client) -> offblocks::Result<()> {
    let customer: offblocks::models::Customer = serde_json::from_str(&customer_json(
        "c1",
        "e1",
        &format!("eip155:300:{OWNER}"),
        "initiating",
    ))
    .unwrap();
    let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
    client
        .customers()
        .sign_challenge(&customer, &wallet, &ChallengeOptions::new())
}

#[test]
fn a_date_in_2020_does_not_make_an_expired_challenge_pass() {
    let challenge = siwe_text(
        "HOST",
        "2020-01-01T00:00:00Z",
        "\nExpiration Time: 2020-01-01T00:10:00Z",
    );
    let server = customer_challenge_server(challenge, 1_577_836_900);
    let err = sign_customer_challenge(&server).unwrap_err();
    assert!(
        matches!(err, Error::ChallengeRefused(Refusal::Expired { .. })),
        "{err}"
    );
    assert_eq!(server.count("POST", "/v1/customers/c1/challenge/sign"), 0);
}

#[test]
fn a_challenge_issued_in_the_future_is_refused_whatever_the_date_says() {
    let future = "2099-01-01T00:00:00Z";
    let challenge = siwe_text("HOST", future, "");
    let server = customer_challenge_server(challenge, 4_070_908_800);
    let err = sign_customer_challenge(&server).unwrap_err();
    assert!(
        matches!(err, Error::ChallengeRefused(Refusal::IssuedInFuture { .. })),
        "{err}"
    );
    assert_eq!(server.count("POST", "/v1/customers/c1/challenge/sign"), 0);
}

/// A server with account `a1` of customer `c1` whose challenge is `challenge` (base64).
fn account_server(challenge: String) -> Server {
    Server::start(
        move |seen, server| match (seen.method.as_str(), seen.path_and_query.as_str()) {
            (_, "/v1/auth/token") => token_reply(server),
            ("GET", "/v1/accounts/a1/challenge") => {
                json(200, format!(r#"{{"challenge":"{challenge}"}}"#))
            }
            _ => json(201, "{}"),
        },
    )
}

fn sign_account_challenge(
    challenge: &[u8],
    policy: AccountChallengePolicy,
) -> (offblocks::Result<()>, Server) {
    let server = account_server(B64.encode(challenge));
    let client = builder(&server)
        .account_challenge_policy(policy)
        .build()
        .unwrap();
    let account: offblocks::models::Account = serde_json::from_value(serde_json::json!({
        "id": "a1", "customerId": "c1", "status": "initiating", "type": "card_account",
        "currencies": ["EUR"], "createdAt": "2024-01-12T14:53:02Z",
        "updatedAt": "2024-01-12T14:53:02Z"
    }))
    .unwrap();
    let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
    let owner = wallet.account_id(&ChainId::eip155(300));
    let result =
        client
            .accounts()
            .sign_challenge(&account, &owner, &wallet, &ChallengeOptions::new());
    (result, server)
}

const SESSION_KEY_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAES+uSXjEkdSWg7Sg5D++6Z8Oz/XK/zm/D\n\
6FPbMuqSga366hrKS+AEKByryZL453US9QIQVWCc/8k7G38Zg60/AQ==\n\
-----END PUBLIC KEY-----\n";

#[test]
fn account_challenges_of_the_shapes_offblocks_issues_are_signed() {
    for shape in [
        SESSION_KEY_PEM.as_bytes(),
        b"6b2f1d3e-0c4a-4f5b-8a9e-1c2d3e4f5a6b".as_slice(),
    ] {
        let (result, server) = sign_account_challenge(shape, AccountChallengePolicy::Recognized);
        result.unwrap();
        assert_eq!(server.count("POST", "/v1/accounts/a1/challenge/sign"), 1);
    }
}

#[test]
fn an_account_challenge_that_is_a_sign_in_message_is_refused() {
    let siwe = B64
        .decode(siwe_challenge("evil.example", "2024-01-01T00:00:00Z", ""))
        .unwrap();
    let (result, server) = sign_account_challenge(&siwe, AccountChallengePolicy::Recognized);
    assert!(matches!(
        result,
        Err(Error::ChallengeRefused(Refusal::AccountChallengeIsSiwe))
    ));
    assert_eq!(server.count("POST", "/v1/accounts/a1/challenge/sign"), 0);
}

#[test]
fn an_account_challenge_of_32_bytes_is_refused_unless_the_policy_allows_any() {
    let digest = [0x5au8; 32];
    let (result, server) = sign_account_challenge(&digest, AccountChallengePolicy::Recognized);
    assert!(matches!(
        result,
        Err(Error::ChallengeRefused(Refusal::AccountChallengeIsDigest))
    ));
    assert_eq!(server.count("POST", "/v1/accounts/a1/challenge/sign"), 0);
    let (result, server) = sign_account_challenge(&digest, AccountChallengePolicy::AnyBytes);
    result.unwrap();
    assert_eq!(server.count("POST", "/v1/accounts/a1/challenge/sign"), 1);
}

#[test]
fn an_unrecognized_account_challenge_is_refused_with_the_reason() {
    let (result, server) =
        sign_account_challenge(b"approve transfer 1000", AccountChallengePolicy::Recognized);
    let err = result.unwrap_err();
    assert!(
        err.to_string().contains("neither a secp256k1 public key"),
        "{err}"
    );
    assert_eq!(server.count("POST", "/v1/accounts/a1/challenge/sign"), 0);
}

/// A server that answers the onboarding's create with 409 pointing at customer `c9`,
/// which is `(external_id, chain_id)`.
fn conflict_server(external_id: &'static str, chain_id: String) -> Server {
    Server::start(move |seen, server| {
        let c9 = customer_json("c9", external_id, &chain_id, "initiating");
        match (seen.method.as_str(), seen.path_and_query.as_str()) {
            (_, "/v1/auth/token") => token_reply(server),
            ("POST", "/v1/customers") => json(409, r#"{"message":"exists","customerId":"c9"}"#),
            ("GET", "/v1/customers/c9") => json(200, c9),
            ("GET", "/v1/customers") => json(200, format!("[{c9}]")),
            ("GET", "/v1/customers/c9/challenge") => json(
                200,
                format!(
                    r#"{{"challenge":"{}"}}"#,
                    siwe_challenge("127.0.0.1", "2024-01-01T00:00:00Z", "")
                ),
            ),
            _ => json(201, "{}"),
        }
    })
}

fn onboard_against(server: &Server) -> offblocks::Result<offblocks::Onboarded> {
    let client = builder(server).build().unwrap();
    let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
    let mut req = OnboardingRequest::new("user-42", ChainId::eip155(300));
    req.timeout = Duration::from_secs(2);
    client.onboard(&req, &wallet, &mut |_| {})
}

#[test]
fn a_409_pointing_at_another_external_id_is_not_adopted() {
    let server = conflict_server("someone-else", format!("eip155:300:{OWNER}"));
    let err = onboard_against(&server).unwrap_err();
    match &err {
        Error::ChallengeRefused(Refusal::NotRequested { resource, id, why }) => {
            assert_eq!((*resource, id.as_str()), ("customer", "c9"));
            assert!(why.contains("someone-else"), "{why}");
        }
        other => panic!("{other}"),
    }
    assert_eq!(server.count("POST", "/v1/customers/c9/challenge/sign"), 0);
}

#[test]
fn a_409_pointing_at_another_chain_is_not_adopted() {
    let server = conflict_server("user-42", format!("eip155:1:{OWNER}"));
    let err = onboard_against(&server).unwrap_err();
    assert!(
        matches!(err, Error::ChallengeRefused(Refusal::NotRequested { .. })),
        "{err}"
    );
    assert_eq!(server.count("POST", "/v1/customers/c9/challenge/sign"), 0);
}

#[test]
fn a_redirect_is_not_followed_and_the_bearer_goes_nowhere() {
    let elsewhere = Server::start(|_, _| json(200, "[]"));
    let target = format!("{}/customers", elsewhere.url);
    let server = Server::start(move |seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => Reply::Full {
            status: 307,
            headers: vec![("location", target.clone())],
            body: Vec::new(),
        },
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    assert_eq!(err.status(), Some(307));
    assert!(
        elsewhere.seen().is_empty(),
        "nothing reached the redirect target"
    );
}

#[test]
fn a_slow_drip_body_ends_by_the_call_deadline() {
    let server = Server::start(|seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => Reply::Raw(Box::new(|stream| {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                        content-length: 100000\r\n\r\n[";
            let _ = stream.write_all(head.as_bytes());
            for _ in 0..600 {
                std::thread::sleep(Duration::from_millis(100));
                if stream.write_all(b" ").is_err() {
                    return;
                }
            }
        })),
    });
    let client = builder(&server)
        .timeout(Duration::from_secs(60))
        .call_deadline(Duration::from_secs(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.customers().list().unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    // Liveness, not speed: the drip would last a minute; the deadline is 1 s.
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn retry_after_beyond_the_call_deadline_is_not_waited_out() {
    let server = Server::start(|seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => Reply::Full {
            status: 503,
            headers: vec![("retry-after", "20".into())],
            body: b"busy".to_vec(),
        },
    });
    let client = builder(&server)
        .retry(RetryPolicy::default())
        .call_deadline(Duration::from_secs(2))
        .build()
        .unwrap();
    let err = client.customers().list().unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.to_string().contains("call deadline"), "{err}");
    assert_eq!(server.count("GET", "/v1/customers"), 1);
}

#[test]
fn retry_after_beyond_max_retry_after_ends_the_retries() {
    let server = Server::start(|seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => Reply::Full {
            status: 503,
            headers: vec![("retry-after", "2".into())],
            body: b"busy".to_vec(),
        },
    });
    // Within the deadline, but longer than the policy waits out.
    let client = builder(&server)
        .retry(RetryPolicy {
            max_retry_after: Duration::from_secs(1),
            ..RetryPolicy::default()
        })
        .call_deadline(Duration::from_secs(60))
        .build()
        .unwrap();
    let err = client.customers().list().unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.is_retryable(), "{err}");
    assert_eq!(server.count("GET", "/v1/customers"), 1);
}

#[test]
fn an_oversized_body_is_an_error_that_says_so() {
    let server = Server::start(|seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => json(200, format!("[{}0]", "0,".repeat(9 * 1024 * 1024))),
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    assert!(err.to_string().contains("16 MiB limit"), "{err}");
    assert!(!err.is_retryable());
}

#[test]
fn dot_segment_ids_are_refused_before_sending() {
    let server = Server::start(|_, server| token_reply(server));
    let client = builder(&server).build().unwrap();
    for id in ["..", ".", ""] {
        let err = client.customers().get(id).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{id:?}: {err}");
        let err = client.accounts().close(id).unwrap_err();
        assert!(matches!(err, Error::InvalidInput(_)), "{id:?}: {err}");
    }
    assert!(server.seen().is_empty(), "nothing was sent");
}

#[test]
fn url_userinfo_never_reaches_an_error() {
    let err = Client::builder()
        .base_url("https://alice:hunter2@api.example/v1")
        .credentials("k", "s")
        .signing_key(SigningKey::generate().unwrap())
        .build()
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("alice"),
        "{shown}"
    );
}

#[test]
fn a_loopback_lookalike_host_needs_the_insecure_opt_in() {
    let build = |allow| {
        Client::builder()
            .base_url("http://127.evil.example/v1")
            .credentials("k", "s")
            .signing_key(SigningKey::generate().unwrap())
            .allow_insecure_http(allow)
            .build()
    };
    assert!(matches!(build(false), Err(Error::Config(_))));
    assert!(build(true).is_ok());
}

#[test]
fn a_text_refusal_reads_as_the_servers_reason() {
    let server = Server::start(|seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => text(400, "invalid required signature\nsecond line"),
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("api error 400: invalid required signature"),
        "{err}"
    );
}

#[test]
fn a_prepared_requests_debug_hides_the_token() {
    let server = Server::start(|_, server| token_reply(server));
    let client = builder(&server).build().unwrap();
    let prepared = client
        .dry_run(
            "POST",
            "/customers",
            Some(b"{}"),
            None,
            Some("tok-SECRET-42"),
        )
        .unwrap();
    assert!(prepared
        .header("authorization")
        .unwrap()
        .contains("tok-SECRET-42"));
    let shown = format!("{prepared:?}");
    assert!(!shown.contains("tok-SECRET-42"), "{shown}");
    assert!(shown.contains("idempotency-key"), "{shown}");
}

#[test]
fn a_zero_poll_interval_does_not_spin() {
    let chain_id = format!("eip155:300:{OWNER}");
    let server = Server::start(move |seen, server| {
        let screening = customer_json("c1", "user-42", &chain_id, "screening");
        match (seen.method.as_str(), seen.path_and_query.as_str()) {
            (_, "/v1/auth/token") => token_reply(server),
            ("POST", "/v1/customers") => json(201, screening),
            ("GET", "/v1/customers/c1") => json(200, screening),
            _ => json(404, "{}"),
        }
    });
    let client = builder(&server).build().unwrap();
    let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
    let mut req = OnboardingRequest::new("user-42", ChainId::eip155(300));
    req.timeout = Duration::from_secs(1);
    req.poll_interval = Duration::ZERO;
    let err = client.onboard(&req, &wallet, &mut |_| {}).unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    let polls = server.count("GET", "/v1/customers/c1");
    let most = (1000 / offblocks::onboarding::MIN_POLL_INTERVAL.as_millis()) as usize + 2;
    assert!(polls <= most, "{polls} polls in 1 s");
}

#[test]
fn a_second_account_of_another_kind_gets_its_own_idempotency_key() {
    let sb =
        offblocks_sandbox::Sandbox::start(offblocks_sandbox::SandboxConfig::default()).unwrap();
    let client = Client::builder()
        .base_url(sb.url())
        .credentials(sb.api_key(), sb.api_secret())
        .signing_key(SigningKey::generate().unwrap())
        .build()
        .unwrap();
    client.auth().register_signing_key().unwrap();
    let wallet = Wallet::random().unwrap();
    let mut req = OnboardingRequest::new("two-accounts", ChainId::eip155(300));
    let first = client.onboard(&req, &wallet, &mut |_| {}).unwrap();
    req.account = NewAccount {
        account_type: AccountType::CardAccount,
        currencies: vec!["USD".into()],
    };
    let second = client.onboard(&req, &wallet, &mut |_| {}).unwrap();
    assert_eq!(first.customer.id, second.customer.id);
    assert_ne!(first.account.id, second.account.id);
    assert_eq!(second.account.currencies, vec!["USD".to_owned()]);
}

/// A whole onboarding against the emulator run as OffBlocks' verifier is configured (no
/// tolerance on `created`, refusals as `400 invalid required signature`) with its clock
/// `behind_ms` behind this machine's.
fn onboard_with_emulator_behind(behind_ms: i64) {
    let sb = offblocks_sandbox::Sandbox::start(offblocks_sandbox::SandboxConfig {
        created_tolerance: Duration::ZERO,
        clock_offset_ms: -behind_ms,
        refusal_style: offblocks_sandbox::RefusalStyle::Offblocks,
        ..offblocks_sandbox::SandboxConfig::default()
    })
    .unwrap();
    let client = Client::builder()
        .base_url(sb.url())
        .credentials(sb.api_key(), sb.api_secret())
        .signing_key(SigningKey::generate().unwrap())
        .build()
        .unwrap();
    client.auth().register_signing_key().unwrap();
    let wallet = Wallet::random().unwrap();
    let req = OnboardingRequest::new(format!("behind-{behind_ms}"), ChainId::eip155(300));
    let done = client
        .onboard(&req, &wallet, &mut |_| {})
        .unwrap_or_else(|e| panic!("client {behind_ms} ms ahead: {e}"));
    assert_eq!(done.account.status.as_str(), "active");
    let refused = sb.request_log().iter().filter(|r| r.status == 400).count();
    assert_eq!(refused, 0, "no signature was refused");
}

#[test]
fn onboarding_completes_with_the_client_0_8_s_ahead_of_a_zero_tolerance_emulator() {
    onboard_with_emulator_behind(800);
}

#[test]
fn onboarding_completes_with_the_client_1_5_s_ahead_of_a_zero_tolerance_emulator() {
    onboard_with_emulator_behind(1500);
}

#[test]
fn onboarding_completes_with_the_client_5_s_ahead_of_a_zero_tolerance_emulator() {
    onboard_with_emulator_behind(5000);
}

/// The authority (`host:port`) of a scripted server, as its challenges name it.
fn authority_of(server: &Server) -> String {
    server
        .url
        .trim_start_matches("http://")
        .trim_end_matches("/v1")
        .to_owned()
}

/// The `n`-th answer (from 0) to a poll, given the currencies created.
type PollReply = Box<dyn Fn(usize, &str) -> String + Send + Sync>;

/// What a scripted onboarding server answers to the polls and lists the flow reads; the
/// rest (create, challenges, signing, the simulator) it answers as OffBlocks would.
struct FlowScript {
    /// The `n`-th answer (from 0) to `GET /customers/c1`.
    customer_poll: Box<dyn Fn(usize) -> String + Send + Sync>,
    /// The `n`-th answer (from 0) to `GET /accounts/a1`, given the currencies created.
    account_poll: PollReply,
    /// The answer to `GET /customers/c1/accounts`.
    account_list: String,
}

impl FlowScript {
    /// A server that tells the truth: `c1` turns `active` on the second poll, `a1` on the
    /// first.
    fn honest() -> FlowScript {
        FlowScript {
            customer_poll: Box::new(|n| {
                let status = if n == 0 { "verifying" } else { "active" };
                customer_json("c1", "user-42", &format!("eip155:300:{OWNER}"), status)
            }),
            account_poll: Box::new(|_, currencies| account_json("a1", "c1", "active", currencies)),
            account_list: "[]".into(),
        }
    }
}

/// Account `id` of `customer` as JSON, a card account in `currencies` (a JSON array);
/// `active` ones are deployed at the owner's address on chain 300.
fn account_json(id: &str, customer: &str, status: &str, currencies: &str) -> String {
    let chain = match status {
        "active" => format!(r#","chainId":"eip155:300:{OWNER}""#),
        _ => String::new(),
    };
    format!(
        r#"{{"id":"{id}","customerId":"{customer}","status":"{status}","type":"card_account","currencies":{currencies},"createdAt":"2024-01-12T14:53:02Z","updatedAt":"2024-01-12T14:53:02Z"{chain}}}"#
    )
}

/// A server that onboards `user-42` (customer `c1`, account `a1`) as `script` says.
fn flow_server(script: FlowScript) -> Server {
    let polls = Arc::new(Mutex::new((0usize, 0usize)));
    let currencies = Arc::new(Mutex::new(String::from(r#"["EUR"]"#)));
    Server::start(move |seen, server| {
        let owner = format!("eip155:300:{OWNER}");
        let host = authority_of(server);
        let now = offblocks::time::Timestamp::now().to_string();
        let siwe = B64.encode(siwe_text(&host, &now, ""));
        match (seen.method.as_str(), seen.path_and_query.as_str()) {
            (_, "/v1/auth/token") => token_reply(server),
            ("POST", "/v1/customers") => {
                let c1 = customer_json("c1", "user-42", &owner, "initiating");
                let c1 = c1.replacen('{', &format!(r#"{{"challenge":"{siwe}","#), 1);
                json(201, c1)
            }
            ("GET", "/v1/customers/c1") => {
                let n = {
                    let mut p = polls.lock().unwrap();
                    p.0 += 1;
                    p.0 - 1
                };
                json(200, (script.customer_poll)(n))
            }
            ("GET", "/v1/customers/c1/challenge") => {
                json(200, format!(r#"{{"challenge":"{siwe}"}}"#))
            }
            ("GET", "/v1/customers/c1/accounts") => json(200, script.account_list.clone()),
            ("POST", "/v1/customers/c1/accounts") => {
                let asked = seen.json()["currencies"].to_string();
                *currencies.lock().unwrap() = asked.clone();
                let a1 = account_json("a1", "c1", "initiating", &asked);
                let uuid = B64.encode("6b2f1d3e-0c4a-4f5b-8a9e-1c2d3e4f5a6b");
                let a1 = a1.replacen('{', &format!(r#"{{"challenge":"{uuid}","#), 1);
                json(201, a1)
            }
            ("GET", "/v1/accounts/a1") => {
                let n = {
                    let mut p = polls.lock().unwrap();
                    p.1 += 1;
                    p.1 - 1
                };
                json(200, (script.account_poll)(n, &currencies.lock().unwrap()))
            }
            ("PATCH", path) if path.starts_with("/v1/simulator/") => json(202, "{}"),
            ("POST", path) if path.ends_with("/challenge/sign") => json(201, "{}"),
            _ => json(404, r#"{"message":"no such thing"}"#),
        }
    })
}

/// The onboarding of `user-42` on chain 300 as [`OWNER`], polling every 10 ms.
fn onboarding_request() -> OnboardingRequest {
    let mut req = OnboardingRequest::new("user-42", ChainId::eip155(300));
    req.timeout = Duration::from_secs(5);
    req.poll_interval = Duration::from_millis(10);
    req
}

/// The requests `server` received after the `n`-th (from 1) one matching `method` and
/// `path`, as `METHOD path`.
fn sent_after(server: &Server, method: &str, path: &str, n: usize) -> Vec<String> {
    let seen = server.seen();
    let at = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.method == method && s.path_and_query == path)
        .nth(n - 1)
        .map_or_else(|| panic!("no {method} {path} #{n}"), |(i, _)| i);
    seen[at + 1..]
        .iter()
        .map(|s| format!("{} {}", s.method, s.path_and_query))
        .collect()
}

/// Asserts that `err` is the flow refusing `resource` as not the one asked for.
fn assert_not_requested(err: &Error, resource: &str) {
    match err {
        Error::ChallengeRefused(Refusal::NotRequested { resource: r, .. }) => {
            assert_eq!(*r, resource, "{err}")
        }
        other => panic!("expected a refusal of the {resource}, got: {other}"),
    }
}

#[test]
fn a_poll_answering_another_customer_stops_the_flow() {
    let owner = format!("eip155:300:{OWNER}");
    let elsewhere = format!("eip155:1:{OWNER}");
    // After the signature the first poll is honest; the second answers another
    // customer: another id, another external id, another owner.
    for lie in [
        customer_json("c2", "user-42", &owner, "active"),
        customer_json("c1", "someone-else", &owner, "verifying"),
        customer_json("c1", "user-42", &elsewhere, "verifying"),
    ] {
        let server = flow_server(FlowScript {
            customer_poll: Box::new(move |n| match n {
                0 => customer_json("c1", "user-42", &format!("eip155:300:{OWNER}"), "screening"),
                _ => lie.clone(),
            }),
            ..FlowScript::honest()
        });
        let client = builder(&server).build().unwrap();
        let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
        let err = client
            .onboard(&onboarding_request(), &wallet, &mut |_| {})
            .unwrap_err();
        assert_not_requested(&err, "customer");
        let after = sent_after(&server, "GET", "/v1/customers/c1", 2);
        assert!(after.is_empty(), "sent after the lie: {after:?}");
    }
}

#[test]
fn a_poll_answering_another_account_stops_the_flow() {
    // The first poll is honest (pending); the second answers another account.
    for lie in [
        account_json("a2", "c1", "active", r#"["EUR"]"#),
        account_json("a1", "c2", "active", r#"["EUR"]"#),
        account_json("a1", "c1", "active", r#"["USD"]"#),
        account_json("a1", "c1", "active", r#"["EUR"]"#).replace("card_account", "CARD_X"),
    ] {
        let server = flow_server(FlowScript {
            account_poll: Box::new(move |n, currencies| match n {
                0 => account_json("a1", "c1", "pending", currencies),
                _ => lie.clone(),
            }),
            ..FlowScript::honest()
        });
        let client = builder(&server).build().unwrap();
        let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
        let err = client
            .onboard(&onboarding_request(), &wallet, &mut |_| {})
            .unwrap_err();
        assert_not_requested(&err, "account");
        let after = sent_after(&server, "GET", "/v1/accounts/a1", 2);
        assert!(after.is_empty(), "sent after the lie: {after:?}");
    }
}

#[test]
fn an_account_whose_chain_moves_between_polls_is_refused() {
    let other = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
    let server = flow_server(FlowScript {
        account_poll: Box::new(move |n, currencies| {
            let deployed = account_json("a1", "c1", "pending", currencies).replacen(
                '{',
                &format!(r#"{{"chainId":"eip155:300:{OWNER}","#),
                1,
            );
            match n {
                0 => deployed,
                _ => account_json("a1", "c1", "active", currencies).replace(
                    &format!("eip155:300:{OWNER}"),
                    &format!("eip155:300:{other}"),
                ),
            }
        }),
        ..FlowScript::honest()
    });
    let client = builder(&server).build().unwrap();
    let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
    let err = client
        .onboard(&onboarding_request(), &wallet, &mut |_| {})
        .unwrap_err();
    assert_not_requested(&err, "account");
    assert!(err.to_string().contains(other), "{err}");
    let after = sent_after(&server, "GET", "/v1/accounts/a1", 2);
    assert!(after.is_empty(), "sent after the lie: {after:?}");
}

#[test]
fn an_account_list_naming_another_customer_stops_the_flow() {
    // The customer's account list holds an account of another customer: the server
    // mixes customers up, and nothing is created on its word.
    let server = flow_server(FlowScript {
        account_list: format!("[{}]", account_json("a9", "c2", "closed", r#"["EUR"]"#)),
        ..FlowScript::honest()
    });
    let client = builder(&server).build().unwrap();
    let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
    let err = client
        .onboard(&onboarding_request(), &wallet, &mut |_| {})
        .unwrap_err();
    assert_not_requested(&err, "account");
    let after = sent_after(&server, "GET", "/v1/customers/c1/accounts", 1);
    assert!(after.is_empty(), "sent after the lie: {after:?}");
}

#[test]
fn an_honest_flow_server_onboards() {
    let server = flow_server(FlowScript::honest());
    let client = builder(&server).build().unwrap();
    let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
    let done = client
        .onboard(&onboarding_request(), &wallet, &mut |_| {})
        .unwrap();
    assert_eq!(
        (done.customer.id.as_str(), done.account.id.as_str()),
        ("c1", "a1")
    );
    assert_eq!(
        server.count("PATCH", "/v1/simulator/customers/c1/verify"),
        1
    );
    assert_eq!(server.count("POST", "/v1/customers/c1/challenge/sign"), 1);
    assert_eq!(server.count("POST", "/v1/accounts/a1/challenge/sign"), 1);
}

#[test]
fn a_stop_at_done_returns_the_result() {
    let server = flow_server(FlowScript::honest());
    let client = builder(&server).build().unwrap();
    let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
    let mut steps = Vec::new();
    let done = client
        .onboard(&onboarding_request(), &wallet, &mut |p| {
            steps.push(p.step);
            match p.step {
                offblocks::Step::Done => ControlFlow::Break(()),
                _ => ControlFlow::Continue(()),
            }
        })
        .unwrap_or_else(|e| panic!("a stop at done is not a cancellation: {e}"));
    assert_eq!(done.account.status.as_str(), "active");
    assert_eq!(steps.last(), Some(&offblocks::Step::Done));
}

#[test]
fn account_keys_tell_currency_lists_apart() {
    let key_for = |currencies: Vec<String>| {
        let server = flow_server(FlowScript::honest());
        let client = builder(&server).build().unwrap();
        let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
        let mut req = onboarding_request();
        req.account.currencies = currencies;
        client.onboard(&req, &wallet, &mut |_| {}).unwrap();
        let post = server
            .seen()
            .into_iter()
            .find(|s| s.method == "POST" && s.path_and_query == "/v1/customers/c1/accounts")
            .unwrap();
        post.header("idempotency-key").unwrap().to_owned()
    };
    let one = key_for(vec!["EUR,USD".into()]);
    let two = key_for(vec!["EUR".into(), "USD".into()]);
    assert_ne!(one, two, "two accounts, one Idempotency-Key");
    assert_eq!(two, key_for(vec!["EUR".into(), "USD".into()]), "stable");
}

#[test]
fn the_flow_timeout_caps_retry_after_waits() {
    let server = Server::start(|seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => Reply::Full {
            status: 503,
            headers: vec![("retry-after", "59".into())],
            body: b"busy".to_vec(),
        },
    });
    let client = builder(&server)
        .retry(RetryPolicy::default())
        .build()
        .unwrap();
    let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
    let started = Instant::now();
    let err = client
        .onboard(&onboarding_request(), &wallet, &mut |_| {})
        .unwrap_err();
    // The server's 503 is the answer: a 59 s wait does not fit in the flow's 5 s.
    assert_eq!(err.status(), Some(503), "{err}");
    assert!(
        err.to_string().contains("onboarding timeout of 5s"),
        "{err}"
    );
    assert_eq!(
        server.count("POST", "/v1/customers"),
        1,
        "no retry after 59 s"
    );
    // Liveness, not speed: the server asked for a minute, the flow has 5 s.
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// A challenge for customer `c1` from the scripted server, issued `age_secs` ago,
/// without `Expiration Time`; `edit` changes its text (`HOST` is the server's authority).
fn sign_aged_challenge(
    age_secs: i64,
    edit: impl Fn(String) -> String,
) -> (offblocks::Result<()>, Server) {
    let issued = offblocks::time::Timestamp::now()
        .add_secs(-age_secs)
        .to_string();
    let challenge = edit(siwe_text("HOST", &issued, ""));
    let server = customer_challenge_server(challenge, 0);
    (sign_customer_challenge(&server), server)
}

#[test]
fn a_challenge_issued_two_hours_ago_without_expiry_is_refused() {
    let (result, server) = sign_aged_challenge(2 * 3600, |t| t);
    let err = result.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ChallengeRefused(Refusal::Stale {
                max_age_secs: 3600,
                ..
            })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("fetch a fresh challenge"), "{err}");
    // Refused for its time: fetched once more (the server gives the same), never signed.
    assert_eq!(server.count("GET", "/v1/customers/c1/challenge"), 2);
    assert_eq!(server.count("POST", "/v1/customers/c1/challenge/sign"), 0);
    // The clock tolerance relaxes the window by as much.
    let tolerant = builder(&server)
        .challenge_clock_tolerance(Duration::from_secs(2 * 3600))
        .build()
        .unwrap();
    sign_customer_challenge_as(tolerant).unwrap();
    assert_eq!(server.count("POST", "/v1/customers/c1/challenge/sign"), 1);
    // Within the hour it is signed.
    let (result, server) = sign_aged_challenge(30 * 60, |t| t);
    result.unwrap();
    assert_eq!(server.count("POST", "/v1/customers/c1/challenge/sign"), 1);
}

#[test]
fn a_siwe_uri_off_its_domain_is_refused() {
    for uri in [
        "https://evil.example",
        "http://HOST@evil.example",
        "http://127.0.0.1:1",
        "ftp://HOST",
        "https://HOST",
    ] {
        let (result, server) = sign_aged_challenge(60, |t| {
            t.replace("URI: http://HOST", &format!("URI: {uri}"))
                .replacen("HOST wants", "http://HOST wants", 1)
        });
        let err = result.expect_err(uri);
        assert!(
            matches!(err, Error::ChallengeRefused(Refusal::UriOffDomain { .. })),
            "{uri}: {err}"
        );
        assert_eq!(
            server.count("POST", "/v1/customers/c1/challenge/sign"),
            0,
            "{uri}"
        );
    }
    // The URI may name a path below the origin.
    let (result, _) = sign_aged_challenge(60, |t| {
        t.replace("URI: http://HOST", "URI: http://HOST/v1/customers")
    });
    result.unwrap();
}

#[test]
fn a_409_lookup_answering_another_id_is_not_adopted() {
    // The 409 points at c9; `GET /customers/c9` answers customer c8 (right external id
    // and owner): the id asked for is the one that must come back.
    let owner = format!("eip155:300:{OWNER}");
    let server = Server::start(move |seen, server| {
        match (seen.method.as_str(), seen.path_and_query.as_str()) {
            (_, "/v1/auth/token") => token_reply(server),
            ("POST", "/v1/customers") => json(409, r#"{"message":"exists","customerId":"c9"}"#),
            ("GET", "/v1/customers/c9") => {
                json(200, customer_json("c8", "user-42", &owner, "active"))
            }
            _ => json(200, "[]"),
        }
    });
    let err = onboard_against(&server).unwrap_err();
    assert_not_requested(&err, "customer");
    let after = sent_after(&server, "GET", "/v1/customers/c9", 1);
    assert!(after.is_empty(), "sent after the lie: {after:?}");
}

// ---- Host code under no lock of the SDK ---------------------------------------------

/// Runs `f` on a thread of its own and returns its answer, or fails the test when none
/// comes in 20 s: a deadlock fails instead of hanging the suite.
fn within_watchdog<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(answer) => answer,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: no answer in 20 s (deadlock)"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => panic!("{what}: ended without an answer"),
        },
    }
}

/// A server with a token (expiring as `expires_at` says, the JSON text of the value) and
/// customer `c1`.
fn token_and_customer_server(
    expires_at: impl Fn(&Server) -> String + Send + Sync + 'static,
) -> Server {
    Server::start(move |seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => json(
            200,
            format!(
                r#"{{"token":"{TOKEN}","expiresAt":{},"tokenType":"Bearer"}}"#,
                expires_at(server)
            ),
        ),
        _ => json(
            200,
            customer_json("c1", "e1", &format!("eip155:300:{OWNER}"), "active"),
        ),
    })
}

fn customer_server() -> Server {
    token_and_customer_server(|server| (server.date() + TOKEN_BODY_TTL).to_string())
}

/// The client, for an observer built before it exists.
type Later = Arc<OnceLock<Client>>;

#[test]
fn an_observer_calling_the_client_does_not_deadlock() {
    let server = customer_server();
    let later = Later::default();
    // (the path of the attempt the observer was told about, what its own call gave)
    type Told = Vec<(String, offblocks::Result<String>)>;
    let nested: Arc<Mutex<Told>> = Arc::default();
    let (client_later, told) = (later.clone(), nested.clone());
    let client = builder(&server)
        .observer(move |attempt: &Attempt| {
            thread_local!(static INSIDE: Cell<bool> = const { Cell::new(false) });
            // One call of its own per attempt of an outer call.
            if INSIDE.get() {
                return;
            }
            INSIDE.set(true);
            let got = client_later.get().unwrap().customers().get("c1");
            INSIDE.set(false);
            let got = got.map(|c| c.id);
            told.lock().unwrap().push((attempt.path.clone(), got));
        })
        .build()
        .unwrap();
    later.set(client.clone()).unwrap();
    let outer = within_watchdog("a call whose observer calls the client", move || {
        client.customers().get("c1").map(|c| c.id)
    });
    assert_eq!(outer.unwrap(), "c1");
    let nested = nested.lock().unwrap();
    let paths: Vec<&str> = nested.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["/v1/auth/token", "/v1/customers/c1"]);
    // Told about its own thread's token fetch, the call would wait for itself: it fails
    // at once, saying why, and sends nothing.
    match &nested[0].1 {
        Err(Error::InvalidInput(why)) => assert!(why.contains("its own token fetch"), "{why}"),
        other => panic!("a call inside the token fetch's observer gave {other:?}"),
    }
    // Told about the call itself (the token is cached by then), the call works.
    assert_eq!(nested[1].1.as_ref().unwrap(), "c1");
    assert_eq!(server.count("POST", "/v1/auth/token"), 1);
    assert_eq!(server.count("GET", "/v1/customers/c1"), 2);
}

#[test]
fn a_signer_calling_the_client_does_not_deadlock() {
    let challenge = siwe_text("HOST", &offblocks::time::Timestamp::now().to_string(), "");
    let server = customer_challenge_server(challenge, 0);
    let client = builder(&server).build().unwrap();
    /// A wallet that, before each signature, makes a call on the client it signs for.
    struct Calling {
        wallet: Wallet,
        client: Client,
        calls: Mutex<Vec<offblocks::Result<String>>>,
    }
    impl offblocks::wallet::Signer for Calling {
        fn address(&self) -> offblocks::Result<offblocks::wallet::Address> {
            Ok(self.wallet.address())
        }
        fn sign_personal(
            &self,
            message: &[u8],
        ) -> offblocks::Result<offblocks::wallet::PersonalSignature> {
            let got = self.client.customers().challenge("c1");
            self.calls.lock().unwrap().push(got);
            let _ = format!("{:?}", self.client);
            self.wallet.sign_personal(message)
        }
    }
    let signer = Arc::new(Calling {
        wallet: Wallet::from_hex(OWNER_KEY).unwrap(),
        client: client.clone(),
        calls: Mutex::default(),
    });
    let customer: offblocks::models::Customer = serde_json::from_str(&customer_json(
        "c1",
        "e1",
        &format!("eip155:300:{OWNER}"),
        "initiating",
    ))
    .unwrap();
    let inside = signer.clone();
    within_watchdog("a signer calling the client", move || {
        client
            .customers()
            .sign_challenge(&customer, &*inside, &ChallengeOptions::new())
    })
    .unwrap();
    let calls = signer.calls.lock().unwrap();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].is_ok(), "the signer's own call: {:?}", calls[0]);
    assert_eq!(server.count("POST", "/v1/customers/c1/challenge/sign"), 1);
}

#[test]
fn debug_of_a_client_does_not_block() {
    let server = customer_server();
    let later = Later::default();
    let shown: Arc<Mutex<Vec<String>>> = Arc::default();
    let (client_later, seen) = (later.clone(), shown.clone());
    let client = builder(&server)
        .observer(move |attempt: &Attempt| {
            if attempt.path.ends_with("/auth/token") {
                let text = format!("{:?}", client_later.get().unwrap());
                seen.lock().unwrap().push(text);
            }
        })
        .build()
        .unwrap();
    later.set(client.clone()).unwrap();
    within_watchdog("Debug of a client inside its token fetch", move || {
        client.customers().get("c1").map(|c| c.id)
    })
    .unwrap();
    let shown = shown.lock().unwrap();
    assert_eq!(shown.len(), 1);
    assert!(shown[0].starts_with("Client("), "{}", shown[0]);
    assert!(!shown[0].contains("s3cr3t-api-secret") && !shown[0].contains(TOKEN));
}

#[test]
fn token_waiters_respect_their_deadline() {
    let server = customer_server();
    // The first token fetch's observer holds the fetch until the test lets it go.
    let (entered_tx, entered) = mpsc::channel::<()>();
    let (release, released) = mpsc::channel::<()>();
    let hold = Mutex::new(Some((entered_tx, released)));
    let client = builder(&server)
        .call_deadline(Duration::from_millis(300))
        .observer(move |attempt: &Attempt| {
            if !attempt.path.ends_with("/auth/token") {
                return;
            }
            let taken = hold.lock().unwrap().take();
            if let Some((entered, released)) = taken {
                entered.send(()).unwrap();
                let _ = released.recv_timeout(Duration::from_secs(30));
            }
        })
        .build()
        .unwrap();
    let fetcher = {
        let client = client.clone();
        std::thread::spawn(move || client.customers().get("c1").map(|c| c.id))
    };
    entered.recv_timeout(Duration::from_secs(20)).unwrap();
    // Another thread needs a token while the first is fetching (held in host code): it
    // waits for that fetch only until its own deadline.
    let waiter = client.clone();
    let waited = within_watchdog("a thread waiting for another's token fetch", move || {
        waiter.customers().get("c1").map(|c| c.id)
    });
    match waited {
        Err(e @ Error::Transport { .. }) => {
            assert!(e.is_retryable());
            assert!(
                e.to_string()
                    .contains("waiting for another thread's token fetch"),
                "{e}"
            );
        }
        other => panic!("the waiter gave {other:?}"),
    }
    // Debug does not wait for the fetch either.
    let shown = within_watchdog("Debug during another thread's fetch", {
        let client = client.clone();
        move || format!("{client:?}")
    });
    assert!(shown.starts_with("Client("));
    release.send(()).unwrap();
    // The fetch itself ended well; its own call then found its deadline past.
    let _ = fetcher.join().unwrap();
    assert_eq!(
        server.count("POST", "/v1/auth/token"),
        1,
        "one fetch, not one each"
    );
    // The token it fetched serves the next call.
    assert_eq!(client.customers().get("c1").unwrap().id, "c1");
    assert_eq!(server.count("POST", "/v1/auth/token"), 1);
}

#[test]
fn a_hostile_expires_at_neither_overflows_nor_pins() {
    // Long past (i64::MIN, negative): the token serves the call that fetched it, and the
    // next call fetches again, without overflow.
    for past in [i64::MIN.to_string(), "-1".into(), "0".into()] {
        let server = token_and_customer_server(move |_| past.clone());
        let client = builder(&server).build().unwrap();
        for _ in 0..2 {
            assert_eq!(client.customers().get("c1").unwrap().id, "c1");
        }
        assert_eq!(server.count("POST", "/v1/auth/token"), 2);
        let kept = client.auth().token().unwrap().expires_at;
        assert!(
            (client.now_unix() - 60..=client.now_unix()).contains(&kept),
            "{kept}"
        );
    }
    // Far future (i64::MAX): kept at most 24 h. The server's clock then moves 25 h on
    // and the client follows it: the token is fetched again.
    let server = token_and_customer_server(|_| i64::MAX.to_string());
    let client = builder(&server)
        .max_clock_correction(Duration::from_secs(48 * 3600))
        .build()
        .unwrap();
    let token = client.auth().token().unwrap();
    assert!(
        token.expires_at <= client.now_unix() + 24 * 3600,
        "{token:?}"
    );
    client.customers().get("c1").unwrap();
    assert_eq!(server.count("POST", "/v1/auth/token"), 1);
    server.skew_ms.store(25 * 3600 * 1000, Ordering::Relaxed);
    client.customers().get("c1").unwrap(); // learns the server's new time
    client.customers().get("c1").unwrap();
    assert_eq!(
        server.count("POST", "/v1/auth/token"),
        2,
        "not pinned by i64::MAX"
    );
    // Not an integer: a decoding error naming the field; nothing is cached.
    for odd in ["1.5e9", "\"tomorrow\"", "1e400", "99999999999999999999"] {
        let server = token_and_customer_server(move |_| odd.to_owned());
        let client = builder(&server).build().unwrap();
        for _ in 0..2 {
            match client.customers().get("c1") {
                // 1e400 is beyond what JSON numbers decode to: the body itself fails.
                Err(e @ Error::Decode { .. }) => assert!(
                    odd == "1e400" || e.to_string().contains("expiresAt"),
                    "{odd}: {e}"
                ),
                other => panic!("expiresAt {odd} gave {other:?}"),
            }
        }
        assert_eq!(server.count("POST", "/v1/auth/token"), 2);
    }
}

// ---- The owner a caller states -------------------------------------------------------

#[test]
fn a_customer_other_than_the_owner_stated_is_not_signed() {
    let challenge = siwe_text("HOST", &offblocks::time::Timestamp::now().to_string(), "");
    let server = customer_challenge_server(challenge, 0);
    let client = builder(&server).build().unwrap();
    let wallet = Wallet::from_hex(OWNER_KEY).unwrap();
    let mine = offblocks::wallet::AccountId::parse(&format!("eip155:300:{OWNER}")).unwrap();
    let chain_300 = ChainId::parse("eip155:300").unwrap();
    let other_address = "eip155:300:0x70997970C51812dc3A010C7d01b50e0d17dc79C8".to_owned();
    let other_chain = format!("eip155:1:{OWNER}");
    // The server's customer names another owner than the one the caller states.
    for (theirs, options) in [
        (&other_address, ChallengeOptions::new().owner(mine.clone())),
        (&other_chain, ChallengeOptions::new().owner(mine.clone())),
        (
            &other_chain,
            ChallengeOptions::new().chain(chain_300.clone()),
        ),
    ] {
        let customer: offblocks::models::Customer =
            serde_json::from_str(&customer_json("c1", "e1", theirs, "initiating")).unwrap();
        match client
            .customers()
            .sign_challenge(&customer, &wallet, &options)
        {
            Err(Error::ChallengeRefused(Refusal::NotRequested { resource, why, .. })) => {
                assert_eq!(resource, "customer");
                assert!(why.contains(theirs.as_str()), "{why}");
            }
            other => panic!("a customer of {theirs} with {options:?} gave {other:?}"),
        }
    }
    // What the caller states and the server agree: signed.
    let customer: offblocks::models::Customer =
        serde_json::from_str(&customer_json("c1", "e1", &mine.to_string(), "initiating")).unwrap();
    let agreed = ChallengeOptions::new().owner(mine.clone()).chain(chain_300);
    client
        .customers()
        .sign_challenge(&customer, &wallet, &agreed)
        .unwrap();
    assert_eq!(server.count("POST", "/v1/customers/c1/challenge/sign"), 1);
    server.seen.lock().unwrap().clear();
    // An account whose owner is on another chain than the one stated.
    let account: offblocks::models::Account = serde_json::from_str(
        r#"{"id":"a1","customerId":"c1","status":"initiating","type":"card_account","currencies":["EUR"],"createdAt":"2024-01-12T14:53:02Z","updatedAt":"2024-01-12T14:53:02Z","challenge":"c2lnbiBtZQ=="}"#,
    )
    .unwrap();
    let elsewhere = offblocks::wallet::AccountId::parse(&format!("eip155:1:{OWNER}")).unwrap();
    let options = ChallengeOptions::new().chain(ChainId::parse("eip155:300").unwrap());
    match client
        .accounts()
        .sign_challenge(&account, &elsewhere, &wallet, &options)
    {
        Err(Error::ChallengeRefused(Refusal::NotRequested { resource, .. })) => {
            assert_eq!(resource, "account")
        }
        other => panic!("an owner on another chain gave {other:?}"),
    }
    assert!(server
        .seen()
        .iter()
        .all(|s| !s.path_and_query.contains("/sign")));
}

// Secrets hidden by value: a server that echoes what the client sent it.

/// Everything an error shows a host: `Display`, `Debug`, the accessors, the C last error.
fn everything_shown(err: &Error) -> String {
    let mut shown = format!("{err}\n{err:?}");
    if let Some(api) = err.api() {
        shown.push_str(&format!(
            "\n{api}\n{api:?}\n{}\n{:?}\n{:?}\n{:?}",
            api.body,
            api.json,
            api.message(),
            api.request_id
        ));
    }
    shown
}

fn echoing_server(secret: &'static str, answer: fn(&str) -> Reply) -> Server {
    let _ = secret;
    Server::start(move |seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => answer(secret),
    })
}

#[test]
fn a_short_secret_echoed_by_the_server_is_hidden() {
    const SECRET: &str = "s3/!x";
    let server = echoing_server(SECRET, |s| {
        let escaped = s.replace('/', "\\/");
        json(
            400,
            format!(r#"{{"message":"secret {s} is wrong","detail":"{escaped}","again":"{s}"}}"#),
        )
    });
    let client = builder(&server)
        .credentials("3f0e7a52-6f4c-4a4e-9a57-1d2f3c4b5a69", SECRET)
        .build()
        .unwrap();
    let err = client.customers().list().unwrap_err();
    let shown = everything_shown(&err);
    assert!(
        !shown.contains("3/!x") && !shown.contains("3\\/!x"),
        "{shown}"
    );
    assert!(err.to_string().contains("[redacted]"), "{err}");
}

#[test]
fn a_secret_split_by_control_characters_is_hidden() {
    let server = echoing_server("s3cr3t-api-secret", |_| {
        text(
            401,
            "wrong secret s3cr3t\u{7f}-api\u{1}-sec\u{1b}ret for key",
        )
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    let shown = everything_shown(&err);
    let bare: String = shown.chars().filter(|c| !c.is_control()).collect();
    assert!(!bare.contains("s3cr3t-api-secret"), "{shown}");
    assert!(!bare.contains("api-sec"), "{shown}");
}

#[test]
fn a_quoted_secret_in_a_text_body_is_hidden() {
    let server = echoing_server("s3cr3t-api-secret", |s| {
        text(400, &format!("apiSecret=\"{s}\" rejected; was '{s}'"))
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    let shown = everything_shown(&err);
    assert!(!shown.contains("s3cr3t"), "{shown}");
}

#[test]
fn debug_of_an_api_error_shows_no_body_secret() {
    // The bearer token, echoed in a body field the messages never show.
    let server = echoing_server(TOKEN, |t| {
        json(
            403,
            format!(r#"{{"error":"forbidden","seen":{{"authorization":"Bearer {t}"}}}}"#),
        )
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    let debug = format!("{err:?}");
    assert!(!debug.contains(TOKEN), "{debug}");
    assert!(debug.contains("403"), "{debug}");
    let body = &err.api().unwrap().body;
    assert!(!body.contains(TOKEN), "{body}");
}

#[test]
fn a_previous_token_echoed_by_the_server_stays_hidden() {
    // The first token is refused (401) and replaced; the server then echoes the old one.
    let server = Server::start(|seen, server| {
        let auth = seen.header("authorization").unwrap_or("").to_owned();
        match seen.path_and_query.as_str() {
            "/v1/auth/token" if server.count("POST", "/v1/auth/token") == 1 => token_reply(server),
            "/v1/auth/token" => json(
                200,
                format!(
                    r#"{{"token":"tok-second-2","expiresAt":{},"tokenType":"Bearer"}}"#,
                    server.date() + 3600
                ),
            ),
            _ if auth.ends_with(TOKEN) => text(401, "expired"),
            _ => text(400, &format!("you used tok-second-2 after {TOKEN}")),
        }
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    let shown = everything_shown(&err);
    assert!(
        !shown.contains(TOKEN) && !shown.contains("tok-second-2"),
        "{shown}"
    );
    assert_eq!(server.count("POST", "/v1/auth/token"), 2);
}

#[test]
fn a_request_id_longer_than_128_is_dropped() {
    let long = "r".repeat(129);
    let ok = "r".repeat(128);
    for (id, kept) in [(long, false), (ok, true), ("req 1".to_owned(), false)] {
        let sent = id.clone();
        let server = Server::start(move |seen, server| match seen.path_and_query.as_str() {
            "/v1/auth/token" => token_reply(server),
            _ => Reply::Full {
                status: 400,
                headers: vec![("x-request-id", sent.clone())],
                body: b"no".to_vec(),
            },
        });
        let attempts = Arc::new(Mutex::new(Vec::new()));
        let seen = attempts.clone();
        let client = builder(&server)
            .retry(RetryPolicy {
                max_attempts: 1,
                ..RetryPolicy::default()
            })
            .observer(move |a| {
                if a.path.ends_with("/customers") {
                    seen.lock().unwrap().push(a.request_id.clone());
                }
            })
            .build()
            .unwrap();
        let err = client.customers().list().unwrap_err();
        let api = err.api().unwrap();
        assert_eq!(api.request_id.is_some(), kept, "{id}");
        assert_eq!(err.to_string().contains(&id), kept, "{err}");
        let told = attempts.lock().unwrap().clone();
        assert!(
            !told.is_empty() && told.iter().all(|r| r.is_some() == kept),
            "{told:?}"
        );
    }
}

#[test]
fn api_error_message_is_cleaned() {
    let reason = format!(
        "bad\u{1b}[31m thing{}",
        "\u{7f}".repeat(100) + &"y ".repeat(200)
    );
    let body = serde_json::json!({ "message": reason }).to_string();
    let server = Server::start(move |seen, server| match seen.path_and_query.as_str() {
        "/v1/auth/token" => token_reply(server),
        _ => json(400, body.clone()),
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    let api = err.api().unwrap();
    let message = api.message().expect("a message");
    let message: &str = message.as_ref();
    assert!(!message.chars().any(char::is_control), "{message:?}");
    assert!(message.chars().count() <= 201, "{}", message.len());
    assert!(message.starts_with("bad[31m thing"), "{message:?}");
    assert!(err.to_string().contains(message), "{err}");
}

#[test]
fn a_url_password_with_hash_or_slash_is_hidden() {
    for password in ["p#ss", "p/ss", "p?ss", "p@ss", "p%40ss"] {
        let err = Client::builder()
            .base_url(format!("https://alice:{password}@api.example/v1"))
            .credentials("k", "s")
            .signing_key(SigningKey::generate().unwrap())
            .build()
            .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains(password) && !shown.contains("alice"),
            "{shown}"
        );
        let err = Client::builder()
            .base_url("https://api.example/v1")
            .proxy(format!("socks5://alice:{password}@proxy.example:1080"))
            .credentials("k", "s")
            .signing_key(SigningKey::generate().unwrap())
            .build()
            .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(
            !shown.contains(password) && !shown.contains("alice"),
            "{shown}"
        );
        let mut config = offblocks::Config::default();
        config.environment =
            offblocks::Environment::Custom(format!("https://alice:{password}@api.example/v1"));
        config.proxy = Some(offblocks::ProxyUrl::new(format!(
            "http://alice:{password}@proxy.example:3128"
        )));
        let shown = format!("{config:?} {}", serde_json::to_string(&config).unwrap());
        assert!(
            !shown.contains(password) && !shown.contains("alice"),
            "{shown}"
        );
    }
}

#[test]
fn a_loopback_http_url_through_a_remote_proxy_is_refused() {
    let server = Server::start(|_, server| token_reply(server));
    let through = |proxy: &str, allow: bool| {
        builder(&server)
            .proxy(proxy)
            .allow_insecure_http(allow)
            .build()
    };
    match through("http://proxy.example:3128", false) {
        Err(Error::Config(why)) => assert!(why.contains("proxy"), "{why}"),
        other => panic!("a remote proxy for plain http: {other:?}"),
    }
    match through("http://user:pa55word@10.1.2.3:3128", false) {
        Err(Error::Config(why)) => assert!(!why.contains("pa55word"), "{why}"),
        other => panic!("a remote proxy for plain http: {other:?}"),
    }
    // A proxy on loopback keeps the bytes on the machine; the opt-in allows the rest.
    assert!(through("http://127.0.0.1:3128", false).is_ok());
    assert!(through("http://[::1]:3128", false).is_ok());
    assert!(through("http://proxy.example:3128", true).is_ok());
    // Nothing was sent while refusing.
    assert!(server.seen().is_empty());
}

/// A list server: `/v1/customers` answers what `page` says for the request's query.
fn list_server(page: impl Fn(&str) -> String + Send + Sync + 'static) -> Server {
    Server::start(move |seen, server| {
        if seen.path_and_query == "/v1/auth/token" {
            return token_reply(server);
        }
        let query = seen.path_and_query.split_once('?').map_or("", |(_, q)| q);
        json(200, page(query))
    })
}

fn listed(id: &str) -> String {
    customer_json(id, id, &format!("eip155:300:{OWNER}"), "active")
}

#[test]
fn a_list_cursor_that_loops_is_an_error_not_a_partial_list() {
    let server = list_server(|query| match query {
        "" => format!(r#"{{"data":[{}],"nextCursor":"a"}}"#, listed("c1")),
        _ => format!(r#"{{"data":[{}],"nextCursor":"a"}}"#, listed("c2")),
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    assert!(matches!(err, Error::State(_)), "{err:?}");
    assert!(err.to_string().contains("cursor"), "{err}");
    assert_eq!(server.seen().len(), 3, "token, first page, one repeat");
}

#[test]
fn a_total_beyond_the_items_without_a_cursor_is_a_partial_list() {
    let server = list_server(|_| format!(r#"{{"data":[{}],"total":5}}"#, listed("c1")));
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    assert!(matches!(err, Error::State(_)), "{err:?}");
    assert!(err.to_string().contains("partial"), "{err}");
    let server = list_server(|_| format!(r#"{{"items":[{}],"hasMore":true}}"#, listed("c1")));
    let err = builder(&server)
        .build()
        .unwrap()
        .customers()
        .list()
        .unwrap_err();
    assert!(err.to_string().contains("partial"), "{err}");
}

#[test]
fn a_next_link_to_another_host_is_refused_and_the_bearer_goes_nowhere() {
    let elsewhere = Server::start(|_, _| json(200, "[]"));
    let link = format!("{}/customers?page=2", elsewhere.url);
    let server = list_server(move |_| {
        format!(
            r#"{{"data":[{}],"links":{{"next":"{link}"}}}}"#,
            listed("c1")
        )
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    assert!(matches!(err, Error::State(_)), "{err:?}");
    assert!(err.to_string().contains("another origin"), "{err}");
    assert!(
        elsewhere.seen().is_empty(),
        "nothing reached the other host"
    );
}

#[test]
fn pages_are_followed_by_cursor_and_by_a_same_origin_link() {
    let server = list_server(|query| match query {
        "" => format!(
            r#"{{"data":[{}],"nextCursor":"p 2","total":3}}"#,
            listed("c1")
        ),
        "cursor=p%202" => format!(
            r#"{{"data":[{}],"next":"/v1/customers?page=3","total":3}}"#,
            listed("c2")
        ),
        "page=3" => format!(r#"{{"data":[{}],"next":null,"total":3}}"#, listed("c3")),
        other => panic!("unexpected query {other:?}"),
    });
    let client = builder(&server).build().unwrap();
    let ids: Vec<String> = client
        .customers()
        .list()
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["c1", "c2", "c3"]);
    let pages: Vec<usize> = client
        .customers()
        .list_pages()
        .map(|p| p.unwrap().len())
        .collect();
    assert_eq!(pages, [1, 1, 1]);
}

#[test]
fn an_empty_page_that_points_on_is_an_error() {
    let server = list_server(|query| {
        let n: u32 = query
            .strip_prefix("cursor=")
            .map_or(0, |c| c.parse().unwrap());
        format!(r#"{{"data":[],"nextCursor":"{}"}}"#, n + 1)
    });
    let client = builder(&server).build().unwrap();
    let err = client.customers().list().unwrap_err();
    assert!(err.to_string().contains("no progress"), "{err}");
    assert_eq!(server.seen().len(), 2, "token, one page");
}

#[test]
fn a_409_without_an_id_is_looked_up_by_external_id_not_by_listing_everyone() {
    let server = Server::start(|seen, server| {
        let owner = format!("eip155:300:{OWNER}");
        match (seen.method.as_str(), seen.path_and_query.as_str()) {
            (_, "/v1/auth/token") => token_reply(server),
            ("POST", "/v1/customers") => json(409, r#"{"message":"exists"}"#),
            ("GET", "/v1/customers?externalId=user-42") => json(
                200,
                format!(
                    r#"[{},{}]"#,
                    customer_json("c8", "user-4", &owner, "active"),
                    customer_json("c9", "user-42", &owner, "rejected")
                ),
            ),
            _ => text(500, "not this"),
        }
    });
    let err = onboard_against(&server).unwrap_err();
    // Found (and then refused for its state): the filtered lookup was the one made.
    assert!(
        matches!(&err, Error::State(m) if m.contains("c9 is rejected")),
        "{err}"
    );
    assert_eq!(server.count("GET", "/v1/customers"), 0);
}
