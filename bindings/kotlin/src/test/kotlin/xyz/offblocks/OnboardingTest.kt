package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import xyz.offblocks.TestEnv.CHAIN

/** The whole onboarding flow from Kotlin, with the library's wallet and with a host signer. */
class OnboardingTest {
    private val client = Shared.client
    private val steps = listOf(
        "create_customer", "sign_customer_challenge", "verify_customer", "wait_customer",
        "create_account", "sign_account_challenge", "wait_account", "done",
    )

    @Test
    fun `onboarding with a wallet reports every step and is resumable`() {
        Wallet.random().use { wallet ->
            val externalId = TestEnv.externalId("onboard")
            val progress = ArrayList<Progress>()
            val done = client.onboard(OnboardingRequest(externalId), wallet) { progress += it }
            assertEquals(CustomerStatus.Active, done.customer.status)
            assertEquals(AccountStatus.Active, done.account.status)
            assertEquals(wallet.accountId(CHAIN), done.customer.chainId)
            assertEquals(externalId, done.customer.externalId)
            assertEquals(done.customer.id, done.account.customerId)
            assertNotNull(done.account.chainId)
            assertEquals(steps, progress.map { it.step }.distinct())
            assertEquals("active", progress.last().status)
            assertTrue(progress.zipWithNext().all { (a, b) -> b.elapsed >= a.elapsed })
            // The server agrees.
            assertEquals(AccountStatus.Active, client.accounts.get(done.account.id).status)
            // Resumable: a second run picks everything up and creates nothing.
            val again = client.onboard(externalId, wallet)
            assertEquals(done.customer.id to done.account.id, again.customer.id to again.account.id)
            assertEquals(1, client.accounts.listForCustomer(done.customer.id).size)
        }
    }

    @Test
    fun `onboarding with a host signer calls it for both challenges, on the calling thread`() {
        Wallet.random().use { key ->
            val signer = RecordingSigner(key)
            val done = client.onboard(OnboardingRequest(TestEnv.externalId("signer"), currencies = listOf("EUR")), signer)
            assertEquals(AccountStatus.Active, done.account.status)
            assertEquals("$CHAIN:${key.address}", done.customer.chainId)
            assertEquals(2, signer.messages.size)
            assertEquals(setOf(Thread.currentThread()), signer.threads)
            // The first is the customer's EIP-4361 challenge, given to the signer byte for byte.
            val siwe = Siwe.parse(signer.messages[0].toString(Charsets.UTF_8))
            assertEquals(key.address, siwe.address)
            assertEquals(300L, siwe.chainId)
        }
    }
}
