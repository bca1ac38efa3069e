//! `/webhooks`: subscriptions (stored and listed; `crate::webhook` delivers their events).

use super::{body, ApiError, Ctx};
use crate::server::Response;
use crate::shared::lock;
use crate::store::Webhook;
use serde_json::Value;

fn valid_callback(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty() && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `PUT /webhooks` `{"id"?, "callbackUrl", "types"}`: creates, or replaces the webhook
/// with that `id` (an unknown `id` that is a UUID creates it under that id).
pub(crate) fn put(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let obj = body::object(ctx.req)?;
    let id = body::optional_string(&obj, "id")?;
    let callback_url = body::string(&obj, "callbackUrl")?;
    if !valid_callback(callback_url) {
        return Err(ApiError::invalid_field(
            "callbackUrl",
            "must be an http:// or https:// URL with a host",
        ));
    }
    let types = body::strings(&obj, "types")?;
    if types.is_empty() {
        return Err(ApiError::invalid_field("types", "must not be empty"));
    }
    let mut state = lock(&ctx.shared.state);
    if let Some(id) = id {
        if let Some(existing) = state.webhooks.iter_mut().find(|w| w.id == id) {
            existing.callback_url = callback_url.to_string();
            existing.types = types;
            existing.updated_at = ctx.now;
            return Ok(Response::json(200, &existing.to_json()));
        }
        if uuid::Uuid::try_parse(id).is_err() {
            return Err(ApiError::invalid_field("id", "must be a UUID"));
        }
    }
    let seq = state.next_seq();
    let webhook = Webhook {
        id: id.map_or_else(crate::random::uuid, str::to_string),
        callback_url: callback_url.to_string(),
        types,
        created_at: ctx.now,
        updated_at: ctx.now,
        seq,
    };
    let value = webhook.to_json();
    state.webhooks.push(webhook);
    Ok(Response::json(200, &value))
}

/// `GET /webhooks`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Result<Response, ApiError> {
    let query = super::pages::Query::parse(ctx.req, &[])?;
    let state = lock(&ctx.shared.state);
    let mut hooks: Vec<&Webhook> = state.webhooks.iter().collect();
    hooks.sort_by_key(|w| w.seq);
    let all: Vec<Value> = hooks.into_iter().map(Webhook::to_json).collect();
    drop(state);
    super::pages::answer(ctx.shared, &query, all)
}

/// `GET /webhooks/{id}`.
pub(crate) fn get(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let state = lock(&ctx.shared.state);
    let webhook = state
        .webhooks
        .iter()
        .find(|w| w.id == id)
        .ok_or_else(|| ApiError::not_found("webhook"))?;
    Ok(Response::json(200, &webhook.to_json()))
}

/// `DELETE /webhooks/{id}`.
pub(crate) fn delete(ctx: &Ctx<'_>, id: &str) -> Result<Response, ApiError> {
    let mut state = lock(&ctx.shared.state);
    let before = state.webhooks.len();
    state.webhooks.retain(|w| w.id != id);
    if state.webhooks.len() == before {
        return Err(ApiError::not_found("webhook"));
    }
    Ok(Response::empty(204))
}
