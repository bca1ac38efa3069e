package xyz.offblocks

import com.sun.net.httpserver.HttpServer
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import xyz.offblocks.TestEnv.CHAIN
import java.net.InetSocketAddress
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/** The webhook inbox against the emulator's real deliveries: each state handed over once,
 * duplicates dropped, a forged status ignored, a host store, and signatures verified. */
class InboxTest {
    /** A delivery as the endpoint received it. */
    class Delivery(val body: ByteArray, val headers: Map<String, String>)

    private val deliveries = LinkedBlockingQueue<Delivery>()
    private val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
        createContext("/hooks") { exchange ->
            val body = exchange.requestBody.readBytes()
            val headers = exchange.requestHeaders.mapValues { it.value.joinToString(", ") }
            exchange.sendResponseHeaders(204, -1)
            exchange.close()
            deliveries.put(Delivery(body, headers))
        }
        start()
    }
    private val url = "http://127.0.0.1:${server.address.port}/hooks"

    @AfterEach
    fun stop() = server.stop(0)

    private fun deliveryFor(id: String): Delivery {
        while (true) {
            val d = checkNotNull(deliveries.poll(10, TimeUnit.SECONDS)) { "no delivery for $id" }
            if (String(d.body).contains(id)) return d
        }
    }

    private fun customerWithDelivery(client: OffblocksClient, tag: String): Pair<Customer, Delivery> {
        val hook = client.webhooks.put(url, listOf(WebhookType.CustomerUpdated))
        try {
            val customer = client.customers.create(Wallet.random().accountId(CHAIN), TestEnv.externalId(tag))
            return customer to deliveryFor(customer.id)
        } finally {
            client.webhooks.delete(hook.id)
        }
    }

    class MapStore : EventStore {
        val events = HashSet<String>()
        val entities = HashMap<String, Long>()
        var fail = false
        override fun seen(eventId: String): Boolean {
            if (fail) throw java.io.IOException("database down")
            return eventId in events
        }
        override fun lastHanded(entityId: String): Long? = entities[entityId]
        override fun record(eventId: String, entityId: String, updatedAtNs: Long) {
            events += eventId
            entities[entityId] = maxOf(updatedAtNs, entities[entityId] ?: updatedAtNs)
        }
    }

    @Test
    fun `a delivery is handed over once and a forged status ignored`() {
        val client = Shared.client
        val (customer, delivery) = customerWithDelivery(client, "inbox")
        WebhookInbox(client).use { inbox ->
            val got = inbox.receive(delivery.body)
            assertTrue(got is Received.CustomerChanged && got.customer.id == customer.id, "$got")
            assertTrue(inbox.receive(delivery.body) is Received.Duplicate)
        }
        val forged = String(delivery.body)
            .replace(Regex("\"eventId\":\"[^\"]+\""), "\"eventId\":\"kt-forged\"")
            .replace(Regex("\"status\":\"[^\"]+\""), "\"status\":\"active\"")
            .replace(Regex("\"updatedAt\":\"[^\"]+\""), "\"updatedAt\":\"2099-01-01T00:00:00Z\"")
        val store = MapStore()
        WebhookInbox(client, store).use { inbox ->
            val got = inbox.receive(forged.toByteArray())
            assertTrue(got is Received.CustomerChanged, "$got")
            val status = (got as Received.CustomerChanged).customer.status
            assertNotEquals(CustomerStatus.Active, status)
            assertEquals(client.customers.get(customer.id).status, status)
            assertEquals(setOf("kt-forged"), store.events)
            assertTrue(inbox.receive(forged.toByteArray()) is Received.Duplicate)
            store.fail = true
            val e = assertThrows<OffblocksException.State> { inbox.receive(delivery.body) }
            assertTrue(e.cause is java.io.IOException, "${e.cause}")
            assertEquals(1, store.events.size)
        }
    }

    @Test
    fun `bad deliveries and keys are refused`() {
        val inbox = WebhookInbox(Shared.client, memoryCapacity = 8)
        assertThrows<OffblocksException.InvalidInput> { inbox.receive(ByteArray(65537) { ' '.code.toByte() }) }
        assertThrows<OffblocksException.Decode> { inbox.receive("[1]".toByteArray()) }
        val ignored = inbox.receive("""{"webhookType":"card.created","eventId":"e1","id":"x"}""".toByteArray())
        assertEquals(Received.Ignored("card.created"), ignored)
        inbox.close()
        assertThrows<IllegalStateException> { inbox.receive("{}".toByteArray()) }
        assertThrows<OffblocksException.InvalidKey> { WebhookInbox(Shared.client, verifyWith = "not a key") }
    }

    @Test
    fun `signed deliveries are verified`() {
        LocalSandbox.start("--webhook-signing-key", "generate").use { sandbox ->
            val pem = checkNotNull(sandbox.webhookPublicKeyPem)
            sandbox.client().use { client ->
                val (_, delivery) = customerWithDelivery(client, "signed")
                assertTrue(delivery.headers.keys.any { it.equals("Signature-Input", ignoreCase = true) })
                WebhookInbox(client, verifyWith = pem).use { inbox ->
                    assertTrue(inbox.verifiesSignatures)
                    val altered = String(delivery.body).replaceFirst("{", "{ ").toByteArray()
                    val e = assertThrows<OffblocksException.InvalidInput> { inbox.receive(altered, delivery.headers) }
                    assertTrue(e.message!!.contains("does not match the body"), e.message)
                    assertThrows<OffblocksException.InvalidInput> { inbox.receive(delivery.body) }
                    assertTrue(inbox.receive(delivery.body, delivery.headers) is Received.CustomerChanged)
                }
                val other = Offblocks.signingKeyPublicPem(Offblocks.generateSigningKey())
                WebhookInbox(client, verifyWith = other).use { inbox ->
                    assertThrows<OffblocksException.InvalidInput> { inbox.receive(delivery.body, delivery.headers) }
                }
                WebhookInbox(client).use { inbox ->
                    assertFalse(inbox.verifiesSignatures)
                    assertTrue(inbox.receive(delivery.body) is Received.CustomerChanged)
                }
            }
        }
    }
}
