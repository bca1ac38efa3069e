//! Lists against the emulator's paged mode: every page is followed, so `list()` is the
//! whole list, and `find_by_external_id` asks the server for the one customer.

use offblocks::models::NewCustomer;
use offblocks::wallet::Wallet;
use offblocks::{Client, SigningKey};
use offblocks_sandbox::{Sandbox, SandboxConfig};

fn client_for(sandbox: &Sandbox) -> Client {
    let client = Client::builder()
        .base_url(sandbox.url())
        .credentials(sandbox.api_key(), sandbox.api_secret())
        .signing_key(SigningKey::generate().unwrap())
        .build()
        .unwrap();
    client.auth().register_signing_key().unwrap();
    client
}

#[test]
fn a_paged_list_is_followed_to_its_end() {
    let sandbox = Sandbox::start(SandboxConfig {
        page_size: 2,
        ..SandboxConfig::default()
    })
    .unwrap();
    let client = client_for(&sandbox);
    for i in 0..5 {
        let wallet = Wallet::random().unwrap();
        let owner = format!("eip155:300:{}", wallet.address());
        client
            .customers()
            .create(&NewCustomer {
                chain_id: owner,
                external_id: format!("paged-{i}"),
            })
            .unwrap();
    }
    let all = client.customers().list().unwrap();
    let ids: Vec<&str> = all.iter().map(|c| c.external_id.as_str()).collect();
    assert_eq!(ids, ["paged-0", "paged-1", "paged-2", "paged-3", "paged-4"]);
    let sizes: Vec<usize> = client
        .customers()
        .list_pages()
        .map(|p| p.unwrap().len())
        .collect();
    assert_eq!(sizes, [2, 2, 1]);
    let found = client.customers().find_by_external_id("paged-3").unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].external_id, "paged-3");
}
