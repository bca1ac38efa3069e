import Foundation

// `async` variants of the blocking calls. Each runs its blocking call on a global
// dispatch queue, never on the caller's thread or actor, so the main actor (UI) is never
// held up by network I/O, retries or polling. Results, errors and cancellation carry over:
// cancelling the task that awaits `onboard` stops the flow at its next step (the call then
// throws `OffBlocksError.cancelled`), as a progress callback throwing would.

/// Runs `work` on a global queue and resumes the caller with its result.
func offActor<T>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try work() })
        }
    }
}

/// A flag set when the awaiting task is cancelled, read by the blocking call's callback.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    func stop() { lock.lock(); stopped = true; lock.unlock() }
    var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
}

/// A value that is not Sendable, handed to the one queue that uses it while the caller
/// waits (a Signer, a progress closure).
struct Handed<T>: @unchecked Sendable {
    let value: T
}

extension OffBlocksClient {
    /// `onboard` off the caller's actor. `progress` is called on the worker thread: hop to
    /// the main actor inside it to update the UI. Cancelling the awaiting task stops the
    /// flow at its next step, with `OffBlocksError.cancelled`.
    public func onboard(_ request: OnboardingRequest, signer: any Signer,
                        progress: (@Sendable (OnboardingProgress) throws -> Void)? = nil) async throws -> Onboarded {
        let flag = StopFlag()
        let handed = Handed(value: signer)
        return try await withTaskCancellationHandler {
            try await offActor {
                try self.onboard(request, signer: handed.value, progress: progress, stopRequested: { flag.isStopped })
            }
        } onCancel: {
            flag.stop()
        }
    }

    /// `onboardOrWait` off the caller's actor, as `onboard` above: `progress` on the
    /// worker thread, cancellation stopping the flow at its next step.
    public func onboardOrWait(_ request: OnboardingRequest, signer: any Signer,
                              progress: (@Sendable (OnboardingProgress) throws -> Void)? = nil) async throws -> OnboardingState {
        let flag = StopFlag()
        let handed = Handed(value: signer)
        return try await withTaskCancellationHandler {
            try await offActor {
                try self.onboardOrWait(request, signer: handed.value, progress: progress, stopRequested: { flag.isStopped })
            }
        } onCancel: {
            flag.stop()
        }
    }

    /// Runs any blocking call on this client off the caller's actor:
    /// `let list = try await client.run { try $0.customers.list() }`.
    public func run<T: Sendable>(_ call: @escaping @Sendable (OffBlocksClient) throws -> T) async throws -> T {
        try await offActor { try call(self) }
    }
}

extension Customers {
    public func create(chainId: String, externalId: String, idempotencyKey: String? = nil) async throws -> Customer {
        try await offActor { try self.create(chainId: chainId, externalId: externalId, idempotencyKey: idempotencyKey) }
    }

    public func get(_ customerId: String) async throws -> Customer {
        try await offActor { try self.get(customerId) }
    }

    public func list() async throws -> [Customer] {
        try await offActor { try self.list() }
    }

    public func signChallenge(_ customer: Customer, signer: any Signer, ownerId: String? = nil, chain: String? = nil,
                              idempotencyKey: String? = nil) async throws {
        let handed = Handed(value: signer)
        try await offActor {
            try self.signChallenge(customer, signer: handed.value, ownerId: ownerId, chain: chain, idempotencyKey: idempotencyKey)
        }
    }
}

extension Accounts {
    public func get(_ accountId: String) async throws -> Account {
        try await offActor { try self.get(accountId) }
    }

    public func list(customerId: String) async throws -> [Account] {
        try await offActor { try self.list(customerId: customerId) }
    }

    public func signChallenge(_ account: Account, signer: any Signer, ownerId: String? = nil, chain: String? = nil,
                              idempotencyKey: String? = nil) async throws {
        let handed = Handed(value: signer)
        try await offActor {
            try self.signChallenge(account, signer: handed.value, ownerId: ownerId, chain: chain, idempotencyKey: idempotencyKey)
        }
    }
}

extension Auth {
    @discardableResult
    public func registerSigningKey(idempotencyKey: String? = nil) async throws -> String {
        try await offActor { try self.registerSigningKey(idempotencyKey: idempotencyKey) }
    }

    public func token() async throws -> Token {
        try await offActor { try self.token() }
    }

    @discardableResult
    public func rotateSigningKey(newKeyPem: String, idempotencyKey: String? = nil) async throws -> String {
        try await offActor { try self.rotateSigningKey(newKeyPem: newKeyPem, idempotencyKey: idempotencyKey) }
    }

    @discardableResult
    public func rotateSigningKey(publicKeyPem: String, signer: any RequestSigner,
                                 idempotencyKey: String? = nil) async throws -> String {
        try await offActor { try self.rotateSigningKey(publicKeyPem: publicKeyPem, signer: signer, idempotencyKey: idempotencyKey) }
    }
}

extension WebhookInbox {
    /// `receive` off the caller's actor (the re-fetch blocks on the network); the store is
    /// called on the worker thread.
    public func receive(body: Data, headers: [String: String]? = nil) async throws -> Received {
        try await offActor { try self.receive(body: body, headers: headers) }
    }
}
