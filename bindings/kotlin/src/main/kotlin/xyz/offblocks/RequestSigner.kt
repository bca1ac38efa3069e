package xyz.offblocks

import com.sun.jna.Native
import com.sun.jna.Pointer
import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.RequestSignFn
import xyz.offblocks.internal.offblocks_request_signer_free
import xyz.offblocks.internal.offblocks_request_signer_new

/**
 * The P-384 request-signing key held outside the process (a KMS, an HSM, a signing
 * service): [ClientConfig.requestSigner] with [ClientConfig.signingPublicKeyPem], or
 * [Auth.rotateSigningKey]. A Kotlin or Java lambda fits it.
 *
 * [sign] gets the exact RFC 9421 signature base of each request (not a hash) and returns an
 * ECDSA P-384 signature over SHA-384 of it: raw `r‖s` (96 bytes) or DER (what
 * `SHA384withECDSA` in `java.security.Signature` and most KMS APIs return). The SDK checks
 * every signature against the public key before sending: one by another key, or over other
 * bytes, fails the call with [OffblocksException.Signer] and nothing is sent.
 *
 * It is called on the thread making the request, possibly on several at once (keep it
 * thread-safe); it may block. What it throws fails that call with
 * [OffblocksException.Signer], the exception as its cause; it never reaches the library.
 */
fun interface RequestSigner {
    fun sign(base: ByteArray): ByteArray
}

/** What a request signer threw on this thread, until the call that asked for it returns. */
private val pendingSignerError = ThreadLocal<Throwable?>()

/**
 * A native `offblocks_request_signer` for [signer] with [publicKeyPem], for the length of
 * one constructor or rotation call ([use]); the library keeps what it needs. [callback]
 * must stay reachable as long as a client may sign with it.
 */
internal class NativeRequestSigner(publicKeyPem: String, private val signer: RequestSigner) {
    val callback = RequestSignFn { _, base, baseLen, out, capacity, outLen ->
        try {
            val length = baseLen?.toLong() ?: 0L
            val bytes = if (length == 0L || base == null) ByteArray(0) else base.getByteArray(0, length.toInt())
            val signature = signer.sign(bytes)
            val room = capacity?.toLong() ?: 0L
            if (signature.isEmpty() || signature.size > room) {
                throw OffblocksException.Signer(
                    "the request signer returned ${signature.size} bytes; a P-384 signature is 96 (r‖s) or at most $room (DER)",
                    ResultCode.SIGNER.value, OffblocksException.Detail.NONE,
                )
            }
            out!!.write(0, signature, 0, signature.size)
            if (Native.SIZE_T_SIZE == 8) outLen!!.setLong(0, signature.size.toLong()) else outLen!!.setInt(0, signature.size)
            0
        } catch (t: Throwable) {
            if (pendingSignerError.get() == null) pendingSignerError.set(t)
            1
        }
    }

    private val pointer: Pointer = Ffi.handle("offblocks_request_signer_new") {
        offblocks_request_signer_new(Ffi.cString(publicKeyPem, "public key PEM"), callback, null, null, it)
    }

    fun <T> use(block: (Pointer) -> T): T = try {
        block(pointer)
    } finally {
        offblocks_request_signer_free(pointer)
    }
}

/**
 * Runs [block] (a call of the library on this thread); when a request signer threw during
 * it, throws that as [OffblocksException.Signer] with it as the cause (an [Error] as it is).
 */
internal inline fun <T> rethrowingSignerErrors(block: () -> T): T {
    val result = try {
        block()
    } catch (e: OffblocksException) {
        signerError(e)?.let { throw it }
        throw e
    }
    signerError(null)?.let { throw it }
    return result
}

internal fun signerError(failure: OffblocksException?): Throwable? {
    val t = pendingSignerError.get() ?: return null
    pendingSignerError.remove()
    if (t is Error || t is OffblocksException.Signer) return t
    val code = failure?.rawCode ?: ResultCode.SIGNER.value
    val detail = failure?.detail ?: OffblocksException.Detail.NONE
    return OffblocksException.Signer("the request signer threw ${t.javaClass.simpleName}: ${t.message}", code, detail, t)
}
