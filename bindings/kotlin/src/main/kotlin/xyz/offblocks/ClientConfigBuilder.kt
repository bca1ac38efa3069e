package xyz.offblocks

import java.time.Duration

/**
 * A builder of [ClientConfig], for Java (and for Kotlin code that builds a configuration
 * step by step):
 *
 * ```java
 * ClientConfig config = ClientConfig.builder()
 *     .baseUrl("https://api.sandbox.offblocks.xyz/v1")
 *     .apiKey(key).apiSecret(secret)
 *     .signingKeyPem(pem).keyId(keyId)
 *     .timeout(Duration.ofSeconds(20))
 *     .build();
 * ```
 *
 * Each setter sets the [ClientConfig] property of its name (see there for what it means
 * and its default); a setting never set keeps the library's default. `ClientConfigTest`
 * checks that every property has its setter.
 */
class ClientConfigBuilder internal constructor(private var config: ClientConfig) {
    private fun set(change: ClientConfig.() -> ClientConfig) = apply { config = config.change() }

    fun baseUrl(value: String?) = set { copy(baseUrl = value) }
    fun environment(value: String?) = set { copy(environment = value) }
    fun apiKey(value: String?) = set { copy(apiKey = value) }
    fun apiSecret(value: String?) = set { copy(apiSecret = value) }
    fun signingKeyPem(value: String?) = set { copy(signingKeyPem = value) }
    fun generateSigningKey(value: Boolean) = set { copy(generateSigningKey = value) }
    fun keyId(value: String?) = set { copy(keyId = value) }
    fun connectTimeout(value: Duration?) = set { copy(connectTimeout = value) }
    fun timeout(value: Duration?) = set { copy(timeout = value) }
    fun retry(value: Retry?) = set { copy(retry = value) }
    fun userAgent(value: String?) = set { copy(userAgent = value) }
    fun coveredComponents(value: List<String>?) = set { copy(coveredComponents = value) }
    fun digest(value: String?) = set { copy(digest = value) }
    fun clockSkew(value: Duration?) = set { copy(clockSkew = value) }
    fun followServerClock(value: Boolean?) = set { copy(followServerClock = value) }
    fun allowInsecureHttp(value: Boolean?) = set { copy(allowInsecureHttp = value) }
    fun challengeDomain(value: String?) = set { copy(challengeDomain = value) }
    fun signatureValidity(value: Duration?) = set { copy(signatureValidity = value) }
    fun signatureNonce(value: Boolean?) = set { copy(signatureNonce = value) }
    fun signatureLabel(value: String?) = set { copy(signatureLabel = value) }
    fun tokenRefreshMargin(value: Duration?) = set { copy(tokenRefreshMargin = value) }
    fun maxClockCorrection(value: Duration?) = set { copy(maxClockCorrection = value) }
    fun callDeadline(value: Duration?) = set { copy(callDeadline = value) }
    fun accountChallengePolicy(value: String?) = set { copy(accountChallengePolicy = value) }
    fun proxy(value: String?) = set { copy(proxy = value) }
    fun proxyFromEnv(value: Boolean?) = set { copy(proxyFromEnv = value) }
    fun challengeClockTolerance(value: Duration?) = set { copy(challengeClockTolerance = value) }
    fun rootStore(value: String?) = set { copy(rootStore = value) }
    fun caPem(value: String?) = set { copy(caPem = value) }
    fun caFile(value: String?) = set { copy(caFile = value) }
    fun spkiPins(value: List<String>?) = set { copy(spkiPins = value) }
    fun requestSigner(value: RequestSigner?) = set { copy(requestSigner = value) }
    fun signingPublicKeyPem(value: String?) = set { copy(signingPublicKeyPem = value) }

    /** The configuration, as set so far. */
    fun build(): ClientConfig = config

    /** As [ClientConfig.toString]: secrets redacted. */
    override fun toString(): String = "ClientConfigBuilder($config)"
}
