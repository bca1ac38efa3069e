import Foundation

/// The settings of an `OffBlocksClient`, as the library's JSON configuration names them. A
/// nil setting takes the library's default (`OffBlocksClient.configDefaultsJSON()` lists
/// them). **Holds secrets** (`apiSecret`, `signingKeyPem`, a password in `proxy` or
/// `baseUrl`): the description redacts them.
public struct ClientConfig: Encodable, Sendable, CustomStringConvertible {
    /// Retries of failed attempts (transport errors, 429, 5xx).
    public struct Retry: Encodable, Sendable {
        public var maxAttempts: Int?
        public var baseBackoff: TimeInterval?
        public var maxBackoff: TimeInterval?
        /// The longest `Retry-After` waited out, in whole seconds; a longer one ends the retries.
        public var maxRetryAfter: Int?
        public init(
            maxAttempts: Int? = nil, baseBackoff: TimeInterval? = nil, maxBackoff: TimeInterval? = nil,
            maxRetryAfter: Int? = nil
        ) {
            self.maxAttempts = maxAttempts
            self.baseBackoff = baseBackoff
            self.maxBackoff = maxBackoff
            self.maxRetryAfter = maxRetryAfter
        }
        enum CodingKeys: String, CodingKey { case maxAttempts, baseBackoffMs, maxBackoffMs, maxRetryAfterSecs }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(maxAttempts, forKey: .maxAttempts)
            try c.encodeIfPresent(baseBackoff.map(ms), forKey: .baseBackoffMs)
            try c.encodeIfPresent(maxBackoff.map(ms), forKey: .maxBackoffMs)
            try c.encodeIfPresent(maxRetryAfter, forKey: .maxRetryAfterSecs)
        }
    }

    /// The API's base URL (the sandbox's by default, or the one `environment` names).
    public var baseUrl: String?
    /// `"sandbox"` or `"production"`.
    public var environment: String?
    public var apiKey: String?
    /// **A secret.**
    public var apiSecret: String?
    /// The P-384 request-signing key as PKCS#8 PEM. **A secret.**
    public var signingKeyPem: String?
    /// Makes a fresh signing key (register it with `client.auth.registerSigningKey()`).
    public var generateSigningKey: Bool
    /// The id of a signing key registered earlier.
    public var keyId: String?
    public var connectTimeout: TimeInterval?
    /// The timeout of one attempt.
    public var timeout: TimeInterval?
    public var retry: Retry?
    public var userAgent: String?
    /// The RFC 9421 components signed, in order.
    public var coveredComponents: [String]?
    /// The `Content-Digest` algorithm (`"sha-256"`, `"sha-512"`).
    public var digest: String?
    /// Seconds added to the local clock when signing.
    public var clockSkew: Int64?
    /// Follows the server's clock (its `Date`) when a signature is refused for its time.
    public var followServerClock: Bool?
    /// Allows plain http to a host other than loopback (never for production).
    public var allowInsecureHttp: Bool?
    /// The domain a customer challenge must name (by default the base URL's host).
    public var challengeDomain: String?
    /// Seconds a request signature is valid.
    public var signatureValidity: Int64?
    public var signatureNonce: Bool?
    public var signatureLabel: String?
    /// Seconds before expiry at which a token is refreshed.
    public var tokenRefreshMargin: Int64?
    /// The largest clock correction taken from the server, in seconds.
    public var maxClockCorrection: Int64?
    /// The deadline of one call, retries included.
    public var callDeadline: TimeInterval?
    /// What to do when an account challenge cannot be checked: `"strict"`, `"lenient"`…
    public var accountChallengePolicy: String?
    /// An HTTP(S) proxy URL (credentials in it are a secret).
    public var proxy: String?
    /// Reads the proxy from `HTTPS_PROXY`/`NO_PROXY`.
    public var proxyFromEnv: Bool?
    /// Seconds of clock difference allowed when a customer challenge's times are checked
    /// (its one-hour window without an expiration time included); 60 by default.
    public var challengeClockTolerance: Int64?
    /// Where the roots a server's certificate must chain to come from: `"webpki"`
    /// (Mozilla's, bundled; the default) or `"platform"` (the operating system's verifier,
    /// in library builds with that feature).
    public var rootStore: String?
    /// Extra trust anchors, PEM text, added to the root store (a gateway's private CA, a
    /// TLS-inspecting proxy's).
    public var caPem: String?
    /// Extra trust anchors read from this PEM file when the client is made.
    public var caFile: String?
    /// Base64 SHA-256 digests of SubjectPublicKeyInfo: the server's chain must carry one
    /// (else `OffBlocksError.tls(.pinMismatch, _)`). None by default (no pinning).
    public var spkiPins: [String]?
    /// Signs every request with a key held outside the process (a KMS, an HSM), checked
    /// against `signingPublicKeyPem`. Then neither `signingKeyPem` nor
    /// `generateSigningKey` is set; `keyId` names the key if it is registered already,
    /// else `client.auth.registerSigningKey()` registers its public key.
    public var requestSigner: (any RequestSigner)?
    /// The public key (SPKI PEM, `BEGIN PUBLIC KEY`) of `requestSigner`; required with it.
    public var signingPublicKeyPem: String?

    public init(baseUrl: String? = nil, environment: String? = nil, apiKey: String? = nil, apiSecret: String? = nil,
                signingKeyPem: String? = nil, generateSigningKey: Bool = false, keyId: String? = nil,
                connectTimeout: TimeInterval? = nil, timeout: TimeInterval? = nil, retry: Retry? = nil,
                userAgent: String? = nil, coveredComponents: [String]? = nil, digest: String? = nil,
                clockSkew: Int64? = nil, followServerClock: Bool? = nil, allowInsecureHttp: Bool? = nil,
                challengeDomain: String? = nil, signatureValidity: Int64? = nil, signatureNonce: Bool? = nil,
                signatureLabel: String? = nil, tokenRefreshMargin: Int64? = nil, maxClockCorrection: Int64? = nil,
                callDeadline: TimeInterval? = nil, accountChallengePolicy: String? = nil, proxy: String? = nil,
                proxyFromEnv: Bool? = nil, challengeClockTolerance: Int64? = nil, rootStore: String? = nil,
                caPem: String? = nil, caFile: String? = nil, spkiPins: [String]? = nil,
                requestSigner: (any RequestSigner)? = nil, signingPublicKeyPem: String? = nil) {
        self.baseUrl = baseUrl
        self.environment = environment
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.signingKeyPem = signingKeyPem
        self.generateSigningKey = generateSigningKey
        self.keyId = keyId
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.retry = retry
        self.userAgent = userAgent
        self.coveredComponents = coveredComponents
        self.digest = digest
        self.clockSkew = clockSkew
        self.followServerClock = followServerClock
        self.allowInsecureHttp = allowInsecureHttp
        self.challengeDomain = challengeDomain
        self.signatureValidity = signatureValidity
        self.signatureNonce = signatureNonce
        self.signatureLabel = signatureLabel
        self.tokenRefreshMargin = tokenRefreshMargin
        self.maxClockCorrection = maxClockCorrection
        self.callDeadline = callDeadline
        self.accountChallengePolicy = accountChallengePolicy
        self.proxy = proxy
        self.proxyFromEnv = proxyFromEnv
        self.challengeClockTolerance = challengeClockTolerance
        self.rootStore = rootStore
        self.caPem = caPem
        self.caFile = caFile
        self.spkiPins = spkiPins
        self.requestSigner = requestSigner
        self.signingPublicKeyPem = signingPublicKeyPem
    }

    /// The settings of the variables the Rust example reads: `OFFBLOCKS_BASE_URL`,
    /// `OFFBLOCKS_API_KEY`, `OFFBLOCKS_API_SECRET`, `OFFBLOCKS_KEY_ID` and
    /// `OFFBLOCKS_SIGNING_KEY` (the path of a P-384 PEM; a fresh key when unset), and
    /// `OFFBLOCKS_CA_FILE` (a PEM file of extra trust anchors).
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> ClientConfig {
        func v(_ name: String) -> String? {
            guard let value = env[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return value
        }
        var pem: String?
        if let path = v("OFFBLOCKS_SIGNING_KEY") {
            do {
                pem = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw OffBlocksError.config(Failure(message: "cannot read OFFBLOCKS_SIGNING_KEY \(path): \(error.localizedDescription)"))
            }
        }
        return ClientConfig(baseUrl: v("OFFBLOCKS_BASE_URL"), apiKey: v("OFFBLOCKS_API_KEY"), apiSecret: v("OFFBLOCKS_API_SECRET"),
                            signingKeyPem: pem, generateSigningKey: pem == nil, keyId: v("OFFBLOCKS_KEY_ID"),
                            caFile: v("OFFBLOCKS_CA_FILE"))
    }

    enum CodingKeys: String, CodingKey {
        case baseUrl, environment, apiKey, apiSecret, signingKeyPem, generateSigningKey, keyId, connectTimeoutMs, timeoutMs,
             retry, userAgent, coveredComponents, digest, clockSkewSecs, followServerClock, allowInsecureHttp,
             challengeDomain, signatureValiditySecs, signatureNonce, signatureLabel, tokenRefreshMarginSecs,
             maxClockCorrectionSecs, callDeadlineMs, accountChallengePolicy, proxy, proxyFromEnv,
             challengeClockToleranceSecs, rootStore, caPem, caFile, spkiPins
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(baseUrl, forKey: .baseUrl)
        try c.encodeIfPresent(environment, forKey: .environment)
        try c.encodeIfPresent(apiKey, forKey: .apiKey)
        try c.encodeIfPresent(apiSecret, forKey: .apiSecret)
        try c.encodeIfPresent(signingKeyPem, forKey: .signingKeyPem)
        if generateSigningKey { try c.encode(true, forKey: .generateSigningKey) }
        try c.encodeIfPresent(keyId, forKey: .keyId)
        try c.encodeIfPresent(connectTimeout.map(ms), forKey: .connectTimeoutMs)
        try c.encodeIfPresent(timeout.map(ms), forKey: .timeoutMs)
        try c.encodeIfPresent(retry, forKey: .retry)
        try c.encodeIfPresent(userAgent, forKey: .userAgent)
        try c.encodeIfPresent(coveredComponents, forKey: .coveredComponents)
        try c.encodeIfPresent(digest, forKey: .digest)
        try c.encodeIfPresent(clockSkew, forKey: .clockSkewSecs)
        try c.encodeIfPresent(followServerClock, forKey: .followServerClock)
        try c.encodeIfPresent(allowInsecureHttp, forKey: .allowInsecureHttp)
        try c.encodeIfPresent(challengeDomain, forKey: .challengeDomain)
        try c.encodeIfPresent(signatureValidity, forKey: .signatureValiditySecs)
        try c.encodeIfPresent(signatureNonce, forKey: .signatureNonce)
        try c.encodeIfPresent(signatureLabel, forKey: .signatureLabel)
        try c.encodeIfPresent(tokenRefreshMargin, forKey: .tokenRefreshMarginSecs)
        try c.encodeIfPresent(maxClockCorrection, forKey: .maxClockCorrectionSecs)
        try c.encodeIfPresent(callDeadline.map(ms), forKey: .callDeadlineMs)
        try c.encodeIfPresent(accountChallengePolicy, forKey: .accountChallengePolicy)
        try c.encodeIfPresent(proxy, forKey: .proxy)
        try c.encodeIfPresent(proxyFromEnv, forKey: .proxyFromEnv)
        try c.encodeIfPresent(challengeClockTolerance, forKey: .challengeClockToleranceSecs)
        try c.encodeIfPresent(rootStore, forKey: .rootStore)
        try c.encodeIfPresent(caPem, forKey: .caPem)
        try c.encodeIfPresent(caFile, forKey: .caFile)
        try c.encodeIfPresent(spkiPins, forKey: .spkiPins)
    }

    /// The JSON names of every setting (what the tests compare with the library's);
    /// `requestSigner` and `signingPublicKeyPem` are not JSON settings.
    public static let settingNames: [String] = [
        "baseUrl", "environment", "apiKey", "apiSecret", "signingKeyPem", "generateSigningKey", "keyId",
        "connectTimeoutMs", "timeoutMs", "retry", "userAgent", "coveredComponents", "digest", "clockSkewSecs",
        "followServerClock", "allowInsecureHttp", "challengeDomain", "signatureValiditySecs", "signatureNonce",
        "signatureLabel", "tokenRefreshMarginSecs", "maxClockCorrectionSecs", "callDeadlineMs",
        "accountChallengePolicy", "proxy", "proxyFromEnv", "challengeClockToleranceSecs", "rootStore", "caPem",
        "caFile", "spkiPins",
    ]

    public var description: String {
        "ClientConfig(baseUrl: \(baseUrl.map(redactUserinfo) ?? "nil"), environment: \(environment ?? "nil"), apiKey: \(apiKey ?? "nil"), "
            + "apiSecret: \(apiSecret == nil ? "nil" : "[redacted]"), signingKeyPem: \(signingKeyPem == nil ? "nil" : "[redacted]"), "
            + "generateSigningKey: \(generateSigningKey), keyId: \(keyId ?? "nil"), proxy: \(proxy.map(redactUserinfo) ?? "nil"), "
            + "caFile: \(caFile ?? "nil"), spkiPins: \(spkiPins.map { "\($0.count)" } ?? "nil"), "
            + "requestSigner: \(requestSigner == nil ? "nil" : "[external]"), …)"
    }
}

private func ms(_ seconds: TimeInterval) -> Int64 { Int64((seconds * 1000).rounded()) }

/// `url` with its user and password (between `://` and the last `@`) shown as `***`.
func redactUserinfo(_ url: String) -> String {
    let start = url.range(of: "://").map { $0.upperBound } ?? url.startIndex
    guard let at = url.range(of: "@", options: .backwards), at.lowerBound >= start else { return url }
    return String(url[..<start]) + "***" + String(url[at.lowerBound...])
}
