//! `/customers` and `/simulator/customers`: creation, ownership challenge (EIP-4361 +
//! EIP-191), screening, simulated verification, deactivation.

use super::challenge::{check_signed, new_challenge, parse_signed, CHALLENGE_LIFETIME_SECS};
use super::{body, found, found_mut, ApiError, Ctx};
use crate::eth::{challenge_message, parse_eip155_account, SiweFields};
use crate::server::Response;
use crate::shared::lock;
use crate::store::{Challenge, Customer, CustomerStatus as S};
use crate::timefmt::split;
use serde_json::{json, Value};

/// A fresh EIP-4361 challenge for `customer`, naming the configured domain or the Host
/// the client addressed.
fn customer_challenge(ctx: &Ctx<'_>, customer: &Customer) -> Challenge {
    let (domain, scheme) = match &ctx.shared.config.challenge_domain {
        Some(domain) => (domain.clone(), "https"),
        None => (
            ctx.req.authority().unwrap_or_else(|| "localhost".into()),
            if ctx.shared.tls.as_ref().is_some_and(|t| t.config.is_some()) {
                "https"
            } else {
                "http"
            },
        ),
    };
    let issued_at = split(ctx.now).0;
    let message = challenge_message(&SiweFields {
        domain: &domain,
        scheme,
        address: &customer.checksum_address(),
        chain_id: &customer.account.chain_ref,
        nonce: &crate::random::alphanumeric(16),
        issued_at,
        expires_at: issued_at + CHALLENGE_LIFETIME_SECS,
    });
    new_challenge(message.into_bytes(), ctx.now)
}

/// `POST /customers` `{"chainId", "externalId"}`.
pub(crate) fn create(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let obj = body::object(ctx.req)?;
    let chain_id = body::string(&obj, "chainId")?;
    let external_id = body::string(&obj, "externalId")?;
    if external_id.len() > 256 {
        return Err(ApiError::invalid_field(
            "externalId",
            "is longer than 256 bytes",
        ));
    }
    let account = parse_eip155_account(chain_id)
        .map_err(|e| ApiError::bad_request("invalid_chain_id", format!("chainId: {e}")))?;
    let mut state = lock(&ctx.shared.state);
    let existing = state.customers.values().find_map(|c| {
        if c.external_id == external_id {
            Some((c.id.clone(), "externalId"))
        } else if c.account == account {
            Some((c.id.clone(), "chainId"))
        } else {
            None
        }
    });
    if let Some((id, field)) = existing {
        return Err(ApiError::new(
            409,
            "customer_exists",
            format!("a customer with this {field} already exists"),
        )
        .with("customerId", Value::String(id)));
    }
    let seq = state.next_seq();
    let mut customer = Customer {
        id: crate::random::uuid(),
        external_id: external_id.to_string(),
        chain_id: chain_id.to_string(),
        account,
        status: S::Initiating,
        created_at: ctx.now,
        updated_at: ctx.now,
        seq,
        challenge: None,
        verified_at: None,
    };
    let challenge = customer_challenge(ctx, &customer);
    let mut value = customer.to_json();
    value["challenge"] = Value::String(challenge.encoded.clone());
    customer.challenge = Some(challenge);
    state.customers.insert(customer.id.clone(), customer);
    Ok(Response::json(201, &value))
}

/// `GET /customers`, optionally `?externalId=<id>` (the one customer with that
/// external id, or none), paged as the page size says.
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let query = super::pages::Query::parse(ctx.req, &["externalId"])?;
    let external_id = query.get("externalId");
    let mut state = lock(&ctx.shared.state);
    let all: Vec<Value> = state
        .customers_sorted()
        .into_iter()
        .filter(|c| external_id.is_none_or(|id| c.external_id == id))
        .map(|c| c.read_json(ctx.now))
        .collect();
    super::pages::answer(ctx.shared, &query, all)
}

/// `GET /customers/{id}`.
pub(crate) fn get(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let mut state = lock(&ctx.shared.state);
    let customer = found_mut(&mut state.customers, id, "customer")?;
    Ok(Response::json(200, &customer.read_json(ctx.now)))
}

fn signed_already(customer: &Customer) -> ApiError {
    ApiError::invalid_state(format!(
        "customer is {}: its challenge can no longer be fetched or signed",
        customer.status.as_str()
    ))
}

/// `GET /customers/{id}/challenge`: the current challenge, or a new one if it expired or
/// was issued later than now (the clock was set back since).
pub(crate) fn challenge(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let mut state = lock(&ctx.shared.state);
    let customer = found_mut(&mut state.customers, id, "customer")?;
    if customer.status != S::Initiating {
        return Err(signed_already(customer));
    }
    let fresh = customer
        .challenge
        .as_ref()
        .filter(|c| {
            let issued = c.expires_at - i128::from(CHALLENGE_LIFETIME_SECS) * 1_000_000_000;
            issued <= ctx.now && ctx.now < c.expires_at
        })
        .cloned();
    let current = match fresh {
        Some(current) => current,
        None => {
            let new = customer_challenge(ctx, customer);
            customer.challenge = Some(new.clone());
            new
        }
    };
    Ok(Response::json(200, &json!({"challenge": current.encoded})))
}

/// `POST /customers/{id}/challenge/sign`: EIP-191 over the decoded EIP-4361 message.
/// Any failure answers 400 and replaces the challenge.
pub(crate) fn sign(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let (current, owner) = {
        let state = lock(&ctx.shared.state);
        let customer = found(&state.customers, id, "customer")?;
        if customer.status != S::Initiating {
            return Err(signed_already(customer));
        }
        (customer.challenge.clone(), customer.account.clone())
    };
    // The signature is checked without holding the lock; the challenge is re-checked
    // below in case a concurrent request replaced it meanwhile.
    let verdict = parse_signed(ctx.req)
        .and_then(|sent| check_signed(current.as_ref(), &sent, &owner, ctx.now, true));
    let mut state = lock(&ctx.shared.state);
    let customer = found_mut(&mut state.customers, id, "customer")?;
    if customer.status != S::Initiating {
        return Err(signed_already(customer));
    }
    let unchanged =
        customer.challenge.as_ref().map(|c| &c.encoded) == current.as_ref().map(|c| &c.encoded);
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
    match verdict {
        Ok(()) => {
            customer.challenge = None;
            customer.set_status(S::Screening, ctx.now);
            Ok(Response::empty(204))
        }
        Err(err) => {
            customer.challenge = Some(customer_challenge(ctx, customer));
            Err(err)
        }
    }
}

/// Applies a state change allowed only `from` the given states.
fn transition(
    ctx: &Ctx<'_>,
    id: &str,
    from: &[S],
    to: S,
    status: u16,
    why: &str,
) -> Result<Response, ApiError> {
    let mut state = lock(&ctx.shared.state);
    let customer = found_mut(&mut state.customers, id, "customer")?;
    customer.refresh(ctx.now);
    if !from.contains(&customer.status) {
        return Err(ApiError::invalid_state(format!(
            "customer is {}: {why}",
            customer.status.as_str()
        )));
    }
    customer.set_status(to, ctx.now);
    Ok(Response::json(status, &customer.to_json()))
}

/// `PATCH /customers/{id}/deactivate`: `active` → `inactive`.
pub(crate) fn deactivate(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let why = "only an active customer can be deactivated";
    transition(ctx, id, &[S::Active], S::Inactive, 200, why)
}

/// `PATCH /simulator/customers/{id}/verify`: screening/verifying → `active`, at once or,
/// with a verification delay, that long after the first verify (the customer is
/// `verifying` meanwhile; a second verify does not move the time).
pub(crate) fn simulate_verify(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let why = "only a customer that signed its challenge and awaits verification can be verified";
    let delay = ctx.shared.settings().verification_delay;
    if delay.is_zero() {
        return transition(ctx, id, &[S::Screening, S::Verifying], S::Active, 202, why);
    }
    let mut state = lock(&ctx.shared.state);
    let customer = found_mut(&mut state.customers, id, "customer")?;
    customer.refresh(ctx.now);
    if !matches!(customer.status, S::Screening | S::Verifying) {
        return Err(ApiError::invalid_state(format!(
            "customer is {}: {why}",
            customer.status.as_str()
        )));
    }
    if customer.status == S::Screening {
        customer.set_status(S::Verifying, ctx.now);
    }
    let at = ctx.now + crate::clock::nanos(delay);
    customer.verified_at.get_or_insert(at);
    Ok(Response::json(202, &customer.to_json()))
}

/// `PATCH /simulator/customers/{id}/reject`: any onboarding state → `rejected`.
pub(crate) fn simulate_reject(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let why = "only a customer still onboarding can be rejected";
    let from = [S::Initiating, S::Screening, S::Verifying];
    transition(ctx, id, &from, S::Rejected, 202, why)
}
