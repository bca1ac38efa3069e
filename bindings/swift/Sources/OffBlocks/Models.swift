import Foundation

// The API's objects as Codable values, decoded from the JSON the C ABI returns (camelCase,
// as the API spells it). Statuses and kinds are open: a value this version does not know
// (added to the API later) decodes as itself instead of failing, and `isKnown` tells.

/// An open set of string values (a status, a kind).
public protocol OpenValue: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible where RawValue == String {
    init(rawValue: String)
    static var known: [Self] { get }
}

extension OpenValue {
    public init(from decoder: Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var isKnown: Bool { Self.known.contains(self) }
    public var description: String { rawValue }
}

/// Where a customer is in onboarding.
public struct CustomerStatus: OpenValue {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let initiating = Self(rawValue: "initiating")
    public static let screening = Self(rawValue: "screening")
    public static let verifying = Self(rawValue: "verifying")
    public static let active = Self(rawValue: "active")
    public static let inactive = Self(rawValue: "inactive")
    /// Refused (final).
    public static let rejected = Self(rawValue: "rejected")
    public static let known = [initiating, screening, verifying, active, inactive, rejected]
}

/// Where an account is in its life.
public struct AccountStatus: OpenValue {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let initiating = Self(rawValue: "initiating")
    /// Signed; the smart account is being deployed.
    public static let pending = Self(rawValue: "pending")
    public static let active = Self(rawValue: "active")
    public static let inactive = Self(rawValue: "inactive")
    /// Closed (final).
    public static let closed = Self(rawValue: "closed")
    /// Deployment failed (final).
    public static let failed = Self(rawValue: "failed")
    public static let known = [initiating, pending, active, inactive, closed, failed]
}

/// The kind of an account (`card_account`; the API's `CARD_ACCOUNT` reads as the same).
public struct AccountType: OpenValue {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue == "CARD_ACCOUNT" ? "card_account" : rawValue }
    public static let cardAccount = Self(rawValue: "card_account")
    public static let known = [cardAccount]
}

/// The kind of event a webhook receives.
public struct WebhookType: OpenValue {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let customerUpdated = Self(rawValue: "customer.updated")
    public static let accountUpdated = Self(rawValue: "account.updated")
    public static let known = [customerUpdated, accountUpdated]
}

/// How a 65-byte EIP-191 signature is written (`offblocks_signature_encoding`).
public enum SignatureEncoding: Int32, CaseIterable, Sendable {
    /// `0x` and 130 lowercase hex digits.
    case hex = 0
    /// Base64 of the hex text: what a customer challenge's `signature` carries.
    case base64Hex = 1
    /// Base64 of the raw 65 bytes: what an account challenge's `signature` carries.
    case base64Raw = 2
}

/// A customer. `chainId` is the customer's wallet as a CAIP-10 id (`eip155:300:0x…`);
/// `challenge` (base64 EIP-4361) comes on creation only.
public struct Customer: Codable, Hashable, Sendable {
    public var id: String
    public var externalId: String
    public var chainId: String
    public var status: CustomerStatus
    public var createdAt: Date
    public var updatedAt: Date
    public var challenge: String?
}

/// An account. `chainId` (the deployed smart account, CAIP-10) is set once `active`;
/// `challenge` comes on creation only.
public struct Account: Codable, Hashable, Sendable {
    public var id: String
    public var customerId: String
    public var status: AccountStatus
    public var type: AccountType
    public var currencies: [String]
    public var createdAt: Date
    public var updatedAt: Date
    public var chainId: String?
    public var challenge: String?
}

/// A challenge as issued: base64 of the bytes to sign (an EIP-4361 message for a customer).
public struct Challenge: Hashable, Sendable {
    public let base64: String
    public init(base64: String) { self.base64 = base64 }

    /// The decoded bytes: exactly what gets signed.
    public func bytes() throws -> Data {
        guard let data = Data(base64Encoded: base64) else {
            throw OffBlocksError.decode(Failure(message: "the challenge is not base64"))
        }
        return data
    }

    /// The decoded message as text.
    public func text() throws -> String { String(decoding: try bytes(), as: UTF8.self) }

    /// The decoded message parsed as EIP-4361.
    public func parse() throws -> SiweMessage { try Siwe.parse(text()) }
}

/// An EIP-4361 (Sign-In with Ethereum) message. `text` is the message as parsed.
public struct SiweMessage: Codable, Hashable, Sendable {
    public var domain: String
    public var address: String
    public var uri: String
    public var version: String
    public var chainId: Int64
    public var nonce: String
    public var issuedAt: Date
    public var scheme: String?
    public var statement: String?
    public var expirationTime: Date?
    public var notBefore: Date?
    public var requestId: String?
    public var resources: [String] = []
    public var text: String = ""

    enum CodingKeys: String, CodingKey {
        case domain, address, uri, version, chainId, nonce, issuedAt, scheme, statement, expirationTime, notBefore, requestId, resources
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        domain = try c.decode(String.self, forKey: .domain)
        address = try c.decode(String.self, forKey: .address)
        uri = try c.decode(String.self, forKey: .uri)
        version = try c.decode(String.self, forKey: .version)
        chainId = try c.decode(Int64.self, forKey: .chainId)
        nonce = try c.decode(String.self, forKey: .nonce)
        issuedAt = try c.decode(Date.self, forKey: .issuedAt)
        scheme = try c.decodeIfPresent(String.self, forKey: .scheme)
        statement = try c.decodeIfPresent(String.self, forKey: .statement)
        expirationTime = try c.decodeIfPresent(Date.self, forKey: .expirationTime)
        notBefore = try c.decodeIfPresent(Date.self, forKey: .notBefore)
        requestId = try c.decodeIfPresent(String.self, forKey: .requestId)
        resources = try c.decodeIfPresent([String].self, forKey: .resources) ?? []
    }
}

/// A webhook subscription.
public struct Webhook: Codable, Hashable, Sendable {
    public var id: String
    public var callbackUrl: String
    public var types: [WebhookType]
    public var createdAt: Date?
    public var updatedAt: Date?
}

/// One webhook delivery. Deliveries come at least once and in any order: dedupe by
/// `eventId`, order by `updatedAt`.
public struct WebhookEvent: Decodable, Sendable {
    public enum Payload: Sendable {
        case customer(Customer)
        case account(Account)
        /// An entity this version does not know: the `data` object as JSON text.
        case other(entity: String, json: String)
    }

    public var eventId: String
    public var webhookType: WebhookType
    public var data: Payload

    /// The entity's `updatedAt`, to order deliveries (nil when an unknown one has none).
    public var updatedAt: Date? {
        switch data {
        case .customer(let c): return c.updatedAt
        case .account(let a): return a.updatedAt
        case .other(_, let json):
            let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
            return (object?["updatedAt"] as? String).flatMap(Timestamps.parse)
        }
    }

    enum CodingKeys: String, CodingKey { case eventId, webhookType, entity, data }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        eventId = try c.decode(String.self, forKey: .eventId)
        webhookType = try c.decode(WebhookType.self, forKey: .webhookType)
        let entity = try c.decode(String.self, forKey: .entity)
        switch entity {
        case "customer": data = .customer(try c.decode(Customer.self, forKey: .data))
        case "account": data = .account(try c.decode(Account.self, forKey: .data))
        default: data = .other(entity: entity, json: try JSON.encode(c.decode(JSONValue.self, forKey: .data)))
        }
    }
}

/// Any JSON value (what an unknown webhook entity carries).
enum JSONValue: Codable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// A bearer token. **A secret**: its description hides it.
public struct Token: Decodable, Sendable, CustomStringConvertible {
    public var token: String
    public var expiresAt: Date
    public var tokenType: String

    enum CodingKeys: String, CodingKey { case token, expiresAt, tokenType }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        token = try c.decode(String.self, forKey: .token)
        expiresAt = Date(timeIntervalSince1970: TimeInterval(try c.decode(Int64.self, forKey: .expiresAt)))
        tokenType = try c.decodeIfPresent(String.self, forKey: .tokenType) ?? "Bearer"
    }

    public var description: String { "Token(token: [redacted], expiresAt: \(expiresAt), tokenType: \(tokenType))" }
}

/// What a request would carry (`OffBlocksClient.dryRun`). **Holds the bearer token** (in
/// `Authorization`): its description shows only the method and URL.
public struct DryRun: Decodable, Sendable, CustomStringConvertible {
    public var method: String
    public var url: String
    /// The headers in order, as (name, value).
    public var headers: [[String]]
    public var signatureBase: String

    /// The value of the first header called `name` (any case), or nil.
    public func header(_ name: String) -> String? {
        headers.first { $0.count == 2 && $0[0].caseInsensitiveCompare(name) == .orderedSame }?[1]
    }

    public var description: String { "DryRun(\(method) \(url), \(headers.count) headers [redacted])" }
}

/// The result of onboarding: the `active` customer and account.
public struct Onboarded: Codable, Hashable, Sendable {
    public var customer: Customer
    public var account: Account
}

/// One report of onboarding's progress, after each step: `step` is a stable snake_case
/// name (`create_customer`, `sign_customer_challenge`, `verify_customer`, `wait_customer`,
/// `create_account`, `sign_account_challenge`, `wait_account`, `done`), `status` the
/// resource's status after it, `elapsed` the seconds since the flow started.
public struct OnboardingProgress: Hashable, Sendable {
    public var step: String
    public var status: String
    public var elapsed: TimeInterval
    public var message: String
}

/// One attempt of one call, as a client's observer sees it: never a token, a body or a
/// query. `status` is nil when no response came (`error` says why); `durationMs` runs from
/// sending the request to reading the whole response.
public struct Attempt: Codable, Hashable, Sendable {
    public var method: String
    public var path: String
    public var attempt: Int
    public var status: Int?
    public var error: String?
    public var durationMs: Double?
    public var requestId: String?
    public var idempotencyKey: String?
}

/// What to onboard: the customer `externalId` on CAIP-2 `chain`, with an account of
/// `accountType` in `currencies`. `timeout` bounds the waits; statuses are polled every
/// `pollInterval` at first, backing off up to `maxPollInterval`. `simulateVerification` has
/// the sandbox's simulator verify the customer; nil uses it against OffBlocks' sandbox and
/// a loopback emulator only, and `true` against production is
/// `OffBlocksError.invalidInput`.
///
/// A nil field is not sent: the library's default applies
/// (`OffBlocksClient.onboardingDefaultsJSON()` lists them: a `card_account` in EUR, 120 s,
/// 0.1 s, 30 s). With only one of `accountType` and `currencies` set, the other is the
/// default account's.
public struct OnboardingRequest: Encodable, Hashable, Sendable {
    public var externalId: String
    public var chain: String
    public var simulateVerification: Bool?
    public var accountType: AccountType?
    public var currencies: [String]?
    public var timeout: TimeInterval?
    public var pollInterval: TimeInterval?
    public var maxPollInterval: TimeInterval?

    public init(externalId: String, chain: String = "eip155:300", simulateVerification: Bool? = nil,
                accountType: AccountType? = nil, currencies: [String]? = nil,
                timeout: TimeInterval? = nil, pollInterval: TimeInterval? = nil, maxPollInterval: TimeInterval? = nil) {
        self.externalId = externalId
        self.chain = chain
        self.simulateVerification = simulateVerification
        self.accountType = accountType
        self.currencies = currencies
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.maxPollInterval = maxPollInterval
    }

    enum CodingKeys: String, CodingKey {
        case externalId, chain, simulateVerification, account, timeoutMs, pollIntervalMs, maxPollIntervalMs
    }
    enum AccountKeys: String, CodingKey { case type, currencies }

    /// The library's default account (`offblocks_onboarding_defaults`), for the part of
    /// the account left nil.
    private struct DefaultAccount: Decodable {
        struct Account: Decodable { let type: AccountType; let currencies: [String] }
        let account: Account
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(externalId, forKey: .externalId)
        try c.encode(chain, forKey: .chain)
        try c.encodeIfPresent(simulateVerification, forKey: .simulateVerification)
        if accountType != nil || currencies != nil {
            var type = accountType, list = currencies
            if type == nil || list == nil {
                let defaults = try JSON.decode(DefaultAccount.self, OffBlocksClient.onboardingDefaultsJSON(), "onboarding defaults")
                type = type ?? defaults.account.type
                list = list ?? defaults.account.currencies
            }
            var a = c.nestedContainer(keyedBy: AccountKeys.self, forKey: .account)
            try a.encode(type, forKey: .type)
            try a.encode(list, forKey: .currencies)
        }
        try c.encodeIfPresent(timeout.map(Self.ms), forKey: .timeoutMs)
        try c.encodeIfPresent(pollInterval.map(Self.ms), forKey: .pollIntervalMs)
        try c.encodeIfPresent(maxPollInterval.map(Self.ms), forKey: .maxPollIntervalMs)
    }

    private static func ms(_ seconds: TimeInterval) -> Int64 { Int64((seconds * 1000).rounded()) }
}

/// How `offblocks_client_onboard` treats the waits on OffBlocks (KYC, the account's deployment):
/// its request's `"wait"`.
enum OnboardingWait: String, Encodable {
    /// Poll until done (what `onboard` does).
    case finish
    /// Return at once with the state reached (what `onboardOrWait` does).
    case returnWhenWaiting
}

/// A request with its wait policy, as `offblocks_client_onboard` reads it.
struct OnboardingCall: Encodable {
    let request: OnboardingRequest
    let wait: OnboardingWait

    enum CodingKeys: String, CodingKey { case wait }

    func encode(to encoder: Encoder) throws {
        try request.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(wait, forKey: .wait)
    }
}

/// A flow waiting on OffBlocks: `step` is what it waits for, `wait_customer` (KYC) or
/// `wait_account` (the account's deployment); `customer` and `account` are as last read
/// (`account` is nil until there is one).
public struct OnboardingWaiting: Codable, Hashable, Sendable {
    public var step: String
    public var customer: Customer
    public var account: Account?
}

/// Where `OffBlocksClient.onboardOrWait` stopped.
public enum OnboardingState: Hashable, Sendable {
    /// The customer and the account are `active`.
    case done(Onboarded)
    /// OffBlocks has the next move. Run the flow again with the same request and signer
    /// once it has made it (a webhook, a timer, a restart): it continues from here and
    /// creates nothing twice.
    case waiting(OnboardingWaiting)
}

extension OnboardingState: Decodable {
    enum CodingKeys: String, CodingKey { case state }

    public init(from decoder: Decoder) throws {
        let state = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .state)
        switch state {
        case "done": self = .done(try Onboarded(from: decoder))
        case "waiting": self = .waiting(try OnboardingWaiting(from: decoder))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.state], debugDescription: "unknown state \(state)"))
        }
    }
}
