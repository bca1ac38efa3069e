import COffBlocks
import Foundation

// The calling conventions of the C ABI in one place: C strings in (checked for NUL, zeroed
// after use when they held a secret), library strings out (copied, then handed back to
// offblocks_string_free), result codes turned into OffBlocksError with the calling
// thread's last-error detail.

/// A NUL-terminated copy of a Swift string, owned by the caller until `free()`, which
/// zeroes it first (it may have held a secret). Use with `defer { arg.free() }` so that it
/// outlives the C call.
struct CString {
    private let storage: UnsafeMutablePointer<CChar>
    private let count: Int
    var pointer: UnsafePointer<CChar> { UnsafePointer(storage) }

    /// - Throws: `OffBlocksError.invalidInput` when `text` holds a NUL character, which C
    ///   would read as the end of the string.
    init(_ text: String, _ what: String) throws {
        let bytes = Array(text.utf8)
        if bytes.contains(0) {
            throw OffBlocksError.invalidInput(Failure(message: "\(what) contains a NUL character"))
        }
        count = bytes.count + 1
        let storage = UnsafeMutablePointer<CChar>.allocate(capacity: count)
        bytes.withUnsafeBufferPointer { src in
            src.baseAddress.map { UnsafeMutableRawPointer(storage).copyMemory(from: $0, byteCount: bytes.count) }
        }
        storage[bytes.count] = 0
        self.storage = storage
    }

    static func optional(_ text: String?, _ what: String) throws -> CString? {
        try text.map { try CString($0, what) }
    }

    func free() {
        // memset_s is not on Linux; a volatile-enough loop through the pointer the
        // allocator hands back is what Swift allows.
        for i in 0..<count { storage[i] = 0 }
        storage.deallocate()
    }
}

enum Native {
    /// Throws the error for `rc` (with the last-error detail of this thread) unless it is OK.
    /// When a Swift `RequestSigner` threw during the call (on this thread), the error is
    /// `OffBlocksError.signer` with what it threw as `underlying`.
    static func check(_ rc: offblocks_result) throws {
        let thrown = PendingSignerError.take()
        guard rc != OFFBLOCKS_OK else { return }
        let error = OffBlocksError.fromLastError(rc)
        if let thrown { throw NativeSigner.wrap(thrown, error.failure, what: "request signer") }
        throw error
    }

    /// Runs `body` with an out-string, checks its result and returns the string (copied;
    /// the library's copy goes back to offblocks_string_free).
    static func string(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> offblocks_result) throws -> String {
        var out: UnsafeMutablePointer<CChar>?
        let rc = body(&out)
        defer { offblocks_string_free(out) }
        try check(rc)
        guard let out else {
            throw OffBlocksError.decode(Failure(message: "the library returned no string"))
        }
        return String(cString: out)
    }

    /// As `string`, for a result that may be NULL (no value).
    static func optionalString(_ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> offblocks_result) throws -> String? {
        var out: UnsafeMutablePointer<CChar>?
        let rc = body(&out)
        defer { offblocks_string_free(out) }
        try check(rc)
        return out.map { String(cString: $0) }
    }

    /// A string the library keeps (last-error text, version): copied, never freed.
    static func borrowed(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// Runs `body` with an out-handle and returns the handle, never NULL on success.
    static func handle(_ what: String, _ body: (UnsafeMutablePointer<OpaquePointer?>) -> offblocks_result) throws -> OpaquePointer {
        var out: OpaquePointer?
        try check(body(&out))
        guard let out else {
            throw OffBlocksError.internal(Failure(message: "\(what) returned OK and no handle"))
        }
        return out
    }
}

/// Handles made and not freed yet, across clients, wallets and signers (for tests and leak
/// checks in an app).
enum LiveHandles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var count = 0

    static func made() { lock.lock(); count += 1; lock.unlock() }
    static func freed() { lock.lock(); count -= 1; lock.unlock() }
    static var current: Int { lock.lock(); defer { lock.unlock() }; return count }
}

// JSON in and out of the library: camelCase as the API spells it, RFC 3339 timestamps with
// or without fractional seconds.
enum JSON {
    static func decode<T: Decodable>(_ type: T.Type, _ text: String, _ what: String) throws -> T {
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw OffBlocksError.decode(Failure(message: "\(what): \(describe(error))", underlying: error))
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = Timestamps.parse(text) else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an RFC 3339 timestamp: \(text)")
            }
            return date
        }
        return d
    }()

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(Timestamps.format(date))
        }
        return e
    }()

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let ctx):
            return "missing \(path(ctx.codingPath + [key]))"
        case DecodingError.typeMismatch(_, let ctx), DecodingError.valueNotFound(_, let ctx):
            return "wrong type at \(path(ctx.codingPath))"
        case DecodingError.dataCorrupted(let ctx):
            return "\(ctx.debugDescription) at \(path(ctx.codingPath))"
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [CodingKey]) -> String {
        keys.isEmpty ? "the top" : keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

enum Timestamps {
    private static let lock = NSLock()
    nonisolated(unsafe) private static let fractional: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
    nonisolated(unsafe) private static let whole: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f
    }()

    static func parse(_ text: String) -> Date? {
        lock.lock(); defer { lock.unlock() }
        return whole.date(from: text) ?? fractional.date(from: text)
    }

    static func format(_ date: Date) -> String {
        lock.lock(); defer { lock.unlock() }
        return date.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) == 0
            ? whole.string(from: date) : fractional.string(from: date)
    }
}

extension JSONDecoder {
    /// A decoder for the SDK's models as the library writes them (RFC 3339 timestamps with
    /// or without fractional seconds), e.g. for models an app stored.
    public static var offblocks: JSONDecoder { JSON.decoder }
}

extension JSONEncoder {
    /// An encoder writing the SDK's models as the library reads them.
    public static var offblocks: JSONEncoder { JSON.encoder }
}
