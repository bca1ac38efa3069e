//! The whole onboarding flow in one call: from nothing to an `active` account.
//!
//! Every step is resumable. Mutations carry Idempotency-Keys derived (UUIDv8 over SHA-256) from the
//! API key, the external id, the owner, the step and what makes the step distinct (the
//! account's type and currencies), so running the flow again after a crash replays the
//! server's earlier answers instead of creating anything twice; after the keys expire
//! (1 h), an existing customer is picked up from the `409` and an existing account from
//! the customer's account list.
//!
//! Nothing the server returns is taken on its word: every customer the flow picks up must
//! have the external id and the owner (chain and address) asked for, every account the
//! customer, type and currencies asked for; the challenges are checked against what was
//! asked, never against what the server returned. A mismatch is
//! [`Error::ChallengeRefused`] with [`Refusal::NotRequested`], and nothing is signed.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use crate::api::{Accounts, ChallengeOptions, Customers, Simulator};
use crate::error::{Error, Result};
use crate::ids;
use crate::models::{Account, AccountStatus, Customer, CustomerStatus, NewAccount, NewCustomer};
use crate::session::Session;
use crate::wallet::{AccountId, ChainId, Refusal, Signer};

/// The shortest pause between two polls, whatever the request says.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(10);

/// What to onboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnboardingRequest {
    /// Your id for the customer.
    pub external_id: String,
    /// The chain the customer's wallet lives on (CAIP-2, e.g. `eip155:300`).
    pub chain: ChainId,
    /// Call the sandbox simulator's verify when the customer waits for verification.
    pub simulate_verification: bool,
    /// The account to open.
    pub account: NewAccount,
    /// How long the whole flow may wait for statuses to change.
    pub timeout: Duration,
    /// The first pause between polls; it doubles up to 2 s. At least
    /// [`MIN_POLL_INTERVAL`] (a shorter one is raised to it).
    pub poll_interval: Duration,
}

impl OnboardingRequest {
    /// A request with the defaults: simulate verification, a EUR card account, a 120 s
    /// timeout, polls from 100 ms.
    pub fn new(external_id: impl Into<String>, chain: ChainId) -> OnboardingRequest {
        OnboardingRequest {
            external_id: external_id.into(),
            chain,
            simulate_verification: true,
            account: NewAccount::default(),
            timeout: Duration::from_secs(120),
            poll_interval: Duration::from_millis(100),
        }
    }
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
    progress: &'a mut dyn FnMut(&Progress) -> bool,
}

/// What a progress callback returns: nothing (`()`, go on), or a
/// [`ControlFlow`] whose `Break(())` stops the flow with [`Error::Cancelled`].
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
pub(crate) fn run(
    session: &Session,
    req: &OnboardingRequest,
    signer: &dyn Signer,
    progress: &mut dyn FnMut(&Progress) -> bool,
) -> Result<Onboarded> {
    let owner = AccountId::from_evm(req.chain.clone(), &signer.address()?);
    let mut flow = Flow {
        session,
        req,
        owner,
        started: Instant::now(),
        progress,
    };
    let customer = flow.customer(signer)?;
    let account = flow.account(&customer, signer)?;
    flow.report(Step::Done, "active", format!("account {}", account.id))?;
    Ok(Onboarded { customer, account })
}

impl Flow<'_> {
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

    /// The Idempotency-Key of `step`, the same on every run of this onboarding.
    fn key(&self, step: &str) -> String {
        let api_key = self.session.tokens().api_key();
        let name = format!(
            "{api_key}\n{}\n{}\n{step}",
            self.req.external_id, self.owner
        );
        ids::derived(KEY_NAMESPACE, name.as_bytes()).to_string()
    }

    fn customer(&mut self, signer: &dyn Signer) -> Result<Customer> {
        let customers = Customers::new(self.session);
        let new = NewCustomer {
            chain_id: self.owner.to_string(),
            external_id: self.req.external_id.clone(),
        };
        let keyed = customers
            .clone()
            .idempotency_key(self.key("create-customer"));
        let mut customer = match keyed.create(&new) {
            Ok(c) => c,
            Err(Error::Conflict(api)) => self.existing_customer(api.json.as_ref())?,
            Err(e) => return Err(e),
        };
        self.check_customer(&customer)?;
        let msg = format!("customer {}", customer.id);
        self.report(Step::CreateCustomer, customer.status.as_str(), msg)?;
        if customer.status == CustomerStatus::Initiating {
            self.sign_customer(&customer, signer)?;
            customer = customers.get(&customer.id)?;
            self.check_customer(&customer)?;
            let msg = format!("signed as {}", self.owner);
            self.report(Step::SignCustomerChallenge, customer.status.as_str(), msg)?;
        }
        let mut verified = false;
        let mut pause = self.req.poll_interval.max(MIN_POLL_INTERVAL);
        loop {
            match customer.status {
                CustomerStatus::Active => break,
                CustomerStatus::Verifying if self.req.simulate_verification && !verified => {
                    let key = self.key("verify-customer");
                    Simulator::new(self.session)
                        .idempotency_key(key)
                        .verify_customer(&customer.id)?;
                    verified = true;
                    self.report(Step::VerifyCustomer, "verifying", "simulator verify".into())?;
                }
                CustomerStatus::Initiating
                | CustomerStatus::Screening
                | CustomerStatus::Verifying => {
                    let status = customer.status.as_str();
                    self.pause(&mut pause, Step::WaitCustomer, status, &customer.id)?
                }
                ref other => {
                    return Err(Error::State(format!("customer {} is {other}", customer.id)))
                }
            }
            customer = customers.get(&customer.id)?;
        }
        self.report(
            Step::WaitCustomer,
            "active",
            format!("customer {}", customer.id),
        )?;
        Ok(customer)
    }

    /// After a `409`: the id from the error body, else the list searched by external id
    /// and owner. The caller checks that it is the customer asked for.
    fn existing_customer(&self, body: Option<&serde_json::Value>) -> Result<Customer> {
        let customers = Customers::new(self.session);
        let id = body
            .and_then(|b| b.get("customerId").or_else(|| b.get("id")))
            .and_then(|v| v.as_str());
        if let Some(id) = id {
            return customers.get(id);
        }
        customers
            .list()?
            .into_iter()
            .find(|c| c.external_id == self.req.external_id && self.is_owner(&c.chain_id))
            .ok_or_else(|| Error::State("customer exists but could not be found".into()))
    }

    fn is_owner(&self, chain_id: &str) -> bool {
        AccountId::parse(chain_id).is_ok_and(|id| id == self.owner)
    }

    /// Fails unless `customer` has the external id and owner asked for.
    fn check_customer(&self, customer: &Customer) -> Result<()> {
        let why = if customer.external_id != self.req.external_id {
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

    /// Fails unless `account` belongs to `customer` and has the type and currencies
    /// asked for.
    fn check_account(&self, customer: &Customer, account: &Account) -> Result<()> {
        let wanted = &self.req.account;
        let why = if account.customer_id != customer.id {
            format!(
                "it belongs to customer {:?}, not {:?}",
                account.customer_id, customer.id
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
                let now = Customers::new(self.session).get(&customer.id)?;
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
        let customers = Customers::new(self.session);
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
        let accounts = Accounts::new(self.session);
        let wanted = &self.req.account;
        let existing = accounts
            .list_for_customer(&customer.id)?
            .into_iter()
            .find(|a| {
                a.account_type == wanted.account_type
                    && a.currencies == wanted.currencies
                    && !matches!(a.status, AccountStatus::Closed | AccountStatus::Failed)
            });
        let create_step = format!(
            "create-account\n{}\n{}",
            wanted.account_type,
            wanted.currencies.join(",")
        );
        let mut account = match existing {
            Some(a) => a,
            None => accounts
                .clone()
                .idempotency_key(self.key(&create_step))
                .create(&customer.id, wanted)?,
        };
        self.check_account(customer, &account)?;
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
            account = accounts.get(&account.id)?;
            self.check_account(customer, &account)?;
            let msg = format!("signed as {}", self.owner);
            self.report(Step::SignAccountChallenge, account.status.as_str(), msg)?;
        }
        let mut pause = self.req.poll_interval.max(MIN_POLL_INTERVAL);
        loop {
            match account.status {
                AccountStatus::Active => break,
                AccountStatus::Initiating | AccountStatus::Pending => {
                    let status = account.status.as_str();
                    self.pause(&mut pause, Step::WaitAccount, status, &account.id)?
                }
                ref other => {
                    return Err(Error::State(format!("account {} is {other}", account.id)))
                }
            }
            account = accounts.get(&account.id)?;
        }
        let chain = account.chain_id.clone().unwrap_or_default();
        self.report(
            Step::WaitAccount,
            "active",
            format!("account {} deployed at {chain}", account.id),
        )?;
        Ok(account)
    }

    /// Reports that `step` still waits on `id`, then sleeps before the next poll
    /// (doubling up to 2 s), or fails past the deadline.
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
        *pause = (*pause * 2).min(Duration::from_secs(2));
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
