package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import xyz.offblocks.TestEnv.CHAIN
import xyz.offblocks.internal.Json
import xyz.offblocks.internal.offblocks_last_error_code
import java.time.Duration

/** Failures: each result code becomes its exception, with the status, request id and body
 * the C API gives; secrets never appear in them. */
class ErrorsTest {
    private val client = Shared.client

    @Test
    fun `an unknown customer is a 404 with status, request id and body`() {
        val e = assertThrows<OffblocksException.NotFound> { client.customers.get("no-such-customer") }
        assertEquals(404, e.status)
        assertEquals(ResultCode.API, e.code)
        assertEquals("not_found", (Json.parse(e.body!!) as Map<*, *>)["error"])
        assertEquals("not_found", e.errorCode)
        assertNotNull(e.requestId)
        assertTrue(e.requestId!! in e.toString())
        assertFalse(e.retryable)
        // The same request id is in the emulator's log for that response.
        assertTrue(Shared.sandbox.requests().any { it["requestId"] == e.requestId && (it["status"] as Long) == 404L })
    }

    @Test
    fun `a duplicate customer is a conflict naming the first`() {
        Wallet.random().use { w ->
            val externalId = TestEnv.externalId("dup")
            val first = client.customers.create(w.accountId(CHAIN), externalId)
            val e = assertThrows<OffblocksException.Conflict> { client.customers.create(w.accountId(CHAIN), externalId) }
            assertEquals(409, e.status)
            assertEquals(ResultCode.CONFLICT, e.code)
            assertEquals(first.id, (Json.parse(e.body!!) as Map<*, *>)["customerId"])
            assertTrue(e is OffblocksException.Api)
        }
    }

    @Test
    fun `bad credentials are an authentication error that does not echo the secret`() {
        OffblocksClient(Shared.sandbox.config().copy(apiSecret = "wrong-secret-xyz")).use { c ->
            val e = assertThrows<OffblocksException.Authentication> { c.auth.token() }
            assertEquals(401, e.status)
            assertNotNull(e.body)
            assertFalse("wrong-secret-xyz" in e.toString() || "wrong-secret-xyz" in e.body!!)
        }
    }

    @Test
    fun `invalid configurations are config errors`() {
        val base = ClientConfig(apiKey = "k", apiSecret = "s", generateSigningKey = true, baseUrl = "http://127.0.0.1:1/v1")
        val bad = listOf(
            ClientConfig(),
            ClientConfig(apiKey = "k", apiSecret = "s", baseUrl = "http://127.0.0.1:1/v1"), // no signing key
            base.copy(environment = "live"), // both
            base.copy(baseUrl = "not a url"),
            base.copy(baseUrl = "http://remote.example.com/v1"), // plain http to a remote host
            base.copy(baseUrl = null, environment = "staging"),
            base.copy(timeout = Duration.ZERO),
            base.copy(digest = "md5"),
        )
        for (config in bad) {
            assertThrows<OffblocksException.Config>("$config") { OffblocksClient(config).close() }
        }
        assertThrows<OffblocksException.Config> { OffblocksClient(base.copy(timeout = Duration.ofMillis(-1))).close() }
    }

    @Test
    fun `a bad PEM is an invalid key, and no secret is echoed`() {
        val e = assertThrows<OffblocksException.InvalidKey> {
            OffblocksClient(ClientConfig(apiKey = "k", apiSecret = "hunter2-secret", signingKeyPem = "not a pem", baseUrl = "http://127.0.0.1:1/v1"))
        }
        assertFalse("hunter2" in e.toString())
        assertFalse("hunter2" in ClientConfig(apiSecret = "hunter2-secret", signingKeyPem = "-----BEGIN").toString())
        assertFalse("BEGIN" in ClientConfig(apiSecret = "hunter2-secret", signingKeyPem = "-----BEGIN").toString())
    }

    @Test
    fun `NUL characters are refused before the call, library input errors after it`() {
        assertTrue(assertThrows<OffblocksException.InvalidInput> { client.customers.get("abc\u0000def") }.message!!.contains("NUL"))
        assertThrows<OffblocksException.InvalidInput> { client.customers.get("\uD800") } // an unpaired surrogate
        val e = assertThrows<OffblocksException.InvalidInput> { client.customers.create("not-a-caip-id", "x", idempotencyKey = "not-a-uuid") }
        assertTrue(e.code in listOf(ResultCode.INVALID_INPUT, ResultCode.INVALID_JSON))
        assertThrows<OffblocksException.InvalidInput> { client.dryRun("BREW", "/customers", token = "t") }
        Wallet.random().use { w -> assertThrows<OffblocksException.InvalidInput> { w.accountId("not a chain") } }
    }

    @Test
    fun `server validation errors are API status errors`() {
        val e = assertThrows<OffblocksException.Api> { client.webhooks.put("ftp://example.com/x") }
        assertTrue(e is OffblocksException.Status)
        assertTrue(e.status in listOf(400, 422))
        assertNotNull(e.body)
    }

    @Test
    fun `5xx answers are retried, then retryable API errors`() {
        LocalSandbox.start().use { sandbox ->
            sandbox.client(sandbox.config().copy(retry = Retry(maxAttempts = 2, baseBackoff = Duration.ofMillis(1), maxBackoff = Duration.ofMillis(2)))).use { c ->
                sandbox.addFault(mapOf("kind" to "status", "status" to 503, "method" to "GET", "pathPrefix" to "/v1/customers"))
                val e = assertThrows<OffblocksException.Server> { c.customers.list() }
                assertEquals(503, e.status)
                assertEquals(ErrorKind.SERVER, e.kind)
                assertTrue(e.retryable)
                assertEquals(2, sandbox.requests().count { it["method"] == "GET" && (it["path"] as String).startsWith("/v1/customers") })
                sandbox.clearFaults()
                c.customers.list()
            }
        }
    }

    @Test
    fun `connection failures are transport errors`() {
        val config = ClientConfig(baseUrl = "http://127.0.0.1:1/v1", apiKey = "k", apiSecret = "s", generateSigningKey = true,
            retry = Retry(maxAttempts = 1), connectTimeout = Duration.ofSeconds(1))
        OffblocksClient(config).use { c ->
            val e = assertThrows<OffblocksException.Transport> { c.auth.token() }
            assertNull(e.status)
            assertTrue(e.retryable)
        }
    }

    @Test
    fun `onboarding without verification times out, and a rejected customer is a state error`() {
        Wallet.random().use { w ->
            val request = OnboardingRequest(TestEnv.externalId("timeout"), simulateVerification = false, timeout = Duration.ofMillis(300))
            assertEquals(ResultCode.TIMEOUT, assertThrows<OffblocksException.Timeout> { client.onboard(request, w) }.code)
        }
        Wallet.random().use { w ->
            val externalId = TestEnv.externalId("rejected")
            val customer = client.customers.create(w.accountId(CHAIN), externalId)
            client.customers.signChallenge(customer, w)
            client.simulator.rejectCustomer(customer.id)
            assertEquals(ResultCode.STATE, assertThrows<OffblocksException.State> { client.onboard(externalId, w) }.code)
        }
    }

    @Test
    fun `a challenge for someone else is refused before anything is signed`() {
        Wallet.random().use { w ->
            Wallet.random().use { other ->
                val customer = client.customers.create(w.accountId(CHAIN), TestEnv.externalId("refused"))
                val signer = RecordingSigner(other)
                assertThrows<OffblocksException.ChallengeRefused> { client.customers.signChallenge(customer, signer) }
                assertTrue(signer.messages.isEmpty())
                assertEquals(CustomerStatus.Initiating, client.customers.get(customer.id).status)
            }
        }
    }

    @Test
    fun `a failed call does not leak its error into the next`() {
        assertThrows<OffblocksException.NotFound> { client.customers.get("missing") }
        client.customers.list()
        assertEquals(0, offblocks_last_error_code())
    }

    @Test
    fun `every code maps to its exception`() {
        val d = OffblocksException.Detail(status = 401, rawKind = ErrorKind.UNAUTHENTICATED.value)
        val classes = ResultCode.entries.filter { it != ResultCode.OK }.associateWith { OffblocksException.fromCode(it.value, "m", OffblocksException.Detail.NONE)::class }
        assertEquals(OffblocksException.InvalidInput::class, classes[ResultCode.NULL_ARGUMENT])
        assertEquals(OffblocksException.Internal::class, classes[ResultCode.PANIC])
        assertEquals(OffblocksException.Cancelled::class, classes[ResultCode.CANCELLED])
        assertEquals(OffblocksException.Status::class, classes[ResultCode.API])
        assertEquals(OffblocksException.Authentication::class, OffblocksException.fromCode(13, "m", d)::class)
        val rejected = OffblocksException.fromCode(11, "m", OffblocksException.Detail(status = 400, reissuedChallenge = "c"))
        assertEquals("c", (rejected as OffblocksException.ChallengeRejected).reissuedChallenge)
        val unknown = OffblocksException.fromCode(99, "", OffblocksException.Detail.NONE)
        assertTrue(unknown is OffblocksException.Other && unknown.code == null && unknown.rawCode == 99)
        assertTrue("99" in unknown.message!!)
        // Exhaustive over the sealed hierarchy: a new subclass fails to compile here.
        fun kind(e: OffblocksException): String = when (e) {
            is OffblocksException.InvalidInput, is OffblocksException.InvalidKey, is OffblocksException.Siwe -> "input"
            is OffblocksException.Config -> "config"
            is OffblocksException.Signing, is OffblocksException.Signer -> "signing"
            is OffblocksException.ChallengeRefused -> "refused"
            is OffblocksException.Transport -> "transport"
            is OffblocksException.Tls -> "tls"
            is OffblocksException.Api -> "api"
            is OffblocksException.Decode -> "decode"
            is OffblocksException.Timeout, is OffblocksException.State -> "flow"
            is OffblocksException.Cancelled, is OffblocksException.Callback -> "stopped"
            is OffblocksException.Internal, is OffblocksException.Other -> "bug"
            is OffblocksException.LibraryNotLoaded, is OffblocksException.LibraryMismatch -> "library"
        }
        assertEquals("api", kind(rejected))
        // TLS: one code, the kind from offblocks_last_error_tls_failure.
        val tls = (0..6).map { OffblocksException.fromCode(22, "m", OffblocksException.Detail(tlsFailure = it))::class }
        assertEquals(
            listOf(
                OffblocksException.Tls.Handshake::class, OffblocksException.Tls.UntrustedCertificate::class,
                OffblocksException.Tls.HostnameMismatch::class, OffblocksException.Tls.CertificateExpired::class,
                OffblocksException.Tls.PinMismatch::class, OffblocksException.Tls.Handshake::class,
                OffblocksException.Tls.Handshake::class,
            ),
            tls,
        )
        assertEquals("tls", kind(OffblocksException.fromCode(22, "m", OffblocksException.Detail(tlsFailure = 2))))
    }

    @Test
    fun `toString of a config never shows a base url or proxy password`() {
        for (password in listOf("p#ss", "p/ss", "p?ss", "p@ss", "p%40ss")) {
            val shown = ClientConfig(
                baseUrl = "https://alice:$password@api.example/v1",
                proxy = "http://alice:$password@proxy.example:3128",
            ).toString()
            assertFalse(password in shown || "alice" in shown, shown)
            assertTrue("baseUrl=https://***@api.example/v1" in shown, shown)
        }
    }

    @Test
    fun `toString of an error hides a secret the server echoes`() {
        val secret = "s3/!x"
        val server = com.sun.net.httpserver.HttpServer.create(java.net.InetSocketAddress("127.0.0.1", 0), 0)
        server.createContext("/") { exchange ->
            exchange.requestBody.readBytes()
            val (status, body) = if (exchange.requestURI.path.endsWith("/auth/token")) {
                200 to """{"token":"tok-kt-1","expiresAt":4102444800}"""
            } else {
                val split = secret.toList().joinToString("\u007f")
                400 to """{"message":"secret $secret is wrong ($split), token tok-kt-1","detail":"s3\/!x"}"""
            }
            val bytes = body.toByteArray()
            exchange.responseHeaders.add("content-type", "application/json")
            exchange.responseHeaders.add("x-request-id", "req-$secret")
            exchange.sendResponseHeaders(status, bytes.size.toLong())
            exchange.responseBody.use { it.write(bytes) }
        }
        server.start()
        try {
            val url = "http://127.0.0.1:${server.address.port}/v1"
            val config = ClientConfig(
                baseUrl = url, apiKey = "k", apiSecret = secret, generateSigningKey = true, keyId = "key-1",
                retry = Retry(1, Duration.ofMillis(1), Duration.ofMillis(1)),
            )
            OffblocksClient(config).use { c ->
                val e = assertThrows<OffblocksException.Api> { c.customers.list() }
                assertEquals(400, e.status)
                val shown = listOf(e.toString(), e.message ?: "", e.body ?: "", e.requestId ?: "").joinToString("\n")
                val bare = shown.filter { it == '\n' || !it.isISOControl() }
                assertFalse("3/!x" in bare || "3\\/!x" in bare || "tok-kt-1" in bare, shown)
                assertTrue("[redacted]" in e.toString(), e.toString())
            }
        } finally {
            server.stop(0)
        }
    }
}
