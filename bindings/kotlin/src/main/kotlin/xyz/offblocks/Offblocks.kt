package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.Library
import xyz.offblocks.internal.NativeHandle
import xyz.offblocks.internal.Versions
import xyz.offblocks.internal.offblocks_signing_key_generate
import xyz.offblocks.internal.offblocks_signing_key_public_pem
import xyz.offblocks.internal.offblocks_version
import xyz.offblocks.internal.offblocks_webhook_event_parse

/** The native library behind this binding, and the calls that need no client. */
object Offblocks {
    /** The version of the C ABI this binding was written for (`MAJOR.MINOR.PATCH`). */
    const val BINDING_VERSION: String = Versions.BINDING

    /** Loads the native library now (it is loaded on first use otherwise), and checks its
     * version. @throws OffblocksException.LibraryNotLoaded naming every place tried.
     * @throws OffblocksException.LibraryMismatch naming both versions. */
    @JvmStatic
    fun load() {
        Library.ensure()
    }

    /** The loaded library's version (`offblocks_version()`). */
    @JvmStatic
    val libraryVersion: String
        get() {
            Library.ensure()
            return Ffi.borrowed(offblocks_version()).orEmpty()
        }

    /** Where the library was loaded from. */
    @JvmStatic
    val libraryPath: String get() = Library.ensure().path

    /** Handles (clients, wallets, signers) made and not freed yet. */
    @JvmStatic
    val liveHandles: Long get() = NativeHandle.live.get()

    /** A new random P-384 request-signing key as PKCS#8 PEM. **A secret**: store it safely. */
    @JvmStatic
    fun generateSigningKey(): String = Ffi.string { offblocks_signing_key_generate(it) }

    /** The public half (SPKI PEM) of a P-384 private key.
     * @throws OffblocksException.InvalidKey when it is not one. */
    @JvmStatic
    fun signingKeyPublicPem(privatePem: String): String {
        val arg = Ffi.cString(privatePem, "private key")
        try {
            return Ffi.string { offblocks_signing_key_public_pem(arg, it) }
        } finally {
            arg.fill(0)
        }
    }

    /** Parses the body of a webhook delivery (what OffBlocks POSTs to your callback URL).
     * @throws OffblocksException.Decode when it is not such a delivery. */
    @JvmStatic
    fun parseWebhookEvent(body: String): WebhookEvent {
        val arg = Ffi.cString(body, "body")
        return WebhookEvent.from(JsonObject.parse(Ffi.string { offblocks_webhook_event_parse(arg, it) }, "event"))
    }
}
