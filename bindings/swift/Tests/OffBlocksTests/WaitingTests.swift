import Foundation
@testable import OffBlocks
import XCTest

/// Onboarding that holds no thread while OffBlocks has the next move: `onboardOrWait`
/// returns `.waiting`, and a later run continues where it stopped, creating nothing twice.
final class WaitingTests: XCTestCase {
    func testAFlowReturnsWhileWaitingAndResumesToDone() throws {
        // The account deploys a minute after its challenge is signed, by the emulator's
        // clock; KYC is someone else's move (no simulator from the flow).
        let sandbox = try LocalSandbox(["--activation-polls", "0", "--activation-delay-secs", "60"])
        let client = try sandbox.client()
        let wallet = try Wallet.random()
        let request = OnboardingRequest(externalId: TestEnv.externalId("wait"), simulateVerification: false)
        guard case .waiting(let first) = try client.onboardOrWait(request, signer: wallet) else {
            return XCTFail("not waiting")
        }
        XCTAssertEqual(first.step, "wait_customer")
        XCTAssertNil(first.account)
        XCTAssertEqual(try sandbox.state()["accounts"]?.count, 0)
        // Again before anything moved: still waiting, nothing new.
        guard case .waiting(let again) = try client.onboardOrWait(request, signer: wallet) else {
            return XCTFail("not waiting")
        }
        XCTAssertEqual(again.step, "wait_customer")
        XCTAssertEqual(again.customer.id, first.customer.id)
        // KYC passes (the simulator stands for OffBlocks' reviewers).
        try client.simulator.verifyCustomer(first.customer.id)
        guard case .waiting(let deploying) = try client.onboardOrWait(request, signer: wallet) else {
            return XCTFail("not waiting")
        }
        XCTAssertEqual(deploying.step, "wait_account")
        XCTAssertEqual(deploying.account?.status, .pending)
        // The deployment finishes.
        try sandbox.advanceClock(61)
        guard case .done(let done) = try client.onboardOrWait(request, signer: wallet) else {
            return XCTFail("not done")
        }
        XCTAssertEqual(done.account.status, .active)
        XCTAssertEqual(done.customer.id, first.customer.id)
        XCTAssertEqual(try sandbox.state()["customers"]?.count, 1)
        XCTAssertEqual(try sandbox.state()["accounts"]?.count, 1)
        // The same request through `onboard` finds it all done.
        XCTAssertEqual(try client.onboard(request, signer: wallet), done)
    }

    func testTheAsyncVariantReturnsWhileWaitingOffTheCallersActor() async throws {
        let sandbox = try LocalSandbox()
        let client = try sandbox.client()
        let request = OnboardingRequest(externalId: TestEnv.externalId("wait-async"), simulateVerification: false)
        let state = try await client.onboardOrWait(request, signer: Wallet.random())
        guard case .waiting(let waiting) = state else { return XCTFail("\(state)") }
        XCTAssertEqual(waiting.step, "wait_customer")
        XCTAssertNil(waiting.account)
    }

    func testTheRequestCarriesTheWaitPolicyAndThePollBounds() throws {
        let request = OnboardingRequest(externalId: "x", maxPollInterval: 2.5)
        let json = try JSONSerialization.jsonObject(with: Data(JSON.encode(OnboardingCall(request: request, wait: .returnWhenWaiting)).utf8))
        let object = try XCTUnwrap(json as? [String: Any])
        XCTAssertEqual(object["wait"] as? String, "returnWhenWaiting")
        XCTAssertEqual(object["maxPollIntervalMs"] as? Int, 2500)
        XCTAssertNil(object["simulateVerification"], "unset: the library decides by environment")
        let finish = try JSON.encode(OnboardingCall(request: OnboardingRequest(externalId: "x"), wait: .finish))
        XCTAssertTrue(finish.contains("\"wait\":\"finish\""), finish)
        XCTAssertFalse(finish.contains("maxPollIntervalMs"), finish)
    }
}
