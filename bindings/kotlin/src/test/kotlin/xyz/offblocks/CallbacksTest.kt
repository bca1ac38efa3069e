package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
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
    fun `a progress callback that throws stops the flow there, and the call throws with it as cause`() {
        Wallet.random().use { key ->
            val externalId = TestEnv.externalId("progress")
            val seen = ArrayList<String>()
            val thrown = ArithmeticException("bad progress bar")
            val signer = RecordingSigner(key)
            val e = assertThrows<OffblocksException.Callback> {
                client.onboard(externalId, signer) { seen += it.step; throw thrown }
            }
            assertSame(thrown, e.cause)
            assertEquals(ResultCode.CANCELLED, e.code)
            assertTrue("bad progress bar" in e.message!! && "create_customer" in e.message!!, e.message)
            assertEquals(listOf("create_customer"), seen) // not called again after it threw
            assertTrue(signer.messages.isEmpty()) // stopped before the challenge was signed
            assertEquals(CustomerStatus.Initiating, client.customers.list().single { it.externalId == externalId }.status)
            assertEquals(AccountStatus.Active, client.onboard(externalId, key).account.status) // and it resumes
        }
    }

    @Test
    fun `an Error thrown by a progress callback is rethrown as is`() {
        Wallet.random().use { key ->
            val error = AssertionError("progress bar overflow")
            assertSame(error, assertThrows<AssertionError> { client.onboard(TestEnv.externalId("perror"), key) { throw error } })
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
