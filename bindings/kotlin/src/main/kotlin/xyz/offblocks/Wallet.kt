package xyz.offblocks

import com.sun.jna.Pointer
import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.NativeHandle
import xyz.offblocks.internal.SignFn
import xyz.offblocks.internal.SizeT
import xyz.offblocks.internal.offblocks_caip_account_id_parse
import xyz.offblocks.internal.offblocks_caip_chain_id_parse
import xyz.offblocks.internal.offblocks_signature_recover
import xyz.offblocks.internal.offblocks_signer_free
import xyz.offblocks.internal.offblocks_signer_from_wallet
import xyz.offblocks.internal.offblocks_signer_new
import xyz.offblocks.internal.offblocks_wallet_account_id
import xyz.offblocks.internal.offblocks_wallet_address
import xyz.offblocks.internal.offblocks_wallet_export_secret_hex
import xyz.offblocks.internal.offblocks_wallet_free
import xyz.offblocks.internal.offblocks_wallet_from_hex
import xyz.offblocks.internal.offblocks_wallet_new_random
import xyz.offblocks.internal.offblocks_wallet_sign_personal

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
 * A secp256k1 private key held by the library, and its Ethereum address. **Holds a
 * secret**: the key is zeroized in the library when the wallet is closed; [toString]
 * shows only the address. Signatures are deterministic (RFC 6979). May be used from
 * several threads at once. Close it (`use {}`); a forgotten wallet is freed when garbage
 * collected.
 */
class Wallet private constructor(pointer: Pointer) : Signer, AutoCloseable {
    private val handle = NativeHandle(this, pointer, "wallet", { p -> offblocks_wallet_free(p) })

    /** The Ethereum address, `0x…` with its EIP-55 checksum. */
    override val address: String = handle.use { h -> Ffi.string { offblocks_wallet_address(h, it) } }

    /** The CAIP-10 id of this wallet on CAIP-2 [chain]: what a customer's `chainId` is. */
    @JvmOverloads
    fun accountId(chain: String = "eip155:300"): String {
        val chainArg = Ffi.cString(chain, "chain")
        return handle.use { h -> Ffi.string { offblocks_wallet_account_id(h, chainArg, it) } }
    }

    /** Signs [message] (the bytes themselves) with EIP-191 `personal_sign`: the 65 bytes
     * `r‖s‖v`. */
    override fun signPersonal(message: ByteArray): ByteArray = hexToBytes(signPersonal(message, SignatureEncoding.HEX))

    /** Signs [message] with EIP-191 `personal_sign`, written as [encoding] says. */
    fun signPersonal(message: ByteArray, encoding: SignatureEncoding): String = handle.use { h ->
        Ffi.string { offblocks_wallet_sign_personal(h, message, SizeT(message.size.toLong()), encoding.native, it) }
    }

    /** The private key as `0x` and 64 hex digits, to back up a random key. **The secret**:
     * never log it. */
    fun exportSecretHex(): String = handle.use { h -> Ffi.string { offblocks_wallet_export_secret_hex(h, it) } }

    /** Releases the key (zeroized in the library). Closing twice is harmless. */
    override fun close() = handle.close()

    val isClosed: Boolean get() = handle.isClosed

    override fun toString(): String = "Wallet(address=$address, key=[redacted])"

    /** A new `offblocks_signer` for this wallet (the caller frees it). */
    internal fun newNativeSigner(): Pointer = handle.use { h -> Ffi.handle("offblocks_signer_from_wallet") { offblocks_signer_from_wallet(h, it) } }

    companion object {
        /** A wallet with a fresh random key from the operating system. */
        @JvmStatic
        fun random(): Wallet = Wallet(Ffi.handle("offblocks_wallet_new_random") { offblocks_wallet_new_random(it) })

        /** The wallet of a private key written as 64 hex digits (`0x` optional).
         * @throws OffblocksException.InvalidKey when it is not a valid secp256k1 key (the
         * message never repeats it). */
        @JvmStatic
        fun fromHex(privateKeyHex: String): Wallet {
            val arg = Ffi.cString(privateKeyHex, "private key")
            try {
                return Wallet(Ffi.handle("offblocks_wallet_from_hex") { offblocks_wallet_from_hex(arg, it) })
            } finally {
                arg.fill(0)
            }
        }
    }
}

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

/** A CAIP-2 chain id, e.g. `eip155:300`; [eip155Chain] is the chain number on `eip155`. */
data class ChainId(val chainId: String, val namespace: String, val reference: String, val eip155Chain: Long?) {
    override fun toString() = chainId

    companion object {
        /** @throws OffblocksException.InvalidInput when malformed. */
        @JvmStatic
        fun parse(text: String): ChainId {
            val arg = Ffi.cString(text, "chain id")
            val o = JsonObject.parse(Ffi.string { offblocks_caip_chain_id_parse(arg, it) }, "chain id")
            return ChainId(o.string("chainId"), o.string("namespace"), o.string("reference"), o.optLong("eip155Chain"))
        }
    }
}

/** A CAIP-10 account id, e.g. `eip155:300:0xf39F…`; [evmAddress] is the address with its
 * EIP-55 checksum on `eip155` chains. */
data class AccountId(
    val accountId: String,
    val chainId: String,
    val namespace: String,
    val reference: String,
    val eip155Chain: Long?,
    val address: String,
    val evmAddress: String?,
) {
    override fun toString() = accountId

    companion object {
        /** @throws OffblocksException.InvalidInput when malformed (an `eip155` address whose
         * mixed case fails its checksum included). */
        @JvmStatic
        fun parse(text: String): AccountId {
            val arg = Ffi.cString(text, "account id")
            val o = JsonObject.parse(Ffi.string { offblocks_caip_account_id_parse(arg, it) }, "account id")
            return AccountId(
                o.string("accountId"), o.string("chainId"), o.string("namespace"), o.string("reference"),
                o.optLong("eip155Chain"), o.string("address"), o.optString("evmAddress"),
            )
        }
    }
}

internal fun hexToBytes(hex: String): ByteArray {
    val digits = hex.removePrefix("0x").removePrefix("0X")
    if (digits.length % 2 != 0) throw OffblocksException.InvalidInput("odd number of hex digits")
    return ByteArray(digits.length / 2) { i ->
        val hi = Character.digit(digits[2 * i], 16)
        val lo = Character.digit(digits[2 * i + 1], 16)
        if (hi < 0 || lo < 0) throw OffblocksException.InvalidInput("not hex")
        ((hi shl 4) or lo).toByte()
    }
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
