//! One mockito test per endpoint: method, path, every required header, the JSON body,
//! and the signature verified over a base rebuilt from what the server received.

mod common;

use common::{fixture, record, verify_digest, verify_signature, Fixture, Log, Seen, TOKEN};
use offblocks::models::{ChallengeSignature, NewAccount, NewCustomer, NewWebhook, WebhookType};
use offblocks::Client;
use serde_json::{json, Value};

const CUSTOMER: &str = r#"{"id":"04c5851c-4386-5bd9-9f89-08312f8aee3a","externalId":"27c9aa3b-f12d-43b9-8e91-5264ccc998de","chainId":"eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d","status":"initiating","createdAt":"2024-01-12T14:53:02.65345725Z","updatedAt":"2024-01-12T14:53:02.65345725Z","challenge":"Y2g="}"#;
const ACCOUNT: &str = r#"{"id":"ae61c362-4136-49af-8e01-544457fe265b","customerId":"04c5851c-4386-5bd9-9f89-08312f8aee3a","status":"initiating","type":"card_account","currencies":["EUR"],"createdAt":"2024-01-12T15:07:17.358440283Z","updatedAt":"2024-01-12T15:07:17.358440283Z","challenge":"NWRm"}"#;
const WEBHOOK: &str =
    r#"{"id":"wh-1","callbackUrl":"https://example.com/hook","types":["customer.updated"]}"#;

/// Mounts one endpoint, runs `call`, and checks everything the request carried.
fn check(
    method: &str,
    path: &str,
    status: usize,
    response: &str,
    expected_body: Option<Value>,
    call: impl FnOnce(&Client),
) -> Seen {
    let Fixture {
        mut server,
        client,
        key,
        ..
    } = fixture();
    let log = Log::default();
    let response = response.to_owned();
    let sink = log.clone();
    let _mock = server
        .mock(method, path)
        .with_status(status)
        .with_header("content-type", "application/json")
        .with_body_from_request(move |req| {
            record(&sink, req);
            response.clone().into_bytes()
        })
        .expect(1)
        .create();
    call(&client);
    _mock.assert();
    let seen = log.lock().unwrap().pop().expect("request seen");
    assert_eq!(seen.method, method);
    assert_eq!(seen.path_and_query, path);
    assert_eq!(
        seen.header("authorization"),
        Some(&*format!("Bearer {TOKEN}"))
    );
    let components = verify_signature(&seen, &key);
    for c in ["@method", "@authority", "@path", "authorization"] {
        assert!(components.iter().any(|x| x == c), "{c} covered");
    }
    let mutation = method != "GET";
    let idem = seen.header("idempotency-key");
    assert_eq!(
        idem.is_some(),
        mutation,
        "Idempotency-Key only on mutations"
    );
    if let Some(k) = idem {
        uuid::Uuid::parse_str(k).expect("Idempotency-Key is a UUID");
        assert!(components.iter().any(|x| x == "idempotency-key"));
    }
    match expected_body {
        Some(body) => {
            assert_eq!(seen.header("content-type"), Some("application/json"));
            verify_digest(&seen);
            assert!(components.iter().any(|x| x == "content-digest"));
            assert!(components.iter().any(|x| x == "content-type"));
            assert_eq!(seen.json(), body);
        }
        None => {
            assert!(seen.body.is_empty(), "no body");
            assert!(seen.header("content-digest").is_none());
        }
    }
    seen
}

fn signed() -> ChallengeSignature {
    ChallengeSignature {
        owner_id: "eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d".into(),
        challenge: "Y2g=".into(),
        signature: "c2ln".into(),
    }
}

const CID: &str = "04c5851c-4386-5bd9-9f89-08312f8aee3a";
const AID: &str = "ae61c362-4136-49af-8e01-544457fe265b";

#[test]
fn customers_create() {
    let body = json!({"chainId": "eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d", "externalId": "27c9aa3b-f12d-43b9-8e91-5264ccc998de"});
    check("POST", "/v1/customers", 201, CUSTOMER, Some(body), |c| {
        let created = c
            .customers()
            .create(&NewCustomer {
                chain_id: "eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d".into(),
                external_id: "27c9aa3b-f12d-43b9-8e91-5264ccc998de".into(),
            })
            .unwrap();
        assert_eq!(created.id, CID);
        assert_eq!(created.challenge.as_deref(), Some("Y2g="));
    });
}

#[test]
fn customers_get() {
    check(
        "GET",
        &format!("/v1/customers/{CID}"),
        200,
        CUSTOMER,
        None,
        |c| {
            assert_eq!(
                c.customers().get(CID).unwrap().external_id,
                "27c9aa3b-f12d-43b9-8e91-5264ccc998de"
            );
        },
    );
}

#[test]
fn customers_list() {
    let list = format!("[{CUSTOMER},{CUSTOMER}]");
    check("GET", "/v1/customers", 200, &list, None, |c| {
        assert_eq!(c.customers().list().unwrap().len(), 2);
    });
}

#[test]
fn customers_challenge() {
    let path = format!("/v1/customers/{CID}/challenge");
    check("GET", &path, 200, r#"{"challenge":"YWJj"}"#, None, |c| {
        assert_eq!(c.customers().challenge(CID).unwrap(), "YWJj");
    });
}

#[test]
fn customers_sign_challenge() {
    let path = format!("/v1/customers/{CID}/challenge/sign");
    let body = json!({"ownerId": "eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d", "challenge": "Y2g=", "signature": "c2ln"});
    check("POST", &path, 204, "", Some(body), |c| {
        c.customers().submit_challenge(CID, &signed()).unwrap();
    });
}

#[test]
fn customers_deactivate() {
    let path = format!("/v1/customers/{CID}/deactivate");
    check("PATCH", &path, 200, CUSTOMER, None, |c| {
        c.customers().deactivate(CID).unwrap();
    });
}

#[test]
fn accounts_create() {
    let path = format!("/v1/customers/{CID}/accounts");
    let body = json!({"type": "card_account", "currencies": ["EUR"]});
    check("POST", &path, 201, ACCOUNT, Some(body), |c| {
        let a = c.accounts().create(CID, &NewAccount::default()).unwrap();
        assert_eq!(a.id, AID);
        assert_eq!(a.chain_id, None);
    });
}

#[test]
fn accounts_get() {
    check(
        "GET",
        &format!("/v1/accounts/{AID}"),
        200,
        ACCOUNT,
        None,
        |c| {
            assert_eq!(c.accounts().get(AID).unwrap().customer_id, CID);
        },
    );
}

#[test]
fn accounts_list() {
    let list = format!("[{ACCOUNT}]");
    check("GET", "/v1/accounts", 200, &list, None, |c| {
        assert_eq!(c.accounts().list().unwrap().len(), 1);
    });
}

#[test]
fn accounts_list_for_customer() {
    // A list wrapped in {"data": [...]} is accepted too.
    let list = format!(r#"{{"data":[{ACCOUNT}]}}"#);
    let path = format!("/v1/customers/{CID}/accounts");
    check("GET", &path, 200, &list, None, |c| {
        assert_eq!(c.accounts().list_for_customer(CID).unwrap()[0].id, AID);
    });
}

#[test]
fn accounts_challenge() {
    let path = format!("/v1/accounts/{AID}/challenge");
    check("GET", &path, 200, r#"{"challenge":"NWRm"}"#, None, |c| {
        assert_eq!(c.accounts().challenge(AID).unwrap(), "NWRm");
    });
}

#[test]
fn accounts_sign_challenge() {
    let path = format!("/v1/accounts/{AID}/challenge/sign");
    let body = json!({"ownerId": "eip155:280:0x22227A31dd842196A246d8f3b775998560eAa61d", "challenge": "Y2g=", "signature": "c2ln"});
    check("POST", &path, 204, "", Some(body), |c| {
        c.accounts().submit_challenge(AID, &signed()).unwrap();
    });
}

#[test]
fn accounts_activate() {
    check(
        "PATCH",
        &format!("/v1/accounts/{AID}/activate"),
        200,
        ACCOUNT,
        None,
        |c| {
            c.accounts().activate(AID).unwrap();
        },
    );
}

#[test]
fn accounts_deactivate() {
    check(
        "PATCH",
        &format!("/v1/accounts/{AID}/deactivate"),
        200,
        ACCOUNT,
        None,
        |c| {
            c.accounts().deactivate(AID).unwrap();
        },
    );
}

#[test]
fn accounts_close() {
    check(
        "DELETE",
        &format!("/v1/accounts/{AID}"),
        204,
        "",
        None,
        |c| {
            c.accounts().close(AID).unwrap();
        },
    );
}

#[test]
fn simulator_verify() {
    let path = format!("/v1/simulator/customers/{CID}/verify");
    check("PATCH", &path, 202, "", None, |c| {
        c.simulator().verify_customer(CID).unwrap();
    });
}

#[test]
fn simulator_reject() {
    let path = format!("/v1/simulator/customers/{CID}/reject");
    check("PATCH", &path, 202, "", None, |c| {
        c.simulator().reject_customer(CID).unwrap();
    });
}

#[test]
fn webhooks_put() {
    let body = json!({"callbackUrl": "https://example.com/hook", "types": ["customer.updated"]});
    check("PUT", "/v1/webhooks", 200, WEBHOOK, Some(body), |c| {
        let w = c
            .webhooks()
            .put(&NewWebhook {
                id: None,
                callback_url: "https://example.com/hook".into(),
                types: vec![WebhookType::CustomerUpdated],
            })
            .unwrap();
        assert_eq!(w.id, "wh-1");
    });
}

#[test]
fn webhooks_get() {
    check("GET", "/v1/webhooks/wh-1", 200, WEBHOOK, None, |c| {
        assert_eq!(
            c.webhooks().get("wh-1").unwrap().types,
            [WebhookType::CustomerUpdated]
        );
    });
}

#[test]
fn webhooks_list() {
    let list = format!("[{WEBHOOK}]");
    check("GET", "/v1/webhooks", 200, &list, None, |c| {
        assert_eq!(c.webhooks().list().unwrap().len(), 1);
    });
}

#[test]
fn webhooks_delete() {
    check("DELETE", "/v1/webhooks/wh-1", 204, "", None, |c| {
        c.webhooks().delete("wh-1").unwrap();
    });
}

#[test]
fn auth_rotate_credentials() {
    let body = json!({"apiKey": "new-key", "apiSecret": "new-secret"});
    check("PUT", "/v1/auth/credentials", 204, "", Some(body), |c| {
        c.auth()
            .rotate_credentials("new-key", "new-secret")
            .unwrap();
    });
}

#[test]
fn auth_revoke_credentials() {
    check("DELETE", "/v1/auth/credentials", 204, "", None, |c| {
        c.auth().revoke_credentials().unwrap();
    });
}

#[test]
fn auth_delete_signing_key() {
    check("DELETE", "/v1/auth/signing", 204, "", None, |c| {
        c.auth().delete_signing_key().unwrap();
        assert_eq!(c.key_id(), None);
    });
}

#[test]
fn auth_register_signing_key() {
    let Fixture {
        mut server,
        client,
        key,
        ..
    } = fixture();
    let log = Log::default();
    let sink = log.clone();
    let mock = server
        .mock("PUT", "/v1/auth/signing")
        .with_status(200)
        .with_body_from_request(move |req| {
            record(&sink, req);
            br#"{"keyId":"kid-from-server"}"#.to_vec()
        })
        .create();
    client.set_key_id(None);
    assert_eq!(
        client.auth().register_signing_key().unwrap(),
        "kid-from-server"
    );
    assert_eq!(client.key_id().as_deref(), Some("kid-from-server"));
    mock.assert();
    let seen = log.lock().unwrap().pop().unwrap();
    assert_eq!(seen.header("authorization"), Some("Bearer tok-1"));
    assert!(seen.header("idempotency-key").is_some());
    verify_digest(&seen);
    // The body is the SPKI PEM, base64-encoded as a whole.
    use base64::Engine;
    let pem = base64::engine::general_purpose::STANDARD
        .decode(seen.json()["publicKey"].as_str().unwrap())
        .unwrap();
    assert_eq!(String::from_utf8(pem).unwrap(), key.public_key_pem());
    // No key id was known, so the registration itself is not signed.
    assert!(seen.header("signature").is_none());
}

#[test]
fn auth_token_is_unsigned_and_carries_credentials() {
    let Fixture {
        mut server,
        client,
        token_mock,
        ..
    } = fixture();
    token_mock.remove();
    let log = Log::default();
    let sink = log.clone();
    // Within the 24 h a token is kept at most: the value is taken as given.
    let expires_at = common::now() + 3600;
    let _m = server
        .mock("POST", "/v1/auth/token")
        .with_status(200)
        .with_body_from_request(move |req| {
            record(&sink, req);
            format!(r#"{{"token":"fresh","expiresAt":{expires_at},"tokenType":"Bearer"}}"#)
                .into_bytes()
        })
        .create();
    let token = client.auth().token().unwrap();
    assert_eq!(token.value.expose(), "fresh");
    assert_eq!(token.expires_at, expires_at);
    let seen = log.lock().unwrap().pop().unwrap();
    assert_eq!(
        seen.json(),
        json!({"apiKey": "3f0e7a52-6f4c-4a4e-9a57-1d2f3c4b5a69", "apiSecret": "s3cr3t-api-secret"})
    );
    assert!(seen.header("authorization").is_none());
    assert!(seen.header("signature").is_none());
    assert!(seen.header("idempotency-key").is_none());
}
