//! The whole onboarding flow in one call: from nothing to an `active` account.
//!
//! Every step is resumable. Mutations carry Idempotency-Keys derived (UUIDv8 over SHA-256) from the
//! API key, the external id, the owner, the step and what makes the step distinct (the
//! account's type and currencies), so running the flow again after a crash replays the
//! server's earlier answers instead of creating anything twice; after the keys expire
//! (1 h), an existing customer is picked up from the `409` and an existing account from
//! the customer's account list.
//!
//! Nothing the server returns is taken on its word: every answer the flow acts on (the
//! create, each poll, each entry of a list it searches) is checked against what was
//! asked. A customer must have the external id and the owner (chain and address) asked
//! for, and a poll must answer the id polled; an account must belong to the customer and
//! have the type and currencies asked for, and a poll must answer the id polled with a
//! deployed address (`chainId`) that, once given, never moves; every account of the
//! customer's list must be the customer's. The challenges are checked against what was
//! asked, never against what the server returned. A mismatch is
//! [`Error::ChallengeRefused`] with [`Refusal::NotRequested`], returned before anything
//! else is sent: nothing is verified, created or signed on a lie.
//!
//! [`OnboardingRequest::timeout`] bounds the whole flow: each call ends by it (its
//! retries and `Retry-After` waits included) as well as by the call deadline.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::api::{Accounts, ChallengeOptions, Customers, Simulator};
use crate::config::json;
use crate::error::{Error, Result};
use crate::ids;
use crate::models::{Account, AccountStatus, Customer, CustomerStatus, NewAccount, NewCustomer};
use crate::session::Session;
use crate::transport::Deadline;
use crate::wallet::{AccountId, ChainId, Refusal, Signer};

/// The shortest pause between two polls, whatever the request says.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(10);

/// What to onboard, declared once with its defaults.
///
/// The C ABI's JSON request (`offblocks_client_onboard`) deserializes into this type: camelCase
/// keys, durations in milliseconds (`timeoutMs`, `pollIntervalMs`, `maxPollIntervalMs`),
/// unknown keys refused. `externalId` and `chain` are required; every other field takes
/// the default [`OnboardingRequest::new`] gives, which the other languages read from
/// `offblocks_onboarding_defaults` rather than writing it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OnboardingRequest {
    /// Your id for the customer.
    pub external_id: String,
    /// The chain the customer's wallet lives on (CAIP-2, e.g. `eip155:300`).
    #[serde(with = "chain_text")]
    pub chain: ChainId,
    /// Call the sandbox simulator's verify when the customer waits for verification.
    /// `None` follows the environment: on against OffBlocks' sandboxes
    /// (`api.sandbox.offblocks.xyz`) and a loopback emulator, off elsewhere. `Some(true)`
    /// against production (`api.offblocks.xyz`) is an error: it has no simulator, and
    /// KYC there is done by people. Defaults to `None`.
    #[serde(default)]
    pub simulate_verification: Option<bool>,
    /// The account to open. Defaults to a EUR card account ([`NewAccount::default`]).
    #[serde(default)]
    pub account: NewAccount,
    /// How long the whole flow may take: every call, retry and `Retry-After` wait in it,
    /// and the waits for statuses to change. A call cut short by it returns its own
    /// error (the last answer, or a transport error) saying so; a status that does not
    /// change in time is [`Error::Timeout`]. Defaults to 120 s.
    #[serde(
        rename = "timeoutMs",
        with = "json::millis",
        default = "defaults::timeout"
    )]
    pub timeout: Duration,
    /// The first pause between polls; it doubles up to `max_poll_interval`. At least
    /// [`MIN_POLL_INTERVAL`] (a shorter one is raised to it). Defaults to 100 ms.
    #[serde(
        rename = "pollIntervalMs",
        with = "json::millis",
        default = "defaults::poll_interval"
    )]
    pub poll_interval: Duration,
    /// The longest pause between two polls, fit for KYC that takes hours (at least
    /// `poll_interval`). Defaults to 30 s.
    #[serde(
        rename = "maxPollIntervalMs",
        with = "json::millis",
        default = "defaults::max_poll_interval"
    )]
    pub max_poll_interval: Duration,
}

/// The defaults of [`OnboardingRequest`]'s optional fields, which both
/// [`OnboardingRequest::new`] and the JSON request take.
mod defaults {
    use std::time::Duration;

    pub(super) fn timeout() -> Duration {
        Duration::from_secs(120)
    }

    pub(super) fn poll_interval() -> Duration {
        Duration::from_millis(100)
    }

    pub(super) fn max_poll_interval() -> Duration {
        Duration::from_secs(30)
    }
}

/// A [`ChainId`] as its CAIP-2 text; a malformed one is an invalid setting.
mod chain_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::config::json::invalid;
    use crate::wallet::ChainId;

    pub(super) fn serialize<S: Serializer>(c: &ChainId, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(c)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ChainId, D::Error> {
        let text = String::deserialize(d)?;
        ChainId::parse(&text).map_err(invalid)
    }
}

impl OnboardingRequest {
    /// A request with the defaults: the simulator as the environment allows, a EUR card
    /// account, a 120 s timeout, polls from 100 ms doubling up to 30 s.
    pub fn new(external_id: impl Into<String>, chain: ChainId) -> OnboardingRequest {
        OnboardingRequest {
            external_id: external_id.into(),
            chain,
            simulate_verification: None,
            account: NewAccount::default(),
            timeout: defaults::timeout(),
            poll_interval: defaults::poll_interval(),
            max_poll_interval: defaults::max_poll_interval(),
        }
    }

    /// The defaults of the optional fields as the JSON request writes them
    /// (`{"simulateVerification": null, "account": {…}, "timeoutMs": 120000, …}`),
    /// without the required `externalId` and `chain`.
    pub(crate) fn defaults_json() -> serde_json::Map<String, serde_json::Value> {
        let any = OnboardingRequest::new(String::new(), ChainId::eip155(1));
        let mut map = match serde_json::to_value(any) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        map.remove("externalId");
        map.remove("chain");
        map
    }
}

/// Where [`crate::Client::onboard_or_wait`] stopped: done, or waiting on OffBlocks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Onboarding {
    /// The customer and the account are `active`.
    Done(Onboarded),
    /// OffBlocks has the next move (KYC, the account's deployment). Run the flow again
    /// with the same request and signer when it has made it (a webhook, a timer, a
    /// restart): it continues from here and creates nothing twice.
    Waiting(Waiting),
}

/// A flow waiting on OffBlocks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Waiting {
    /// What it waits for: [`Step::WaitCustomer`] or [`Step::WaitAccount`].
    #[serde(serialize_with = "step_name")]
    pub step: Step,
    /// The customer, as last read.
    pub customer: Customer,
    /// The account, as last read, once there is one.
    pub account: Option<Account>,
}

fn step_name<S: serde::Serializer>(step: &Step, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(step.as_str())
}

/// A step of the flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Step {
    /// `POST /customers` (or picking up the existing customer).
    CreateCustomer,
    /// Signing the customer's EIP-4361 challenge.
    SignCustomerChallenge,
    /// The simulator's verify (sandbox).
    VerifyCustomer,
    /// Waiting for the customer to become `active`.
    WaitCustomer,
    /// `POST /customers/{id}/accounts` (or picking up the existing account).
    CreateAccount,
    /// Signing the account's challenge.
    SignAccountChallenge,
    /// Waiting for the account to become `active`.
    WaitAccount,
    /// Finished.
    Done,
}

impl Step {
    /// A short snake_case name (`create_customer`…), stable for logs and other languages.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::CreateCustomer => "create_customer",
            Step::SignCustomerChallenge => "sign_customer_challenge",
            Step::VerifyCustomer => "verify_customer",
            Step::WaitCustomer => "wait_customer",
            Step::CreateAccount => "create_account",
            Step::SignAccountChallenge => "sign_account_challenge",
            Step::WaitAccount => "wait_account",
            Step::Done => "done",
        }
    }
}

/// A report of progress, given to the callback after each step and, while the flow
/// waits, before each pause between polls: [`Step::WaitCustomer`] or [`Step::WaitAccount`]
/// with the status just seen (`screening`, `pending`…), then once more with `active` when
/// the wait ends. A wait of several polls thus reports the same step several times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The step just done, or being waited on.
    pub step: Step,
    /// The resource's status after it.
    pub status: String,
    /// Time since the flow started.
    pub elapsed: Duration,
    /// A short description (ids, what happened).
    pub message: String,
}

/// The flow's result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Onboarded {
    /// The customer, `active`.
    pub customer: Customer,
    /// The account, `active`.
    pub account: Account,
}

/// Namespace of the derived Idempotency-Keys.
const KEY_NAMESPACE: &[u8] = b"offblocks-onboarding";

struct Flow<'a> {
    session: &'a Session,
    req: &'a OnboardingRequest,
    owner: AccountId,
    started: Instant,
    /// `started` plus the request's timeout: every call ends by it.
    deadline: Deadline,
    progress: &'a mut dyn FnMut(&Progress) -> bool,
    /// Whether the flow calls the sandbox simulator.
    simulate: bool,
    /// Whether a wait on OffBlocks ends the run (the caller resumes later).
    return_when_waiting: bool,
}

/// What an answer about an account is checked against, besides its customer.
#[derive(Clone, Copy)]
enum AccountAsked<'a> {
    /// An entry of the customer's account list: any of the customer's accounts.
    Listed,
    /// The account asked for (type and currencies); when it was seen before, the same
    /// id and the same deployed address once there is one.
    Wanted(Option<&'a Account>),
}

/// What a progress callback returns: nothing (`()`, go on), or a
/// [`ControlFlow`] whose `Break(())` stops the flow with [`Error::Cancelled`] (at
/// [`Step::Done`] there is nothing left to stop: the flow returns its result).
pub trait ProgressReply {
    /// Whether the flow goes on.
    fn go_on(self) -> bool;
}

impl ProgressReply for () {
    fn go_on(self) -> bool {
        true
    }
}

impl ProgressReply for ControlFlow<()> {
    fn go_on(self) -> bool {
        self.is_continue()
    }
}

/// Runs the flow (see [`crate::Client::onboard`]); `progress` returns whether to go on.
/// With `return_when_waiting`, returns [`Onboarding::Waiting`] instead of polling.
pub(crate) fn run(
    session: &Session,
    req: &OnboardingRequest,
    signer: &dyn Signer,
    progress: &mut dyn FnMut(&Progress) -> bool,
    return_when_waiting: bool,
) -> Result<Onboarding> {
    let simulate = simulator_allowed(session, req.simulate_verification)?;
    let owner = AccountId::from_evm(req.chain.clone(), &signer.address()?);
    let started = Instant::now();
    let mut flow = Flow {
        session,
        req,
        owner,
        started,
        deadline: Deadline::since(started, req.timeout, "onboarding timeout"),
        progress,
        simulate,
        return_when_waiting,
    };
    let customer = flow.customer(signer)?;
    if customer.status != CustomerStatus::Active {
        return Ok(Onboarding::Waiting(Waiting {
            step: Step::WaitCustomer,
            customer,
            account: None,
        }));
    }
    let account = flow.account(&customer, signer)?;
    if account.status != AccountStatus::Active {
        return Ok(Onboarding::Waiting(Waiting {
            step: Step::WaitAccount,
            customer,
            account: Some(account),
        }));
    }
    // The flow is complete: a stop asked for now has nothing left to stop.
    let _ = flow.report(Step::Done, "active", format!("account {}", account.id));
    Ok(Onboarding::Done(Onboarded { customer, account }))
}

/// OffBlocks' production API: it has no simulator.
const PRODUCTION_HOST: &str = "api.offblocks.xyz";
/// OffBlocks' sandbox API.
const SANDBOX_HOST: &str = "api.sandbox.offblocks.xyz";

/// Whether the flow calls the simulator: as asked, else as the environment allows.
fn simulator_allowed(session: &Session, asked: Option<bool>) -> Result<bool> {
    let base = session.transport().base();
    let host = base.host().trim_end_matches('.').to_ascii_lowercase();
    match asked {
        Some(true) if host == PRODUCTION_HOST => Err(Error::InvalidInput(format!(
            "simulate_verification against production ({host}): production has no \
             simulator; KYC there takes its own time (leave the setting unset, or false)"
        ))),
        Some(asked) => Ok(asked),
        None => Ok(host == SANDBOX_HOST || base.is_loopback()),
    }
}

impl<'a> Flow<'a> {
    /// Tells the caller a step is done; fails with [`Error::Cancelled`] when it says stop.
    fn report(&mut self, step: Step, status: &str, message: String) -> Result<()> {
        let go_on = (self.progress)(&Progress {
            step,
            status: status.to_owned(),
            elapsed: self.started.elapsed(),
            message,
        });
        if go_on {
            Ok(())
        } else {
            Err(Error::Cancelled(format!(
                "onboarding cancelled after {}",
                step.as_str()
            )))
        }
    }

    /// The Idempotency-Key of `step` (its name, then what makes it distinct), the same
    /// on every run of this onboarding. The parts are length-prefixed: lists that differ
    /// anywhere (`["EUR,USD"]` and `["EUR", "USD"]`) give different keys.
    fn key(&self, step: &[&str]) -> String {
        let api_key = self.session.tokens().api_key();
        let owner = self.owner.to_string();
        let mut parts = vec![api_key.as_bytes(), self.req.external_id.as_bytes()];
        parts.push(owner.as_bytes());
        parts.extend(step.iter().map(|p| p.as_bytes()));
        ids::derived_parts(KEY_NAMESPACE, &parts).to_string()
    }

    /// The customer calls, each ended by the flow's deadline.
    fn customers(&self) -> Customers<'a> {
        Customers::new(self.session).until(self.deadline)
    }

    /// The account calls, each ended by the flow's deadline.
    fn accounts(&self) -> Accounts<'a> {
        Accounts::new(self.session).until(self.deadline)
    }

    fn customer(&mut self, signer: &dyn Signer) -> Result<Customer> {
        let customers = self.customers();
        let new = NewCustomer {
            chain_id: self.owner.to_string(),
            external_id: self.req.external_id.clone(),
        };
        let keyed = customers
            .clone()
            .idempotency_key(self.key(&["create-customer"]));
        let mut customer = match keyed.create(&new) {
            Ok(c) => c,
            Err(Error::Conflict(api)) => self.existing_customer(api.json.as_ref())?,
            Err(e) => return Err(e),
        };
        self.check_customer(None, &customer)?;
        let msg = format!("customer {}", customer.id);
        self.report(Step::CreateCustomer, customer.status.as_str(), msg)?;
        if customer.status == CustomerStatus::Initiating {
            self.sign_customer(&customer, signer)?;
            customer = self.poll_customer(&customer)?;
            let msg = format!("signed as {}", self.owner);
            self.report(Step::SignCustomerChallenge, customer.status.as_str(), msg)?;
        }
        let mut verified = false;
        let mut pause = self.req.poll_interval.max(MIN_POLL_INTERVAL);
        loop {
            match customer.status {
                CustomerStatus::Active => break,
                CustomerStatus::Verifying if self.simulate && !verified => {
                    let key = self.key(&["verify-customer"]);
                    Simulator::new(self.session)
                        .until(self.deadline)
                        .idempotency_key(key)
                        .verify_customer(&customer.id)?;
                    verified = true;
                    self.report(Step::VerifyCustomer, "verifying", "simulator verify".into())?;
                }
                CustomerStatus::Initiating
                | CustomerStatus::Screening
                | CustomerStatus::Verifying => {
                    let status = customer.status.as_str();
                    if self.return_when_waiting {
                        let msg = format!("customer {} is {status}: returning", customer.id);
                        self.report(Step::WaitCustomer, status, msg)?;
                        return Ok(customer);
                    }
                    self.pause(&mut pause, Step::WaitCustomer, status, &customer.id)?
                }
                ref other => {
                    return Err(Error::State(format!("customer {} is {other}", customer.id)))
                }
            }
            customer = self.poll_customer(&customer)?;
        }
        self.report(
            Step::WaitCustomer,
            "active",
            format!("customer {}", customer.id),
        )?;
        Ok(customer)
    }

    /// `GET /customers/{id}` of `known`, checked: the same id, the external id and the
    /// owner asked for.
    fn poll_customer(&self, known: &Customer) -> Result<Customer> {
        let customer = self.customers().get(&known.id)?;
        self.check_customer(Some(&known.id), &customer)?;
        Ok(customer)
    }

    /// After a `409`: the id from the error body, else the customers the server lists
    /// for the external id (`GET /customers?externalId=`, every page), searched for the
    /// external id and owner. The caller checks that it is the customer asked for.
    fn existing_customer(&self, body: Option<&serde_json::Value>) -> Result<Customer> {
        let customers = self.customers();
        let id = body
            .and_then(|b| b.get("customerId").or_else(|| b.get("id")))
            .and_then(|v| v.as_str());
        if let Some(id) = id {
            let customer = customers.get(id)?;
            self.check_customer(Some(id), &customer)?;
            return Ok(customer);
        }
        customers
            .find_by_external_id(&self.req.external_id)?
            .into_iter()
            .find(|c| c.external_id == self.req.external_id && self.is_owner(&c.chain_id))
            .ok_or_else(|| Error::State("customer exists but could not be found".into()))
    }

    fn is_owner(&self, chain_id: &str) -> bool {
        AccountId::parse(chain_id).is_ok_and(|id| id == self.owner)
    }

    /// Fails unless `customer` has the external id and owner asked for, and the id
    /// `asked` when it answers a request for one.
    fn check_customer(&self, asked: Option<&str>, customer: &Customer) -> Result<()> {
        let why = if let Some(id) = asked.filter(|id| *id != customer.id) {
            format!("the request was for customer {id:?}")
        } else if customer.external_id != self.req.external_id {
            format!(
                "its external id is {:?}, not {:?}",
                customer.external_id, self.req.external_id
            )
        } else if !self.is_owner(&customer.chain_id) {
            format!("its account is {:?}, not {}", customer.chain_id, self.owner)
        } else {
            return Ok(());
        };
        Err(Error::ChallengeRefused(Refusal::NotRequested {
            resource: "customer",
            id: customer.id.clone(),
            why,
        }))
    }

    /// Fails unless `account` belongs to `customer` and, unless it is only `Listed`, has
    /// the type and currencies asked for, and the id and deployed address (once there is
    /// one) of the answer `before` it.
    fn check_account(
        &self,
        customer: &Customer,
        asked: AccountAsked<'_>,
        account: &Account,
    ) -> Result<()> {
        let wanted = &self.req.account;
        let before = match asked {
            AccountAsked::Listed => None,
            AccountAsked::Wanted(before) => before,
        };
        let moved = before
            .and_then(|b| b.chain_id.as_ref())
            .filter(|was| account.chain_id.as_ref() != Some(*was));
        let why = if account.customer_id != customer.id {
            format!(
                "it belongs to customer {:?}, not {:?}",
                account.customer_id, customer.id
            )
        } else if let AccountAsked::Listed = asked {
            return Ok(());
        } else if let Some(b) = before.filter(|b| b.id != account.id) {
            format!("the request was for account {:?}", b.id)
        } else if let Some(was) = moved {
            format!(
                "its address moved from {was} to {}",
                account.chain_id.as_deref().unwrap_or("none")
            )
        } else if account.account_type != wanted.account_type {
            format!(
                "it is a {} account, not {}",
                account.account_type, wanted.account_type
            )
        } else if account.currencies != wanted.currencies {
            format!(
                "its currencies are {:?}, not {:?}",
                account.currencies, wanted.currencies
            )
        } else {
            return Ok(());
        };
        Err(Error::ChallengeRefused(Refusal::NotRequested {
            resource: "account",
            id: account.id.clone(),
            why,
        }))
    }

    /// Signs the customer's challenge, unless a resumed flow finds it signed since (the
    /// server answers `409` to a challenge of a customer past `initiating`).
    fn sign_customer(&self, customer: &Customer, signer: &dyn Signer) -> Result<()> {
        match self.sign_customer_challenge(customer, signer) {
            Err(Error::Conflict(api)) => {
                let now = self.poll_customer(customer)?;
                if now.status == CustomerStatus::Initiating {
                    return Err(Error::Conflict(api));
                }
                Ok(())
            }
            other => other,
        }
    }

    /// Signs the customer's challenge as the owner asked for; a rejected signature is
    /// retried once with the challenge the server issued after it, never more.
    fn sign_customer_challenge(&self, customer: &Customer, signer: &dyn Signer) -> Result<()> {
        let customers = self.customers();
        let challenge = match &customer.challenge {
            Some(c) => c.clone(),
            None => customers.challenge(&customer.id)?,
        };
        with_one_reissue(challenge, |c| {
            let options = ChallengeOptions::new()
                .challenge(c)
                .owner(self.owner.clone());
            customers
                .clone()
                .idempotency_key(challenge_key(c))
                .sign_challenge(customer, signer, &options)
        })
    }

    fn account(&mut self, customer: &Customer, signer: &dyn Signer) -> Result<Account> {
        let accounts = self.accounts();
        let wanted = &self.req.account;
        let listed = accounts.list_for_customer(&customer.id)?;
        for a in &listed {
            self.check_account(customer, AccountAsked::Listed, a)?;
        }
        let existing = listed.into_iter().find(|a| {
            a.account_type == wanted.account_type
                && a.currencies == wanted.currencies
                && !matches!(a.status, AccountStatus::Closed | AccountStatus::Failed)
        });
        let account_type = wanted.account_type.to_string();
        let mut create_step = vec!["create-account", account_type.as_str()];
        create_step.extend(wanted.currencies.iter().map(String::as_str));
        let mut account = match existing {
            Some(a) => a,
            None => accounts
                .clone()
                .idempotency_key(self.key(&create_step))
                .create(&customer.id, wanted)?,
        };
        self.check_account(customer, AccountAsked::Wanted(None), &account)?;
        self.report(
            Step::CreateAccount,
            account.status.as_str(),
            format!("account {}", account.id),
        )?;
        if account.status == AccountStatus::Initiating {
            let challenge = match &account.challenge {
                Some(c) => c.clone(),
                None => accounts.challenge(&account.id)?,
            };
            with_one_reissue(challenge, |c| {
                accounts
                    .clone()
                    .idempotency_key(challenge_key(c))
                    .sign_challenge(
                        &account,
                        &self.owner,
                        signer,
                        &ChallengeOptions::new().challenge(c),
                    )
            })?;
            account = self.poll_account(customer, &account)?;
            let msg = format!("signed as {}", self.owner);
            self.report(Step::SignAccountChallenge, account.status.as_str(), msg)?;
        }
        let mut pause = self.req.poll_interval.max(MIN_POLL_INTERVAL);
        loop {
            match account.status {
                AccountStatus::Active => break,
                AccountStatus::Initiating | AccountStatus::Pending => {
                    let status = account.status.as_str();
                    if self.return_when_waiting {
                        let msg = format!("account {} is {status}: returning", account.id);
                        self.report(Step::WaitAccount, status, msg)?;
                        return Ok(account);
                    }
                    self.pause(&mut pause, Step::WaitAccount, status, &account.id)?
                }
                ref other => {
                    return Err(Error::State(format!("account {} is {other}", account.id)))
                }
            }
            account = self.poll_account(customer, &account)?;
        }
        let chain = account.chain_id.clone().unwrap_or_default();
        self.report(
            Step::WaitAccount,
            "active",
            format!("account {} deployed at {chain}", account.id),
        )?;
        Ok(account)
    }

    /// `GET /accounts/{id}` of `known`, checked: the account asked for, with the id and
    /// the deployed address (once there is one) of `known`.
    fn poll_account(&self, customer: &Customer, known: &Account) -> Result<Account> {
        let account = self.accounts().get(&known.id)?;
        self.check_account(customer, AccountAsked::Wanted(Some(known)), &account)?;
        Ok(account)
    }

    /// Reports that `step` still waits on `id`, then sleeps before the next poll
    /// (doubling up to `max_poll_interval`), or fails past the deadline.
    fn pause(&mut self, pause: &mut Duration, step: Step, status: &str, id: &str) -> Result<()> {
        if self.started.elapsed() + *pause > self.req.timeout {
            let what = if step == Step::WaitCustomer {
                "customer"
            } else {
                "account"
            };
            return Err(Error::Timeout(format!(
                "{what} {id} not active after {:?}",
                self.req.timeout
            )));
        }
        let message = format!("{id} is {status}; next look in {:?}", *pause);
        self.report(step, status, message)?;
        std::thread::sleep(*pause);
        let cap = self.req.max_poll_interval.max(self.req.poll_interval);
        *pause = pause.saturating_mul(2).min(cap.max(MIN_POLL_INTERVAL));
        Ok(())
    }
}

/// The Idempotency-Key of a challenge's signing: the same challenge replays the earlier
/// answer after a crash; a new challenge is a new operation.
fn challenge_key(challenge: &str) -> String {
    ids::derived(KEY_NAMESPACE, challenge.as_bytes()).to_string()
}

/// Runs `attempt` with `challenge`; when the server rejects the signature and issues a
/// new challenge, runs it once more with that one. Never more: a second rejection is
/// returned.
fn with_one_reissue(challenge: String, attempt: impl Fn(&str) -> Result<()>) -> Result<()> {
    match attempt(&challenge) {
        Err(Error::ChallengeRejected {
            reissued: Some(next),
            ..
        }) => attempt(&next),
        other => other,
    }
}
