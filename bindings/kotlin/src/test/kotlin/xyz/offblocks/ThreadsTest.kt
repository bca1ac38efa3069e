package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** Many threads on one client; close waits for the calls in progress. */
class ThreadsTest {
    @Test
    fun `many threads onboard and read through one client`() {
        val threads = 8
        val client = Shared.client
        val pool = Executors.newFixedThreadPool(threads)
        try {
            val start = CountDownLatch(1)
            val results = (0 until threads).map { n ->
                pool.submit(Callable {
                    start.await()
                    Wallet.random().use { wallet ->
                        // Half use the library's wallet, half a host signer (a callback per thread).
                        val signer: Signer = if (n % 2 == 0) wallet else RecordingSigner(wallet)
                        val done = client.onboard(OnboardingRequest(TestEnv.externalId("thread-$n"), pollInterval = java.time.Duration.ZERO), signer)
                        repeat(5) {
                            assertEquals(done.customer.id, client.customers.get(done.customer.id).id)
                            val missing = assertThrows<OffblocksException.NotFound> { client.accounts.get("missing-$n-$it") }
                            // Each thread reads its own failure's detail, never another thread's.
                            assertEquals(404, missing.status)
                        }
                        if (signer is RecordingSigner) assertEquals(setOf(Thread.currentThread()), signer.threads)
                        done
                    }
                })
            }
            start.countDown()
            val done = results.map { it.get(120, TimeUnit.SECONDS) }
            assertEquals(threads, done.map { it.account.id }.toSet().size)
            assertTrue(done.all { it.account.status == AccountStatus.Active })
        } finally {
            pool.shutdownNow()
        }
    }

    @Test
    fun `close waits for calls in progress, then refuses new ones`() {
        val client = Shared.sandbox.client()
        val inside = CountDownLatch(1)
        val release = CountDownLatch(1)
        val pool = Executors.newSingleThreadExecutor()
        try {
            Wallet.random().use { key ->
                val customer = client.customers.create(key.accountId(TestEnv.CHAIN), TestEnv.externalId("close"))
                // A signer that holds the call open until released: the client is in use.
                val signer = RecordingSigner(key) { message -> inside.countDown(); release.await(); key.signPersonal(message) }
                val call = pool.submit { client.customers.signChallenge(customer, signer) }
                inside.await()
                val closer = Thread { client.close() }.apply { start() }
                // Deterministic, not timed: close either parks on the lock or runs to its end.
                while (closer.state == Thread.State.NEW || closer.state == Thread.State.RUNNABLE) Thread.onSpinWait()
                assertEquals(Thread.State.WAITING, closer.state, "close did not wait for the call in progress")
                assertTrue(!client.isClosed)
                release.countDown()
                call.get(30, TimeUnit.SECONDS) // the call completed normally
                closer.join()
                assertTrue(client.isClosed)
                assertThrows<IllegalStateException> { client.customers.list() }
            }
        } finally {
            pool.shutdownNow()
        }
    }
}
