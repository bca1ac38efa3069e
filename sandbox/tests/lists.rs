//! Lists: one bare array by default; with a page size, pages linked by `nextCursor`;
//! `GET /customers?externalId=` finds the one customer.

mod common;

use common::{active_customer, Client};
use offblocks_sandbox::{Sandbox, SandboxConfig};
use serde_json::{json, Value};

#[test]
fn lists_page_by_cursor_and_customers_filter_by_external_id() {
    let sandbox = Sandbox::start(SandboxConfig {
        activation_polls: 0,
        page_size: 2,
        ..SandboxConfig::default()
    })
    .unwrap();
    let mut client = Client::ready(&sandbox);
    let ids: Vec<String> = (0..5).map(|_| active_customer(&mut client).0).collect();
    let mut seen = Vec::new();
    let mut path = "/v1/customers".to_string();
    loop {
        let page = client.get(&path).json();
        assert_eq!(page["total"], 5);
        seen.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].clone()),
        );
        match page["nextCursor"].as_str() {
            Some(cursor) => {
                assert_eq!(page["hasMore"], true);
                path = format!("/v1/customers?cursor={cursor}");
            }
            None => break,
        }
    }
    assert_eq!(seen, ids.iter().map(|i| json!(i)).collect::<Vec<Value>>());
    let unknown = client.get("/v1/customers?cursor=99");
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (400, "invalid_cursor")
    );
    let bad = client.get("/v1/customers?limit=1");
    assert_eq!(bad.code(), "invalid_query");
    // The filter: exactly the customer with that external id.
    let external = sandbox.customers()[3]["externalId"]
        .as_str()
        .unwrap()
        .to_string();
    let found = client
        .get(&format!("/v1/customers?externalId={external}"))
        .json();
    assert_eq!(found["data"].as_array().unwrap().len(), 1);
    assert_eq!(found["data"][0]["id"], json!(ids[3]));
    assert_eq!(found["nextCursor"], Value::Null);
    let none = client.get("/v1/customers?externalId=nobody%20here").json();
    assert_eq!(none["data"], json!([]));
    // Without a page size: one bare array, and no cursor to follow.
    sandbox.set_page_size(0);
    assert_eq!(
        client.get("/v1/customers").json().as_array().unwrap().len(),
        5
    );
    assert_eq!(client.get("/v1/customers?cursor=2").status, 400);
}
