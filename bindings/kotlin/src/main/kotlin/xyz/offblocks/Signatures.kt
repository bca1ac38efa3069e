package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.SizeT
import xyz.offblocks.internal.offblocks_signature_recover

/** EIP-191 signature recovery. */
object Signatures {
    /** The address (EIP-55) whose key made [signature] (65 bytes) over [message] with
     * `personal_sign`. Compare it with the expected address to verify a signature.
     * @throws OffblocksException.InvalidInput when malformed or recovering no key. */
    @JvmStatic
    fun recover(message: ByteArray, signature: ByteArray): String {
        if (signature.size != 65) throw OffblocksException.InvalidInput("a signature has 65 bytes, not ${signature.size}")
        return recover(message, "0x" + signature.joinToString("") { "%02x".format(it) })
    }

    /** As [recover], for a signature written in any [SignatureEncoding]. */
    @JvmStatic
    fun recover(message: ByteArray, signature: String): String {
        val sig = Ffi.cString(signature, "signature")
        return Ffi.string { offblocks_signature_recover(message, SizeT(message.size.toLong()), sig, it) }
    }
}
