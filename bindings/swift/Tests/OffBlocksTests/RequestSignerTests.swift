import Foundation
@testable import OffBlocks
import XCTest

/// A request-signing key in another process: `openssl dgst -sha384 -sign` (DER out), a
/// stand-in for a KMS.
final class OpensslSigner: RequestSigner, @unchecked Sendable {
    let publicKeyPem: String
    private let file: URL
    private let lock = NSLock()
    private var count = 0

    init() throws {
        let pem = try OffBlocks.generateSigningKey()
        file = FileManager.default.temporaryDirectory.appendingPathComponent("offblocks-sw-kms-\(UUID().uuidString).pem")
        try pem.write(to: file, atomically: true, encoding: .utf8)
        publicKeyPem = try OffBlocks.signingKeyPublicPem(pem)
    }

    deinit { try? FileManager.default.removeItem(at: file) }

    var calls: Int { lock.lock(); defer { lock.unlock() }; return count }

    func sign(base: Data) throws -> Data {
        lock.lock(); count += 1; lock.unlock()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "dgst", "-sha384", "-sign", file.path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: base)
        try input.fileHandleForWriting.close()
        let signature = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw SetupError("openssl exited with \(process.terminationStatus)") }
        return signature
    }
}

struct HsmOffline: Error, CustomStringConvertible {
    var description: String { "hsm offline" }
}

/// A signer that throws.
struct OfflineSigner: RequestSigner {
    func sign(base: Data) throws -> Data { throw HsmOffline() }
}

final class RequestSignerTests: XCTestCase {
    /// Over plain http, for the control API (its request log and registered keys).
    static let sandbox: LocalSandbox = {
        do { return try LocalSandbox() } catch { fatalError("\(error)") }
    }()
    var sandbox: LocalSandbox { Self.sandbox }

    private func config(_ signer: any RequestSigner, _ publicKeyPem: String?, keyId: String? = nil) -> ClientConfig {
        ClientConfig(baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret, keyId: keyId,
                     requestSigner: signer, signingPublicKeyPem: publicKeyPem)
    }

    /// The emulator's registered key ids (its state's `signingKeys`).
    private func registeredKeys() throws -> [String] {
        try XCTUnwrap(sandbox.rawState()["signingKeys"] as? [String])
    }

    private func requestPaths() throws -> [String] {
        (try sandbox.control("GET", "requests") as? [[String: Any]] ?? []).map { $0["path"] as? String ?? "" }
    }

    func testAWholeOnboardingSignedByAnotherProcess() throws {
        let kms = try OpensslSigner()
        let client = try OffBlocksClient(config(kms, kms.publicKeyPem))
        let keyId = try client.auth.registerSigningKey()
        let done = try client.onboard(OnboardingRequest(externalId: TestEnv.externalId("kms")), signer: Wallet.random())
        XCTAssertEqual(done.account.status, .active)
        XCTAssertGreaterThanOrEqual(kms.calls, 6, "\(kms.calls) signatures")
        XCTAssertTrue(try registeredKeys().contains(keyId))
        XCTAssertEqual(try client.keyId(), keyId)
    }

    func testWhatTheSignerThrowsIsASignerErrorAndAWrongKeyIsRefusedBeforeSending() throws {
        let kms = try OpensslSigner()
        let offline = try OffBlocksClient(config(OfflineSigner(), kms.publicKeyPem, keyId: "k-any"))
        let thrown = assertThrowsOffBlocks("signer") { try offline.customers.list() }
        XCTAssertTrue(thrown?.failure.message.contains("HsmOffline: hsm offline") == true, "\(String(describing: thrown))")
        XCTAssertTrue(thrown?.failure.underlying is HsmOffline, "\(String(describing: thrown?.failure.underlying))")

        let other = try OffBlocks.signingKeyPublicPem(OffBlocks.generateSigningKey())
        let before = try requestPaths().count
        let wrong = try OffBlocksClient(config(kms, other, keyId: "k-any"))
        let refused = assertThrowsOffBlocks("signer") { try wrong.customers.list() }
        XCTAssertTrue(refused?.failure.message.contains("does not verify") == true, "\(String(describing: refused))")
        let sent = try requestPaths().dropFirst(before)
        XCTAssertTrue(sent.allSatisfy { $0.hasSuffix("/auth/token") }, "\(sent)")

        assertThrowsOffBlocks("config") { try OffBlocksClient(self.config(kms, nil)) }
        assertThrowsOffBlocks("invalidKey") { try OffBlocksClient(self.config(kms, "not a key")) }
        var both = config(kms, kms.publicKeyPem)
        both.generateSigningKey = true
        assertThrowsOffBlocks("config") { try OffBlocksClient(both) }
    }

    func testTheSignersContextIsReleasedOnceWhenNothingUsesItAnyMore() throws {
        let kms = try OpensslSigner()
        let before = RequestSignerContext.counts
        do {
            let native = try NativeRequestSigner(publicKeyPem: kms.publicKeyPem, signer: kms)
            XCTAssertEqual(try native.publicKeyPem().trimmingCharacters(in: .whitespacesAndNewlines),
                           kms.publicKeyPem.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        XCTAssertEqual(RequestSignerContext.counts.made, before.made + 1)
        XCTAssertEqual(RequestSignerContext.counts.released, before.released + 1)
        do {
            let client = try OffBlocksClient(config(kms, kms.publicKeyPem))
            // The handle is gone; the client keeps the context.
            XCTAssertEqual(RequestSignerContext.counts.released, before.released + 1)
            _ = try client.auth.registerSigningKey()
        }
        XCTAssertEqual(RequestSignerContext.counts.made, before.made + 2)
        XCTAssertEqual(RequestSignerContext.counts.released, before.released + 2)
        // A refused key: the library never takes the context, the face releases it.
        assertThrowsOffBlocks("invalidKey") { try NativeRequestSigner(publicKeyPem: "not a key", signer: kms) }
        XCTAssertEqual(RequestSignerContext.counts.made, before.made + 3)
        XCTAssertEqual(RequestSignerContext.counts.released, before.released + 3)
    }

    func testRotatingTheKeyWhileOtherThreadsCallFailsNoCall() throws {
        let kms = try OpensslSigner()
        let client = try OffBlocksClient(ClientConfig(baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey, apiSecret: sandbox.apiSecret,
                                                      signingKeyPem: OffBlocks.generateSigningKey()))
        var ids = [try client.auth.registerSigningKey()]
        let load = Load()
        let group = DispatchGroup()
        for _ in 0..<3 {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while !load.stopped {
                    do { _ = try client.customers.list() } catch { load.failed(error) }
                    load.called()
                }
            }
        }
        load.waitCalls(4)
        ids.append(try client.auth.rotateSigningKey(newKeyPem: OffBlocks.generateSigningKey()))
        load.waitCalls(4)
        ids.append(try client.auth.rotateSigningKey(publicKeyPem: kms.publicKeyPem, signer: kms))
        load.waitCalls(4)
        ids.append(try client.auth.rotateSigningKey(newKeyPem: OffBlocks.generateSigningKey()))
        load.waitCalls(4)
        load.stop()
        group.wait()
        let failures = load.failures
        XCTAssertTrue(failures.isEmpty, "\(failures)")
        XCTAssertEqual(try client.keyId(), ids.last)
        XCTAssertEqual(Set(ids).count, ids.count)
        let registered = try registeredKeys()
        XCTAssertTrue(registered.contains(ids.last!))
        XCTAssertTrue(ids.dropLast().allSatisfy { !registered.contains($0) }, "\(ids) / \(registered)")
        XCTAssertGreaterThanOrEqual(kms.calls, 1)
    }

    func testAnAsyncRotationToAnotherProcessKey() async throws {
        let kms = try OpensslSigner()
        let client = try sandbox.client(ClientConfig(baseUrl: sandbox.baseUrl, apiKey: sandbox.apiKey,
                                                     apiSecret: sandbox.apiSecret, generateSigningKey: true))
        let old = try XCTUnwrap(try client.keyId())
        let id = try await client.auth.rotateSigningKey(publicKeyPem: kms.publicKeyPem, signer: kms)
        XCTAssertNotEqual(id, old)
        // The rotation's own requests are signed with the old key; this one with the new.
        let before = kms.calls
        _ = try await client.customers.list()
        XCTAssertGreaterThan(kms.calls, before)
        XCTAssertEqual(try registeredKeys().filter { [old, id].contains($0) }, [id])
    }

    func testTheConfigDescriptionNamesNoSignerDetail() {
        let text = "\(config(OfflineSigner(), "pem-text"))"
        XCTAssertTrue(text.contains("requestSigner: [external]"), text)
    }
}

/// Calls made and failed by the threads of a load, and when they stop.
final class Load: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0, stopFlag = false, errors: [any Error] = []

    var stopped: Bool { lock.lock(); defer { lock.unlock() }; return stopFlag }
    var failures: [any Error] { lock.lock(); defer { lock.unlock() }; return errors }
    func stop() { lock.lock(); stopFlag = true; lock.unlock() }
    func called() { lock.lock(); count += 1; lock.unlock() }
    func failed(_ error: any Error) { lock.lock(); errors.append(error); lock.unlock() }

    /// Returns once `n` more calls have ended.
    func waitCalls(_ n: Int) {
        lock.lock(); let start = count; lock.unlock()
        while true {
            lock.lock(); let now = count; lock.unlock()
            if now >= start + n { return }
            usleep(1000)
        }
    }
}

final class OnboardingDefaultsTests: XCTestCase {
    func testTheLibraryListsTheDefaultsOfEveryOptionalKey() throws {
        let defaults = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(OffBlocksClient.onboardingDefaultsJSON().utf8)) as? [String: Any])
        XCTAssertEqual(Set(defaults.keys), ["simulateVerification", "account", "timeoutMs", "pollIntervalMs", "maxPollIntervalMs", "wait"])
        XCTAssertEqual(defaults["timeoutMs"] as? Int, 120_000)
        XCTAssertEqual(defaults["maxPollIntervalMs"] as? Int, 30_000)
        let account = try XCTUnwrap(defaults["account"] as? [String: Any])
        XCTAssertEqual(account["type"] as? String, "card_account")
        XCTAssertEqual(account["currencies"] as? [String], ["EUR"])
    }

    private func encoded(_ request: OnboardingRequest) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(JSON.encode(request).utf8)) as? [String: Any])
    }

    func testAFieldLeftNilSendsNothing() throws {
        XCTAssertEqual(Set(try encoded(OnboardingRequest(externalId: "x")).keys), ["externalId", "chain"])
        let set = try encoded(OnboardingRequest(externalId: "x", simulateVerification: false, accountType: .cardAccount,
                                                currencies: ["USD"], timeout: 5, pollInterval: 0.25, maxPollInterval: 2))
        XCTAssertEqual(Set(set.keys), ["externalId", "chain", "simulateVerification", "account", "timeoutMs", "pollIntervalMs",
                                       "maxPollIntervalMs"])
        XCTAssertEqual(set["timeoutMs"] as? Int, 5000)
        XCTAssertEqual(set["pollIntervalMs"] as? Int, 250)
        XCTAssertEqual(set["maxPollIntervalMs"] as? Int, 2000)
    }

    func testHalfAnAccountTakesTheOtherHalfFromTheLibrarysDefault() throws {
        let currencies = try XCTUnwrap(try encoded(OnboardingRequest(externalId: "x", currencies: ["USD"]))["account"] as? [String: Any])
        XCTAssertEqual(currencies["type"] as? String, "card_account")
        XCTAssertEqual(currencies["currencies"] as? [String], ["USD"])
        let type = try XCTUnwrap(try encoded(OnboardingRequest(externalId: "x", accountType: .cardAccount))["account"] as? [String: Any])
        XCTAssertEqual(type["currencies"] as? [String], ["EUR"])
    }
}
