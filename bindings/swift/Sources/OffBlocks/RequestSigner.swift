import COffBlocks
import Foundation

/// The P-384 request-signing key held outside the process (a KMS, an HSM, a signing
/// service): `ClientConfig.requestSigner` with `ClientConfig.signingPublicKeyPem`, or
/// `client.auth.rotateSigningKey(publicKeyPem:signer:)`.
///
/// `sign(base:)` gets the exact RFC 9421 signature base of each request (not a hash) and
/// returns an ECDSA P-384 signature over SHA-384 of it: raw `r‖s` (96 bytes) or DER (what
/// `openssl dgst -sha384 -sign`, `SecKeyCreateSignature` with
/// `.ecdsaSignatureMessageX962SHA384` and most KMS APIs return). Every signature is checked
/// against the public key before sending: one by another key, or over other bytes, fails
/// the call with `OffBlocksError.signer` and nothing is sent.
///
/// It is called on the thread making the request, possibly on several at once (it must be
/// thread-safe); it may block. What it throws fails that call with `OffBlocksError.signer`,
/// the error as `underlying`; it never reaches the library.
public protocol RequestSigner: Sendable {
    func sign(base: Data) throws -> Data
}

/// The most bytes a request signer may return (`OFFBLOCKS_REQUEST_SIGNATURE_MAX`: a DER
/// P-384 signature; the raw `r‖s` form is 96).
public let requestSignatureMax = Int(OFFBLOCKS_REQUEST_SIGNATURE_MAX)

/// A native `offblocks_request_signer` for a Swift `RequestSigner`. The library keeps the
/// callback's context as long as the handle or a client made with it lives, and releases
/// it once, through `releaseContext`.
final class NativeRequestSigner {
    let pointer: OpaquePointer

    /// - Throws: `OffBlocksError.invalidKey` when `publicKeyPem` is not a P-384 public key.
    init(publicKeyPem: String, signer: any RequestSigner) throws {
        let pem = try CString(publicKeyPem, "public key PEM")
        defer { pem.free() }
        let context = Unmanaged.passRetained(RequestSignerContext(signer)).toOpaque()
        var out: OpaquePointer?
        let rc = offblocks_request_signer_new(pem.pointer, requestSignTrampoline, context, releaseContext, &out)
        guard rc == OFFBLOCKS_OK else {
            // Refused: the library did not take the context.
            let error = OffBlocksError.fromLastError(rc)
            Unmanaged<RequestSignerContext>.fromOpaque(context).release()
            throw error
        }
        guard let out else {
            throw OffBlocksError.internal(Failure(message: "offblocks_request_signer_new returned OK and no handle"))
        }
        pointer = out
        LiveHandles.made()
    }

    /// The public key the library checks every signature against (SPKI PEM).
    func publicKeyPem() throws -> String {
        try withExtendedLifetime(self) { try Native.string { offblocks_request_signer_public_pem(pointer, $0) } }
    }

    deinit {
        // Never refused: calls using the handle hold a reference. Clients made with it
        // keep the key (and the context) on their own.
        _ = offblocks_request_signer_free(pointer)
        LiveHandles.freed()
    }
}

/// The callback's context: the Swift signer. Retained for the library, released by it.
final class RequestSignerContext {
    let signer: any RequestSigner
    private static let lock = NSLock()
    nonisolated(unsafe) private static var made = 0
    nonisolated(unsafe) private static var released = 0

    init(_ signer: any RequestSigner) {
        self.signer = signer
        Self.lock.lock(); Self.made += 1; Self.lock.unlock()
    }

    deinit {
        Self.lock.lock(); Self.released += 1; Self.lock.unlock()
    }

    /// Contexts made and released so far (the library releases each one once).
    static var counts: (made: Int, released: Int) {
        lock.lock(); defer { lock.unlock() }
        return (made, released)
    }

    func sign(_ base: Data, into out: UnsafeMutablePointer<UInt8>, capacity: Int, length: UnsafeMutablePointer<Int>) -> Int32 {
        do {
            let signature = try signer.sign(base: base)
            guard !signature.isEmpty, signature.count <= capacity else {
                throw OffBlocksError.signer(Failure(message: "the request signer returned \(signature.count) bytes; "
                    + "a P-384 signature is 96 (r‖s) or at most \(capacity) (DER)"))
            }
            signature.copyBytes(to: out, count: signature.count)
            length.pointee = signature.count
            return 0
        } catch {
            PendingSignerError.set(error)
            return 1
        }
    }
}

/// What a request signer threw on this thread, until the call that asked for it returns
/// (the library calls the signer on the thread of the call).
enum PendingSignerError {
    private static let key = "xyz.offblocks.pendingRequestSignerError"

    private final class Box { let error: any Error; init(_ error: any Error) { self.error = error } }

    static func set(_ error: any Error) {
        let d = Thread.current.threadDictionary
        if d[key] == nil { d[key] = Box(error) }
    }

    static func take() -> (any Error)? {
        let d = Thread.current.threadDictionary
        guard let box = d[key] as? Box else { return nil }
        d.removeObject(forKey: key)
        return box.error
    }
}

private let requestSignTrampoline: offblocks_request_sign_fn = { userData, base, baseLength, out, capacity, outLength in
    guard let userData, let out, let outLength else { return 1 }
    let context = Unmanaged<RequestSignerContext>.fromOpaque(userData).takeUnretainedValue()
    let bytes = (baseLength == 0 || base == nil) ? Data() : Data(bytes: base!, count: baseLength)
    return context.sign(bytes, into: out, capacity: capacity, length: outLength)
}

private let releaseContext: offblocks_free_fn = { userData in
    guard let userData else { return }
    Unmanaged<RequestSignerContext>.fromOpaque(userData).release()
}
