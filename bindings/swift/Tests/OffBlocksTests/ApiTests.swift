import COffBlocks
import Foundation
import OffBlocks
import XCTest

let onboardingSteps = ["create_customer", "sign_customer_challenge", "verify_customer", "wait_customer",
                       "create_account", "sign_account_challenge", "wait_account", "done"]

/// The face against the emulator: onboarding, resources and errors.
final class ApiTests: XCTestCase {
    var client: OffBlocksClient { Shared.client }

    func testOnboardingWithAWalletReportsEveryStepAndIsResumable() throws {
        let wallet = try Wallet.random()
        let externalId = TestEnv.externalId("onboard")
        var progress: [OnboardingProgress] = []
        let done = try client.onboard(OnboardingRequest(externalId: externalId), signer: wallet) { progress.append($0) }
        XCTAssertEqual(done.customer.status, .active)
        XCTAssertEqual(done.account.status, .active)
        XCTAssertEqual(done.customer.chainId, try wallet.accountId(chain: TestEnv.chain))
        XCTAssertEqual(done.customer.externalId, externalId)
        XCTAssertEqual(done.account.customerId, done.customer.id)
        XCTAssertNotNil(done.account.chainId)
        // Each step once, in order; the waits also report each poll, with the status seen.
        XCTAssertEqual(progress.map(\.step).filter { !$0.hasPrefix("wait_") }, onboardingSteps.filter { !$0.hasPrefix("wait_") })
        XCTAssertEqual(Set(progress.map(\.step)), Set(onboardingSteps))
        for wait in ["wait_customer", "wait_account"] {
            XCTAssertEqual(progress.last { $0.step == wait }?.status, "active")
        }
        XCTAssertEqual(progress.last?.status, "active")
        XCTAssertTrue(zip(progress, progress.dropFirst()).allSatisfy { $0.elapsed <= $1.elapsed })
        // The server agrees.
        XCTAssertEqual(try client.accounts.get(done.account.id).status, .active)
        // Resumable: a second run picks everything up and creates nothing.
        let again = try client.onboard(externalId: externalId, signer: wallet)
        XCTAssertEqual(again.customer.id, done.customer.id)
        XCTAssertEqual(again.account.id, done.account.id)
        XCTAssertEqual(try client.accounts.list(customerId: done.customer.id).count, 1)
    }

    func testOnboardingWithAHostSignerCallsItForBothChallengesOnTheCallingThread() throws {
        let key = try Wallet.random()
        let signer = RecordingSigner(key)
        let done = try client.onboard(OnboardingRequest(externalId: TestEnv.externalId("signer")), signer: signer)
        XCTAssertEqual(done.account.status, .active)
        XCTAssertEqual(done.customer.chainId, "\(TestEnv.chain):\(key.address)")
        XCTAssertEqual(signer.messages.count, 2)
        XCTAssertEqual(signer.threads, [currentThreadName()])
        // The first is the customer's EIP-4361 challenge, handed over byte for byte.
        let siwe = try Siwe.parse(String(decoding: signer.messages[0], as: UTF8.self))
        XCTAssertEqual(siwe.address, key.address)
        XCTAssertEqual(siwe.chainId, 300)
    }

    func testAProgressCallbackStopsTheFlowWithCancellationErrorAndOnboardingAgainResumesIt() throws {
        let wallet = try Wallet.random()
        let request = OnboardingRequest(externalId: TestEnv.externalId("cancel"))
        var seen: [String] = []
        let e = assertThrowsOffBlocks("cancelled") {
            try client.onboard(request, signer: wallet) { p in
                seen.append(p.step)
                if p.step == "create_customer" { throw CancellationError() }
            }
        }
        XCTAssertTrue(e?.failure.underlying is CancellationError)
        XCTAssertEqual(e?.failure.code, .cancelled)
        XCTAssertTrue(e?.message.contains("create_customer") ?? false, e?.message ?? "")
        XCTAssertEqual(seen, ["create_customer"])
        // The same call later finishes, creating nothing twice.
        let done = try client.onboard(request, signer: wallet)
        XCTAssertEqual(done.account.status, .active)
        XCTAssertEqual(try client.customers.list().filter { $0.externalId == request.externalId }.map(\.id), [done.customer.id])
        XCTAssertEqual(try client.accounts.list(customerId: done.customer.id).map(\.id), [done.account.id])
    }

    func testAProgressCallbackThatThrowsSomethingElseIsACallbackError() throws {
        struct Broken: Error {}
        let wallet = try Wallet.random()
        let e = assertThrowsOffBlocks("callback") {
            try client.onboard(OnboardingRequest(externalId: TestEnv.externalId("broken")), signer: wallet) { p in
                if p.step == "sign_customer_challenge" { throw Broken() }
            }
        }
        XCTAssertTrue(e?.failure.underlying is Broken)
        XCTAssertEqual(e?.failure.code, .cancelled)
    }

    func testASignerThatThrowsFailsTheCallWithItsErrorAndNothingIsSigned() throws {
        struct KeyStoreLocked: Error {}
        let key = try Wallet.random()
        let signer = RecordingSigner(key) { _ in throw KeyStoreLocked() }
        let customer = try client.customers.create(chainId: key.accountId(chain: TestEnv.chain), externalId: TestEnv.externalId("locked"))
        let e = assertThrowsOffBlocks("signer") { try client.customers.signChallenge(customer, signer: signer) }
        XCTAssertTrue(e?.failure.underlying is KeyStoreLocked, "\(String(describing: e))")
        XCTAssertEqual(e?.failure.code, .signer)
        XCTAssertEqual(try client.customers.get(customer.id).status, .initiating)
        // A signature from another key is caught before anything is sent.
        let other = try Wallet.random()
        let wrong = RecordingSigner(key) { try other.signPersonal($0) }
        assertThrowsOffBlocks("signer") { try client.customers.signChallenge(customer, signer: wrong) }
        XCTAssertEqual(try client.customers.get(customer.id).status, .initiating)
        // The right key then signs the same challenge.
        try client.customers.signChallenge(customer, signer: RecordingSigner(key))
        XCTAssertNotEqual(try client.customers.get(customer.id).status, .initiating)
    }

    func testResourcesStepByStep() throws {
        let wallet = try Wallet.random()
        let externalId = TestEnv.externalId("steps")
        let customer = try client.customers.create(chainId: wallet.accountId(chain: TestEnv.chain), externalId: externalId)
        XCTAssertEqual(customer.status, .initiating)
        XCTAssertNotNil(customer.challenge)
        XCTAssertEqual(try client.customers.get(customer.id), try client.customers.get(customer.id))
        let challenge = try client.customers.challenge(customer.id)
        XCTAssertEqual(try challenge.parse().address, wallet.address)
        // Signed elsewhere, submitted as such.
        try client.customers.submitChallenge(customer.id, ownerId: customer.chainId, challenge: challenge,
                                             signature: wallet.signPersonal(challenge.bytes(), encoding: .base64Hex))
        try client.simulator.verifyCustomer(customer.id)
        var status = try client.customers.get(customer.id).status
        for _ in 0..<100 where status != .active {
            Thread.sleep(forTimeInterval: 0.05)
            status = try client.customers.get(customer.id).status
        }
        XCTAssertEqual(status, .active)
        let account = try client.accounts.create(customerId: customer.id)
        XCTAssertEqual(account.type, .cardAccount)
        XCTAssertEqual(account.currencies, ["EUR"])
        try client.accounts.signChallenge(account, signer: wallet)
        XCTAssertTrue(try client.accounts.list().contains { $0.id == account.id })
        XCTAssertEqual(try client.accounts.list(customerId: customer.id).map(\.id), [account.id])
        // Webhooks.
        let hook = try client.webhooks.put(callbackUrl: "https://example.com/hooks/\(UUID().uuidString)")
        XCTAssertEqual(hook.types, [.customerUpdated, .accountUpdated])
        XCTAssertEqual(try client.webhooks.get(hook.id).callbackUrl, hook.callbackUrl)
        XCTAssertTrue(try client.webhooks.list().contains { $0.id == hook.id })
        try client.webhooks.delete(hook.id)
        assertThrowsOffBlocks("notFound") { try client.webhooks.get(hook.id) }
        // Auth, key id, dry run.
        let token = try client.auth.token()
        XCTAssertFalse("\(token)".contains(token.token))
        XCTAssertNotNil(try client.keyId())
        let dry = try client.dryRun(method: "GET", path: "/customers")
        XCTAssertNotNil(dry.header("signature"))
        XCTAssertNotNil(dry.header("Signature-Input"))
        XCTAssertTrue(dry.signatureBase.contains("@method"))
        XCTAssertFalse("\(dry)".contains(token.token))
    }

    func testAnUnknownCustomerIsA404WithStatusRequestIdAndBody() throws {
        let e = try XCTUnwrap(assertThrowsOffBlocks("notFound") { try client.customers.get("no-such-customer") })
        XCTAssertEqual(e.status, 404)
        XCTAssertEqual(e.failure.code, .api)
        XCTAssertEqual(e.failure.errorCode, "not_found")
        XCTAssertNotNil(e.failure.requestId)
        XCTAssertTrue("\(e)".contains(e.failure.requestId ?? "-"))
        XCTAssertFalse(e.failure.retryable)
        // A failed call does not leak its error into the next.
        _ = try client.customers.list()
        XCTAssertEqual(offblocks_last_error_code(), OFFBLOCKS_OK)
    }

    func testADuplicateCustomerIsAConflict() throws {
        let w = try Wallet.random()
        let externalId = TestEnv.externalId("dup")
        let first = try client.customers.create(chainId: w.accountId(chain: TestEnv.chain), externalId: externalId)
        let e = assertThrowsOffBlocks("conflict") {
            try client.customers.create(chainId: w.accountId(chain: TestEnv.chain), externalId: externalId)
        }
        XCTAssertEqual(e?.status, 409)
        XCTAssertTrue(e?.failure.body?.contains(first.id) ?? false)
    }

    func testAChallengeForSomeoneElseIsRefusedBeforeAnythingIsSigned() throws {
        let w = try Wallet.random()
        let other = RecordingSigner(try Wallet.random())
        let customer = try client.customers.create(chainId: w.accountId(chain: TestEnv.chain), externalId: TestEnv.externalId("refused"))
        let e = assertThrowsOffBlocks("challengeRefused") { try client.customers.signChallenge(customer, signer: other) }
        XCTAssertEqual(e?.failure.code, .challengeRefused)
        XCTAssertTrue(other.messages.isEmpty)
        XCTAssertEqual(try client.customers.get(customer.id).status, .initiating)
    }

    func testTimeoutsRejectionsAndBadCredentials() throws {
        let w = try Wallet.random()
        let request = OnboardingRequest(externalId: TestEnv.externalId("timeout"), simulateVerification: false, timeout: 0.3)
        assertThrowsOffBlocks("timeout") { try client.onboard(request, signer: w) }
        let r = try Wallet.random()
        let externalId = TestEnv.externalId("rejected")
        let customer = try client.customers.create(chainId: r.accountId(chain: TestEnv.chain), externalId: externalId)
        try client.customers.signChallenge(customer, signer: r)
        try client.simulator.rejectCustomer(customer.id)
        assertThrowsOffBlocks("state") { try client.onboard(externalId: externalId, signer: r) }
        // Wrong credentials: an authentication error that does not echo the secret.
        var config = Shared.sandbox.config()
        config.apiSecret = "wrong-secret-\(UUID().uuidString)"
        let bad = try OffBlocksClient(config)
        let e = assertThrowsOffBlocks("authentication") { try bad.auth.token() }
        XCTAssertFalse("\(String(describing: e))".contains(config.apiSecret!))
        // Bad configurations are config errors.
        assertThrowsOffBlocks("config") { try OffBlocksClient(ClientConfig(baseUrl: "not a url", apiKey: "k", apiSecret: "s")) }
        assertThrowsOffBlocks("config") { try OffBlocksClient(ClientConfig(baseUrl: Shared.sandbox.baseUrl, apiKey: "k", apiSecret: "s", timeout: 0)) }
        assertThrowsOffBlocks("invalidKey") {
            try OffBlocksClient(ClientConfig(baseUrl: Shared.sandbox.baseUrl, apiKey: "k", apiSecret: "s", signingKeyPem: "nope"))
        }
    }

    func testTheExpectedOwnerAndChainRefuseAnotherCustomerBeforeAnythingIsSigned() throws {
        let w = RecordingSigner(try Wallet.random())
        let owner = try w.key.accountId(chain: TestEnv.chain)
        let customer = try client.customers.create(chainId: owner, externalId: TestEnv.externalId("owner"))
        let someoneElse = try Wallet.random().accountId(chain: TestEnv.chain)
        assertThrowsOffBlocks("challengeRefused") { try client.customers.signChallenge(customer, signer: w, ownerId: someoneElse) }
        assertThrowsOffBlocks("challengeRefused") { try client.customers.signChallenge(customer, signer: w, chain: "eip155:1") }
        XCTAssertTrue(w.messages.isEmpty)
        try client.customers.signChallenge(customer, signer: w, ownerId: owner, chain: TestEnv.chain)
        XCTAssertEqual(w.messages.count, 1)
        try client.simulator.verifyCustomer(customer.id)
        var status = try client.customers.get(customer.id).status
        for _ in 0..<100 where status != .active {
            Thread.sleep(forTimeInterval: 0.05)
            status = try client.customers.get(customer.id).status
        }
        let account = try client.accounts.create(customerId: customer.id)
        assertThrowsOffBlocks("challengeRefused") { try client.accounts.signChallenge(account, signer: w, chain: "eip155:1") }
        XCTAssertEqual(w.messages.count, 1)
        try client.accounts.signChallenge(account, signer: w, chain: TestEnv.chain)
        XCTAssertEqual(w.messages.count, 2)
    }
}
