package xyz.offblocks

import com.sun.jna.Pointer
import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.NativeHandle
import xyz.offblocks.internal.SizeT
import xyz.offblocks.internal.offblocks_signer_from_wallet
import xyz.offblocks.internal.offblocks_wallet_account_id
import xyz.offblocks.internal.offblocks_wallet_address
import xyz.offblocks.internal.offblocks_wallet_export_secret_hex
import xyz.offblocks.internal.offblocks_wallet_free
import xyz.offblocks.internal.offblocks_wallet_from_hex
import xyz.offblocks.internal.offblocks_wallet_new_random
import xyz.offblocks.internal.offblocks_wallet_sign_personal

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
