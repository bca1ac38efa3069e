package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import xyz.offblocks.TestEnv.CHAIN
import java.time.Instant
import java.util.Base64
import java.util.UUID

/** Every operation of the API, against the emulator. */
class ApiTest {
    private val client = Shared.client

    private fun activeCustomer(wallet: Wallet, tag: String): Customer {
        val customer = client.customers.create(wallet.accountId(CHAIN), TestEnv.externalId(tag))
        client.customers.signChallenge(customer, wallet)
        client.simulator.verifyCustomer(customer.id)
        return client.customers.get(customer.id).also { assertEquals(CustomerStatus.Active, it.status) }
    }

    @Test
    fun `library version and path`() {
        assertEquals(Offblocks.BINDING_VERSION, Offblocks.libraryVersion)
        assertTrue(Offblocks.libraryPath.endsWith(System.mapLibraryName("offblocks")), Offblocks.libraryPath)
    }

    @Test
    fun `auth token`() {
        val token = client.auth.token()
        assertEquals("Bearer", token.tokenType)
        assertEquals(2, token.token.count { it == '.' })
        assertTrue(token.expiresAt.isAfter(Instant.now()))
        assertFalse(token.token in token.toString())
    }

    @Test
    fun `register, forget, set and delete the signing key`() {
        OffblocksClient(Shared.sandbox.config()).use { c ->
            assertNull(c.keyId)
            assertThrows<OffblocksException.Config> { c.customers.list() } // nothing can be signed yet
            val keyId = c.auth.registerSigningKey()
            assertEquals(keyId, c.keyId)
            c.customers.list()
            c.keyId = null
            assertNull(c.keyId)
            c.keyId = keyId
            c.customers.list()
            c.auth.deleteSigningKey()
            assertNull(c.keyId)
            assertThrows<OffblocksException.Config> { c.customers.list() }
        }
    }

    @Test
    fun `a signing key from PEM, and a client given a key id registered earlier`() {
        val pem = Offblocks.generateSigningKey()
        assertTrue(pem.startsWith("-----BEGIN PRIVATE KEY-----"))
        assertTrue(Offblocks.signingKeyPublicPem(pem).startsWith("-----BEGIN PUBLIC KEY-----"))
        val config = Shared.sandbox.config().copy(generateSigningKey = false, signingKeyPem = pem)
        OffblocksClient(config).use { c ->
            val keyId = c.auth.registerSigningKey()
            OffblocksClient(config.copy(keyId = keyId)).use { again ->
                assertEquals(keyId, again.keyId)
                again.customers.list()
            }
        }
    }

    @Test
    fun `customer lifecycle`() {
        Wallet.random().use { wallet ->
            val owner = wallet.accountId(CHAIN)
            val externalId = TestEnv.externalId("customer")
            val customer = client.customers.create(owner, externalId)
            assertEquals(externalId, customer.externalId)
            assertEquals(owner, customer.chainId)
            assertEquals(CustomerStatus.Initiating, customer.status)
            assertNotNull(customer.challenge)
            val got = client.customers.get(customer.id)
            assertEquals(customer.id, got.id)
            assertNull(got.challenge)
            assertTrue(client.customers.list().any { it.id == customer.id })

            val challenge = client.customers.challenge(customer.id)
            val message = challenge.parse()
            assertEquals(wallet.address, message.address)
            assertEquals(300L, message.chainId)
            assertEquals(challenge.text, message.text)

            client.customers.signChallenge(customer, wallet)
            assertTrue(client.customers.get(customer.id).status in listOf(CustomerStatus.Screening, CustomerStatus.Verifying))
            client.simulator.verifyCustomer(customer.id)
            assertEquals(CustomerStatus.Active, client.customers.get(customer.id).status)
            client.customers.deactivate(customer.id)
            assertEquals(CustomerStatus.Inactive, client.customers.get(customer.id).status)
        }
    }

    @Test
    fun `customer challenge signed elsewhere and submitted as is`() {
        Wallet.random().use { wallet ->
            val customer = client.customers.create(wallet.accountId(CHAIN), TestEnv.externalId("elsewhere"))
            val challenge = Challenge(customer.challenge!!)
            val signature = wallet.signPersonal(challenge.bytes, SignatureEncoding.BASE64_HEX)
            client.customers.submitChallenge(customer.id, customer.chainId, challenge, signature)
            assertNotEquals(CustomerStatus.Initiating, client.customers.get(customer.id).status)
        }
    }

    @Test
    fun `a customer fetched by id signs the current challenge`() {
        Wallet.random().use { wallet ->
            val created = client.customers.create(wallet.accountId(CHAIN), TestEnv.externalId("by-id"))
            client.customers.signChallenge(client.customers.get(created.id), wallet) // no challenge in it: fetched
            assertNotEquals(CustomerStatus.Initiating, client.customers.get(created.id).status)
        }
    }

    @Test
    fun `simulator reject`() {
        Wallet.random().use { wallet ->
            val customer = client.customers.create(wallet.accountId(CHAIN), TestEnv.externalId("reject"))
            client.customers.signChallenge(customer, wallet)
            client.simulator.rejectCustomer(customer.id)
            assertEquals(CustomerStatus.Rejected, client.customers.get(customer.id).status)
        }
    }

    @Test
    fun `account lifecycle`() {
        Wallet.random().use { wallet ->
            val customer = activeCustomer(wallet, "account")
            val account = client.accounts.create(customer.id)
            assertEquals(customer.id, account.customerId)
            assertEquals(AccountStatus.Initiating, account.status)
            assertEquals(AccountType.CardAccount, account.type)
            assertEquals(listOf("EUR"), account.currencies)
            assertNotNull(account.challenge)
            assertEquals(account.id, client.accounts.get(account.id).id)
            assertTrue(client.accounts.list().any { it.id == account.id })
            assertEquals(listOf(account.id), client.accounts.listForCustomer(customer.id).map { it.id })

            val fresh = client.accounts.challenge(account.id) // the first one stops working
            assertNotEquals(account.challenge, fresh.base64)
            client.accounts.signChallenge(client.accounts.get(account.id), wallet, customer.chainId)
            var status = client.accounts.get(account.id).status
            while (status == AccountStatus.Pending) status = client.accounts.get(account.id).status // activates after a few polls
            assertEquals(AccountStatus.Active, status)
            assertNotNull(client.accounts.get(account.id).chainId)

            val conflict = assertThrows<OffblocksException.Conflict> { client.accounts.activate(account.id) } // already active
            assertEquals(409, conflict.status)
            client.accounts.deactivate(account.id)
            assertEquals(AccountStatus.Inactive, client.accounts.get(account.id).status)
            client.accounts.activate(account.id)
            assertEquals(AccountStatus.Active, client.accounts.get(account.id).status)
            client.accounts.close(account.id)
            assertEquals(AccountStatus.Closed, client.accounts.get(account.id).status)
        }
    }

    @Test
    fun `account challenge signed elsewhere, and one signed with the owner looked up`() {
        Wallet.random().use { wallet ->
            val customer = activeCustomer(wallet, "account-elsewhere")
            val account = client.accounts.create(customer.id, AccountType.CardAccount, listOf("EUR"))
            val challenge = Challenge(account.challenge!!)
            val signature = wallet.signPersonal(challenge.bytes, SignatureEncoding.BASE64_RAW)
            assertEquals(65, Base64.getDecoder().decode(signature).size)
            client.accounts.submitChallenge(account.id, customer.chainId, challenge, signature)
            assertTrue(client.accounts.get(account.id).status in listOf(AccountStatus.Pending, AccountStatus.Active))

            val second = client.accounts.create(customer.id)
            client.accounts.signChallenge(second, wallet) // the owner is fetched from the customer
            assertNotEquals(AccountStatus.Initiating, client.accounts.get(second.id).status)
        }
    }

    @Test
    fun `a customer other than the owner or chain stated is not signed`() {
        Wallet.random().use { wallet ->
            val customer = client.customers.create(wallet.accountId(CHAIN), TestEnv.externalId("stated"))
            val other = Wallet.random().use { it.accountId(CHAIN) }
            val byOwner = assertThrows<OffblocksException.ChallengeRefused> {
                client.customers.signChallenge(customer, wallet, ownerId = other)
            }
            assertTrue(byOwner.message!!.contains("not the one asked for"), byOwner.message)
            assertThrows<OffblocksException.ChallengeRefused> {
                client.customers.signChallenge(customer, wallet, chain = "eip155:1")
            }
            assertEquals(CustomerStatus.Initiating, client.customers.get(customer.id).status)
            client.customers.signChallenge(customer, wallet, ownerId = wallet.accountId(CHAIN), chain = CHAIN)
            assertNotEquals(CustomerStatus.Initiating, client.customers.get(customer.id).status)
        }
    }

    @Test
    fun `an account owner on another chain than stated is not signed`() {
        Wallet.random().use { wallet ->
            val customer = activeCustomer(wallet, "stated-account")
            val account = client.accounts.create(customer.id)
            // The owner is fetched from the server's customer; the chain is the caller's.
            assertThrows<OffblocksException.ChallengeRefused> {
                client.accounts.signChallenge(account, wallet, chain = "eip155:1")
            }
            assertEquals(AccountStatus.Initiating, client.accounts.get(account.id).status)
            client.accounts.signChallenge(account, wallet, chain = CHAIN)
            assertNotEquals(AccountStatus.Initiating, client.accounts.get(account.id).status)
        }
    }

    @Test
    fun webhooks() {
        val hook = client.webhooks.put("https://example.com/hooks", listOf(WebhookType.CustomerUpdated))
        assertEquals("https://example.com/hooks", hook.callbackUrl)
        assertEquals(listOf(WebhookType.CustomerUpdated), hook.types)
        assertEquals(hook, client.webhooks.get(hook.id))
        assertTrue(client.webhooks.list().any { it.id == hook.id })
        val replaced = client.webhooks.put("https://example.com/other", listOf(WebhookType.CustomerUpdated, WebhookType.AccountUpdated), id = hook.id)
        assertEquals(hook.id, replaced.id)
        assertEquals(listOf(WebhookType.CustomerUpdated, WebhookType.AccountUpdated), replaced.types)
        assertEquals("https://example.com/other", client.webhooks.get(hook.id).callbackUrl)
        client.webhooks.delete(hook.id)
        assertFalse(client.webhooks.list().any { it.id == hook.id })
        assertThrows<OffblocksException.NotFound> { client.webhooks.get(hook.id) }
    }

    @Test
    fun `webhook events of customers, accounts, and a type this version does not know`() {
        Wallet.random().use { wallet ->
            val customer = client.customers.create(wallet.accountId(CHAIN), TestEnv.externalId("event"))
            val body = customer.toJson().filterKeys { it != "challenge" } + mapOf("eventId" to "e1", "webhookType" to "customer.updated")
            val event = client.webhooks.parseEvent(xyz.offblocks.internal.Json.write(body))
            assertEquals("e1", event.eventId)
            assertEquals(WebhookType.CustomerUpdated, event.webhookType)
            val data = event.data as WebhookEvent.Data.OfCustomer
            assertEquals(customer.id, data.customer.id)
            assertEquals(customer.updatedAt, event.updatedAt)

            val account = Offblocks.parseWebhookEvent(
                """{"eventId":"e2","webhookType":"account.updated","id":"a1","customerId":"${customer.id}","status":"active",""" +
                    """"type":"CARD_ACCOUNT","currencies":["EUR"],"createdAt":"2024-01-17T18:21:53Z","updatedAt":"2024-01-17T18:21:54.5Z"}""",
            )
            assertEquals(AccountType.CardAccount, (account.data as WebhookEvent.Data.OfAccount).account.type)

            val unknown = Offblocks.parseWebhookEvent("""{"eventId":"e3","webhookType":"card.frozen","cardId":"c1","updatedAt":"2024-01-17T18:21:53Z"}""")
            assertFalse(unknown.webhookType.isKnown)
            assertEquals("card.frozen", unknown.webhookType.value)
            assertEquals(mapOf("cardId" to "c1", "updatedAt" to "2024-01-17T18:21:53Z"), (unknown.data as WebhookEvent.Data.Other).json)
            assertEquals(Instant.parse("2024-01-17T18:21:53Z"), unknown.updatedAt)

            assertThrows<OffblocksException.Decode> { Offblocks.parseWebhookEvent("""{"webhookType":"customer.updated"}""") }
            assertThrows<OffblocksException.Decode> { Offblocks.parseWebhookEvent("not json") }
        }
    }

    @Test
    fun `dry run`() {
        val key = UUID.randomUUID().toString()
        val run = client.dryRun("POST", "/customers", """{"externalId":"x"}""", key, "tok")
        assertEquals("POST", run.method)
        assertTrue(run.url.endsWith("/v1/customers"))
        assertEquals("Bearer tok", run.header("authorization"))
        assertEquals(key, run.header("Idempotency-Key"))
        assertNotNull(run.header("content-digest"))
        assertTrue(run.header("signature-input")!!.startsWith("sig=("))
        assertTrue("\"@signature-params\": (" in run.signatureBase)
        assertFalse("tok" in run.toString())
        val get = client.dryRun("GET", "/customers?limit=1")
        assertNull(get.header("content-digest"))
        assertTrue("\"@query\": ?limit=1" in get.signatureBase)
        assertTrue(get.header("authorization")!!.startsWith("Bearer ey"))
        val a = client.dryRun("DELETE", "/webhooks/x", token = "t").header("idempotency-key")
        val b = client.dryRun("DELETE", "/webhooks/x", token = "t").header("idempotency-key")
        assertNotEquals(a, b)
    }

    @Test
    fun `rotate and revoke credentials (on an emulator of their own)`() {
        LocalSandbox.start().use { sandbox ->
            sandbox.client().use { c ->
                val newSecret = "kt-rotated-${UUID.randomUUID()}"
                c.auth.rotateCredentials("kt-new-key", newSecret)
                c.customers.list() // the client switched to the new secret
                val old = assertThrows<OffblocksException.Authentication> { OffblocksClient(sandbox.config()).use { it.auth.token() } }
                assertEquals(401, old.status)
                OffblocksClient(sandbox.config().copy(apiKey = "kt-new-key", apiSecret = newSecret)).use { it.auth.token() }
                c.auth.revokeCredentials()
                assertThrows<OffblocksException.Authentication> { c.auth.token() }
            }
        }
    }
}
