package xyz.offblocks

import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import xyz.offblocks.TestEnv.CHAIN
import xyz.offblocks.TestEnv.HARDHAT_ADDRESS
import java.net.InetAddress
import java.net.ServerSocket
import java.net.URI
import java.time.Duration
import java.util.Base64
import java.util.Collections
import java.util.concurrent.atomic.AtomicInteger

/** What operators ask of a payment SDK: a proxy, and an observer that sees every attempt of
 * every call. Against an emulator of its own, started with `--proxy`, since it injects
 * faults and counts tunnels. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsTest {
    private val sandbox = LocalSandbox.start("--proxy")
    private val proxyUrl = checkNotNull(sandbox.proxyUrl)
    private val password = "pr0xy-pa55"

    /** Quick retries, so the injected 503 costs milliseconds. */
    private fun config() = sandbox.config().copy(retry = Retry(3, Duration.ofMillis(5), Duration.ofMillis(20)))

    /** The tunnels [block] made the proxy open. */
    private fun tunnelsOpenedBy(block: () -> Unit): List<Map<String, Any?>> {
        val before = sandbox.tunnels().size
        block()
        return sandbox.tunnels().drop(before)
    }

    @AfterAll
    fun stop() = sandbox.close()

    @Test
    fun `the observer sees every attempt, request ids included, and one Idempotency-Key across a retry`() {
        val seen = Collections.synchronizedList(ArrayList<Attempt>())
        val threads = Collections.synchronizedSet(HashSet<Thread>())
        val customer = OffblocksClient(config()) { seen += it; threads += Thread.currentThread() }.use { client ->
            client.auth.registerSigningKey()
            sandbox.addFault(mapOf("method" to "POST", "pathPrefix" to "/v1/customers", "kind" to "status", "status" to 503, "rate" to 1.0, "remaining" to 1))
            client.customers.create("$CHAIN:$HARDHAT_ADDRESS", TestEnv.externalId("observed")).also { client.customers.get(it.id) }
        }
        assertEquals(
            listOf(
                listOf("POST", "/v1/auth/token", 1, 200),
                listOf("PUT", "/v1/auth/signing", 1, 200),
                listOf("POST", "/v1/customers", 1, 503),
                listOf("POST", "/v1/customers", 2, 201),
                listOf("GET", "/v1/customers/${customer.id}", 1, 200),
            ),
            seen.map { listOf(it.method, it.path, it.attempt, it.status) },
        )
        // The retry kept its Idempotency-Key; a GET has none.
        assertNotNull(seen[2].idempotencyKey)
        assertEquals(seen[2].idempotencyKey, seen[3].idempotencyKey)
        assertNull(seen[4].idempotencyKey)
        // Every answer's request id, the successful ones' included, is the server's own.
        val logged = sandbox.requests().map { it["requestId"] }
        for (a in seen) {
            assertTrue(a.requestId != null && a.requestId in logged, "$a")
            assertTrue(a.error == null && a.duration > Duration.ZERO, "$a")
        }
        assertEquals(setOf(Thread.currentThread()), threads) // on the thread making the call
        assertFalse(sandbox.apiSecret in seen.toString() || "Bearer" in seen.toString())
    }

    @Test
    fun `an observer that throws changes nothing, and it lives as long as its client`() {
        val calls = AtomicInteger()
        // Made in a function, so that only the client holds the lambda.
        fun observing(fail: Throwable) = OffblocksClient(config()) { calls.incrementAndGet(); throw fail }
        for (fail in listOf(IllegalStateException("metrics down"), AssertionError("observer bug"))) {
            val before = calls.get()
            observing(fail).use { client ->
                repeat(3) { System.gc() } // JNA frees a callback's native stub once it is collected
                client.auth.registerSigningKey()
                assertEquals(emptyList<Customer>(), client.customers.list().filter { it.externalId == "none" })
            }
            assertEquals(before + 3, calls.get())
        }
    }

    @Test
    fun `calls go through the configured proxy`() {
        val opened = tunnelsOpenedBy {
            OffblocksClient(config().copy(proxy = proxyUrl)).use { c -> c.auth.registerSigningKey(); c.customers.list() }
        }
        assertTrue(opened.isNotEmpty())
        val target = URI(sandbox.baseUrl).let { "${it.host}:${it.port}" }
        for (t in opened) {
            assertEquals(target, t["target"])
            assertNull(t["proxyAuthorization"])
        }
    }

    @Test
    fun `a proxy with a user and password gets Proxy-Authorization, and the password never shows`() {
        val config = config().copy(proxy = proxyUrl.replace("http://", "http://ops:$password@"))
        assertFalse(password in config.toString())
        val opened = tunnelsOpenedBy {
            OffblocksClient(config).use { c -> c.auth.registerSigningKey(); c.customers.list() }
        }
        assertTrue(opened.isNotEmpty())
        val basic = "Basic " + Base64.getEncoder().encodeToString("ops:$password".toByteArray())
        assertTrue(opened.all { it["proxyAuthorization"] == basic }, "$opened")
    }

    @Test
    fun `a dead proxy is a transport failure that names no password`() {
        val port = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }
        val seen = Collections.synchronizedList(ArrayList<Attempt>())
        val config = config().copy(proxy = "http://ops:$password@127.0.0.1:$port", retry = Retry(maxAttempts = 1))
        OffblocksClient(config) { seen += it }.use { c ->
            val e = assertThrows<OffblocksException.Transport> { c.auth.token() }
            assertFalse(password in e.toString(), e.toString())
        }
        val attempt = seen.single() // the observer saw it fail without an answer
        assertNull(attempt.status)
        assertTrue(attempt.error.let { it != null && password !in it }, "$attempt")
    }

    @Test
    fun `a proxy other than http is a configuration error`() {
        val e = assertThrows<OffblocksException.Config> { OffblocksClient(config().copy(proxy = "socks5://ops:$password@127.0.0.1:1080")) }
        assertFalse(password in e.toString(), e.toString())
    }
}
