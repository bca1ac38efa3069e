import Foundation
import OffBlocks
import XCTest

enum TestEnv {
    /// The repository (this file is bindings/swift/Tests/OffBlocksTests/TestSupport.swift).
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let header = repo.appendingPathComponent("include/offblocks.h")
    static let swiftSources = repo.appendingPathComponent("bindings/swift/Sources/OffBlocks")
    static var sandboxBinary: String {
        ProcessInfo.processInfo.environment["OFFBLOCKS_SANDBOX_BIN"]
            ?? repo.appendingPathComponent("target/release/offblocks-sandbox").path
    }

    static let chain = "eip155:300"
    // Hardhat/Anvil account #0: a well-known test key, never a real one.
    static let hardhatKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
    static let hardhatAddress = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    // viem's signMessage test: Anvil account #0 signs "hello world" (as tests/ffi_wallet.rs).
    static let helloWorldSignature = "0xa461f509887bd19e312c0c58467ce8ff8e300d3c1a90b608a760c5b80318eaf15fe57c96f9175d6cd4daad4663763baa7e78836e067d0163e9a2ccf2ff753f5b1b"

    static func externalId(_ tag: String) -> String { "sw-\(tag)-\(UUID().uuidString)" }
}

/// A running `offblocks-sandbox` (`--port 0 --exit-on-stdin-close` and `args`): it prints
/// `OFFBLOCKS_BASE_URL=…`, `OFFBLOCKS_API_KEY=…`, `OFFBLOCKS_API_SECRET=…` (and, with
/// `--tls` or `--tls-mode`, `OFFBLOCKS_CA_FILE=…`, its throwaway CA, first), and exits
/// when its stdin closes, so also when this test process dies.
final class LocalSandbox: @unchecked Sendable {
    let baseUrl: String
    let apiKey: String
    let apiSecret: String
    /// The emulator's CA certificate (PEM file), with `--tls` / `--tls-mode` only.
    let caFile: String?
    /// The public key of the emulator's webhook signing key (PEM), with
    /// `--webhook-signing-key` only (`OFFBLOCKS_WEBHOOK_PUBLIC_KEY_FILE`).
    let webhookPublicKeyPem: String?
    private let process: Process
    private let stdin: Pipe

    init(_ args: [String] = []) throws {
        let binary = TestEnv.sandboxBinary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw SetupError("no emulator binary at \(binary): run `cargo build --release -p offblocks-sandbox` (run-tests.sh does)")
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "0", "--exit-on-stdin-close"] + args
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var values: [String: String] = [:]
        var buffer = Data()
        let deadline = Date().addingTimeInterval(30)
        while values["OFFBLOCKS_API_SECRET"] == nil && Date() < deadline {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") {
                if let eq = line.firstIndex(of: "=") {
                    values[String(line[..<eq])] = String(line[line.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        guard let url = values["OFFBLOCKS_BASE_URL"], let key = values["OFFBLOCKS_API_KEY"],
              let secret = values["OFFBLOCKS_API_SECRET"] else {
            process.terminate()
            throw SetupError("offblocks-sandbox did not start (\(binary))")
        }
        baseUrl = url
        apiKey = key
        apiSecret = secret
        caFile = values["OFFBLOCKS_CA_FILE"]
        webhookPublicKeyPem = try values["OFFBLOCKS_WEBHOOK_PUBLIC_KEY_FILE"].map { try String(contentsOfFile: $0, encoding: .utf8) }
        // Keep draining stdout so a chatty emulator never blocks on a full pipe.
        let reader = stdout.fileHandleForReading
        Thread.detachNewThread { while !reader.availableData.isEmpty {} }
    }

    func config() -> ClientConfig {
        ClientConfig(baseUrl: baseUrl, apiKey: apiKey, apiSecret: apiSecret, generateSigningKey: true, caFile: caFile)
    }

    /// A client with a fresh, registered signing key.
    func client(_ config: ClientConfig? = nil) throws -> OffBlocksClient {
        let client = try OffBlocksClient(config ?? self.config())
        try client.auth.registerSigningKey()
        return client
    }

    /// A call to the emulator's control API (`/_sandbox/…`, plain http only): its JSON
    /// answer, or nil for an empty one. Throws unless the status is 2xx.
    @discardableResult
    func control(_ method: String, _ path: String, _ body: Any? = nil) throws -> Any? {
        guard let url = URLComponents(string: baseUrl), url.scheme == "http", let host = url.host, let port = url.port else {
            throw SetupError("the control API is reached over plain http only, not \(baseUrl)")
        }
        let payload = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
        let (status, answer) = try plainHTTP(host: host, port: UInt16(port), method: method, path: "/_sandbox/\(path)", body: payload)
        guard (200..<300).contains(status) else {
            throw SetupError("\(method) /_sandbox/\(path): \(status) \(String(decoding: answer, as: UTF8.self))")
        }
        return answer.isEmpty ? nil : try JSONSerialization.jsonObject(with: answer, options: [.fragmentsAllowed])
    }

    /// Adds a fault rule (`kind`: `status`, `too_many_requests`…).
    func addFault(_ rule: [String: Any]) throws { try control("POST", "faults", rule) }
    func clearFaults() throws { try control("DELETE", "faults") }
    func advanceClock(_ seconds: Double) throws { try control("POST", "clock/advance", ["seconds": seconds]) }
    /// The emulator's customers and accounts (its state's lists of objects; the
    /// `signingKeys` id list is `rawState()`'s).
    func state() throws -> [String: [[String: Any]]] {
        (try rawState()).compactMapValues { $0 as? [[String: Any]] }
    }
    /// The emulator's whole state as it answers it.
    func rawState() throws -> [String: Any] {
        (try control("GET", "state") as? [String: Any]) ?? [:]
    }

    deinit {
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// One HTTP/1.1 exchange over a fresh loopback connection (the emulator answers with
/// `Content-Length` and closes): the status and the body.
func plainHTTP(host: String, port: UInt16, method: String, path: String, body: Data) throws -> (Int, Data) {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw SetupError("socket() failed") }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = port.bigEndian
    guard inet_pton(AF_INET, host, &addr.sin_addr) == 1 else { throw SetupError("not an IPv4 address: \(host)") }
    let connected = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw SetupError("cannot connect to \(host):\(port)") }
    var request = Data("\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/json\r\n".utf8)
    request.append(Data("Content-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8))
    request.append(body)
    try request.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
        var sent = 0
        while sent < raw.count {
            let n = send(fd, raw.baseAddress! + sent, raw.count - sent, 0)
            guard n > 0 else { throw SetupError("send() failed") }
            sent += n
        }
    }
    var response = Data()
    var buffer = [UInt8](repeating: 0, count: 16384)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        response.append(contentsOf: buffer[0..<n])
    }
    guard let split = response.range(of: Data("\r\n\r\n".utf8)),
          let statusLine = String(data: response[..<split.lowerBound], encoding: .utf8)?.split(separator: "\r\n").first,
          let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") else {
        throw SetupError("not an HTTP response from \(host):\(port)")
    }
    return (status, Data(response[split.upperBound...]))
}

struct SetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One emulator and one registered client for the whole run.
enum Shared {
    /// Over HTTPS (`--tls`): the clients trust its CA through `caFile`.
    static let sandbox: LocalSandbox = {
        do { return try LocalSandbox(["--tls"]) } catch { fatalError("\(error)") }
    }()
    static let client: OffBlocksClient = {
        do { return try sandbox.client() } catch { fatalError("\(error)") }
    }()
}

/// A Signer written the way a host wraps its own key store: a wallet of the library stands
/// in for the key store, and every call is recorded.
final class RecordingSigner: Signer, @unchecked Sendable {
    let key: Wallet
    private let answer: ((Data) throws -> Data)?
    private let lock = NSLock()
    private(set) var messages: [Data] = []
    private(set) var threads: Set<String> = []

    init(_ key: Wallet, answer: ((Data) throws -> Data)? = nil) {
        self.key = key
        self.answer = answer
    }

    var address: String { key.address }

    func signPersonal(_ message: Data) throws -> Data {
        lock.lock()
        messages.append(message)
        threads.insert(currentThreadName())
        lock.unlock()
        return try answer?(message) ?? key.signPersonal(message)
    }
}

func currentThreadName() -> String { "\(pthread_self())" }

/// Asserts that `body` throws an OffBlocksError of the case `caseName`; returns it.
@discardableResult
func assertThrowsOffBlocks<T>(_ caseName: String, file: StaticString = #filePath, line: UInt = #line,
                              _ body: () throws -> T) -> OffBlocksError? {
    do {
        _ = try body()
        XCTFail("no error thrown, wanted .\(caseName)", file: file, line: line)
        return nil
    } catch let error as OffBlocksError {
        XCTAssertEqual(caseName, "\(error)".components(separatedBy: ":")[0].replacingOccurrences(of: "OffBlocksError.", with: ""),
                       "wanted .\(caseName), got \(error)", file: file, line: line)
        return error
    } catch {
        XCTFail("not an OffBlocksError: \(error)", file: file, line: line)
        return nil
    }
}
