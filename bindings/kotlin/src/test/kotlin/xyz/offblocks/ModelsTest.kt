package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import xyz.offblocks.internal.Json
import xyz.offblocks.internal.JsonObject
import java.time.Duration
import java.time.Instant

/** The JSON reader and writer, the models, open enums and redaction: no server needed. */
class ModelsTest {
    @Test
    fun `JSON parses every kind of value and refuses what is not JSON`() {
        val v = Json.parse(""" {"a": [1, -2.5e3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"], "b": {}, "c": []} """)
        assertEquals(
            mapOf("a" to listOf(1L, -2500.0, true, false, null, "x\"\\/\b\u000c\n\r\té\uD83D\uDE00"), "b" to emptyMap<String, Any?>(), "c" to emptyList<Any?>()),
            v,
        )
        assertEquals(12345678901234L, Json.parse("12345678901234"))
        for (bad in listOf("", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"\u0001\"", "\"\\x\"", "[1] 2", "{1:2}")) {
            assertThrows<OffblocksException.Decode>(bad) { Json.parse(bad) }
        }
        val text = Json.write(mapOf("s" to "q\"\\\n\u0001é", "n" to listOf(1, 2L, 1.5, null, true), "m" to mapOf<String, Any?>()))
        assertEquals("""{"s":"q\"\\\n\u0001é","n":[1,2,1.5,null,true],"m":{}}""", text)
        assertEquals(Json.parse(text), Json.parse(Json.write(Json.parse(text))))
    }

    @Test
    fun `open enums keep values this version does not know`() {
        assertSame(CustomerStatus.Active, CustomerStatus.of("active"))
        val suspended = CustomerStatus.of("suspended")
        assertTrue(suspended is CustomerStatus.Unknown)
        assertFalse(suspended.isKnown)
        assertEquals("suspended", suspended.value)
        assertEquals(CustomerStatus.of("suspended"), suspended)
        assertNotEquals(CustomerStatus.Active, suspended)
        assertEquals("suspended", suspended.toString())
        assertEquals(AccountType.CardAccount, AccountType.of("CARD_ACCOUNT"))
        assertTrue(AccountStatus.of("frozen") is AccountStatus.Unknown)
        assertTrue(WebhookType.of("card.frozen") is WebhookType.Unknown)
        // A customer with a status and fields this version does not know still decodes.
        val customer = Customer.from(JsonObject.parse(
            """{"id":"c1","externalId":"e","chainId":"eip155:300:0xabc","status":"suspended","createdAt":"2024-01-12T15:07:17.358440283Z",""" +
                """"updatedAt":"2024-01-12T15:07:17+01:00","riskScore":3}""", "customer"))
        assertEquals(CustomerStatus.of("suspended"), customer.status)
        assertEquals(Instant.parse("2024-01-12T15:07:17.358440283Z"), customer.createdAt)
        assertEquals(Instant.parse("2024-01-12T14:07:17Z"), customer.updatedAt)
        assertEquals(3L, customer.toJson()["riskScore"]) // kept, for the calls that hand it back
        assertNull(customer.challenge)
        assertThrows<OffblocksException.Decode> { Customer.from(JsonObject.parse("""{"id":"c1"}""", "customer")) }
        assertThrows<OffblocksException.Decode> {
            Customer.from(JsonObject.parse("""{"id":"c","externalId":"e","chainId":"x","status":"active","createdAt":"yesterday","updatedAt":"x"}""", "customer"))
        }
    }

    @Test
    fun `secrets never show in toString`() {
        val token = Token("eyJhbGciOi.secret.part", Instant.EPOCH, "Bearer")
        assertFalse("secret" in token.toString())
        val run = DryRun("GET", "http://h/v1/x", listOf("authorization" to "Bearer hunter2"), "\"authorization\": Bearer hunter2")
        assertFalse("hunter2" in run.toString())
        assertEquals("Bearer hunter2", run.header("Authorization"))
        val config = ClientConfig(apiKey = "k", apiSecret = "hunter2", signingKeyPem = "-----BEGIN PRIVATE KEY-----")
        assertFalse("hunter2" in config.toString() || "PRIVATE" in config.toString())
        val proxied = ClientConfig(proxy = "http://ops:pr0xy@pa55@proxy.example:3128").toString()
        assertTrue("proxy=http://***@proxy.example:3128" in proxied, proxied)
        assertFalse("pr0xy" in proxied || "pa55" in proxied)
        Wallet.fromHex(TestEnv.HARDHAT_KEY).use { assertFalse(TestEnv.HARDHAT_KEY.drop(2).take(8) in it.toString()) }
    }

    @Test
    fun `every configuration key is a setting the library lists, and the other way round`() {
        // The C ABI's JSON configuration deserializes into the library's own Config (camelCase,
        // unknown keys refused); offblocks_config_defaults lists its settings. A key written
        // here that it lacks would fail every client; one it has that is missing here is a
        // setting Kotlin callers cannot reach.
        val defaults = OffblocksClient.configDefaults()
        val identity = setOf("apiKey", "apiSecret", "signingKeyPem", "generateSigningKey", "baseUrl")
        val full = ClientConfig(
            baseUrl = "u", environment = "e", apiKey = "k", apiSecret = "s", signingKeyPem = "p", generateSigningKey = true, keyId = "i",
            connectTimeout = Duration.ofSeconds(1), timeout = Duration.ofSeconds(1),
            retry = Retry(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1)), userAgent = "a", coveredComponents = listOf("@method"),
            digest = "sha-256", clockSkew = Duration.ZERO, followServerClock = true, allowInsecureHttp = false, challengeDomain = "d",
            challengeClockTolerance = Duration.ofSeconds(60),
            signatureValidity = Duration.ofSeconds(1), signatureNonce = true, signatureLabel = "sig", tokenRefreshMargin = Duration.ofSeconds(1),
            maxClockCorrection = Duration.ofSeconds(60), callDeadline = Duration.ofSeconds(5), accountChallengePolicy = "any",
            proxy = "http://p:1", proxyFromEnv = false,
            rootStore = "webpki", caPem = "pem", caFile = "f", spkiPins = listOf("pin"),
        ).toJson()
        assertEquals(defaults.keys + identity, full.keys)
        @Suppress("UNCHECKED_CAST")
        assertEquals((defaults["retry"] as Map<String, Any?>).keys, (full["retry"] as Map<String, Any?>).keys)
        assertTrue("proxy" in defaults && defaults["proxy"] == null)
    }
}
