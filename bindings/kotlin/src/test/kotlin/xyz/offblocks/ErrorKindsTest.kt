package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import xyz.offblocks.TestEnv.CHAIN
import java.time.Duration

/** One error taxonomy: each answer of the emulator becomes the exception of its kind, with
 * the same kind as the C ABI's `offblocks_error_kind` (and Rust's, and Python's). */
class ErrorKindsTest {
    @Test
    fun `each status becomes the exception of its kind`() {
        LocalSandbox.start().use { sandbox ->
            sandbox.client(sandbox.config().copy(retry = Retry(maxAttempts = 1))).use { client ->
                client.auth.registerSigningKey()
                data class Case(val rule: Map<String, Any?>, val type: Class<*>, val kind: ErrorKind, val retryAfter: Duration?)
                val cases = listOf(
                    Case(mapOf("kind" to "status", "status" to 403), OffblocksException.PermissionDenied::class.java, ErrorKind.PERMISSION_DENIED, null),
                    Case(mapOf("kind" to "status", "status" to 404), OffblocksException.NotFound::class.java, ErrorKind.NOT_FOUND, null),
                    Case(mapOf("kind" to "status", "status" to 500), OffblocksException.Server::class.java, ErrorKind.SERVER, null),
                    Case(mapOf("kind" to "too_many_requests", "retryAfterSecs" to 7), OffblocksException.RateLimited::class.java, ErrorKind.RATE_LIMITED, Duration.ofSeconds(7)),
                )
                try {
                    for (case in cases) {
                        sandbox.addFault(case.rule + mapOf("pathPrefix" to "/v1/customers", "remaining" to 1))
                        val e = assertThrows<OffblocksException.Api> { client.customers.list() }
                        assertEquals(case.type, e.javaClass, "${case.rule}: $e")
                        assertEquals(case.kind, e.kind)
                        assertEquals(ResultCode.API, e.code)
                        assertEquals(case.retryAfter, e.retryAfter)
                    }
                } finally {
                    sandbox.clearFaults()
                }
                // The emulator's own answers: a customer that exists, then an
                // Idempotency-Key reused for another body.
                Wallet.random().use { w ->
                    val externalId = TestEnv.externalId("kinds")
                    val key = java.util.UUID.randomUUID().toString()
                    client.customers.create(w.accountId(CHAIN), externalId, key)
                    val exists = assertThrows<OffblocksException.Conflict> { client.customers.create(w.accountId(CHAIN), externalId) }
                    assertEquals(ErrorKind.CONFLICT, exists.kind)
                    assertNull(exists.retryAfter)
                    Wallet.random().use { other ->
                        val reused = assertThrows<OffblocksException.IdempotencyConflict> {
                            client.customers.create(other.accountId(CHAIN), "$externalId-other", key)
                        }
                        assertEquals(422, reused.status)
                        assertEquals(ErrorKind.IDEMPOTENCY_CONFLICT, reused.kind)
                        assertFalse(reused.retryable)
                    }
                }
                val missing = assertThrows<OffblocksException.NotFound> { client.customers.get("no-such-customer") }
                assertEquals(ErrorKind.NOT_FOUND, missing.kind)
            }
        }
    }

    @Test
    fun `failures before any request have a kind, and Kotlin-side ones none`() {
        val e = assertThrows<OffblocksException.Config> { OffblocksClient(ClientConfig(baseUrl = "ftp://nowhere", apiKey = "k", apiSecret = "s", generateSigningKey = true)) }
        assertEquals(ErrorKind.INVALID_INPUT, e.kind)
        assertNull(e.retryAfter)
        assertNull(OffblocksException.Config("made here").kind)
        assertTrue(ErrorKind.entries.all { ErrorKind.of(it.value) == it })
    }
}
