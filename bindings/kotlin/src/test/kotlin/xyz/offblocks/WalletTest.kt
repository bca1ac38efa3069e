package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import xyz.offblocks.TestEnv.HARDHAT_ADDRESS
import xyz.offblocks.TestEnv.HARDHAT_KEY
import java.time.Instant
import java.util.Base64

/** Wallets, signatures, CAIP ids and EIP-4361 messages: no server needed. */
class WalletTest {
    // The customer challenge of OffBlocks' documentation, decoded (docs/api.md, Customers).
    private val docsMessage = """
        api.sandbox.offblocks.xyz wants you to sign in with your Ethereum account:
        0x43158f45b5EbD7b1179130130DF00393928C2691

        OffBlocks wants to verify ownership of your wallet. By connecting your wallet and using OffBlocks, you agree to our Terms of services and Privacy Policy

        URI: https://api.sandbox.offblocks.xyz
        Version: 1
        Chain ID: 280
        Nonce: 5ufoiEqDaFvmfo78
        Issued At: 2024-01-17T18:21:53Z
    """.trimIndent()

    @Test
    fun `a known key gives its known address, deterministic signatures in every encoding`() {
        Wallet.fromHex(HARDHAT_KEY).use { w ->
            assertEquals(HARDHAT_ADDRESS, w.address)
            Wallet.fromHex(HARDHAT_KEY.removePrefix("0x").uppercase()).use { assertEquals(HARDHAT_ADDRESS, it.address) }
            assertEquals("eip155:1:$HARDHAT_ADDRESS", w.accountId("eip155:1"))
            assertEquals(HARDHAT_KEY, w.exportSecretHex())
            assertFalse("ac0974" in w.toString())
            val message = "hello".toByteArray()
            val sig = w.signPersonal(message)
            assertEquals(65, sig.size)
            assertTrue(sig[64].toInt() in listOf(27, 28))
            assertArrayEquals(sig, w.signPersonal(message)) // RFC 6979
            val hex = "0x" + sig.joinToString("") { "%02x".format(it) }
            assertEquals(hex, w.signPersonal(message, SignatureEncoding.HEX))
            assertEquals(Base64.getEncoder().encodeToString(sig), w.signPersonal(message, SignatureEncoding.BASE64_RAW))
            assertEquals(Base64.getEncoder().encodeToString(hex.toByteArray()), w.signPersonal(message, SignatureEncoding.BASE64_HEX))
            assertEquals(HARDHAT_ADDRESS, Signatures.recover(message, sig))
            assertEquals(HARDHAT_ADDRESS, Signatures.recover(message, hex))
            assertNotEquals(HARDHAT_ADDRESS, Signatures.recover("hellO".toByteArray(), sig))
            assertEquals(w.address, Signatures.recover(ByteArray(0), w.signPersonal(ByteArray(0))))
        }
    }

    @Test
    fun `bad keys and signatures are refused without repeating the key`() {
        val bad = "zz" + HARDHAT_KEY.drop(4)
        val e = assertThrows<OffblocksException.InvalidKey> { Wallet.fromHex(bad) }
        assertFalse(bad in (e.message ?: ""))
        assertEquals(ResultCode.KEY, e.code)
        assertThrows<OffblocksException.InvalidKey> { Wallet.fromHex("0x" + "00".repeat(32)) }
        assertThrows<OffblocksException.InvalidInput> { Signatures.recover("x".toByteArray(), ByteArray(64)) }
        assertThrows<OffblocksException.InvalidInput> { Signatures.recover("x".toByteArray(), "0x1234") }
        assertThrows<OffblocksException.InvalidInput> { Wallet.fromHex("00\u0000") }
    }

    @Test
    fun `a closed wallet refuses use and closing twice is harmless`() {
        val w = Wallet.random()
        w.close()
        w.close()
        assertTrue(w.isClosed)
        assertThrows<IllegalStateException> { w.signPersonal(ByteArray(1)) }
    }

    @Test
    fun `CAIP ids`() {
        val chain = ChainId.parse("eip155:300")
        assertEquals(ChainId("eip155:300", "eip155", "300", 300L), chain)
        assertNull(ChainId.parse("solana:4sGjMW1sUnHzSxGspuhpqLDx6wiyjNtZ").eip155Chain)
        val account = AccountId.parse("eip155:1:${HARDHAT_ADDRESS.lowercase()}")
        assertEquals(HARDHAT_ADDRESS, account.evmAddress)
        assertEquals(1L, account.eip155Chain)
        assertThrows<OffblocksException.InvalidInput> { ChainId.parse("not a chain") }
        // The documentation's ownerId: its mixed case fails the EIP-55 checksum.
        assertThrows<OffblocksException.InvalidInput> { AccountId.parse("eip155:280:0x43158f45b5EbD7b1179130131DF00393928C2691") }
    }

    @Test
    fun `SIWE parsing of the documentation's challenge`() {
        val m = Siwe.parse(docsMessage)
        assertEquals("api.sandbox.offblocks.xyz", m.domain)
        assertEquals("0x43158f45b5EbD7b1179130130DF00393928C2691", m.address)
        assertEquals(280L, m.chainId)
        assertEquals("5ufoiEqDaFvmfo78", m.nonce)
        assertEquals(Instant.parse("2024-01-17T18:21:53Z"), m.issuedAt)
        assertEquals("https://api.sandbox.offblocks.xyz", m.uri)
        assertTrue(m.statement!!.startsWith("OffBlocks wants to verify"))
        assertNull(m.expirationTime)
        assertEquals(docsMessage, m.text)
        val e = assertThrows<OffblocksException.Siwe> { Siwe.parse("hello") }
        assertTrue(e.message!!.isNotEmpty())
    }

    @Test
    fun `the challenge guard accepts the right signer and refuses every wrong one`() {
        val challenge = Challenge(Base64.getEncoder().encodeToString(docsMessage.toByteArray()))
        val address = "0x43158f45b5EbD7b1179130130DF00393928C2691"
        val at = Instant.parse("2024-01-17T18:25:00Z")
        val ok = Siwe.checkChallenge(challenge, address, "eip155:280:$address", "api.sandbox.offblocks.xyz", at)
        assertEquals(280L, ok.chainId)
        assertEquals(docsMessage, ok.text)
        fun refused(block: () -> Unit) = assertThrows<OffblocksException.ChallengeRefused> { block() }.also {
            assertEquals(ResultCode.CHALLENGE_REFUSED, it.code)
        }
        refused { Siwe.checkChallenge(challenge, HARDHAT_ADDRESS, "eip155:280:$HARDHAT_ADDRESS", null, at) } // another address
        refused { Siwe.checkChallenge(challenge, address, "eip155:300:$address", null, at) } // another chain
        refused { Siwe.checkChallenge(challenge, address, "eip155:280:$address", "evil.example", at) } // another domain
        val expiring = Challenge(Base64.getEncoder().encodeToString("$docsMessage\nExpiration Time: 2024-01-17T19:21:53Z".toByteArray()))
        assertEquals(Instant.parse("2024-01-17T19:21:53Z"), Siwe.checkChallenge(expiring, address, "eip155:280:$address", null, at).expirationTime)
        val expired = refused { Siwe.checkChallenge(expiring, address, "eip155:280:$address", null, Instant.parse("2024-01-17T21:00:00Z")) }
        assertTrue("expired" in expired.message!!, expired.message)
        // The documentation's own ownerId fails its checksum: refused before anything else.
        assertThrows<OffblocksException.InvalidInput> {
            Siwe.checkChallenge(challenge, address, "eip155:280:0x43158f45b5EbD7b1179130131DF00393928C2691", null, at)
        }
    }
}
