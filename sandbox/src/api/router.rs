//! The route table: paths under `/v1`, 404 for unknown paths, 405 for known paths with
//! another method.

use super::{accounts, auth, customers, webhooks, ApiError, Ctx};
use crate::server::Response;

/// Every API operation, with its path parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    AuthToken,
    AuthSigningPut,
    AuthSigningDelete,
    AuthCredentialsPut,
    AuthCredentialsDelete,
    CustomerCreate,
    CustomerList,
    CustomerGet(String),
    CustomerChallengeGet(String),
    CustomerChallengeSign(String),
    CustomerDeactivate(String),
    SimulatorVerify(String),
    SimulatorReject(String),
    AccountCreate(String),
    CustomerAccountList(String),
    AccountList,
    AccountGet(String),
    AccountChallengeGet(String),
    AccountChallengeSign(String),
    AccountActivate(String),
    AccountDeactivate(String),
    AccountClose(String),
    WebhookPut,
    WebhookList,
    WebhookGet(String),
    WebhookDelete(String),
}

/// Picks the route for `method` among those a path offers.
fn pick(method: &str, options: Vec<(&str, Route)>) -> Result<Route, ApiError> {
    let allow: Vec<&str> = options.iter().map(|(m, _)| *m).collect();
    options
        .into_iter()
        .find(|(m, _)| *m == method)
        .map(|(_, r)| r)
        .ok_or_else(|| {
            ApiError::new(
                405,
                "method_not_allowed",
                format!("{method} is not allowed here; use {}", allow.join(", ")),
            )
            .with_header("Allow", allow.join(", "))
        })
}

/// Maps a method and path to a route.
pub(crate) fn route(method: &str, path: &str) -> Result<Route, ApiError> {
    let not_found = || ApiError::new(404, "not_found", format!("no route for {path}"));
    let rest = path.strip_prefix("/v1/").ok_or_else(not_found)?;
    let segments: Vec<&str> = rest.split('/').collect();
    let id = |s: &str| s.to_string();
    use Route as R;
    match segments.as_slice() {
        ["auth", "token"] => pick(method, vec![("POST", R::AuthToken)]),
        ["auth", "signing"] => pick(
            method,
            vec![("PUT", R::AuthSigningPut), ("DELETE", R::AuthSigningDelete)],
        ),
        ["auth", "credentials"] => pick(
            method,
            vec![
                ("PUT", R::AuthCredentialsPut),
                ("DELETE", R::AuthCredentialsDelete),
            ],
        ),
        ["customers"] => pick(
            method,
            vec![("GET", R::CustomerList), ("POST", R::CustomerCreate)],
        ),
        ["customers", c] => pick(method, vec![("GET", R::CustomerGet(id(c)))]),
        ["customers", c, "challenge"] => {
            pick(method, vec![("GET", R::CustomerChallengeGet(id(c)))])
        }
        ["customers", c, "challenge", "sign"] => {
            pick(method, vec![("POST", R::CustomerChallengeSign(id(c)))])
        }
        ["customers", c, "deactivate"] => {
            pick(method, vec![("PATCH", R::CustomerDeactivate(id(c)))])
        }
        ["customers", c, "accounts"] => pick(
            method,
            vec![
                ("GET", R::CustomerAccountList(id(c))),
                ("POST", R::AccountCreate(id(c))),
            ],
        ),
        ["simulator", "customers", c, "verify"] => {
            pick(method, vec![("PATCH", R::SimulatorVerify(id(c)))])
        }
        ["simulator", "customers", c, "reject"] => {
            pick(method, vec![("PATCH", R::SimulatorReject(id(c)))])
        }
        ["accounts"] => pick(method, vec![("GET", R::AccountList)]),
        ["accounts", a] => pick(
            method,
            vec![
                ("GET", R::AccountGet(id(a))),
                ("DELETE", R::AccountClose(id(a))),
            ],
        ),
        ["accounts", a, "challenge"] => pick(method, vec![("GET", R::AccountChallengeGet(id(a)))]),
        ["accounts", a, "challenge", "sign"] => {
            pick(method, vec![("POST", R::AccountChallengeSign(id(a)))])
        }
        ["accounts", a, "activate"] => pick(method, vec![("PATCH", R::AccountActivate(id(a)))]),
        ["accounts", a, "deactivate"] => pick(method, vec![("PATCH", R::AccountDeactivate(id(a)))]),
        ["webhooks"] => pick(
            method,
            vec![("GET", R::WebhookList), ("PUT", R::WebhookPut)],
        ),
        ["webhooks", w] => pick(
            method,
            vec![
                ("GET", R::WebhookGet(id(w))),
                ("DELETE", R::WebhookDelete(id(w))),
            ],
        ),
        _ => Err(not_found()),
    }
}

/// Runs the handler of an authenticated route.
pub(crate) fn dispatch(ctx: &Ctx<'_>, route: &Route) -> Result<Response, ApiError> {
    match route {
        Route::AuthToken => auth::token(ctx.shared, ctx.req),
        Route::AuthSigningPut => auth::register_key(ctx),
        Route::AuthSigningDelete => auth::delete_key(ctx),
        Route::AuthCredentialsPut => auth::replace_credentials(ctx),
        Route::AuthCredentialsDelete => auth::revoke_credentials(ctx),
        Route::CustomerCreate => customers::create(ctx),
        Route::CustomerList => customers::list(ctx),
        Route::CustomerGet(id) => customers::get(ctx, id),
        Route::CustomerChallengeGet(id) => customers::challenge(ctx, id),
        Route::CustomerChallengeSign(id) => customers::sign(ctx, id),
        Route::CustomerDeactivate(id) => customers::deactivate(ctx, id),
        Route::SimulatorVerify(id) => customers::simulate_verify(ctx, id),
        Route::SimulatorReject(id) => customers::simulate_reject(ctx, id),
        Route::AccountCreate(id) => accounts::create(ctx, id),
        Route::CustomerAccountList(id) => accounts::list(ctx, Some(id)),
        Route::AccountList => accounts::list(ctx, None),
        Route::AccountGet(id) => accounts::get(ctx, id),
        Route::AccountChallengeGet(id) => accounts::challenge(ctx, id),
        Route::AccountChallengeSign(id) => accounts::sign(ctx, id),
        Route::AccountActivate(id) => accounts::activate(ctx, id),
        Route::AccountDeactivate(id) => accounts::deactivate(ctx, id),
        Route::AccountClose(id) => accounts::close(ctx, id),
        Route::WebhookPut => webhooks::put(ctx),
        Route::WebhookList => webhooks::list(ctx),
        Route::WebhookGet(id) => webhooks::get(ctx, id),
        Route::WebhookDelete(id) => webhooks::delete(ctx, id),
    }
}
