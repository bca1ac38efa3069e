import Foundation
import OffBlocks
import XCTest

/// Handles are freed exactly once, when their last reference goes; the async variants run
/// off the caller's actor and stop on cancellation.
final class LifetimeAndAsyncTests: XCTestCase {
    func testHandlesAreFreedOnceWhenTheLastReferenceGoes() throws {
        _ = Shared.client // made before counting
        let before = OffBlocks.liveHandles
        do {
            let wallet = try Wallet.random()
            let client = try OffBlocksClient(Shared.sandbox.config())
            XCTAssertEqual(OffBlocks.liveHandles, before + 2)
            let copy = client // another reference: nothing freed when one goes
            _ = try copy.keyId()
            _ = wallet.address
        }
        XCTAssertEqual(OffBlocks.liveHandles, before)
        // A failed constructor leaves nothing behind.
        XCTAssertThrowsError(try OffBlocksClient(ClientConfig(baseUrl: "nope", apiKey: "k", apiSecret: "s")))
        XCTAssertThrowsError(try Wallet.fromHex("0x00"))
        XCTAssertEqual(OffBlocks.liveHandles, before)
    }

    func testSignersOfACallAreFreedAfterItEvenWhenItFails() throws {
        let client = Shared.client
        let before = OffBlocks.liveHandles
        try {
            let key = try Wallet.random()
            let signer = RecordingSigner(key)
            _ = try client.onboard(OnboardingRequest(externalId: TestEnv.externalId("lifetime")), signer: signer)
            XCTAssertEqual(OffBlocks.liveHandles, before + 1) // the wallet; the call's native signer is gone
            let locked = RecordingSigner(key) { _ in throw CancellationError() }
            XCTAssertThrowsError(try client.onboard(OnboardingRequest(externalId: TestEnv.externalId("lifetime")), signer: locked))
            XCTAssertEqual(OffBlocks.liveHandles, before + 1)
        }()
        XCTAssertEqual(OffBlocks.liveHandles, before)
    }

    func testOneClientServesManyThreads() throws {
        let client = Shared.client
        let errors = NSLock()
        var failures: [String] = []
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            do {
                let w = try Wallet.random()
                let c = try client.customers.create(chainId: w.accountId(chain: TestEnv.chain), externalId: TestEnv.externalId("threads-\(i)"))
                XCTAssertEqual(try client.customers.get(c.id).id, c.id)
            } catch {
                errors.lock(); failures.append("\(error)"); errors.unlock()
            }
        }
        XCTAssertEqual(failures, [])
    }

    @MainActor
    func testAsyncOnboardingRunsOffTheCallersActor() async throws {
        XCTAssertTrue(Thread.isMainThread)
        let wallet = try Wallet.random()
        let threads = ThreadLog()
        let done = try await Shared.client.onboard(OnboardingRequest(externalId: TestEnv.externalId("async")), signer: wallet) { _ in
            threads.record(Thread.isMainThread)
        }
        XCTAssertEqual(done.account.status, .active)
        XCTAssertFalse(threads.values.isEmpty)
        XCTAssertFalse(threads.values.contains(true), "a progress report came on the main thread")
        let again = try await Shared.client.run { try $0.accounts.get(done.account.id) }
        XCTAssertEqual(again.id, done.account.id)
        let customer = try await Shared.client.customers.get(done.customer.id)
        XCTAssertEqual(customer.status, .active)
    }

    func testCancellingTheTaskStopsTheFlowAtItsNextStep() async throws {
        let wallet = try Wallet.random()
        let request = OnboardingRequest(externalId: TestEnv.externalId("task-cancel"))
        let reached = DispatchSemaphore(value: 0)
        let cancelled = DispatchSemaphore(value: 0)
        let steps = ThreadLog()
        let handed = UncheckedBox(wallet)
        let task = Task {
            try await Shared.client.onboard(request, signer: handed.value) { p in
                steps.record(p.step == "create_customer")
                if p.step == "create_customer" {
                    reached.signal()
                    cancelled.wait()
                }
            }
        }
        await Task.detached { reached.wait() }.value
        task.cancel()
        cancelled.signal()
        do {
            _ = try await task.value
            XCTFail("the flow was not stopped")
        } catch OffBlocksError.cancelled(let f) {
            XCTAssertTrue(f.underlying is CancellationError)
        }
        XCTAssertEqual(steps.values, [true], "the flow went on after the task was cancelled")
        // What was done stays done: onboarding again resumes and finishes.
        let done = try await Shared.client.onboard(request, signer: wallet)
        let customers = try await Shared.client.customers.list()
        XCTAssertEqual(customers.filter { $0.externalId == request.externalId }.map(\.id), [done.customer.id])
    }
}

final class ThreadLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Bool] = []
    func record(_ v: Bool) { lock.lock(); items.append(v); lock.unlock() }
    var values: [Bool] { lock.lock(); defer { lock.unlock() }; return items }
}

struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
