package xyz.offblocks

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.Collections
import kotlin.coroutines.cancellation.CancellationException

/** The suspending wrappers: they run off the caller's thread, and a cancelled coroutine
 * stops onboarding at its next step or poll, resumable later. */
class CoroutinesTest {
    private val client = Shared.client

    @Test
    fun `cancelling the coroutine stops onboarding, and onboarding again resumes it`() = runBlocking {
        Wallet.random().use { wallet ->
            val request = OnboardingRequest(TestEnv.externalId("coroutine"))
            val seen = Collections.synchronizedList(ArrayList<String>())
            val created = CompletableDeferred<Unit>()
            val release = CompletableDeferred<Unit>()
            val caller = Thread.currentThread()
            val threads = Collections.synchronizedSet(HashSet<Thread>())
            val job = async {
                client.onboardSuspending(request, wallet) { p ->
                    seen += p.step
                    threads += Thread.currentThread()
                    if (p.step == "create_customer") {
                        created.complete(Unit)
                        // Hold the flow here until the coroutine is cancelled, so the stop
                        // is seen at the very next step.
                        runBlocking { release.await() }
                    }
                }
            }
            created.await()
            job.cancel()
            release.complete(Unit)
            val thrown = runCatching { job.await() }.exceptionOrNull()
            assertTrue(thrown is CancellationException, "$thrown")
            assertFalse(thrown is OffblocksException)
            assertEquals(listOf("create_customer"), seen.toList(), "the flow stopped at the next step")
            assertFalse(caller in threads, "the flow ran on Dispatchers.IO")
            val state = Shared.sandbox.state()
            val customers = state.getValue("customers").filter { it["externalId"] == request.externalId }
            assertEquals(1, customers.size)
            assertTrue(state.getValue("accounts").none { it["customerId"] == customers[0]["id"] })

            // A later call resumes where the flow stopped, creating nothing twice.
            val done = client.onboardSuspending(request, wallet)
            assertEquals(AccountStatus.Active, done.account.status)
            assertEquals(customers[0]["id"], done.customer.id)
            val after = Shared.sandbox.state().getValue("customers").filter { it["externalId"] == request.externalId }
            assertEquals(1, after.size)
        }
    }

    @Test
    fun `a progress callback's own CancellationException is still the library's Cancelled`() = runBlocking {
        Wallet.random().use { wallet ->
            val stop = CancellationException("user left")
            val e = runCatching {
                client.onboardSuspending(OnboardingRequest(TestEnv.externalId("costop")), wallet) { throw stop }
            }.exceptionOrNull()
            assertTrue(e is OffblocksException.Cancelled, "$e")
            assertEquals(stop, e!!.cause)
        }
    }

    @Test
    fun `any call can be made suspending, off the caller's thread`() = runBlocking {
        val caller = Thread.currentThread()
        val (thread, customers) = client.suspending { Thread.currentThread() to it.customers.list() }
        assertNotEquals(caller, thread)
        assertTrue(customers.size >= 0)
    }
}
