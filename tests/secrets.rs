//! Secrets never appear in `Debug` output or error messages.

mod common;

use common::fixture;

#[test]
fn debug_output_holds_no_secret() {
    let f = fixture();
    let token = f.client.auth().token().unwrap();
    let pem = f.key.to_pkcs8_pem().unwrap();
    let pem_body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let dumps = [
        format!("{:?}", f.client),
        format!("{:#?}", f.client),
        format!("{:?}", f.key),
        format!("{:?}", token),
        format!(
            "{:?}",
            offblocks::Client::builder().credentials("k", "s3cr3t-api-secret")
        ),
    ];
    for d in &dumps {
        assert!(!d.contains("s3cr3t-api-secret"), "api secret leaked: {d}");
        assert!(!d.contains(common::TOKEN), "token leaked: {d}");
        assert!(!d.contains(&pem_body[..40]), "key leaked: {d}");
        assert!(d.contains("redacted"), "says it is redacted: {d}");
    }
    // The settings hold no secret but a proxy's password, shown as `***`.
    let proxied = offblocks::Client::builder()
        .base_url("http://127.0.0.1:9/v1")
        .credentials("k", "s3cr3t-api-secret")
        .signing_key(f.key.clone())
        .proxy("http://user:pr0xy-pa55@127.0.0.1:3128")
        .build()
        .unwrap();
    for d in [
        format!("{:?}", f.client.config()),
        format!("{:?}", proxied.config()),
        format!("{proxied:?}"),
    ] {
        assert!(
            !d.contains("s3cr3t-api-secret") && !d.contains(&pem_body[..40]),
            "{d}"
        );
        assert!(!d.contains("pr0xy-pa55") && !d.contains("user:"), "{d}");
    }
    assert!(format!("{:?}", proxied.config()).contains("***@127.0.0.1:3128"));
}

#[test]
fn errors_hold_no_secret() {
    let mut f = fixture();
    let _m = f
        .server
        .mock("GET", "/v1/customers")
        .with_status(500)
        .with_body("oops")
        .create();
    let err = f.client.customers().list().unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains(common::TOKEN));
    assert!(!text.contains("s3cr3t-api-secret"));
}
