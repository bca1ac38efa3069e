package xyz.offblocks

import com.sun.jna.Pointer
import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.NativeHandle
import xyz.offblocks.internal.SignFn
import xyz.offblocks.internal.SizeT
import xyz.offblocks.internal.offblocks_signer_free
import xyz.offblocks.internal.offblocks_signer_new

/**
 * Anything that signs with EIP-191 `personal_sign` for one Ethereum address: a wallet app,
 * the Android Keystore through your own code, a KMS. The library never sees the key.
 *
 * [signPersonal] receives the exact message bytes (for a challenge, the decoded challenge
 * as issued; not a hash) and returns the 65-byte signature `r‖s‖v` (`v` 27/28 or 0/1). The
 * SDK recovers the address from every signature before sending it, so a signer that signs
 * the wrong bytes or with the wrong key is caught. It is called on the thread of the call
 * that needs it, before that call returns. An exception it throws fails that call with
 * [OffblocksException.Signer], whose cause is the exception (an [Error] is rethrown as is).
 */
interface Signer {
    /** The Ethereum address, `0x…` (mixed case must be a valid EIP-55 checksum). */
    val address: String

    fun signPersonal(message: ByteArray): ByteArray

    companion object {
        /** A signer for [address] that signs with [sign], for a lambda (from Java too:
         * `Signer.of(address, message -> kms.sign(message))`). */
        @JvmStatic
        fun of(address: String, sign: PersonalSign): Signer = object : Signer {
            override val address = address
            override fun signPersonal(message: ByteArray): ByteArray = sign.signPersonal(message)
            override fun toString() = "Signer(address=$address)"
        }
    }
}

/** The signing half of a [Signer]: an EIP-191 `personal_sign` signature of `message`
 * (65 bytes, `r ‖ s ‖ v`), given to [Signer.of]. */
fun interface PersonalSign {
    fun signPersonal(message: ByteArray): ByteArray
}


/**
 * An `offblocks_signer` for the duration of one call. For a [Wallet] the library signs by
 * itself; for any other [Signer], a JNA callback calls [Signer.signPersonal]. Nothing ever
 * unwinds into C: what the Kotlin signer throws is kept, the C call fails with
 * `OFFBLOCKS_SIGNER`, and [rethrow] throws it from the call that ran it. The callback object
 * stays strongly referenced here until [close] (JNA would otherwise free its trampoline).
 */
internal class NativeSigner(private val signer: Signer) : AutoCloseable {
    private var thrown: Throwable? = null
    private val callback: SignFn?
    private val handle: NativeHandle

    init {
        val pointer: Pointer
        if (signer is Wallet) {
            callback = null
            pointer = signer.newNativeSigner()
        } else {
            val address = try {
                signer.address
            } catch (e: Exception) {
                throw OffblocksException.Signer("the signer's address could not be read", 0, OffblocksException.Detail.NONE, e)
            }
            val cb = SignFn { _, message, length, out -> trampoline(message, length, out) }
            callback = cb
            val arg = Ffi.cString(address, "signer address")
            pointer = Ffi.handle("offblocks_signer_new") { offblocks_signer_new(arg, cb, null, it) }
        }
        handle = NativeHandle(this, pointer, "signer", { p -> offblocks_signer_free(p) })
    }

    private fun trampoline(message: Pointer?, length: SizeT?, out: Pointer?): Int = try {
        val n = length?.toLong() ?: 0L
        val bytes = if (n == 0L || message == null) ByteArray(0) else message.getByteArray(0, Math.toIntExact(n))
        val signature = signer.signPersonal(bytes)
        if (signature.size != 65) {
            throw OffblocksException.Signer(
                "the signer returned ${signature.size} bytes, a signature has 65 (r‖s‖v)", 0, OffblocksException.Detail.NONE,
            )
        }
        out!!.write(0, signature, 0, 65)
        0
    } catch (t: Throwable) {
        if (thrown == null) thrown = t
        1
    }

    inline fun <T> use(block: (Pointer) -> T): T = handle.use(block)

    /** Throws what the Kotlin signer threw during the last call, if it did, with the C
     * call's [failure] detail. */
    fun rethrow(failure: OffblocksException?) {
        val t = thrown ?: return
        thrown = null
        if (t is Error) throw t
        if (t is OffblocksException.Signer && t.cause == null) {
            throw OffblocksException.Signer(t.message ?: "signer failed", failure?.rawCode ?: 0, failure?.detail ?: OffblocksException.Detail.NONE)
        }
        throw OffblocksException.Signer(
            "the signer threw ${t.javaClass.simpleName}: ${t.message}",
            failure?.rawCode ?: 0, failure?.detail ?: OffblocksException.Detail.NONE, t,
        )
    }

    override fun close() {
        // `callback` is a field: it stays reachable as long as this object, which the
        // calling code holds until after this close.
        handle.close()
    }
}
