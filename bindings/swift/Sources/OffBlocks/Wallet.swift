import COffBlocks
import Foundation

/// A wallet that signs the customer's challenges: what a wallet app (WalletConnect, the
/// Secure Enclave, a KMS) implements so that the user's key never reaches the SDK.
///
/// `signPersonal` gets the exact challenge bytes and returns the 65-byte EIP-191
/// `personal_sign` signature (`r‖s‖v`). The SDK checks that it recovers to `address`
/// before it sends anything, so a signature over the wrong bytes or with the wrong key is
/// caught. It is called on the thread of the call that needs it, before that call
/// returns; an error it throws fails that call with `OffBlocksError.signer`, with the error
/// as `underlying`.
public protocol Signer {
    /// The Ethereum address, `0x…` (mixed case must be a valid EIP-55 checksum).
    var address: String { get }
    func signPersonal(_ message: Data) throws -> Data
}

/// A secp256k1 private key held by the library, and its Ethereum address. **Holds a
/// secret**: the library zeroizes the key when the wallet is freed (its last reference
/// gone); the description shows only the address. Signatures are deterministic (RFC 6979).
/// May be used from several threads at once.
public final class Wallet: Signer, @unchecked Sendable, CustomStringConvertible {
    let pointer: OpaquePointer
    public let address: String

    /// Takes ownership of `pointer`: freed here when the address cannot be read, else by deinit.
    private init(_ pointer: OpaquePointer) throws {
        do {
            address = try Native.string { offblocks_wallet_address(pointer, $0) }
        } catch {
            _ = offblocks_wallet_free(pointer)
            throw error
        }
        self.pointer = pointer
        LiveHandles.made()
    }

    deinit {
        // Never refused: every call holds a reference, so none is using the handle now.
        _ = offblocks_wallet_free(pointer)
        LiveHandles.freed()
    }

    /// A wallet with a fresh random key from the operating system.
    public static func random() throws -> Wallet {
        try OffBlocks.checkLibrary()
        return try Wallet(Native.handle("offblocks_wallet_new_random") { offblocks_wallet_new_random($0) })
    }

    /// The wallet of a private key written as 64 hex digits (`0x` optional). Throws
    /// `.invalidKey` when it is not a valid secp256k1 key (the message never repeats it).
    public static func fromHex(_ privateKeyHex: String) throws -> Wallet {
        try OffBlocks.checkLibrary()
        let arg = try CString(privateKeyHex, "private key")
        defer { arg.free() }
        return try Wallet(Native.handle("offblocks_wallet_from_hex") { offblocks_wallet_from_hex(arg.pointer, $0) })
    }

    /// The CAIP-10 account id of this wallet on `chain` (`eip155:300:0x…`).
    public func accountId(chain: String = "eip155:300") throws -> String {
        let c = try CString(chain, "chain")
        defer { c.free() }
        return try withExtendedLifetime(self) { try Native.string { offblocks_wallet_account_id(pointer, c.pointer, $0) } }
    }

    /// The EIP-191 signature of `message`, 65 bytes.
    public func signPersonal(_ message: Data) throws -> Data {
        try hexToData(signPersonal(message, encoding: .hex))
    }

    /// The EIP-191 signature of `message`, written in `encoding`.
    public func signPersonal(_ message: Data, encoding: SignatureEncoding) throws -> String {
        try withExtendedLifetime(self) {
            try message.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                try Native.string {
                    offblocks_wallet_sign_personal(pointer, raw.bindMemory(to: UInt8.self).baseAddress, raw.count,
                                                   Int32(encoding.rawValue), $0)
                }
            }
        }
    }

    /// The private key as `0x` and 64 hex digits. **A secret**: for backing it up only.
    public func exportSecretHex() throws -> String {
        try withExtendedLifetime(self) { try Native.string { offblocks_wallet_export_secret_hex(pointer, $0) } }
    }

    public var description: String { "Wallet(address: \(address), key: [redacted])" }
}

/// EIP-191 signature recovery.
public enum Signatures {
    /// The address (EIP-55) whose key made `signature` (65 bytes) over `message` with
    /// `personal_sign`. Compare it with the expected address to verify a signature.
    /// Throws `.invalidInput` when malformed or recovering no key.
    public static func recover(_ message: Data, signature: Data) throws -> String {
        guard signature.count == 65 else {
            throw OffBlocksError.invalidInput(Failure(message: "a signature has 65 bytes, not \(signature.count)"))
        }
        return try recover(message, signature: "0x" + signature.map { String(format: "%02x", $0) }.joined())
    }

    /// As `recover(_:signature:)`, for a signature written in any `SignatureEncoding`.
    public static func recover(_ message: Data, signature: String) throws -> String {
        let sig = try CString(signature, "signature")
        defer { sig.free() }
        return try message.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            try Native.string { offblocks_signature_recover(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, sig.pointer, $0) }
        }
    }
}

/// A CAIP-2 chain id, e.g. `eip155:300`; `eip155Chain` is the chain number on `eip155`.
public struct ChainId: Codable, Hashable, Sendable, CustomStringConvertible {
    public var chainId: String
    public var namespace: String
    public var reference: String
    public var eip155Chain: Int64?

    /// Throws `.invalidInput` when malformed.
    public static func parse(_ text: String) throws -> ChainId {
        let arg = try CString(text, "chain id")
        defer { arg.free() }
        return try JSON.decode(ChainId.self, Native.string { offblocks_caip_chain_id_parse(arg.pointer, $0) }, "chain id")
    }

    public var description: String { chainId }
}

/// A CAIP-10 account id, e.g. `eip155:300:0xf39F…`; `evmAddress` is the address with its
/// EIP-55 checksum on `eip155` chains.
public struct AccountId: Codable, Hashable, Sendable, CustomStringConvertible {
    public var accountId: String
    public var chainId: String
    public var namespace: String
    public var reference: String
    public var eip155Chain: Int64?
    public var address: String
    public var evmAddress: String?

    /// Throws `.invalidInput` when malformed (an `eip155` address whose mixed case fails
    /// its checksum included).
    public static func parse(_ text: String) throws -> AccountId {
        let arg = try CString(text, "account id")
        defer { arg.free() }
        return try JSON.decode(AccountId.self, Native.string { offblocks_caip_account_id_parse(arg.pointer, $0) }, "account id")
    }

    public var description: String { accountId }
}

/// EIP-4361 (Sign-In with Ethereum) messages: what a customer challenge carries.
public enum Siwe {
    /// Parses the text of an EIP-4361 message. Throws `.siwe` naming the first problem.
    public static func parse(_ text: String) throws -> SiweMessage {
        let arg = try CString(text, "message")
        defer { arg.free() }
        var message = try JSON.decode(SiweMessage.self, Native.string { offblocks_siwe_parse(arg.pointer, $0) }, "siwe")
        message.text = text
        return message
    }

    /// Checks a customer `challenge` before anyone signs it, as the SDK does itself: it
    /// must name `walletAddress`; `customerChainId` (the customer's CAIP-10 `chainId`) must
    /// be that address on the `eip155` chain the message names; its domain must be
    /// `expectedDomain` (when given); `now` must be inside its validity window, give or take
    /// 60 s. Returns the parsed message, to show the user what they sign.
    ///
    /// Throws `.challengeRefused` when a check fails, `.siwe` or `.invalidInput` when
    /// something does not parse.
    public static func checkChallenge(_ challenge: Challenge, walletAddress: String, customerChainId: String,
                                      expectedDomain: String? = nil, now: Date = Date()) throws -> SiweMessage {
        let c = try CString(challenge.base64, "challenge"), w = try CString(walletAddress, "wallet address")
        let id = try CString(customerChainId, "customer chain id"), d = try CString.optional(expectedDomain, "expected domain")
        defer { c.free(); w.free(); id.free(); d?.free() }
        let raw = try Native.string {
            offblocks_siwe_guard(c.pointer, w.pointer, id.pointer, d?.pointer, Int64(now.timeIntervalSince1970.rounded(.down)), $0)
        }
        var message = try JSON.decode(SiweMessage.self, raw, "siwe")
        message.text = try challenge.text()
        return message
    }
}

func hexToData(_ hex: String) throws -> Data {
    var digits = Substring(hex)
    if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
    guard digits.count % 2 == 0 else { throw OffBlocksError.invalidInput(Failure(message: "odd number of hex digits")) }
    var out = Data(capacity: digits.count / 2)
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        guard let byte = UInt8(digits[index..<next], radix: 16) else {
            throw OffBlocksError.invalidInput(Failure(message: "not hex"))
        }
        out.append(byte)
        index = next
    }
    return out
}

/// An `offblocks_signer` for the duration of one call. For a `Wallet` the library signs by
/// itself; for any other `Signer`, a C callback calls `signPersonal`. Nothing unwinds into
/// C: what the Swift signer throws is kept, the C call fails with `OFFBLOCKS_SIGNER`, and
/// the call that ran it throws it (`takeThrown`, `wrap`).
final class NativeSigner {
    let pointer: OpaquePointer
    private let signer: any Signer
    private var thrown: (any Error)?

    init(_ signer: any Signer) throws {
        self.signer = signer
        if let wallet = signer as? Wallet {
            pointer = try withExtendedLifetime(wallet) {
                try Native.handle("offblocks_signer_from_wallet") { offblocks_signer_from_wallet(wallet.pointer, $0) }
            }
        } else {
            let arg = try CString(signer.address, "signer address")
            defer { arg.free() }
            // `self` is not complete yet: the callback's context is set up in two steps.
            let box = SignerContext()
            pointer = try Native.handle("offblocks_signer_new") {
                offblocks_signer_new(arg.pointer, signTrampoline, Unmanaged.passUnretained(box).toOpaque(), $0)
            }
            context = box
            // The library checks the address (EIP-55 when mixed case) and keeps its own
            // spelling; it must be the same address the signer gave.
            // (From here a throw runs deinit, which frees the handle.)
            LiveHandles.made()
            let kept = try Native.string { offblocks_signer_address(pointer, $0) }
            if kept.lowercased() != signer.address.lowercased() {
                throw OffBlocksError.signer(Failure(message: "the library kept the signer address \(kept), not \(signer.address)"))
            }
        }
        context?.owner = self
        if context == nil { LiveHandles.made() }
    }

    private var context: SignerContext?

    deinit {
        // Never refused: every call holds a reference, so none is using the handle now.
        _ = offblocks_signer_free(pointer)
        LiveHandles.freed()
    }

    fileprivate func sign(_ message: Data, into out: UnsafeMutablePointer<UInt8>) -> Int32 {
        do {
            let signature = try signer.signPersonal(message)
            guard signature.count == 65 else {
                throw OffBlocksError.signer(Failure(message: "the signer returned \(signature.count) bytes, a signature has 65 (r‖s‖v)"))
            }
            signature.copyBytes(to: out, count: 65)
            return 0
        } catch {
            if thrown == nil { thrown = error }
            return 1
        }
    }

    /// What the Swift signer threw during the call, if it did (and forgets it).
    func takeThrown() -> (any Error)? {
        defer { thrown = nil }
        return thrown
    }

    /// The error a call throws when its Swift signer threw `error`, with the C call's detail.
    static func wrap(_ error: any Error, _ detail: Failure?, what: String = "signer") -> OffBlocksError {
        var f = detail ?? Failure(message: "")
        if case OffBlocksError.signer(let own) = error, own.underlying == nil {
            f.message = own.message
            return .signer(f)
        }
        f.message = "the \(what) threw \(type(of: error)): \(error)"
        f.underlying = error
        return .signer(f)
    }
}

/// The C callback's context: a weak way back to the NativeSigner (which owns it).
private final class SignerContext {
    weak var owner: NativeSigner?
}

private let signTrampoline: offblocks_sign_fn = { userData, message, length, out in
    guard let userData, let out else { return 1 }
    let context = Unmanaged<SignerContext>.fromOpaque(userData).takeUnretainedValue()
    guard let owner = context.owner else { return 1 }
    let bytes = (length == 0 || message == nil) ? Data() : Data(bytes: message!, count: length)
    return owner.sign(bytes, into: out)
}

/// The native library behind this binding, and the calls that need no client.
public enum OffBlocks {
    /// The version of the C ABI this binding was written for (`MAJOR.MINOR.PATCH`).
    public static let bindingVersion = "0.2.0"

    /// The library's version (`offblocks_version()`).
    public static var libraryVersion: String { Native.borrowed(offblocks_version()) ?? "" }

    /// The library's version as one number, `0xMMmmpp` (`offblocks_version_num()`).
    public static var libraryVersionNumber: UInt32 { offblocks_version_num() }

    /// The version of the header this binding was compiled against, `0xMMmmpp`
    /// (`OFFBLOCKS_VERSION_NUM`).
    public static let bindingVersionNumber = UInt32(OFFBLOCKS_VERSION_NUM)

    /// Whether a library of version `library` serves a binding of version `binding` (both
    /// `0xMMmmpp`): the same `MAJOR.MINOR` before 1.0, the same `MAJOR` from 1.0.
    public static func compatible(library: UInt32, binding: UInt32) -> Bool {
        let major = binding >> 16
        return library >> 16 == major && (major != 0 || (library >> 8) & 0xff == (binding >> 8) & 0xff)
    }

    /// Checks that the library linked at run time serves this binding (`compatible`).
    /// Clients and wallets check it before their first call.
    ///
    /// - Throws: `OffBlocksError.libraryMismatch` naming both versions.
    public static func checkLibrary() throws {
        if let libraryMismatch { throw libraryMismatch }
    }

    private static let libraryMismatch: OffBlocksError? = {
        if compatible(library: libraryVersionNumber, binding: bindingVersionNumber) { return nil }
        return .libraryMismatch(Failure(message: "the offblocks library is version \(libraryVersion), this binding is "
            + "version \(bindingVersion) (the same MAJOR.MINOR is needed before 1.0, the same MAJOR after): "
            + "ship the library built with it"))
    }()

    /// The name of C result code `code` as the header spells it (`"OFFBLOCKS_OK"`,
    /// `"OFFBLOCKS_TRANSPORT"`…); `"OFFBLOCKS_UNKNOWN"` for a number the library does not
    /// define.
    public static func resultName(_ code: Int32) -> String {
        Native.borrowed(offblocks_result_name(code)) ?? "OFFBLOCKS_UNKNOWN"
    }

    /// Handles (clients, wallets, signers) made and not freed yet.
    public static var liveHandles: Int { LiveHandles.current }

    /// A new random P-384 request-signing key as PKCS#8 PEM. **A secret**: store it safely.
    public static func generateSigningKey() throws -> String {
        try Native.string { offblocks_signing_key_generate($0) }
    }

    /// The public half (SPKI PEM) of a P-384 private key. Throws `.invalidKey` when it is
    /// not one.
    public static func signingKeyPublicPem(_ privatePem: String) throws -> String {
        let arg = try CString(privatePem, "private key")
        defer { arg.free() }
        return try Native.string { offblocks_signing_key_public_pem(arg.pointer, $0) }
    }

    /// Parses the body of a webhook delivery (what OffBlocks POSTs to your callback URL).
    /// Throws `.decode` when it is not such a delivery.
    public static func parseWebhookEvent(_ body: String) throws -> WebhookEvent {
        let arg = try CString(body, "body")
        defer { arg.free() }
        return try JSON.decode(WebhookEvent.self, Native.string { offblocks_webhook_event_parse(arg.pointer, $0) }, "event")
    }
}
