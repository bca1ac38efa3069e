package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.offblocks_siwe_guard
import xyz.offblocks.internal.offblocks_siwe_parse
import java.time.Instant

/** EIP-4361 (Sign-In with Ethereum) messages: parsing, and the guard the SDK runs before
 * it signs a customer challenge. */
object Siwe {
    /** Parses the text of an EIP-4361 message.
     * @throws OffblocksException.Siwe naming the first problem. */
    @JvmStatic
    fun parse(text: String): SiweMessage {
        val arg = Ffi.cString(text, "message")
        return SiweMessage.from(JsonObject.parse(Ffi.string { offblocks_siwe_parse(arg, it) }, "siwe"), text)
    }

    /**
     * Checks a customer [challenge] (base64, as issued) before anyone signs it, as the SDK
     * does itself: it must name [walletAddress]; [customerChainId] (the customer's CAIP-10
     * `chainId`) must be that address on the `eip155` chain the message names; its domain
     * must be [expectedDomain] (when given); [now] must be inside its validity window, give
     * or take 60 s. Returns the parsed message, to show the user what they sign.
     *
     * @throws OffblocksException.ChallengeRefused when a check fails (the message says why).
     * @throws OffblocksException.Siwe or [OffblocksException.InvalidInput] when something
     * does not parse.
     */
    @JvmStatic
    @JvmOverloads
    fun checkChallenge(
        challenge: Challenge,
        walletAddress: String,
        customerChainId: String,
        expectedDomain: String? = null,
        now: Instant = Instant.now(),
    ): SiweMessage {
        val c = Ffi.cString(challenge.base64, "challenge")
        val w = Ffi.cString(walletAddress, "wallet address")
        val id = Ffi.cString(customerChainId, "customer chain id")
        val d = Ffi.optCString(expectedDomain, "expected domain")
        val raw = Ffi.string { offblocks_siwe_guard(c, w, id, d, now.epochSecond, it) }
        return SiweMessage.from(JsonObject.parse(raw, "siwe"), challenge.text)
    }
}
