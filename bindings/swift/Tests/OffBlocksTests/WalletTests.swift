import Foundation
import OffBlocks
import XCTest

/// Wallets, signatures, CAIP ids and EIP-4361 messages: no server needed.
final class WalletTests: XCTestCase {
    // The customer challenge of OffBlocks' documentation, decoded.
    let docsMessage = """
        api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:
        0x43158f45b5EbD7b1179130130DF00393928C2691

        OffBlocks wants to verify ownership of your wallet. By connecting your wallet and using OffBlocks, you agree to our Terms of services and Privacy Policy

        URI: https://api.sandbox.offblocks.xyz
        Version: 1
        Chain ID: 280
        Nonce: 5ufoiEqDaFvmfo78
        Issued At: 2024-01-17T18:21:53Z
        """

    func testAKnownKeyGivesItsKnownAddressAndKnownSignaturesInEveryEncoding() throws {
        let w = try Wallet.fromHex(TestEnv.hardhatKey)
        XCTAssertEqual(w.address, TestEnv.hardhatAddress)
        XCTAssertEqual(try Wallet.fromHex(String(TestEnv.hardhatKey.dropFirst(2)).uppercased()).address, TestEnv.hardhatAddress)
        XCTAssertEqual(try w.accountId(chain: "eip155:1"), "eip155:1:\(TestEnv.hardhatAddress)")
        XCTAssertEqual(try w.exportSecretHex(), TestEnv.hardhatKey)
        XCTAssertFalse("\(w)".contains("ac0974"))
        // viem's known answer for "hello world".
        let hello = Data("hello world".utf8)
        XCTAssertEqual(try w.signPersonal(hello, encoding: .hex), TestEnv.helloWorldSignature)
        let sig = try w.signPersonal(hello)
        XCTAssertEqual(sig.count, 65)
        XCTAssertEqual("0x" + sig.map { String(format: "%02x", $0) }.joined(), TestEnv.helloWorldSignature)
        XCTAssertEqual(try w.signPersonal(hello, encoding: .base64Raw), sig.base64EncodedString())
        XCTAssertEqual(try w.signPersonal(hello, encoding: .base64Hex), Data(TestEnv.helloWorldSignature.utf8).base64EncodedString())
        XCTAssertEqual(try Signatures.recover(hello, signature: sig), TestEnv.hardhatAddress)
        XCTAssertEqual(try Signatures.recover(hello, signature: TestEnv.helloWorldSignature), TestEnv.hardhatAddress)
        XCTAssertNotEqual(try Signatures.recover(Data("hello World".utf8), signature: sig), TestEnv.hardhatAddress)
        XCTAssertEqual(try Signatures.recover(Data(), signature: w.signPersonal(Data())), w.address)
    }

    func testBadKeysAndSignaturesAreClearErrorsThatDoNotEchoTheKey() throws {
        let bad = "zz" + TestEnv.hardhatKey.dropFirst(4)
        let e = assertThrowsOffBlocks("invalidKey") { try Wallet.fromHex(String(bad)) }
        XCTAssertFalse(e?.message.contains(String(bad.dropFirst(2))) ?? true, e?.message ?? "")
        assertThrowsOffBlocks("invalidKey") { try Wallet.fromHex("0x" + String(repeating: "00", count: 32)) }
        assertThrowsOffBlocks("invalidInput") { try Signatures.recover(Data("x".utf8), signature: Data(count: 64)) }
        assertThrowsOffBlocks("invalidInput") { try Signatures.recover(Data("x".utf8), signature: "0x1234") }
        // A NUL would end the C string early: refused before the call.
        let nul = assertThrowsOffBlocks("invalidInput") { try Wallet.fromHex("00\u{0}") }
        XCTAssertEqual(nul?.rawCode, 0)
        XCTAssertEqual(nul?.message, "private key contains a NUL character")
    }

    func testCaipIdsParse() throws {
        let chain = try ChainId.parse("eip155:300")
        XCTAssertEqual([chain.chainId, chain.namespace, chain.reference], ["eip155:300", "eip155", "300"])
        XCTAssertEqual(chain.eip155Chain, 300)
        XCTAssertNil(try ChainId.parse("solana:4sGjMW1sUnHzSxGspuhpqLDx6wiyjNtZ").eip155Chain)
        let account = try AccountId.parse("eip155:1:\(TestEnv.hardhatAddress.lowercased())")
        XCTAssertEqual(account.evmAddress, TestEnv.hardhatAddress)
        XCTAssertEqual(account.eip155Chain, 1)
        assertThrowsOffBlocks("invalidInput") { try ChainId.parse("not a chain") }
        // A mixed-case address whose checksum fails.
        assertThrowsOffBlocks("invalidInput") { try AccountId.parse("eip155:280:0x43158f45b5EbD7b1179130131DF00393928C2691") }
    }

    func testSiweMessagesParseAndChallengesAreCheckedBeforeSigning() throws {
        let m = try Siwe.parse(docsMessage)
        XCTAssertEqual(m.domain, "api.sandbox.offblocks.xyz")
        XCTAssertEqual(m.address, "0x43158f45b5EbD7b1179130130DF00393928C2691")
        XCTAssertEqual(m.chainId, 280)
        XCTAssertEqual(m.nonce, "5ufoiEqDaFvmfo78")
        XCTAssertEqual(m.issuedAt, ISO8601DateFormatter().date(from: "2024-01-17T18:21:53Z"))
        XCTAssertEqual(m.uri, "https://api.sandbox.offblocks.xyz")
        XCTAssertTrue(m.statement?.hasPrefix("OffBlocks wants to verify") ?? false)
        XCTAssertEqual(m.text, docsMessage)
        assertThrowsOffBlocks("siwe") { try Siwe.parse("hello") }

        let challenge = Challenge(base64: Data(docsMessage.utf8).base64EncodedString())
        let address = "0x43158f45b5EbD7b1179130130DF00393928C2691"
        let at = ISO8601DateFormatter().date(from: "2024-01-17T18:25:00Z")!
        let ok = try Siwe.checkChallenge(challenge, walletAddress: address, customerChainId: "eip155:280:\(address)",
                                         expectedDomain: "api.sandbox.offblocks.xyz", now: at)
        XCTAssertEqual(ok.nonce, "5ufoiEqDaFvmfo78")
        XCTAssertEqual(try challenge.parse().nonce, ok.nonce)
        // Another address, another chain, another domain, an expired message: refused.
        assertThrowsOffBlocks("challengeRefused") {
            try Siwe.checkChallenge(challenge, walletAddress: TestEnv.hardhatAddress,
                                    customerChainId: "eip155:280:\(TestEnv.hardhatAddress)", now: at)
        }
        assertThrowsOffBlocks("challengeRefused") {
            try Siwe.checkChallenge(challenge, walletAddress: address, customerChainId: "eip155:300:\(address)", now: at)
        }
        assertThrowsOffBlocks("challengeRefused") {
            try Siwe.checkChallenge(challenge, walletAddress: address, customerChainId: "eip155:280:\(address)",
                                    expectedDomain: "evil.example", now: at)
        }
        let expiring = Challenge(base64: Data((docsMessage + "\nExpiration Time: 2024-01-17T19:21:53Z").utf8).base64EncodedString())
        let expired = assertThrowsOffBlocks("challengeRefused") {
            try Siwe.checkChallenge(expiring, walletAddress: address, customerChainId: "eip155:280:\(address)",
                                    now: ISO8601DateFormatter().date(from: "2024-01-17T21:00:00Z")!)
        }
        XCTAssertTrue(expired?.message.contains("expired") ?? false, expired?.message ?? "")
    }

    func testSigningKeysAndWebhookEvents() throws {
        let pem = try OffBlocks.generateSigningKey()
        XCTAssertTrue(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        XCTAssertTrue(try OffBlocks.signingKeyPublicPem(pem).hasPrefix("-----BEGIN PUBLIC KEY-----"))
        assertThrowsOffBlocks("invalidKey") { try OffBlocks.signingKeyPublicPem("not a pem") }
        let event = try OffBlocks.parseWebhookEvent("""
            {"eventId":"e1","webhookType":"customer.updated","id":"c1","externalId":"x",
            "chainId":"eip155:300:\(TestEnv.hardhatAddress)","status":"active","createdAt":"2024-01-17T18:21:53Z",
            "updatedAt":"2024-01-17T18:22:53.250Z"}
            """)
        XCTAssertEqual(event.eventId, "e1")
        XCTAssertEqual(event.webhookType, .customerUpdated)
        guard case .customer(let c) = event.data else { return XCTFail("not a customer event: \(event.data)") }
        XCTAssertEqual(c.status, .active)
        XCTAssertEqual(event.updatedAt?.timeIntervalSince1970, 1_705_515_773.25)
        let account = try OffBlocks.parseWebhookEvent("""
            {"eventId":"e2","webhookType":"account.updated","id":"a1","customerId":"c1","status":"active",
            "type":"CARD_ACCOUNT","currencies":["EUR"],"createdAt":"2024-01-17T18:21:53Z","updatedAt":"2024-01-17T18:21:54.5Z"}
            """)
        guard case .account(let a) = account.data else { return XCTFail("not an account event: \(account.data)") }
        XCTAssertEqual(a.type, .cardAccount)
        let unknown = try OffBlocks.parseWebhookEvent(#"{"eventId":"e3","webhookType":"card.frozen","cardId":"c1","updatedAt":"2024-01-17T18:21:53Z"}"#)
        XCTAssertFalse(unknown.webhookType.isKnown)
        guard case .other(_, let json) = unknown.data else { return XCTFail("not an unknown event: \(unknown.data)") }
        XCTAssertEqual(json, #"{"cardId":"c1","updatedAt":"2024-01-17T18:21:53Z"}"#)
        XCTAssertEqual(unknown.updatedAt, ISO8601DateFormatter().date(from: "2024-01-17T18:21:53Z"))
        assertThrowsOffBlocks("decode") { try OffBlocks.parseWebhookEvent(#"{"webhookType":"customer.updated"}"#) }
        assertThrowsOffBlocks("decode") { try OffBlocks.parseWebhookEvent("not json") }
    }

    func testUnknownStatusesDecodeAsThemselves() throws {
        let json = """
            {"id":"a","customerId":"c","status":"frozen","type":"debit_account","currencies":["EUR"],
             "createdAt":"2024-01-17T18:21:53Z","updatedAt":"2024-01-17T18:21:53Z"}
            """
        let account = try JSONDecoder.offblocks.decode(Account.self, from: Data(json.utf8))
        XCTAssertEqual(account.status.rawValue, "frozen")
        XCTAssertFalse(account.status.isKnown)
        XCTAssertFalse(account.type.isKnown)
        XCTAssertTrue(AccountStatus.active.isKnown)
    }
}
