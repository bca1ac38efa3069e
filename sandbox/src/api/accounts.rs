//! `/accounts` and `/customers/{id}/accounts`: card accounts, their signed challenge,
//! deployment (`pending`) and activation.

use super::challenge::{check_signed, new_challenge, parse_signed};
use super::{body, found, found_mut, ApiError, Ctx};
use crate::clock::nanos;
use crate::server::Response;
use crate::shared::lock;
use crate::store::{Account, AccountStatus as S, Activation, Challenge, CustomerStatus};
use serde_json::{json, Value};

/// Active ISO 4217 alphabetic codes.
const ISO_4217: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD \
BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN \
ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD \
JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU \
MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB \
RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD \
TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG";

/// The sandbox's account challenge: base64 of a fresh UUID string.
fn account_challenge(now: i128) -> Challenge {
    new_challenge(crate::random::uuid().into_bytes(), now)
}

/// `POST /customers/{id}/accounts` `{"type": "card_account", "currencies": ["EUR"]}`.
pub(crate) fn create(ctx: &Ctx<'_>, customer_id: &str) -> Result<Response, ApiError> {
    if !lock(&ctx.shared.state).customers.contains_key(customer_id) {
        return Err(ApiError::not_found("customer"));
    }
    let obj = body::object(ctx.req)?;
    let kind = body::string(&obj, "type")?;
    if kind != "card_account" && kind != "CARD_ACCOUNT" {
        return Err(ApiError::invalid_field("type", "must be card_account"));
    }
    let currencies = body::strings(&obj, "currencies")?;
    if currencies.len() != 1 {
        return Err(ApiError::invalid_field(
            "currencies",
            "must hold exactly one currency",
        ));
    }
    if !ISO_4217.split(' ').any(|code| code == currencies[0]) {
        return Err(ApiError::invalid_field(
            "currencies",
            "must be an ISO 4217 code such as EUR",
        ));
    }
    let mut state = lock(&ctx.shared.state);
    let customer = found_mut(&mut state.customers, customer_id, "customer")?;
    customer.refresh(ctx.now);
    if customer.status != CustomerStatus::Active {
        return Err(ApiError::bad_request(
            "customer_not_active",
            format!(
                "customer is {}: accounts open only for active customers",
                customer.status.as_str()
            ),
        ));
    }
    let chain_ref = customer.account.chain_ref.clone();
    let seq = state.next_seq();
    let challenge = account_challenge(ctx.now);
    let account = Account {
        id: crate::random::uuid(),
        customer_id: customer_id.to_string(),
        chain_ref,
        chain_id: None,
        status: S::Initiating,
        currencies,
        created_at: ctx.now,
        updated_at: ctx.now,
        seq,
        challenge: Some(challenge.clone()),
        activation: None,
    };
    let mut value = account.to_json();
    value["challenge"] = Value::String(challenge.encoded);
    state.accounts.insert(account.id.clone(), account);
    Ok(Response::json(201, &value))
}

/// `GET /accounts` and `GET /customers/{id}/accounts`, paged as the page size says.
pub(crate) fn list(ctx: &Ctx<'_>, customer_id: Option<&String>) -> Result<Response, ApiError> {
    let query = super::pages::Query::parse(ctx.req, &[])?;
    let mut state = lock(&ctx.shared.state);
    if let Some(id) = customer_id {
        if !state.customers.contains_key(id) {
            return Err(ApiError::not_found("customer"));
        }
    }
    let all: Vec<Value> = state
        .accounts_sorted(customer_id.map(String::as_str))
        .into_iter()
        .map(|a| {
            a.refresh(ctx.now);
            a.to_json()
        })
        .collect();
    super::pages::answer(ctx.shared, &query, all)
}

/// `GET /accounts/{id}`: counts as a poll of a pending account.
pub(crate) fn get(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let mut state = lock(&ctx.shared.state);
    let account = found_mut(&mut state.accounts, id, "account")?;
    Ok(Response::json(200, &account.poll(ctx.now)))
}

fn not_initiating(account: &Account) -> ApiError {
    ApiError::invalid_state(format!(
        "account is {}: it has no challenge to sign",
        account.status.as_str()
    ))
}

/// `GET /accounts/{id}/challenge`: always a new challenge; earlier ones die.
pub(crate) fn challenge(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let mut state = lock(&ctx.shared.state);
    let account = found_mut(&mut state.accounts, id, "account")?;
    if account.status != S::Initiating {
        return Err(not_initiating(account));
    }
    let challenge = account_challenge(ctx.now);
    let encoded = challenge.encoded.clone();
    account.challenge = Some(challenge);
    Ok(Response::json(200, &json!({"challenge": encoded})))
}

/// `POST /accounts/{id}/challenge/sign`. Any failure answers 400 and replaces the
/// challenge; success starts the deployment (`pending`).
pub(crate) fn sign(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let (current, owner) = {
        let state = lock(&ctx.shared.state);
        let account = found(&state.accounts, id, "account")?;
        if account.status != S::Initiating {
            return Err(not_initiating(account));
        }
        let customer = found(&state.customers, &account.customer_id, "customer")?;
        (account.challenge.clone(), customer.account.clone())
    };
    let verify = ctx.shared.config.verify_account_signatures;
    let verdict = parse_signed(ctx.req)
        .and_then(|sent| check_signed(current.as_ref(), &sent, &owner, ctx.now, verify));
    let mut state = lock(&ctx.shared.state);
    let account = found_mut(&mut state.accounts, id, "account")?;
    if account.status != S::Initiating {
        return Err(not_initiating(account));
    }
    let unchanged =
        account.challenge.as_ref().map(|c| &c.encoded) == current.as_ref().map(|c| &c.encoded);
    let verdict = verdict.and_then(|()| {
        if unchanged {
            Ok(())
        } else {
            Err(ApiError::bad_request(
                "challenge_mismatch",
                "challenge was replaced while this request was processed",
            ))
        }
    });
    if let Err(err) = verdict {
        account.challenge = Some(account_challenge(ctx.now));
        return Err(err);
    }
    account.challenge = None;
    let config = &ctx.shared.config;
    let polls = config.activation_polls;
    let delay = if config.activation_delay.is_zero() {
        ctx.shared.settings().verification_delay
    } else {
        config.activation_delay
    };
    if polls == 0 && delay.is_zero() {
        account.activate_deployed(ctx.now);
    } else {
        account.activation = Some(Activation {
            polls_left: polls,
            by_polls: polls > 0,
            at: (!delay.is_zero()).then(|| ctx.now + nanos(delay)),
        });
        account.set_status(S::Pending, ctx.now);
    }
    Ok(Response::empty(204))
}

fn transition(ctx: &Ctx<'_>, id: &str, from: &[S], to: S, why: &str) -> Result<Response, ApiError> {
    let mut state = lock(&ctx.shared.state);
    let account = found_mut(&mut state.accounts, id, "account")?;
    account.refresh(ctx.now);
    if !from.contains(&account.status) {
        return Err(ApiError::invalid_state(format!(
            "account is {}: {why}",
            account.status.as_str()
        )));
    }
    account.set_status(to, ctx.now);
    Ok(Response::json(200, &account.to_json()))
}

/// `PATCH /accounts/{id}/activate`: `inactive` → `active`.
pub(crate) fn activate(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    transition(
        ctx,
        id,
        &[S::Inactive],
        S::Active,
        "only an inactive account can be activated",
    )
}

/// `PATCH /accounts/{id}/deactivate`: `active` → `inactive`.
pub(crate) fn deactivate(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let why = "only an active account can be deactivated";
    transition(ctx, id, &[S::Active], S::Inactive, why)
}

/// `DELETE /accounts/{id}`: → `closed` (final).
pub(crate) fn close(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let from = [S::Initiating, S::Pending, S::Active, S::Inactive];
    transition(ctx, id, &from, S::Closed, "it can no longer be closed")
}
