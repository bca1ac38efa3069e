//! Many clients onboarding at once over keep-alive connections, with lost responses.

mod common;

use common::{b64decode, sandbox, Client, Opts, Resp, Wallet};
use offblocks_sandbox::{FaultKind, FaultRule};
use serde_json::{json, Value};

const THREADS: usize = 8;
const PER_THREAD: usize = 5;

/// Sends with one idempotency key until an answer arrives (reconnecting after drops).
fn reliably(client: &mut Client<'_>, method: &str, path: &str, body: Option<&Value>) -> Resp {
    let opts = Opts {
        idempotency_key: Some(uuid::Uuid::new_v4().to_string()),
        ..Opts::default()
    };
    for _ in 0..20 {
        match client.try_request(method, path, body, opts.clone()) {
            Some(resp) if resp.status == 409 && resp.code() == "idempotency_key_in_use" => {}
            Some(resp) => return resp,
            None => client.reconnect(),
        }
    }
    panic!("{method} {path}: no answer after 20 tries");
}

fn onboard(client: &mut Client<'_>) {
    let wallet = Wallet::new();
    let body =
        json!({"chainId": wallet.chain_id(324), "externalId": uuid::Uuid::new_v4().to_string()});
    let customer = reliably(client, "POST", "/v1/customers", Some(&body));
    assert_eq!(customer.status, 201, "{:?}", customer.json());
    let customer = customer.json();
    let id = customer["id"].as_str().unwrap();
    let challenge = customer["challenge"].as_str().unwrap();
    let sign = json!({"ownerId": wallet.chain_id(324), "challenge": challenge, "signature": wallet.sign_hex_field(&b64decode(challenge))});
    let signed = reliably(
        client,
        "POST",
        &format!("/v1/customers/{id}/challenge/sign"),
        Some(&sign),
    );
    assert_eq!(signed.status, 204, "{:?}", signed.json());
    let verified = reliably(
        client,
        "PATCH",
        &format!("/v1/simulator/customers/{id}/verify"),
        None,
    );
    assert_eq!(verified.status, 202);
    let body = json!({"type": "card_account", "currencies": ["EUR"]});
    let account = reliably(
        client,
        "POST",
        &format!("/v1/customers/{id}/accounts"),
        Some(&body),
    )
    .json();
    let account_id = account["id"].as_str().unwrap();
    let challenge = account["challenge"].as_str().unwrap();
    let sign = json!({"ownerId": wallet.chain_id(324), "challenge": challenge, "signature": wallet.sign_raw_field(&b64decode(challenge))});
    let signed = reliably(
        client,
        "POST",
        &format!("/v1/accounts/{account_id}/challenge/sign"),
        Some(&sign),
    );
    assert_eq!(signed.status, 204, "{:?}", signed.json());
    let active = reliably(client, "GET", &format!("/v1/accounts/{account_id}"), None).json();
    assert_eq!(active["status"], "active");
}

#[test]
fn parallel_onboardings_with_dropped_responses() {
    let sandbox = sandbox();
    for prefix in ["/v1/customers", "/v1/accounts", "/v1/simulator"] {
        sandbox.add_fault(FaultRule::new(prefix, FaultKind::DropAfterCommit).rate(0.1));
    }
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                let mut client = Client::ready(&sandbox);
                for _ in 0..PER_THREAD {
                    onboard(&mut client);
                }
            });
        }
    });
    let customers = sandbox.customers();
    assert_eq!(customers.len(), THREADS * PER_THREAD);
    assert!(customers.iter().all(|c| c["status"] == "active"));
    assert!(sandbox.accounts().iter().all(|a| a["status"] == "active"));
    assert!(sandbox.request_log().iter().any(|r| r.dropped));
}
