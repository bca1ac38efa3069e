package xyz.offblocks

import java.time.Duration

/** How calls are retried (connection failures, 429, 5xx), with the same Idempotency-Key:
 * [maxAttempts] in all, the first pause [baseBackoff] doubling up to [maxBackoff]; a
 * `Retry-After` longer than [maxRetryAfter] (whole seconds) ends the retries. Null keeps
 * the library's default ([OffblocksClient.configDefaults] lists them). */
data class Retry @JvmOverloads constructor(
    val maxAttempts: Int? = null,
    val baseBackoff: Duration? = null,
    val maxBackoff: Duration? = null,
    val maxRetryAfter: Duration? = null,
) {
    internal fun toJson(): Map<String, Any?> = buildMap {
        maxAttempts?.let { put("maxAttempts", it) }
        baseBackoff?.let { put("baseBackoffMs", it.toMillis()) }
        maxBackoff?.let { put("maxBackoffMs", it.toMillis()) }
        maxRetryAfter?.let { put("maxRetryAfterSecs", it.seconds) }
    }
}

/**
 * The settings of an [OffblocksClient]: the C ABI's JSON configuration
 * (`offblocks_client_new`) with Kotlin names and types. Null keeps the library's default
 * ([OffblocksClient.configDefaults] lists them; nothing here repeats one).
 * `ModelsTest` checks every key against that list, so a setting is declared once, in Rust.
 *
 * **Holds secrets** ([apiSecret], [signingKeyPem], a password in [proxy]): [toString]
 * redacts them.
 */
data class ClientConfig @JvmOverloads constructor(
    /** The API's base URL, e.g. `http://127.0.0.1:8080/v1`; or give [environment]. */
    val baseUrl: String? = null,
    /** `"sandbox"` or `"live"`; not with [baseUrl]. */
    val environment: String? = null,
    /** Required. */
    val apiKey: String? = null,
    /** Required. A secret. */
    val apiSecret: String? = null,
    /** The P-384 request-signing private key (SEC1 or PKCS#8 PEM). A secret. */
    val signingKeyPem: String? = null,
    /** Make a fresh signing key instead (register it with `client.auth.registerSigningKey()`). */
    val generateSigningKey: Boolean = false,
    /** The id of an already registered signing key. */
    val keyId: String? = null,
    /** How long connecting may take. */
    val connectTimeout: Duration? = null,
    /** How long one HTTP attempt may take in all. */
    val timeout: Duration? = null,
    val retry: Retry? = null,
    val userAgent: String? = null,
    /** RFC 9421 covered components, e.g. `["@method", "@authority", "@path"]`. */
    val coveredComponents: List<String>? = null,
    /** `"sha-256"`, `"sha-512"` or `"both"`. */
    val digest: String? = null,
    /** A correction to the local clock, in whole seconds. */
    val clockSkew: Duration? = null,
    /** Learn the server's time from `Date` headers. */
    val followServerClock: Boolean? = null,
    /** Plain http to a non-loopback host. */
    val allowInsecureHttp: Boolean? = null,
    /** The domain a customer challenge must name (null: the API host). */
    val challengeDomain: String? = null,
    /** The clock difference allowed when a customer challenge's times are checked (its
     * one-hour window without an expiration time included; whole seconds). */
    val challengeClockTolerance: Duration? = null,
    /** An `expires` this long after `created` in each signature (whole seconds). */
    val signatureValidity: Duration? = null,
    val signatureNonce: Boolean? = null,
    /** The signature's label in `Signature-Input`. */
    val signatureLabel: String? = null,
    /** Refresh the token when less than this remains (whole seconds). */
    val tokenRefreshMargin: Duration? = null,
    /** The largest clock correction taken from the server's `Date` (whole seconds);
     * beyond it the client keeps its own clock. */
    val maxClockCorrection: Duration? = null,
    /** How long one call may take in all: attempts, waits, token fetch, re-sign. */
    val callDeadline: Duration? = null,
    /** `"recognized"` (sign only a secp256k1 public key in PEM or a UUID as an account
     * challenge) or `"any"` (sign any bytes). */
    val accountChallengePolicy: String? = null,
    /** An HTTP proxy every call goes through, `http://[user:password@]host:port` (HTTPS is
     * tunnelled with CONNECT). Its password is a secret: [toString] shows `***`. */
    val proxy: String? = null,
    /** Without [proxy], take one from `HTTPS_PROXY` / `ALL_PROXY` and skip the hosts
     * `NO_PROXY` names. */
    val proxyFromEnv: Boolean? = null,
    /** Where the roots a server's certificate must chain to come from: `"webpki"`
     * (Mozilla's, bundled) or `"platform"` (the operating system's verifier,
     * in builds with that feature). */
    val rootStore: String? = null,
    /** Extra trust anchors, PEM text, added to the root store (a gateway's private CA, a
     * TLS-inspecting proxy's). */
    val caPem: String? = null,
    /** Extra trust anchors read from this PEM file when the client is made. */
    val caFile: String? = null,
    /** Base64 SHA-256 digests of SubjectPublicKeyInfo; the server's chain must carry one
     * (empty: no pinning). */
    val spkiPins: List<String>? = null,
    /** The P-384 request-signing key held outside the process (a KMS): it signs every
     * request, checked against [signingPublicKeyPem]. Then neither [signingKeyPem] nor
     * [generateSigningKey]. Not part of the JSON configuration. */
    val requestSigner: RequestSigner? = null,
    /** The public key (SPKI PEM, `BEGIN PUBLIC KEY`) of [requestSigner]; required with it. */
    val signingPublicKeyPem: String? = null,
) {
    /** The configuration as the C ABI's JSON object (camelCase keys). */
    fun toJson(): Map<String, Any?> = buildMap {
        baseUrl?.let { put("baseUrl", it) }
        environment?.let { put("environment", it) }
        apiKey?.let { put("apiKey", it) }
        apiSecret?.let { put("apiSecret", it) }
        signingKeyPem?.let { put("signingKeyPem", it) }
        if (generateSigningKey) put("generateSigningKey", true)
        keyId?.let { put("keyId", it) }
        connectTimeout?.let { put("connectTimeoutMs", it.toMillis()) }
        timeout?.let { put("timeoutMs", it.toMillis()) }
        retry?.let { put("retry", it.toJson()) }
        userAgent?.let { put("userAgent", it) }
        coveredComponents?.let { put("coveredComponents", it) }
        digest?.let { put("digest", it) }
        clockSkew?.let { put("clockSkewSecs", it.seconds) }
        followServerClock?.let { put("followServerClock", it) }
        allowInsecureHttp?.let { put("allowInsecureHttp", it) }
        challengeDomain?.let { put("challengeDomain", it) }
        challengeClockTolerance?.let { put("challengeClockToleranceSecs", it.seconds) }
        signatureValidity?.let { put("signatureValiditySecs", it.seconds) }
        signatureNonce?.let { put("signatureNonce", it) }
        signatureLabel?.let { put("signatureLabel", it) }
        tokenRefreshMargin?.let { put("tokenRefreshMarginSecs", it.seconds) }
        maxClockCorrection?.let { put("maxClockCorrectionSecs", it.seconds) }
        callDeadline?.let { put("callDeadlineMs", it.toMillis()) }
        accountChallengePolicy?.let { put("accountChallengePolicy", it) }
        proxy?.let { put("proxy", it) }
        proxyFromEnv?.let { put("proxyFromEnv", it) }
        rootStore?.let { put("rootStore", it) }
        caPem?.let { put("caPem", it) }
        caFile?.let { put("caFile", it) }
        spkiPins?.let { put("spkiPins", it) }
    }

    override fun toString(): String =
        "ClientConfig(baseUrl=${baseUrl?.let(::redactUserinfo)}, environment=$environment, apiKey=$apiKey, " +
            "apiSecret=${apiSecret?.let { "[redacted]" }}, signingKeyPem=${signingKeyPem?.let { "[redacted]" }}, " +
            "generateSigningKey=$generateSigningKey, keyId=$keyId, proxy=${proxy?.let(::redactUserinfo)}, " +
            "requestSigner=${requestSigner?.let { "[external]" }}, …)"

    /** A builder starting from these settings. */
    fun toBuilder(): ClientConfigBuilder = ClientConfigBuilder(this)

    companion object {
        /** A builder for Java callers: `ClientConfig.builder().baseUrl(url).apiKey(key)…build()`. */
        @JvmStatic
        fun builder(): ClientConfigBuilder = ClientConfigBuilder(ClientConfig())

        /** The settings of the same variables as the Rust example: `OFFBLOCKS_BASE_URL`,
         * `OFFBLOCKS_API_KEY`, `OFFBLOCKS_API_SECRET`, `OFFBLOCKS_KEY_ID`, and
         * `OFFBLOCKS_SIGNING_KEY` (the path of a P-384 PEM; a fresh key when unset), and
         * `OFFBLOCKS_CA_FILE` (a PEM file of extra trust anchors). */
        @JvmStatic
        @JvmOverloads
        fun fromEnvironment(env: Map<String, String> = System.getenv()): ClientConfig {
            fun v(name: String) = env[name]?.trim()?.takeIf { it.isNotEmpty() }
            val keyPath = v("OFFBLOCKS_SIGNING_KEY")
            val pem = keyPath?.let {
                try {
                    java.io.File(it).readText()
                } catch (e: java.io.IOException) {
                    throw OffblocksException.Config("cannot read OFFBLOCKS_SIGNING_KEY $it: ${e.message}")
                }
            }
            return ClientConfig(
                baseUrl = v("OFFBLOCKS_BASE_URL"),
                apiKey = v("OFFBLOCKS_API_KEY"),
                apiSecret = v("OFFBLOCKS_API_SECRET"),
                keyId = v("OFFBLOCKS_KEY_ID"),
                caFile = v("OFFBLOCKS_CA_FILE"),
                signingKeyPem = pem,
                generateSigningKey = pem == null,
            )
        }
    }
}

/** [url] with its user and password (everything between `://` and the last `@`) shown as
 * `***`, as the library shows a URL: a password may hold `/`, `?`, `#` or `@`, so the last
 * `@` of the whole URL ends it, not the first `/` after the host. */
internal fun redactUserinfo(url: String): String {
    val start = url.indexOf("://").let { if (it < 0) 0 else it + 3 }
    val at = url.lastIndexOf('@')
    return if (at < start) url else url.substring(0, start) + "***" + url.substring(at)
}
