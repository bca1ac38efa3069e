package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import xyz.offblocks.TestEnv.CHAIN
import kotlin.coroutines.cancellation.CancellationException

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
            // Each step once, in order; the waits also report each poll, with the status seen.
            assertEquals(steps.filterNot { it.startsWith("wait_") }, progress.map { it.step }.filterNot { it.startsWith("wait_") })
            assertEquals(steps.toSet(), progress.map { it.step }.toSet())
            for (wait in listOf("wait_customer", "wait_account")) assertEquals("active", progress.last { it.step == wait }.status)
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
    fun `a progress callback stops the flow with a CancellationException, and onboarding again resumes it`() {
        Wallet.random().use { wallet ->
            val request = OnboardingRequest(TestEnv.externalId("cancel"))
            val seen = ArrayList<String>()
            val stop = CancellationException("the user left the screen")
            val e = assertThrows<OffblocksException.Cancelled> {
                client.onboard(request, wallet) { p -> seen += p.step; if (p.step == "create_customer") throw stop }
            }
            assertSame(stop, e.cause)
            assertEquals(ResultCode.CANCELLED, e.code)
            assertTrue("create_customer" in e.message!!, e.message)
            assertEquals(listOf("create_customer"), seen)
            // The same call later finishes, creating nothing twice.
            val done = client.onboard(request, wallet)
            assertEquals(AccountStatus.Active, done.account.status)
            val state = Shared.sandbox.state()
            val customers = state.getValue("customers").filter { it["externalId"] == request.externalId }
            assertEquals(listOf(done.customer.id), customers.map { it["id"] })
            val accounts = state.getValue("accounts").filter { it["customerId"] == done.customer.id }
            assertEquals(listOf(done.account.id), accounts.map { it["id"] })
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

    @Test
    fun `a request sends only what is set, and nothing defaults by hand`() {
        // The defaults live in the library (offblocks_onboarding_defaults, offblocks_config_defaults):
        // a default written here instead would be sent by these.
        assertEquals(mapOf<String, Any?>("externalId" to "u", "chain" to CHAIN), OnboardingRequest("u").toJson())
        assertEquals(emptyMap<String, Any?>(), ClientConfig().toJson())
        assertEquals(emptyMap<String, Any?>(), Retry().toJson())
        val defaults = OffblocksClient.onboardingDefaults()
        val full = OnboardingRequest(
            "u", CHAIN, false, AccountType.CardAccount, listOf("USD"),
            java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(1),
        ).toJson()
        assertEquals(defaults.keys - "wait", full.keys - setOf("externalId", "chain"))
        // One part of the account set: the other is the library's.
        @Suppress("UNCHECKED_CAST")
        val account = defaults["account"] as Map<String, Any?>
        assertEquals(mapOf("type" to account["type"], "currencies" to listOf("USD")), OnboardingRequest("u", currencies = listOf("USD")).toJson()["account"])
        // Nor do the docs repeat one.
        for (file in listOf("ClientConfig.kt", "ClientConfigBuilder.kt")) {
            val text = java.io.File(TestEnv.repo, "bindings/kotlin/src/main/kotlin/xyz/offblocks/$file").readText()
            val rest = text.replace("configDefaults", "").replace("the library's default", "").replace("its default", "")
            assertTrue(!Regex("(?i)defaults? (to|is)|\\(the default|\\(default").containsMatchIn(rest), file)
        }
    }

    @Test
    fun `a waiting flow resumes to done, creating nothing twice`() {
        Wallet.random().use { wallet ->
            val request = OnboardingRequest(TestEnv.externalId("wait"), simulateVerification = false)
            // Without the simulator the emulator's customer waits for verification.
            val first = client.onboardOrWait(request, wallet)
            assertTrue(first is Onboarding.Waiting, "$first")
            first as Onboarding.Waiting
            assertEquals("wait_customer", first.step)
            assertEquals(null, first.account)
            client.simulator.verifyCustomer(first.customer.id)
            var result: Onboarding = first
            for (i in 0 until 10) {
                result = client.onboardOrWait(request, wallet)
                if (result is Onboarding.Done) break
                result as Onboarding.Waiting
                assertEquals("wait_account", result.step)
                // The emulator deploys an account after it has been read a few times.
                client.accounts.get(result.account!!.id)
            }
            assertTrue(result is Onboarding.Done, "$result")
            val done = (result as Onboarding.Done).onboarded
            assertEquals(first.customer.id, done.customer.id)
            assertEquals(AccountStatus.Active, done.account.status)
            assertEquals(listOf(done.account.id), client.accounts.listForCustomer(done.customer.id).map { it.id })
            assertEquals(done.account.id, client.onboard(request, wallet).account.id)
        }
    }
}
