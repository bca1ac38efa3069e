import COffBlocks
import Foundation

/// A client of the OffBlocks API: every call signed (RFC 9421, `ecdsa-p384-sha384`) with a
/// `Content-Digest` (RFC 9530) and an `Idempotency-Key` that survives retries.
///
/// Thread-safe: one client serves every thread (one connection pool, one token). Calls
/// **block** (network I/O, retries, polling): on iOS never call them on the main thread;
/// use the `async` variants (`Async.swift`), which run them on a background queue. The
/// native client is freed once, when the last reference goes (`deinit`); a call in
/// progress holds a reference, so it is never freed under a call.
///
/// ```swift
/// let client = try OffBlocksClient(ClientConfig(baseUrl: url, apiKey: key, apiSecret: secret,
///                                               generateSigningKey: true))
/// _ = try client.auth.registerSigningKey()
/// let wallet = try Wallet.random()
/// let done = try client.onboard(OnboardingRequest(externalId: "user-42"), signer: wallet) { p in
///     print(p.step, p.status)
/// }
/// print(done.account.status)   // active
/// ```
public final class OffBlocksClient: @unchecked Sendable {
    let pointer: OpaquePointer
    private let observerBox: ObserverBox?

    /// - Parameter observer: told about every attempt of every call (method, path, attempt
    ///   number, status or transport error, duration, request id, Idempotency-Key; never a
    ///   token or a body), after the attempt, on the thread making the call, possibly on
    ///   several threads at once: it must be thread-safe, and quick.
    /// With `config.requestSigner`, every request is signed by it (checked against
    /// `config.signingPublicKeyPem`) instead of a key in memory.
    ///
    /// - Throws: `OffBlocksError.config` for missing or contradictory settings,
    ///   `OffBlocksError.invalidKey` for a PEM that is not a P-384 private key (or, with a
    ///   `requestSigner`, not a P-384 public key),
    ///   `OffBlocksError.libraryMismatch` for a library this binding cannot use.
    public init(_ config: ClientConfig, observer: (@Sendable (Attempt) -> Void)? = nil) throws {
        try OffBlocks.checkLibrary()
        let arg = try CString(JSON.encode(config), "config")
        defer { arg.free() } // it held the secret and the key
        let box = observer.map(ObserverBox.init)
        let external: NativeRequestSigner?
        switch (config.requestSigner, config.signingPublicKeyPem) {
        case (let signer?, let pem?): external = try NativeRequestSigner(publicKeyPem: pem, signer: signer)
        case (.some, nil): throw OffBlocksError.config(Failure(message: "a requestSigner needs its signingPublicKeyPem"))
        case (nil, .some): throw OffBlocksError.config(Failure(message: "signingPublicKeyPem is the public key of a requestSigner; set both"))
        case (nil, nil): external = nil
        }
        do {
            if let external {
                // The client keeps the key (and the signer's context); the handle goes.
                pointer = try withExtendedLifetime(external) {
                    try Native.handle("offblocks_client_new_with_request_signer") { out in
                        offblocks_client_new_with_request_signer(arg.pointer, external.pointer, box == nil ? nil : observerTrampoline,
                                                                 box.map { Unmanaged.passUnretained($0).toOpaque() }, out)
                    }
                }
            } else if let box {
                pointer = try Native.handle("offblocks_client_new_with_observer") { out in
                    offblocks_client_new_with_observer(arg.pointer, observerTrampoline, Unmanaged.passUnretained(box).toOpaque(), out)
                }
            } else {
                pointer = try Native.handle("offblocks_client_new") { offblocks_client_new(arg.pointer, $0) }
            }
        } catch OffBlocksError.invalidInput(let f) {
            // Configuration that does not fit the library's JSON shape is a configuration error.
            throw OffBlocksError.config(f)
        }
        // The library calls the observer until the client is freed: the client keeps it.
        observerBox = box
        LiveHandles.made()
    }

    deinit {
        // Never refused: every call holds a reference, so none is using the handle now.
        _ = offblocks_client_free(pointer)
        LiveHandles.freed()
    }

    /// `/customers`.
    public var customers: Customers { Customers(client: self) }
    /// `/customers/{id}/accounts`, `/accounts`.
    public var accounts: Accounts { Accounts(client: self) }
    /// `/webhooks`.
    public var webhooks: Webhooks { Webhooks(client: self) }
    /// `/auth`: tokens, credentials and the request-signing key.
    public var auth: Auth { Auth(client: self) }
    /// Sandbox only: `/simulator`.
    public var simulator: Simulator { Simulator(client: self) }

    /// The id of the key the client signs with, or nil before one is registered.
    public func keyId() throws -> String? {
        try withExtendedLifetime(self) { try Native.optionalString { offblocks_client_key_id(pointer, $0) } }
    }

    /// Uses a key registered earlier (nil forgets it).
    public func setKeyId(_ keyId: String?) throws {
        let arg = try CString.optional(keyId, "key id")
        defer { arg?.free() }
        try withExtendedLifetime(self) { try Native.check(offblocks_client_set_key_id(pointer, arg?.pointer)) }
    }

    /// Shows, without sending anything, exactly what a request would carry: its headers and
    /// the RFC 9421 signature base. `body` is JSON text; `token` the bearer token to show (by
    /// default the client's, fetched if needed). The result holds the token: a secret.
    public func dryRun(method: String, path: String, body: String? = nil, idempotencyKey: String? = nil,
                       token: String? = nil) throws -> DryRun {
        let m = try CString(method, "method"), p = try CString(path, "path")
        let b = try CString.optional(body, "body"), k = try CString.optional(idempotencyKey, "idempotency key")
        let t = try CString.optional(token, "token")
        defer { m.free(); p.free(); b?.free(); k?.free(); t?.free() }
        let raw = try string { h, out in offblocks_client_dry_run(h, m.pointer, p.pointer, b?.pointer, k?.pointer, t?.pointer, out) }
        return try JSON.decode(DryRun.self, raw, "dry run")
    }

    /// Runs the whole onboarding flow with `signer` as the customer's wallet: creates the
    /// customer (or picks it up), checks and signs its challenge, has the sandbox verify it,
    /// waits until it is `active`, opens the account (or picks up an open one), signs its
    /// challenge and waits until the account is `active`. Every step is resumable: the same
    /// request and signer again after a crash or a stop continue where the flow stopped,
    /// creating nothing twice.
    ///
    /// `progress` is called on this thread after each step, and at each poll while the flow
    /// waits. To stop the flow it throws `CancellationError`: the call then throws
    /// `OffBlocksError.cancelled`. Anything else it throws stops the flow too, and the call
    /// throws `OffBlocksError.callback` with it as `underlying`.
    ///
    /// - Throws: `.cancelled`, `.callback`, `.signer` (a Swift signer's error as
    ///   `underlying`), `.timeout`, `.state` (a rejected customer, a failed or closed
    ///   account), and any API error.
    public func onboard(_ request: OnboardingRequest, signer: any Signer,
                        progress: ((OnboardingProgress) throws -> Void)? = nil) throws -> Onboarded {
        try onboard(request, signer: signer, progress: progress, stopRequested: nil)
    }

    /// As `onboard(_:signer:progress:)`, for the customer `externalId` on CAIP-2 `chain`.
    public func onboard(externalId: String, signer: any Signer, chain: String = "eip155:300",
                        progress: ((OnboardingProgress) throws -> Void)? = nil) throws -> Onboarded {
        try onboard(OnboardingRequest(externalId: externalId, chain: chain), signer: signer, progress: progress)
    }

    /// The flow of `onboard` without its waits: where `onboard` would poll (KYC, the
    /// account's deployment) this returns `.waiting` at once, with the step it waits for
    /// and the customer and account as last read; at the end it returns `.done`. Run it
    /// again with the same request and signer once OffBlocks has moved (after a webhook, a
    /// timer, a restart): it continues from there, creating nothing twice. No thread is
    /// held while OffBlocks reviews the customer or deploys the account.
    ///
    /// `progress` and the errors are as for `onboard`.
    public func onboardOrWait(_ request: OnboardingRequest, signer: any Signer,
                              progress: ((OnboardingProgress) throws -> Void)? = nil) throws -> OnboardingState {
        try onboardOrWait(request, signer: signer, progress: progress, stopRequested: nil)
    }

    func onboardOrWait(_ request: OnboardingRequest, signer: any Signer, progress: ((OnboardingProgress) throws -> Void)?,
                       stopRequested: (@Sendable () -> Bool)?) throws -> OnboardingState {
        let raw = try runOnboard(OnboardingCall(request: request, wait: .returnWhenWaiting), signer, progress, stopRequested)
        return try JSON.decode(OnboardingState.self, raw, "onboarding state")
    }

    func onboard(_ request: OnboardingRequest, signer: any Signer, progress: ((OnboardingProgress) throws -> Void)?,
                 stopRequested: (@Sendable () -> Bool)?) throws -> Onboarded {
        let raw = try runOnboard(OnboardingCall(request: request, wait: .finish), signer, progress, stopRequested)
        return try JSON.decode(Onboarded.self, raw, "onboarded")
    }

    /// `offblocks_client_onboard` with `call`: its JSON answer.
    private func runOnboard(_ call: OnboardingCall, _ signer: any Signer, _ progress: ((OnboardingProgress) throws -> Void)?,
                            _ stopRequested: (@Sendable () -> Bool)?) throws -> String {
        let arg = try CString(JSON.encode(call), "request")
        defer { arg.free() }
        let box = (progress != nil || stopRequested != nil) ? ProgressBox(progress, stopRequested) : nil
        let raw: String
        do {
            raw = try withSigner(signer) { h, s in
                try Native.string { out in
                    offblocks_client_onboard(h, arg.pointer, s, box == nil ? nil : progressTrampoline,
                                      box.map { Unmanaged.passUnretained($0).toOpaque() }, out)
                }
            }
        } catch let error as OffBlocksError {
            throw box?.rethrow(error) ?? error
        }
        withExtendedLifetime(box) {}
        return raw
    }

    /// Every optional key of the onboarding request with the default the library applies
    /// when `OnboardingRequest` leaves it nil (`"timeoutMs"` to 120000, `"account"` to a
    /// EUR card account, `"simulateVerification"` to null: decided by environment…), as
    /// JSON text.
    public static func onboardingDefaultsJSON() throws -> String {
        try Native.string { offblocks_onboarding_defaults($0) }
    }

    /// Every setting of the library's JSON configuration with its default, by JSON name
    /// (`"timeoutMs"` to 30000, `"proxy"` to null…), as JSON text.
    public static func configDefaultsJSON() throws -> String {
        try Native.string { offblocks_config_defaults($0) }
    }

    // The calling conventions the resources share.

    func call(_ body: (OpaquePointer) -> offblocks_result) throws {
        try withExtendedLifetime(self) { try Native.check(body(pointer)) }
    }

    func string(_ body: (OpaquePointer, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> offblocks_result) throws -> String {
        try withExtendedLifetime(self) { try Native.string { body(pointer, $0) } }
    }

    /// Runs `body` with a native signer for `signer`; what a Swift signer threw comes back
    /// out of here (as `OffBlocksError.signer` with it as `underlying`).
    func withSigner<T>(_ signer: any Signer, _ body: (OpaquePointer, OpaquePointer) throws -> T) throws -> T {
        let native = try NativeSigner(signer)
        return try withExtendedLifetime((self, native)) {
            do {
                let result = try body(pointer, native.pointer)
                if let thrown = native.takeThrown() { throw NativeSigner.wrap(thrown, nil) }
                return result
            } catch let error as OffBlocksError {
                if let thrown = native.takeThrown() { throw NativeSigner.wrap(thrown, error.failure) }
                throw error
            }
        }
    }
}

/// The observer's context: the library calls it on any thread until the client is freed.
final class ObserverBox {
    let observe: @Sendable (Attempt) -> Void
    init(_ observe: @escaping @Sendable (Attempt) -> Void) { self.observe = observe }
}

private let observerTrampoline: offblocks_observer_fn = { userData, json in
    guard let userData, let json else { return }
    let box = Unmanaged<ObserverBox>.fromOpaque(userData).takeUnretainedValue()
    // What does not decode is dropped: an observer only watches, it cannot fail a call.
    if let attempt = try? JSON.decode(Attempt.self, String(cString: json), "attempt") {
        box.observe(attempt)
    }
}

/// Onboarding's progress callback for one `offblocks_client_onboard` call, on the calling thread.
/// What the Swift closure throws is kept and the trampoline answers "stop".
final class ProgressBox {
    let report: ((OnboardingProgress) throws -> Void)?
    let stopRequested: (@Sendable () -> Bool)?
    var thrown: (any Error)?

    init(_ report: ((OnboardingProgress) throws -> Void)?, _ stopRequested: (@Sendable () -> Bool)?) {
        self.report = report
        self.stopRequested = stopRequested
    }

    /// The error the call throws, given how the flow ended (`failure`).
    func rethrow(_ failure: OffBlocksError) -> OffBlocksError {
        guard let thrown else { return failure }
        guard case .cancelled(var f) = failure else {
            // The flow failed on its own first; the callback's error is dropped.
            return failure
        }
        f.underlying = thrown
        if thrown is CancellationError { return .cancelled(f) }
        f.message = "the progress callback threw \(type(of: thrown)): \(thrown) (\(f.message))"
        return .callback(f)
    }
}

private let progressTrampoline: offblocks_progress_fn = { userData, step, status, elapsedMs, message in
    guard let userData else { return 0 }
    let box = Unmanaged<ProgressBox>.fromOpaque(userData).takeUnretainedValue()
    if box.stopRequested?() == true {
        box.thrown = box.thrown ?? CancellationError()
        return 1
    }
    guard let report = box.report else { return 0 }
    do {
        try report(OnboardingProgress(step: Native.borrowed(step) ?? "", status: Native.borrowed(status) ?? "",
                            elapsed: Double(elapsedMs) / 1000, message: Native.borrowed(message) ?? ""))
        return 0
    } catch {
        box.thrown = error
        return 1
    }
}
