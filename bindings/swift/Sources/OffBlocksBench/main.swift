// The whole onboarding flow's latency from Swift, through the OffBlocks face and the shared
// library, against a running server (bench.sh starts the emulator and sets the
// variables): the same flow, settings and statistics as benches/onboarding.rs.
//
//   OFFBLOCKS_BASE_URL=… OFFBLOCKS_API_KEY=… OFFBLOCKS_API_SECRET=… \
//     swift run -c release OffBlocksBench [RUNS] [JSON]
//
// The client's token and signing key are in place before the clock starts; each flow
// makes a fresh wallet (outside the timed region) and polls without sleeping. Prints the
// median and 90th percentile (nearest rank); appends a JSON line to the file given as
// second argument, if any. Each flow through the face alternates with the same flow made
// straight through the C ABI from this process (`offblocks_client_onboard`: JSON in, one call,
// JSON out), which shows what the face itself adds, free of drift between processes.
// Not a test: nothing here asserts a timing.
import COffBlocks
import Foundation
import OffBlocks

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e6 }

func quantile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    return sorted[Int((Double(sorted.count - 1) * q).rounded())]
}

let args = CommandLine.arguments.dropFirst()
let runs = args.first.flatMap { Int($0) } ?? 40
let jsonPath = args.dropFirst().first.flatMap { $0.isEmpty ? nil : $0 }
let warmups = ProcessInfo.processInfo.environment["OFFBLOCKS_BENCH_WARMUPS"].flatMap { Int($0) } ?? 3

do {
    let config = try ClientConfig.fromEnvironment()
    guard config.baseUrl != nil, config.apiKey != nil, runs >= 1 else {
        FileHandle.standardError.write(Data("usage: OFFBLOCKS_BASE_URL=… OFFBLOCKS_API_KEY=… OFFBLOCKS_API_SECRET=… OffBlocksBench [RUNS] [JSON]\n".utf8))
        exit(2)
    }
    let client = try OffBlocksClient(config)
    try client.auth.registerSigningKey()
    _ = try client.auth.token()
    let tag = UUID().uuidString.prefix(8)

    func flow(_ i: Int) throws -> Double {
        let wallet = try Wallet.random()
        let request = OnboardingRequest(externalId: "sw-\(tag)-\(i)", pollInterval: 0)
        let start = now()
        let done = try client.onboard(request, signer: wallet)
        let ms = now() - start
        guard done.account.status == .active else { throw OffBlocksError.state(Failure(message: "ended \(done.account.status)")) }
        return ms
    }

    // The same flow straight through the C ABI, without the face.
    // A client of its own, made and registered through the C ABI too.
    var rawConfig = config
    rawConfig.generateSigningKey = true
    rawConfig.signingKeyPem = nil
    let configJSON = String(decoding: try JSONEncoder.offblocks.encode(rawConfig), as: UTF8.self)
    var raw: OpaquePointer?
    var keyId: UnsafeMutablePointer<CChar>?
    guard configJSON.withCString({ offblocks_client_new($0, &raw) }) == OFFBLOCKS_OK,
          offblocks_auth_register_signing_key(raw, nil, &keyId) == OFFBLOCKS_OK else {
        throw OffBlocksError.internal(Failure(message: "raw client: \(String(cString: offblocks_last_error_message()))"))
    }
    offblocks_string_free(keyId)
    defer { offblocks_client_free(raw) }
    func rawFlow(_ i: Int) throws -> Double {
        var wallet: OpaquePointer?
        var signer: OpaquePointer?
        guard offblocks_wallet_new_random(&wallet) == OFFBLOCKS_OK,
              offblocks_signer_from_wallet(wallet, &signer) == OFFBLOCKS_OK else { throw OffBlocksError.internal(Failure(message: "wallet")) }
        defer { offblocks_signer_free(signer); offblocks_wallet_free(wallet) }
        let request = "{\"externalId\":\"swraw-\(tag)-\(i)\",\"chain\":\"eip155:300\",\"pollIntervalMs\":0}"
        var out: UnsafeMutablePointer<CChar>?
        let start = now()
        let rc = request.withCString { offblocks_client_onboard(raw, $0, signer, nil, nil, &out) }
        let ms = now() - start
        defer { offblocks_string_free(out) }
        guard rc == OFFBLOCKS_OK, let out, strstr(out, "\"active\"") != nil else {
            throw OffBlocksError.internal(Failure(message: "raw onboarding failed: \(rc.rawValue)"))
        }
        return ms
    }

    for i in 0..<warmups {
        _ = try flow(-1 - i)
        _ = try rawFlow(-1 - i)
    }
    var face = [Double](repeating: 0, count: runs)
    var direct = [Double](repeating: 0, count: runs)
    for i in 0..<runs {
        // Alternate which goes first.
        if i % 2 == 0 {
            face[i] = try flow(i); direct[i] = try rawFlow(i)
        } else {
            direct[i] = try rawFlow(i); face[i] = try flow(i)
        }
    }
    let median = quantile(face, 0.5), p90 = quantile(face, 0.9), rawMedian = quantile(direct, 0.5)
    let pairRatio = quantile(zip(face, direct).map { $0 / $1 }, 0.5)
    print(String(format: "swift onboarding: median %.2f ms, p90 %.2f ms over %d flows", median, p90, runs))
    print(String(format: "swift face / C ABI from the same process, interleaved: median %.2f vs %.2f ms, median pair ratio %.3fx",
                 median, rawMedian, pairRatio))
    if let jsonPath {
        let line = String(format: "{\"bench\":\"onboarding\",\"lang\":\"swift\",\"runs\":%d,\"median_ms\":%.4f,\"p90_ms\":%.4f,"
            + "\"c_abi_same_process_median_ms\":%.4f,\"face_over_c_abi_pair_ratio\":%.4f}\n", runs, median, p90, rawMedian, pairRatio)
        if let handle = FileHandle(forWritingAtPath: jsonPath) {
            handle.seekToEndOfFile()
            handle.write(Data(line.utf8))
            handle.closeFile()
        } else {
            _ = FileManager.default.createFile(atPath: jsonPath, contents: Data(line.utf8))
        }
    }
} catch {
    FileHandle.standardError.write(Data("bench failed: \(error)\n".utf8))
    exit(1)
}
