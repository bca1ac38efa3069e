package xyz.offblocks.internal

import com.sun.jna.Pointer
import com.sun.jna.ptr.PointerByReference
import xyz.offblocks.OffblocksException
import java.nio.ByteBuffer
import java.nio.CharBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.CodingErrorAction

/**
 * Calling the C functions: arguments as NUL-terminated UTF-8, result codes turned into
 * exceptions (read from this thread's last error, right after the call), library-owned
 * strings copied and released with `offblocks_string_free`.
 */
internal object Ffi {
    /** One out-parameter cell per thread, reused: a `PointerByReference` mallocs its 8 bytes
     * and frees them only when collected. Reuse is safe: the library writes an out-parameter
     * last, only on success (after any nested call a callback made), and it is read at once. */
    private val cell = ThreadLocal.withInitial { PointerByReference() }

    fun out(): PointerByReference = cell.get()

    /** [text] as a C string argument: UTF-8 and a NUL terminator. Refuses a NUL inside and
     * unpaired surrogates (which have no UTF-8 form). */
    fun cString(text: String, what: String): ByteArray {
        if (text.indexOf('\u0000') >= 0) throw OffblocksException.InvalidInput("$what contains a NUL character")
        val encoder = Charsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
        val buffer: ByteBuffer = try {
            encoder.encode(CharBuffer.wrap(text))
        } catch (e: CharacterCodingException) {
            throw OffblocksException.InvalidInput("$what is not valid Unicode text")
        }
        val out = ByteArray(buffer.remaining() + 1)
        buffer.get(out, 0, buffer.remaining())
        return out
    }

    fun optCString(text: String?, what: String): ByteArray? = text?.let { cString(it, what) }

    /** Reads a NUL-terminated UTF-8 string the library owns (never freed here). */
    fun borrowed(p: Pointer?): String? = p?.getString(0, "UTF-8")

    /** The exception for [code], with this thread's last-error detail. Call right after the
     * failed call, on its thread, before any other call of the library. */
    fun lastError(code: Int): OffblocksException {
        val message = borrowed(offblocks_last_error_message()).orEmpty()
        val status = offblocks_last_error_status().toInt() and 0xffff
        val detail = OffblocksException.Detail(
            status = status.takeIf { it != 0 },
            requestId = borrowed(offblocks_last_error_request_id()),
            body = borrowed(offblocks_last_error_body()),
            retryable = offblocks_last_error_retryable().toInt() != 0,
            reissuedChallenge = borrowed(offblocks_last_error_reissued_challenge()),
            rawKind = offblocks_last_error_kind(),
            retryAfterSeconds = offblocks_last_error_retry_after().takeIf { it >= 0 },
            tlsFailure = offblocks_last_error_tls_failure(),
        )
        return OffblocksException.fromCode(code, message, detail)
    }

    fun check(code: Int) {
        if (code != 0) throw lastError(code)
    }

    /** Calls a function returning an `offblocks_result` and throws on failure. */
    inline fun call(call: () -> Int) {
        Library.ensure()
        val code = call()
        if (code != 0) throw lastError(code)
    }

    /** Copies a string the caller owns, then releases it with `offblocks_string_free`. */
    fun take(p: Pointer?): String? {
        if (p == null) return null
        try {
            return p.getString(0, "UTF-8")
        } finally {
            offblocks_string_free(p)
        }
    }

    /** Calls a function whose last parameter is a `char **`; returns the string. */
    inline fun string(call: (PointerByReference) -> Int): String = optString(call).orEmpty()

    /** As [string], where the library may store NULL. */
    inline fun optString(call: (PointerByReference) -> Int): String? {
        Library.ensure()
        val out = out()
        val code = call(out)
        if (code != 0) throw lastError(code)
        return take(out.value)
    }

    /** Calls a constructor whose last parameter is a handle out-parameter. */
    inline fun handle(what: String, call: (PointerByReference) -> Int): Pointer {
        Library.ensure()
        val out = out()
        val code = call(out)
        if (code != 0) throw lastError(code)
        return out.value ?: throw OffblocksException.Internal("$what succeeded without returning a handle", 0, OffblocksException.Detail.NONE)
    }
}
