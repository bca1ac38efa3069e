import Foundation
@testable import OffBlocks
import XCTest

/// HTTPS to the emulator (`offblocks-sandbox --tls`): a whole onboarding with its CA given
/// as `caFile` / `caPem`, and hostile certificates, a missing CA and a wrong pin refused
/// with `OffBlocksError.tls` and the check that failed, never retried.
final class TlsTests: XCTestCase {
    func testAWholeOnboardingGoesOverHttpsWithTheCaGivenAsCaFileOrCaPem() throws {
        let sandbox = try LocalSandbox(["--tls", "--activation-polls", "0"])
        XCTAssertTrue(sandbox.baseUrl.hasPrefix("https://127.0.0.1:"), sandbox.baseUrl)
        let caFile = try XCTUnwrap(sandbox.caFile)
        let done = try sandbox.client().onboard(OnboardingRequest(externalId: TestEnv.externalId("tls")), signer: Wallet.random())
        XCTAssertEqual(done.account.status, .active)
        var config = sandbox.config()
        config.caFile = nil
        config.caPem = try String(contentsOfFile: caFile, encoding: .utf8)
        let viaPem = try sandbox.client(config).onboard(OnboardingRequest(externalId: TestEnv.externalId("tls-pem")), signer: Wallet.random())
        XCTAssertEqual(viaPem.account.status, .active)
    }

    /// `call` on a client of `config` (three attempts allowed) fails with `.tls(which, _)`
    /// at once, not retryable, and without the secret in its text.
    private func assertRefused(_ sandbox: LocalSandbox, _ which: TlsFailure, _ config: ClientConfig? = nil,
                               file: StaticString = #filePath, line: UInt = #line) throws {
        var config = config ?? sandbox.config()
        config.retry = .init(maxAttempts: 3)
        let client = try OffBlocksClient(config)
        let e = assertThrowsOffBlocks("tls(\(which))", file: file, line: line) { try client.auth.token() }
        guard case .tls(let got, let f)? = e else { return }
        XCTAssertEqual(got, which, file: file, line: line)
        XCTAssertEqual(f.code, .tls, file: file, line: line)
        XCTAssertEqual(f.kind, .tls, file: file, line: line)
        XCTAssertEqual(f.codeName, "OFFBLOCKS_TLS", file: file, line: line)
        XCTAssertFalse(f.retryable, file: file, line: line)
        XCTAssertFalse("\(e!)".contains(sandbox.apiSecret), file: file, line: line)
    }

    func testNoCaAndAWrongPinAreRefusedWithTheirKind() throws {
        let sandbox = try LocalSandbox(["--tls"])
        var noCa = sandbox.config()
        noCa.caFile = nil
        try assertRefused(sandbox, .untrustedChain, noCa)
        var pinned = sandbox.config()
        pinned.spkiPins = [Data(count: 32).base64EncodedString()]
        try assertRefused(sandbox, .pinMismatch, pinned)
    }

    func testHostileCertificatesAndPlainHttpAreRefusedWithTheirKind() throws {
        let wrongHost = try LocalSandbox(["--tls-mode", "wrong-host"])
        try assertRefused(wrongHost, .hostMismatch)
        try assertRefused(try LocalSandbox(["--tls-mode", "expired"]), .expired)
        try assertRefused(try LocalSandbox(["--tls-mode", "untrusted"]), .untrustedChain)
        try assertRefused(try LocalSandbox(["--tls-mode", "plain"]), .handshake)
    }
}
