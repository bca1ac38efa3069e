package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import xyz.offblocks.TestEnv.CHAIN

/** Kotlin code called back from the library: what it throws comes back out of the call. */
class CallbacksTest {
    private val client = Shared.client

    private class Unplugged(message: String) : Exception(message)

    @Test
    fun `a signer that throws fails the onboarding with its exception as cause, nothing signed`() {
        Wallet.random().use { key ->
            val externalId = TestEnv.externalId("throws")
            val thrown = Unplugged("hardware wallet unplugged")
            val signer = RecordingSigner(key) { throw thrown }
            val e = assertThrows<OffblocksException.Signer> { client.onboard(externalId, signer) }
            assertSame(thrown, e.cause)
            assertTrue("hardware wallet unplugged" in e.message!!)
            assertEquals(ResultCode.SIGNER, e.code)
            assertEquals(1, signer.messages.size)
            val customer = client.customers.list().single { it.externalId == externalId }
            assertEquals(CustomerStatus.Initiating, customer.status)
            client.onboard(externalId, key) // the client still works, and the flow resumes
        }
    }

    @Test
    fun `a signer that throws in a single call, then the same challenge signed`() {
        Wallet.random().use { key ->
            val customer = client.customers.create(key.accountId(CHAIN), TestEnv.externalId("single"))
            val e = assertThrows<OffblocksException.Signer> {
                client.customers.signChallenge(customer, RecordingSigner(key) { throw IllegalStateException("no key") })
            }
            assertTrue(e.cause is IllegalStateException)
            client.customers.signChallenge(customer, key)
        }
    }

    @Test
    fun `an Error thrown by a signer is rethrown as is`() {
        Wallet.random().use { key ->
            val error = AssertionError("boom")
            val thrown = assertThrows<AssertionError> { client.onboard(TestEnv.externalId("error"), RecordingSigner(key) { throw error }) }
            assertSame(error, thrown)
        }
    }

    @Test
    fun `wrong answers from a signer are refused before anything is sent`() {
        Wallet.random().use { key ->
            Wallet.random().use { impostor ->
                val customer = client.customers.create(key.accountId(CHAIN), TestEnv.externalId("wrong"))
                val short = assertThrows<OffblocksException.Signer> { client.customers.signChallenge(customer, RecordingSigner(key) { ByteArray(64) }) }
                assertTrue("65" in short.message!!)
                assertThrows<OffblocksException.Signer> { client.customers.signChallenge(customer, RecordingSigner(key) { ByteArray(65) { 1 } }) }
                val other = assertThrows<OffblocksException.Signer> { client.customers.signChallenge(customer, RecordingSigner(key) { impostor.signPersonal(it) }) }
                assertTrue("recovers" in other.message!!, other.message)
                assertEquals(CustomerStatus.Initiating, client.customers.get(customer.id).status)
            }
        }
    }

    @Test
    fun `a progress callback that throws lets the flow finish, then the call throws with its result`() {
        Wallet.random().use { wallet ->
            val seen = ArrayList<String>()
            val thrown = ArithmeticException("bad progress bar")
            val e = assertThrows<OffblocksException.Callback> {
                client.onboard(TestEnv.externalId("progress"), wallet) { seen += it.step; throw thrown }
            }
            assertSame(thrown, e.cause)
            assertEquals(listOf("create_customer"), seen) // not called again after it threw
            assertNotNull(e.onboarded)
            assertEquals(AccountStatus.Active, e.onboarded!!.account.status)
        }
    }

    @Test
    fun `when signer and progress both throw, the signer's failure wins and the other is suppressed`() {
        Wallet.random().use { key ->
            val progressError = IllegalArgumentException("progress down")
            val e = assertThrows<OffblocksException.Signer> {
                client.onboard(OnboardingRequest(TestEnv.externalId("both")), RecordingSigner(key) { throw Unplugged("signer down") }) { throw progressError }
            }
            assertTrue(e.cause is Unplugged)
            assertTrue(progressError in e.suppressed)
        }
    }

    @Test
    fun `a callback may call the library, and a client cannot be closed from inside its own call`() {
        OffblocksClient(Shared.sandbox.config()).use { c ->
            c.auth.registerSigningKey()
            Wallet.random().use { key ->
                var closeError: Throwable? = null
                val signer = RecordingSigner(key) { message ->
                    assertTrue(c.customers.list().isNotEmpty()) // a nested call on the same client, same thread
                    closeError = runCatching { c.close() }.exceptionOrNull()
                    key.signPersonal(message)
                }
                val done = c.onboard(TestEnv.externalId("nested"), signer)
                assertEquals(AccountStatus.Active, done.account.status)
                assertTrue(closeError is IllegalStateException, "$closeError")
                assertTrue(!c.isClosed)
            }
        }
    }
}
