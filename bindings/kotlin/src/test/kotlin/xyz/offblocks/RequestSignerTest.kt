package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread

/** A request-signing key in another process: `openssl dgst -sha384 -sign` (DER out), a
 * stand-in for a KMS. */
class OpensslSigner : RequestSigner, AutoCloseable {
    private val file: File = File.createTempFile("offblocks-kt-kms", ".pem")
    val publicKeyPem: String
    val calls = AtomicInteger()

    init {
        val pem = Offblocks.generateSigningKey()
        file.writeText(pem)
        publicKeyPem = Offblocks.signingKeyPublicPem(pem)
    }

    override fun sign(base: ByteArray): ByteArray {
        calls.incrementAndGet()
        val process = ProcessBuilder("openssl", "dgst", "-sha384", "-sign", file.path).start()
        process.outputStream.use { it.write(base) }
        val signature = process.inputStream.readBytes()
        check(process.waitFor() == 0) { "openssl failed: ${process.errorStream.readBytes().decodeToString()}" }
        return signature
    }

    override fun close() {
        file.delete()
    }
}

class RequestSignerTest {
    private val sandbox = Shared.sandbox

    private fun config(kms: RequestSigner, publicKeyPem: String) =
        ClientConfig.builder().baseUrl(sandbox.baseUrl).apiKey(sandbox.apiKey).apiSecret(sandbox.apiSecret)
            .caFile(sandbox.caFile).requestSigner(kms).signingPublicKeyPem(publicKeyPem).build()

    /** The emulator's registered key ids (its state's `signingKeys`, a list of strings). */
    private fun registeredKeys(): List<String> =
        ((sandbox.state() as Map<*, *>)["signingKeys"] as List<*>).map { id -> id.toString() }

    @Test
    fun `a whole onboarding signed by another process`() {
        OpensslSigner().use { kms ->
            OffblocksClient(config(kms, kms.publicKeyPem)).use { client ->
                val keyId = client.auth.registerSigningKey()
                val done = Wallet.random().use { wallet -> client.onboard(OnboardingRequest(TestEnv.externalId("kms")), wallet) }
                assertEquals(AccountStatus.Active, done.account.status)
                assertTrue(kms.calls.get() >= 6, "${kms.calls.get()} signatures")
                assertTrue(keyId in registeredKeys())
            }
        }
    }

    @Test
    fun `what the signer throws is a Signer exception, and a wrong key is refused before sending`() {
        OpensslSigner().use { kms ->
            val offline = RequestSigner { throw IllegalStateException("hsm offline") }
            OffblocksClient(config(offline, kms.publicKeyPem).copy(keyId = "k-any")).use { client ->
                val e = assertThrows<OffblocksException.Signer> { client.customers.list() }
                assertTrue(e.message!!.contains("IllegalStateException: hsm offline"), e.message)
                assertTrue(e.cause is IllegalStateException)
            }
            val other = Offblocks.signingKeyPublicPem(Offblocks.generateSigningKey())
            val before = sandbox.requests().size
            OffblocksClient(config(kms, other).copy(keyId = "k-any")).use { client ->
                val e = assertThrows<OffblocksException.Signer> { client.customers.list() }
                assertTrue(e.message!!.contains("does not verify"), e.message)
            }
            assertTrue(sandbox.requests().drop(before).all { (it["path"] as String).endsWith("/auth/token") })
            assertThrows<OffblocksException.Config> { OffblocksClient(config(kms, kms.publicKeyPem).copy(signingPublicKeyPem = null)) }
            assertThrows<OffblocksException.InvalidKey> { OffblocksClient(config(kms, "not a key")) }
        }
    }

    @Test
    fun `rotating the key while other threads call fails no call`() {
        val firstPem = Offblocks.generateSigningKey()
        OpensslSigner().use { kms ->
            OffblocksClient(sandbox.config().copy(generateSigningKey = false, signingKeyPem = firstPem)).use { client ->
                val ids = mutableListOf(client.auth.registerSigningKey())
                val stop = AtomicBoolean(false)
                val calls = AtomicInteger()
                val failures = CopyOnWriteArrayList<Throwable>()
                val workers = (1..3).map {
                    thread {
                        while (!stop.get()) {
                            try {
                                client.customers.list()
                            } catch (t: Throwable) {
                                failures += t
                            }
                            calls.incrementAndGet()
                        }
                    }
                }
                fun waitCalls(n: Int) {
                    val start = calls.get()
                    while (calls.get() < start + n) Thread.sleep(1)
                }
                try {
                    waitCalls(6)
                    ids += client.auth.rotateSigningKey(Offblocks.generateSigningKey())
                    waitCalls(6)
                    ids += client.auth.rotateSigningKey(kms.publicKeyPem, kms)
                    waitCalls(6)
                    ids += client.auth.rotateSigningKey(Offblocks.generateSigningKey())
                    waitCalls(6)
                } finally {
                    stop.set(true)
                    workers.forEach { it.join() }
                }
                assertEquals(emptyList<Throwable>(), failures.toList())
                assertEquals(ids.last(), client.keyId)
                assertEquals(ids.size, ids.toSet().size)
                val registered = registeredKeys()
                assertTrue(ids.last() in registered)
                assertTrue(ids.dropLast(1).none { it in registered }, "$ids / $registered")
                assertTrue(kms.calls.get() >= 1)
                assertNotEquals(ids.first(), ids.last())
            }
        }
    }
}
