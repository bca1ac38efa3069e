import COffBlocks
import Foundation
@testable import OffBlocks
import XCTest

/// What include/offblocks.h declares (opaque types, enums, callback typedefs, functions),
/// parsed from its text, so that a function added to the header or changed in it fails
/// these tests until the Swift face binds it as declared.
struct Header {
    struct Fn: Equatable {
        let returns: String
        let params: [String] // C types, names dropped

        func prototype(_ name: String) -> String { "\(returns) \(name)(\(params.joined(separator: ", ")))" }
    }

    var opaque: Set<String> = []
    var enums: [String: [String: Int]] = [:]
    var callbacks: [String: Fn] = [:]
    var functions: [String: Fn] = [:]
    /// Structs with a body (`typedef struct { … } name;`): their fields, each `type name` or
    /// `ret (*name)(params)`, C types spelled as `Fn.prototype` spells them.
    var structs: [String: [String]] = [:]

    init(_ source: String) {
        var code = Header.replace(source, "/\\*.*?\\*/", " ", dotAll: true)
        code = Header.replace(code, "//[^\n]*", " ")
        code = Header.replace(code, "(?m)^\\s*#.*$", " ")
        for m in Header.matches(code, "typedef\\s+struct\\s+(\\w+)\\s+\\1\\s*;") { opaque.insert(m[1]) }
        for m in Header.matches(code, "typedef\\s+enum\\s*\\{(.*?)\\}\\s*(\\w+)\\s*;", dotAll: true) {
            var values: [String: Int] = [:]
            for v in Header.matches(m[1], "(\\w+)\\s*=\\s*(-?\\d+)") { values[v[1]] = Int(v[2]) }
            enums[m[2]] = values
        }
        for m in Header.matches(code, "typedef\\s+struct\\s*\\{(.*?)\\}\\s*(\\w+)\\s*;", dotAll: true) {
            structs[m[2]] = m[1].split(separator: ";").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
                .filter { !$0.isEmpty }.map(Header.field)
        }
        for m in Header.matches(code, "typedef\\s+([\\w\\s*]+?)\\s*\\(\\s*\\*\\s*(\\w+)\\s*\\)\\s*\\(([^)]*)\\)\\s*;") {
            callbacks[m[2]] = Fn(returns: Header.norm(m[1]), params: Header.params(m[3]))
        }
        code = Header.replace(code, "typedef\\s+(enum|struct)\\s*\\{.*?\\}\\s*\\w+\\s*;", " ", dotAll: true)
        code = Header.replace(code, "typedef[^;]*;", " ")
        for m in Header.matches(code, "([A-Za-z_][\\w\\s*]*?)\\s*\\b(offblocks_\\w+)\\s*\\(([^)]*)\\)\\s*;") {
            var returns = Header.norm(m[1])
            if returns.hasPrefix("extern ") { returns.removeFirst("extern ".count) }
            functions[m[2]] = Fn(returns: returns, params: Header.params(m[3]))
        }
    }

    static func load() throws -> Header { Header(try String(contentsOf: TestEnv.header, encoding: .utf8)) }

    /// A struct field declaration as `structs` spells it.
    static func field(_ decl: String) -> String {
        if let m = matches(decl, "^([\\w\\s*]+?)\\s*\\(\\s*\\*\\s*(\\w+)\\s*\\)\\s*\\((.*)\\)$", dotAll: true).first {
            return "\(norm(m[1])) (*\(m[2]))(\(params(m[3]).joined(separator: ", ")))"
        }
        if let m = matches(decl, "^(.*?)\\s*\\b(\\w+)$", dotAll: true).first { return "\(norm(m[1])) \(m[2])" }
        return norm(decl)
    }

    /// The Swift type a field of `structs` is imported as.
    func swiftFieldType(_ field: String) -> String? {
        if let m = Header.matches(field, "^(.*?) \\(\\*\\w+\\)\\((.*)\\)$").first {
            guard let ret = swiftType(m[1]) else { return nil }
            let ps = m[2].isEmpty ? [] : m[2].components(separatedBy: ", ").map { swiftType($0) }
            if ps.contains(where: { $0 == nil }) { return nil }
            return "Optional<@convention(c) (\(ps.map { $0! }.joined(separator: ", "))) -> \(ret)>"
        }
        guard let m = Header.matches(field, "^(.*) \\w+$").first else { return nil }
        return swiftType(m[1])
    }

    /// `const char*x` and `const  char *  x` both become `const char *`.
    static func norm(_ type: String) -> String {
        type.replacingOccurrences(of: "*", with: " * ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .replacingOccurrences(of: "* *", with: "**")
    }

    static func params(_ list: String) -> [String] {
        let p = list.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        if p.isEmpty || p == "void" { return [] }
        return p.split(separator: ",").map { typeOf(String($0).trimmingCharacters(in: .whitespaces)) }
    }

    /// The C type of a parameter declaration (its name dropped; `T x[65]` is `T *`).
    static func typeOf(_ param: String) -> String {
        if let m = matches(param, "^(.*?)\\s*\\b\\w+\\s*\\[\\s*\\d*\\s*\\]$").first { return norm(m[1] + " *") }
        if let m = matches(param, "^(.*[\\s*])(\\w+)$").first, !["", "const"].contains(m[1].trimmingCharacters(in: .whitespaces)) {
            return norm(m[1])
        }
        return norm(param)
    }

    /// The Swift type a C type is imported as, as `String(describing:)` spells it.
    func swiftType(_ cType: String) -> String? {
        let t = Header.norm(cType)
        let stars = t.filter { $0 == "*" }.count
        let isConst = t.hasPrefix("const ")
        let base = t.replacingOccurrences(of: "*", with: "").replacingOccurrences(of: "const", with: "")
            .trimmingCharacters(in: .whitespaces)
        let scalars = ["void": "()", "bool": "Bool", "int": "Int32", "int32_t": "Int32", "uint32_t": "UInt32",
                       "int16_t": "Int16", "uint16_t": "UInt16", "int64_t": "Int64", "uint64_t": "UInt64",
                       "size_t": "Int", "uint8_t": "UInt8", "int8_t": "Int8", "char": "Int8"]
        func pointee(_ name: String) -> String? {
            if opaque.contains(name) { return nil } // an opaque struct's pointer is an OpaquePointer
            if let s = scalars[name], name != "void" { return s }
            if structs[name] != nil { return name }
            return nil
        }
        switch stars {
        case 0:
            if base == "void" { return "()" }
            if let s = scalars[base] { return s }
            if enums[base] != nil { return base }
            if let cb = callbacks[base] {
                guard let ret = swiftType(cb.returns) else { return nil }
                let ps = cb.params.map { swiftType($0) }
                if ps.contains(where: { $0 == nil }) { return nil }
                return "Optional<@convention(c) (\(ps.map { $0! }.joined(separator: ", "))) -> \(ret)>"
            }
            return nil
        case 1:
            if base == "void" { return isConst ? "Optional<UnsafeRawPointer>" : "Optional<UnsafeMutableRawPointer>" }
            if opaque.contains(base) { return "Optional<OpaquePointer>" }
            guard let p = pointee(base) else { return nil }
            return isConst ? "Optional<UnsafePointer<\(p)>>" : "Optional<UnsafeMutablePointer<\(p)>>"
        case 2:
            if opaque.contains(base) { return "Optional<UnsafeMutablePointer<Optional<OpaquePointer>>>" }
            guard let p = pointee(base) else { return nil }
            return "Optional<UnsafeMutablePointer<Optional<UnsafeMutablePointer<\(p)>>>>"
        default:
            return nil
        }
    }

    /// The Swift function type a C function is imported as.
    func swiftFunctionType(_ fn: Fn) -> String? {
        guard let ret = swiftType(fn.returns) else { return nil }
        let ps = fn.params.map(swiftType)
        if ps.contains(where: { $0 == nil }) { return nil }
        return "(\(ps.map { $0! }.joined(separator: ", "))) -> \(ret)"
    }

    /// Every difference between the header and the functions the face binds (`bound`)
    /// and calls (`sources`: the face's Swift code, the table excluded), one line each.
    func problems(_ bound: [Bound], sources: String) -> [String] {
        var out: [String] = []
        var byName: [String: Bound] = [:]
        for b in bound {
            if byName[b.name] != nil { out.append("\(b.name): listed twice in CABI.bound") }
            byName[b.name] = b
        }
        for (name, fn) in functions.sorted(by: { $0.key < $1.key }) {
            let prototype = fn.prototype(name)
            guard let b = byName[name] else {
                out.append("\(name): declared in the header but not bound in the Swift face (add it to CABI.bound in "
                    + "Sources/OffBlocks/CABI.swift and call it): \(prototype)")
                continue
            }
            if b.prototype != prototype {
                out.append("\(name): the Swift face was written for `\(b.prototype)`, the header declares `\(prototype)`")
            }
            let imported = String(describing: type(of: b.function))
            if let expected = swiftFunctionType(fn) {
                if imported != expected { out.append("\(name): imported as \(imported), its C types map to \(expected)") }
            } else {
                out.append("\(name): a C type of `\(prototype)` has no mapping in these tests (Header.swiftType)")
            }
            if Header.matches(sources, "\\b\(name)\\b").isEmpty {
                out.append("\(name): listed in CABI.bound but never called by the Swift face")
            }
        }
        for name in Set(byName.keys).subtracting(functions.keys).sorted() {
            out.append("\(name): bound in the Swift face but not in the header")
        }
        return out
    }

    /// Every difference between the header's structs and the ones the face fills in
    /// (`bound`), one line each.
    func structProblems(_ bound: [BoundStruct], sources: String) -> [String] {
        var out: [String] = []
        let byName = Dictionary(bound.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for (name, fields) in structs.sorted(by: { $0.key < $1.key }) {
            guard let b = byName[name] else {
                out.append("\(name): a struct of the header not in CABI.structs: \(fields)")
                continue
            }
            if b.fields != fields { out.append("\(name): the Swift face was written for \(b.fields), the header declares \(fields)") }
            let imported = Mirror(reflecting: b.value).children.map { ($0.label ?? "", String(describing: type(of: $0.value))) }
            let expected = fields.map { f in (Header.matches(f, "(\\w+)\\)?\\(|(\\w+)$").first.map { $0[1].isEmpty ? $0[2] : $0[1] } ?? "",
                                              swiftFieldType(f) ?? "no mapping for \(f)") }
            if imported.map({ "\($0.0): \($0.1)" }) != expected.map({ "\($0.0): \($0.1)" }) {
                out.append("\(name): imported as \(imported.map { "\($0.0): \($0.1)" }), its C fields map to "
                    + "\(expected.map { "\($0.0): \($0.1)" })")
            }
            if Header.matches(sources, "\\b\(name)\\b").isEmpty {
                out.append("\(name): listed in CABI.structs but never used by the Swift face")
            }
        }
        for name in Set(byName.keys).subtracting(structs.keys).sorted() {
            out.append("\(name): in CABI.structs but not a struct of the header")
        }
        return out
    }

    static func matches(_ text: String, _ pattern: String, dotAll: Bool = false) -> [[String]] {
        let re = try! NSRegularExpression(pattern: pattern, options: dotAll ? [.dotMatchesLineSeparators] : [])
        let ns = text as NSString
        return re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
            (0..<m.numberOfRanges).map { i in
                let r = m.range(at: i)
                return r.location == NSNotFound ? "" : ns.substring(with: r)
            }
        }
    }

    static func replace(_ text: String, _ pattern: String, _ with: String, dotAll: Bool = false) -> String {
        let re = try! NSRegularExpression(pattern: pattern, options: dotAll ? [.dotMatchesLineSeparators] : [])
        return re.stringByReplacingMatches(in: text, range: NSRange(location: 0, length: (text as NSString).length), withTemplate: with)
    }
}

/// The face's Swift code, CABI.swift (the table itself) left out.
func faceSources() throws -> String {
    let files = try FileManager.default.contentsOfDirectory(atPath: TestEnv.swiftSources.path)
        .filter { $0.hasSuffix(".swift") && $0 != "CABI.swift" }.sorted()
    return try files.map { try String(contentsOf: TestEnv.swiftSources.appendingPathComponent($0), encoding: .utf8) }
        .joined(separator: "\n")
}

final class AbiTests: XCTestCase {
    func testTheHeaderParses() throws {
        let header = try Header.load()
        XCTAssertTrue(header.opaque.contains("offblocks_client"))
        XCTAssertNotNil(header.enums["offblocks_result"])
        XCTAssertGreaterThanOrEqual(header.functions.count, 60, "only \(header.functions.count) functions parsed")
        XCTAssertEqual(header.functions["offblocks_version"], Header.Fn(returns: "const char *", params: []))
        XCTAssertEqual(header.functions["offblocks_wallet_sign_personal"]?.params,
                       ["const offblocks_wallet *", "const uint8_t *", "size_t", "int", "char **"])
        XCTAssertEqual(Set(header.callbacks.keys), ["offblocks_sign_fn", "offblocks_progress_fn", "offblocks_observer_fn",
                                                    "offblocks_request_sign_fn", "offblocks_free_fn"])
        XCTAssertEqual(header.functions["offblocks_request_signer_new"]?.params,
                       ["const char *", "offblocks_request_sign_fn", "void *", "offblocks_free_fn", "offblocks_request_signer **"])
        XCTAssertTrue(header.opaque.contains("offblocks_request_signer"))
        XCTAssertEqual(header.structs["offblocks_event_store"]?.first, "void * user_data")
        XCTAssertEqual(header.functions["offblocks_webhook_inbox_new"]?.params,
                       ["const offblocks_client *", "const char *", "const offblocks_event_store *", "offblocks_webhook_inbox **"])
    }

    /// The header's structs are filled in by the face with the fields it declares.
    func testEveryHeaderStructIsBoundWithItsFields() throws {
        let problems = try Header.load().structProblems(CABI.structs, sources: faceSources())
        XCTAssertTrue(problems.isEmpty, "\(problems.count) difference(s) between include/offblocks.h's structs and the Swift face:\n"
            + problems.joined(separator: "\n"))
    }

    func testAChangedStructFailsTheCheck() throws {
        let source = try String(contentsOf: TestEnv.header, encoding: .utf8)
        let changed = Header(source.replacingOccurrences(of: "int64_t updated_at_ns);\n} offblocks_event_store;",
                                                        with: "uint64_t updated_at_ns);\n} offblocks_event_store;"))
        let problems = changed.structProblems(CABI.structs, sources: try faceSources())
        XCTAssertEqual(problems.count, 2, "\(problems)")
        XCTAssertTrue(problems.allSatisfy { $0.hasPrefix("offblocks_event_store: ") }, "\(problems)")
        let added = Header(source + "\ntypedef struct { int32_t x; } offblocks_thing;\n")
        XCTAssertEqual(added.structProblems(CABI.structs, sources: try faceSources()),
                       ["offblocks_thing: a struct of the header not in CABI.structs: [\"int32_t x\"]"])
    }

    /// The test that tells, at merge time, what the Swift face still has to bind.
    func testEveryHeaderFunctionIsBoundWithItsSignatureAndNothingElse() throws {
        let problems = try Header.load().problems(CABI.bound, sources: faceSources())
        XCTAssertTrue(problems.isEmpty, "\(problems.count) difference(s) between include/offblocks.h and the Swift face:\n"
            + problems.joined(separator: "\n"))
    }

    func testANewExportOrAChangedSignatureFailsTheCheck() throws {
        let source = try String(contentsOf: TestEnv.header, encoding: .utf8)
        let sources = try faceSources()
        let added = Header(source.replacingOccurrences(of: "#endif  /* OFFBLOCKS_H */",
                                                      with: "offblocks_result offblocks_thing_new(const char *x, offblocks_client **out);\n#endif"))
        XCTAssertEqual(added.problems(CABI.bound, sources: sources), [
            "offblocks_thing_new: declared in the header but not bound in the Swift face (add it to CABI.bound in "
                + "Sources/OffBlocks/CABI.swift and call it): offblocks_result offblocks_thing_new(const char *, offblocks_client **)",
        ])
        let changed = Header(source.replacingOccurrences(
            of: "offblocks_result offblocks_customers_list(const offblocks_client *client, char **out_json);",
            with: "offblocks_result offblocks_customers_list(const offblocks_client *client, int64_t limit, char **out_json);"))
        let problems = changed.problems(CABI.bound, sources: sources)
        XCTAssertTrue(problems.contains("offblocks_customers_list: the Swift face was written for "
            + "`offblocks_result offblocks_customers_list(const offblocks_client *, char **)`, the header declares "
            + "`offblocks_result offblocks_customers_list(const offblocks_client *, int64_t, char **)`"), "\(problems)")
        XCTAssertTrue(problems.contains { $0.hasPrefix("offblocks_customers_list: imported as ") }, "\(problems)")
        let removed = Header(source.replacingOccurrences(of: "const char *offblocks_version(void);", with: ""))
        XCTAssertEqual(removed.problems(CABI.bound, sources: sources), ["offblocks_version: bound in the Swift face but not in the header"])
        XCTAssertEqual(try Header.load().problems(CABI.bound, sources: sources.replacingOccurrences(of: "offblocks_siwe_guard", with: "x")),
                       ["offblocks_siwe_guard: listed in CABI.bound but never called by the Swift face"])
    }

    /// `prefix` and the Swift case name in UPPER_SNAKE case (`invalidHandle` → `INVALID_HANDLE`).
    private func cName(_ prefix: String, _ value: Any) -> String {
        prefix + String(describing: value).reduce(into: "") { s, c in
            if c.isUppercase { s += "_" }
            s += c.uppercased()
        }
    }

    func testResultCodesKindsTlsFailuresAndSignatureEncodingsMatchTheHeader() throws {
        let header = try Header.load()
        let codes = try XCTUnwrap(header.enums["offblocks_result"])
        XCTAssertEqual(codes.count, ResultCode.allCases.count)
        for code in ResultCode.allCases {
            let name = cName("OFFBLOCKS_", code)
            XCTAssertEqual(codes[name], Int(code.rawValue), name)
            XCTAssertEqual(code.name, name)
        }
        XCTAssertEqual(OffBlocks.resultName(9999), "OFFBLOCKS_UNKNOWN")
        XCTAssertEqual(OffBlocks.resultName(-1), "OFFBLOCKS_UNKNOWN")
        let kinds = try XCTUnwrap(header.enums["offblocks_error_kind"])
        XCTAssertEqual(kinds.count, ErrorKind.allCases.count)
        for kind in ErrorKind.allCases {
            let name = cName("OFFBLOCKS_ERROR_KIND_", kind)
            XCTAssertEqual(kinds[name], Int(kind.rawValue), name)
        }
        // TlsFailure has no case for the header's OFFBLOCKS_TLS_NONE (0): nil stands for it.
        let tls = try XCTUnwrap(header.enums["offblocks_tls_failure"])
        XCTAssertEqual(tls["OFFBLOCKS_TLS_NONE"], 0)
        XCTAssertEqual(tls.count, TlsFailure.allCases.count + 1)
        for failure in TlsFailure.allCases {
            let name = cName("OFFBLOCKS_TLS_", failure)
            XCTAssertEqual(tls[name], Int(failure.rawValue), name)
        }
        XCTAssertEqual(header.enums["offblocks_signature_encoding"],
                       ["OFFBLOCKS_SIGNATURE_HEX": 0, "OFFBLOCKS_SIGNATURE_BASE64_HEX": 1, "OFFBLOCKS_SIGNATURE_BASE64_RAW": 2])
        XCTAssertEqual(SignatureEncoding.allCases.map(\.rawValue), [0, 1, 2])
        XCTAssertEqual(Int(OFFBLOCKS_CANCELLED.rawValue), Int(ResultCode.cancelled.rawValue))
    }

    func testTheBindingHeaderCrateAndLibraryVersionsAgree() throws {
        let source = try String(contentsOf: TestEnv.header, encoding: .utf8)
        let macros = ["MAJOR", "MINOR", "PATCH"].map { Header.matches(source, "#define OFFBLOCKS_VERSION_\($0)\\s+(\\d+)")[0][1] }
        XCTAssertEqual(OffBlocks.bindingVersion, macros.joined(separator: "."))
        let cargo = try String(contentsOf: TestEnv.repo.appendingPathComponent("Cargo.toml"), encoding: .utf8)
        XCTAssertEqual(OffBlocks.bindingVersion, Header.matches(cargo, "(?m)^version\\s*=\\s*\"([^\"]+)\"")[0][1])
        XCTAssertEqual(OffBlocks.bindingVersion, OffBlocks.libraryVersion)
        let num = try XCTUnwrap(UInt32(Header.matches(source, "#define OFFBLOCKS_VERSION_NUM\\s+0x([0-9A-Fa-f]+)")[0][1], radix: 16))
        XCTAssertEqual(OffBlocks.bindingVersionNumber, num)
        XCTAssertEqual(OffBlocks.libraryVersionNumber, num)
        XCTAssertNoThrow(try OffBlocks.checkLibrary())
    }

    func testTheRequestSignatureRoomIsTheHeaders() throws {
        let source = try String(contentsOf: TestEnv.header, encoding: .utf8)
        let max = try XCTUnwrap(Int(Header.matches(source, "#define OFFBLOCKS_REQUEST_SIGNATURE_MAX\\s+(\\d+)")[0][1]))
        XCTAssertEqual(requestSignatureMax, max)
        XCTAssertEqual(max, 104)
    }

    func testTheLibraryMustMatchInMajorMinorBeforeOneAndInMajorAfter() {
        XCTAssertTrue(OffBlocks.compatible(library: 0x000200, binding: 0x000200))
        XCTAssertTrue(OffBlocks.compatible(library: 0x000209, binding: 0x000200))
        XCTAssertFalse(OffBlocks.compatible(library: 0x000300, binding: 0x000200))
        XCTAssertFalse(OffBlocks.compatible(library: 0x000100, binding: 0x000200))
        XCTAssertFalse(OffBlocks.compatible(library: 0x010200, binding: 0x000200))
        XCTAssertTrue(OffBlocks.compatible(library: 0x010500, binding: 0x010200))
        XCTAssertFalse(OffBlocks.compatible(library: 0x020000, binding: 0x010200))
    }

    func testClientConfigNamesEverySettingOfTheLibrary() throws {
        let defaults = try JSONSerialization.jsonObject(with: Data(OffBlocksClient.configDefaultsJSON().utf8)) as? [String: Any]
        let library = Set(try XCTUnwrap(defaults).keys)
        // The identity settings and baseUrl have no default and are not listed by the library.
        let identity: Set = ["baseUrl", "apiKey", "apiSecret", "signingKeyPem", "generateSigningKey"]
        XCTAssertEqual(Set(ClientConfig.settingNames).subtracting(identity).sorted(), library.sorted())
        // Every name is what the encoder writes.
        let all = ClientConfig(baseUrl: "u", environment: "sandbox", apiKey: "k", apiSecret: "s", signingKeyPem: "p",
                               generateSigningKey: true, keyId: "i", connectTimeout: 1, timeout: 1, retry: .init(maxAttempts: 1),
                               userAgent: "a", coveredComponents: [], digest: "sha-256", clockSkew: 0, followServerClock: true,
                               allowInsecureHttp: false, challengeDomain: "d", signatureValidity: 1, signatureNonce: true,
                               signatureLabel: "l", tokenRefreshMargin: 1, maxClockCorrection: 1, callDeadline: 1,
                               accountChallengePolicy: "strict", proxy: "http://p", proxyFromEnv: false,
                               challengeClockTolerance: 60, rootStore: "webpki", caPem: "pem", caFile: "/ca.pem",
                               spkiPins: ["pin"])
        let written = try JSONSerialization.jsonObject(with: JSON.encoder.encode(all)) as? [String: Any]
        XCTAssertEqual(Set(try XCTUnwrap(written).keys), Set(ClientConfig.settingNames))
    }

    func testTheConfigDescriptionHidesEverySecretByValue() {
        let config = ClientConfig(baseUrl: "https://user:base-pass@example.com/v1", apiKey: "key", apiSecret: "the-secret",
                                  signingKeyPem: "the-pem", proxy: "http://u:proxy-pass@proxy:8080")
        let text = "\(config)"
        for secret in ["base-pass", "the-secret", "the-pem", "proxy-pass"] {
            XCTAssertFalse(text.contains(secret), "\(secret) in \(text)")
        }
        XCTAssertTrue(text.contains("https://***@example.com/v1"), text)
    }
}
