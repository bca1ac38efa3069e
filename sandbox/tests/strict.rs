//! The strict modes that make the emulator behave like OffBlocks' own verifier: a zero
//! `created` tolerance, a clock offset by any number of milliseconds from the start, and
//! the `400 text/plain` refusal style.

mod common;

use common::{b64decode, Client, Opts, Wallet};
use offblocks_sandbox::{RefusalStyle, Sandbox, SandboxConfig};
use serde_json::json;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(SandboxConfig {
        activation_polls: 0,
        ..config
    })
    .unwrap()
}

fn system_millis() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    i64::try_from(since.as_millis()).unwrap()
}

/// Moves the sandbox clock so that it reads 50 ms past a whole second: a request sent
/// now is checked within the same second it was signed in, even on a loaded machine.
fn pin_to_start_of_second(sandbox: &Sandbox) {
    let millis = system_millis();
    sandbox.clock().set_offset_ms(50 - millis.rem_euclid(1000));
}

/// Days since 1970-01-01 of a civil date (the inverse of the calendar the server uses).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn unix(year: i64, month: i64, day: i64, hms: &str) -> i64 {
    let parts: Vec<i64> = hms.split(':').map(|p| p.parse().unwrap()).collect();
    days_from_civil(year, month, day) * 86_400 + parts[0] * 3600 + parts[1] * 60 + parts[2]
}

/// An IMF-fixdate (`Tue, 14 Nov 2023 22:13:20 GMT`) as Unix seconds.
fn parse_http_date(date: &str) -> i64 {
    let fields: Vec<&str> = date.split(' ').collect();
    assert_eq!(fields.len(), 6, "not an IMF-fixdate: {date}");
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == fields[2]).unwrap() as i64 + 1;
    unix(
        fields[3].parse().unwrap(),
        month,
        fields[1].parse().unwrap(),
        fields[4],
    )
}

/// `2024-01-17T18:21:53Z` (whole seconds, as in EIP-4361 messages) as Unix seconds.
fn parse_rfc3339_secs(text: &str) -> i64 {
    let (date, time) = text.trim_end_matches('Z').split_once('T').unwrap();
    let ymd: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    unix(ymd[0], ymd[1], ymd[2], time)
}

#[test]
fn created_in_the_next_second_is_refused_at_zero_tolerance_only() {
    let strict = start(SandboxConfig {
        created_tolerance: Duration::ZERO,
        ..SandboxConfig::default()
    });
    let lenient = start(SandboxConfig::default());
    assert_eq!(lenient.config().created_tolerance, Duration::from_secs(5));

    let mut client = Client::ready(&strict);
    pin_to_start_of_second(&strict);
    let now = strict.clock().now_secs();
    let ahead = Opts {
        created: Some(now + 1),
        ..Opts::default()
    };
    let resp = client.request("GET", "/v1/customers", None, ahead.clone());
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (401, "signature_created_in_future"),
        "{:?}",
        resp.json()
    );
    // The server checked in the second the request was signed in.
    assert_eq!(resp.json()["serverTime"], json!(now));
    // The current second itself passes, though the server is only 50 ms into it.
    let same_second = Opts {
        created: Some(now),
        ..Opts::default()
    };
    let resp = client.request("GET", "/v1/customers", None, same_second);
    assert_eq!(resp.status, 200, "{:?}", resp.json());

    let mut client = Client::ready(&lenient);
    pin_to_start_of_second(&lenient);
    let now = lenient.clock().now_secs();
    let resp = client.request(
        "GET",
        "/v1/customers",
        None,
        Opts {
            created: Some(now + 1),
            ..Opts::default()
        },
    );
    assert_eq!(resp.status, 200, "{:?}", resp.json());
    let resp = client.request(
        "GET",
        "/v1/customers",
        None,
        Opts {
            created: Some(now + 6),
            ..Opts::default()
        },
    );
    assert_eq!(resp.code(), "signature_created_in_future");
}

#[test]
fn a_millisecond_offset_moves_date_and_challenges() {
    let sandbox = start(SandboxConfig {
        clock_offset_ms: -1500,
        ..SandboxConfig::default()
    });
    assert_eq!(sandbox.clock().offset_ms(), -1500);
    let mut client = Client::ready(&sandbox);

    let before = system_millis();
    let resp = client.get("/v1/customers");
    let after = system_millis();
    assert_eq!(resp.status, 200, "{:?}", resp.json());
    let date = parse_http_date(resp.header("date").unwrap());
    // The response was dated between `before` and `after`, 1.5 s earlier, floored.
    assert!(
        ((before - 1500).div_euclid(1000)..=(after - 1500).div_euclid(1000)).contains(&date),
        "Date {date} is not 1.5 s behind the system clock ({before}..{after} ms)"
    );

    let wallet = Wallet::new();
    let before = system_millis();
    let created = client.send(
        "POST",
        "/v1/customers",
        Some(&json!({"chainId": wallet.chain_id(280), "externalId": "offset-1"})),
    );
    let after = system_millis();
    assert_eq!(created.status, 201, "{:?}", created.json());
    let message =
        String::from_utf8(b64decode(created.json()["challenge"].as_str().unwrap())).unwrap();
    let issued = message
        .lines()
        .find_map(|l| l.strip_prefix("Issued At: "))
        .unwrap();
    let issued = parse_rfc3339_secs(issued);
    assert!(
        ((before - 1500).div_euclid(1000)..=(after - 1500).div_euclid(1000)).contains(&issued),
        "Issued At {issued} is not 1.5 s behind the system clock ({before}..{after} ms)"
    );
}

#[test]
fn the_offblocks_refusal_style_answers_400_text() {
    let sandbox = start(SandboxConfig {
        refusal_style: RefusalStyle::Offblocks,
        created_tolerance: Duration::ZERO,
        ..SandboxConfig::default()
    });
    let mut client = Client::ready(&sandbox);
    let refused = |resp: &common::Resp| {
        let shown = String::from_utf8_lossy(&resp.body).to_string();
        assert_eq!(resp.status, 400, "{shown}");
        assert_eq!(
            resp.header("content-type"),
            Some("text/plain; charset=utf-8"),
            "{shown}"
        );
        assert_eq!(resp.body, b"invalid required signature\n");
    };
    // No signature at all.
    let unsigned = Opts {
        unsigned: true,
        ..Opts::default()
    };
    refused(&client.request("GET", "/v1/customers", None, unsigned));
    // A created in the server's future.
    pin_to_start_of_second(&sandbox);
    let ahead = Opts {
        created: Some(sandbox.clock().now_secs() + 1),
        ..Opts::default()
    };
    refused(&client.request("GET", "/v1/customers", None, ahead));
    // A signature that does not match the request: a covered header changed after
    // signing (the Idempotency-Key's first hex digit).
    let mut bytes = client.build(
        "POST",
        "/v1/customers",
        Some(&json!({"chainId": Wallet::new().chain_id(280), "externalId": "a"})),
        &Opts::default(),
    );
    let name = b"Idempotency-Key: ";
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap() + name.len();
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    refused(&client.raw(&bytes).unwrap());
    // A body changed after signing is a Content-Digest failure, not a signature one:
    // it keeps its JSON answer.
    let mut bytes = client.build(
        "POST",
        "/v1/customers",
        Some(&json!({"chainId": Wallet::new().chain_id(280), "externalId": "a"})),
        &Opts::default(),
    );
    let at = bytes.iter().rposition(|b| *b == b'a').unwrap();
    bytes[at] = b'b';
    let resp = client.raw(&bytes).unwrap();
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (400, "invalid_content_digest")
    );

    // Failures other than the signature keep their JSON answers.
    let resp = client.get("/v1/customers/00000000-0000-4000-8000-000000000000");
    assert_eq!((resp.status, resp.code().as_str()), (404, "not_found"));
    assert_eq!(resp.header("content-type"), Some("application/json"));
    let mut no_token = Client::connect(&sandbox);
    let resp = no_token.get("/v1/customers");
    assert_eq!((resp.status, resp.code().as_str()), (401, "invalid_token"));

    // The default style is unchanged: 401 and the reason as JSON.
    let detailed = start(SandboxConfig::default());
    assert_eq!(detailed.config().refusal_style, RefusalStyle::Detailed);
    let mut client = Client::ready(&detailed);
    let unsigned = Opts {
        unsigned: true,
        ..Opts::default()
    };
    let resp = client.request("GET", "/v1/customers", None, unsigned);
    assert_eq!(
        (resp.status, resp.code().as_str()),
        (401, "missing_signature")
    );
    assert_eq!(resp.header("content-type"), Some("application/json"));
}
