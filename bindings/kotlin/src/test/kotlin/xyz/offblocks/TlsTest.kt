package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.io.File

/** HTTPS to the emulator (`offblocks-sandbox --tls`): a whole onboarding with its CA given
 * as `caFile` / `caPem`, through the CONNECT proxy too, and hostile certificates refused
 * with their own exception classes, never retried. */
class TlsTest {
    @Test
    fun `a whole onboarding goes over https with the ca given as caFile`() {
        LocalSandbox.start("--tls", "--activation-polls", "0").use { sandbox ->
            assertTrue(sandbox.baseUrl.startsWith("https://127.0.0.1:"), sandbox.baseUrl)
            sandbox.client().use { client ->
                Wallet.random().use { wallet ->
                    val done = client.onboard(OnboardingRequest(TestEnv.externalId("tls")), wallet)
                    assertEquals(AccountStatus.Active, done.account.status)
                }
            }
            assertTrue(sandbox.requests().any { it["path"] == "/v1/customers" })
        }
    }

    @Test
    fun `https goes through the connect proxy with the ca given as caPem`() {
        LocalSandbox.start("--tls", "--proxy", "--activation-polls", "0").use { sandbox ->
            val pem = File(sandbox.caFile!!).readText()
            val config = sandbox.config().copy(caFile = null, caPem = pem, proxy = sandbox.proxyUrl)
            sandbox.client(config).use { client ->
                Wallet.random().use { wallet ->
                    val done = client.onboard(OnboardingRequest(TestEnv.externalId("tls-proxy")), wallet)
                    assertEquals(AccountStatus.Active, done.account.status)
                }
            }
            val target = sandbox.baseUrl.removePrefix("https://").removeSuffix("/v1")
            val tunnels = sandbox.tunnels()
            assertTrue(tunnels.isNotEmpty())
            assertTrue(tunnels.all { it["target"] == target }, tunnels.toString())
        }
    }

    private inline fun <reified T : OffblocksException.Tls> refused(sandbox: LocalSandbox, config: ClientConfig = sandbox.config()): T {
        OffblocksClient(config.copy(retry = Retry(maxAttempts = 3))).use { client ->
            val e = assertThrows<T> { client.auth.token() }
            assertEquals(ResultCode.TLS, e.code)
            assertFalse(e.retryable)
            assertFalse(sandbox.apiSecret in e.message!!)
            return e
        }
    }

    @Test
    fun `hostile certificates and plain http are refused with their own classes`() {
        LocalSandbox.start("--tls-mode", "wrong-host").use { s ->
            val e = refused<OffblocksException.Tls.HostnameMismatch>(s)
            assertTrue("certificate for other.example does not match 127.0.0.1" in e.message!!, e.message)
        }
        LocalSandbox.start("--tls-mode", "expired").use { s -> refused<OffblocksException.Tls.CertificateExpired>(s) }
        LocalSandbox.start("--tls-mode", "untrusted").use { s -> refused<OffblocksException.Tls.UntrustedCertificate>(s) }
        LocalSandbox.start("--tls-mode", "plain").use { s -> refused<OffblocksException.Tls.Handshake>(s) }
    }

    @Test
    fun `no ca and a wrong pin are refused`() {
        LocalSandbox.start("--tls").use { s ->
            refused<OffblocksException.Tls.UntrustedCertificate>(s, s.config().copy(caFile = null))
            val pin = java.util.Base64.getEncoder().encodeToString(ByteArray(32))
            refused<OffblocksException.Tls.PinMismatch>(s, s.config().copy(spkiPins = listOf(pin)))
        }
    }
}
