package xyz.offblocks

import com.sun.jna.Pointer
import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.Json
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.NativeHandle
import xyz.offblocks.internal.offblocks_client_free
import xyz.offblocks.internal.offblocks_client_key_id
import xyz.offblocks.internal.offblocks_client_new_with_observer
import xyz.offblocks.internal.offblocks_client_new_with_request_signer
import xyz.offblocks.internal.offblocks_config_defaults
import xyz.offblocks.internal.offblocks_client_set_key_id
import xyz.offblocks.internal.offblocks_client_dry_run
import xyz.offblocks.internal.offblocks_client_onboard
import xyz.offblocks.internal.offblocks_onboarding_defaults

/**
 * A client of the OffBlocks API: every call signed (RFC 9421, `ecdsa-p384-sha384`) with a
 * `Content-Digest` (RFC 9530) and an `Idempotency-Key` that survives retries.
 *
 * Thread-safe: one client serves every thread (one connection pool, one token). Calls block
 * (network I/O, retries, polling): on Android, call them from a background dispatcher,
 * never the main thread. [close] waits for the calls in progress, then frees the native
 * client; a client never closed is freed when garbage collected.
 *
 * [observer], when given, is told about every attempt of every call ([Attempt]: method,
 * path, attempt number, status or transport error, duration, request id, Idempotency-Key;
 * never a token or a body), after the attempt, on the thread making the call: possibly on
 * several threads at once, so it must be thread-safe, and quick. What it throws is
 * dropped: an observer cannot fail or change a call.
 *
 * ```
 * OffblocksClient(ClientConfig(baseUrl = url, apiKey = key, apiSecret = secret,
 *                              generateSigningKey = true)).use { client ->
 *     client.auth.registerSigningKey()
 *     Wallet.random().use { wallet ->
 *         val done = client.onboard(OnboardingRequest("user-42"), wallet) { p -> println("${p.step} ${p.status}") }
 *         println(done.account.status)   // active
 *     }
 * }
 * ```
 *
 * @throws OffblocksException.Config for missing or contradictory settings.
 * @throws OffblocksException.InvalidKey for a PEM that is not a P-384 private key.
 */
class OffblocksClient @JvmOverloads constructor(
    config: ClientConfig,
    observer: Observer? = null,
) : AutoCloseable {
    private val handle: NativeHandle
    /** The callbacks of every request signer this client was given (at construction or by
     * a rotation): the library may call them until the client is freed. */
    internal val signers: MutableList<Any> = java.util.Collections.synchronizedList(ArrayList())

    init {
        val arg = Ffi.cString(Json.write(config.toJson()), "config")
        // The library calls it until the client is freed: the handle keeps it until then.
        val callback = observer?.let { observerCallback(it::onAttempt) }
        try {
            val external = config.requestSigner?.let { signer ->
                val pem = config.signingPublicKeyPem
                    ?: throw OffblocksException.Config("a requestSigner needs its signingPublicKeyPem")
                NativeRequestSigner(pem, signer)
            }
            val pointer = try {
                if (external == null) {
                    Ffi.handle("offblocks_client_new_with_observer") { offblocks_client_new_with_observer(arg, callback, null, it) }
                } else {
                    external.use { s ->
                        Ffi.handle("offblocks_client_new_with_request_signer") { offblocks_client_new_with_request_signer(arg, s, callback, null, it) }
                    }
                }
            } catch (e: OffblocksException.InvalidInput) {
                // Configuration that does not fit the library's JSON shape is a configuration error.
                throw OffblocksException.Config(e.message ?: "invalid configuration", e.rawCode, e.detail)
            }
            external?.let { signers.add(it.callback) }
            handle = NativeHandle(this, pointer, "client", { p -> offblocks_client_free(p) }, keepAlive = Pair(callback, signers))
        } finally {
            arg.fill(0) // it held the secret and the key
        }
    }

    /** `/customers`. */
    val customers = Customers(this)
    /** `/customers/{id}/accounts`, `/accounts`. */
    val accounts = Accounts(this)
    /** `/webhooks`. */
    val webhooks = Webhooks(this)
    /** `/auth`: tokens, credentials and the request-signing key. */
    val auth = Auth(this)
    /** Sandbox only: `/simulator`. */
    val simulator = Simulator(this)

    internal fun call(block: (Pointer) -> Int) = rethrowingSignerErrors { handle.use { h -> Ffi.call { block(h) } } }

    internal fun <T> withHandle(block: (Pointer) -> T): T = handle.use(block)

    internal fun string(block: (Pointer, com.sun.jna.ptr.PointerByReference) -> Int): String =
        rethrowingSignerErrors { handle.use { h -> Ffi.string { block(h, it) } } }

    /**
     * Runs [block] with a native signer for [signer]; what a Kotlin signer threw comes back
     * out of here (as [OffblocksException.Signer] with it as the cause).
     */
    internal fun <T> withSigner(signer: Signer, block: (client: Pointer, signer: Pointer) -> T): T {
        val native = NativeSigner(signer)
        try {
            val result = try {
                rethrowingSignerErrors { handle.use { h -> native.use { s -> block(h, s) } } }
            } catch (e: OffblocksException) {
                native.rethrow(e)
                throw e
            }
            native.rethrow(null)
            return result
        } finally {
            native.close()
        }
    }

    /** The id of the key the client signs with, or null before one is registered. Set it to
     * use a key registered earlier (null forgets it). */
    var keyId: String?
        get() = handle.use { h -> Ffi.optString { offblocks_client_key_id(h, it) } }
        set(value) {
            val arg = Ffi.optCString(value, "key id")
            call { offblocks_client_set_key_id(it, arg) }
        }

    /**
     * Shows, without sending anything, exactly what a request would carry: its headers
     * (signature, digest, token…) and the RFC 9421 signature base. [body] is JSON text;
     * [token] the bearer token to show (by default the client's, fetched if needed).
     * The result holds the token: treat it as a secret.
     */
    @JvmOverloads
    fun dryRun(method: String, path: String, body: String? = null, idempotencyKey: String? = null, token: String? = null): DryRun {
        val m = Ffi.cString(method, "method")
        val p = Ffi.cString(path, "path")
        val b = Ffi.optCString(body, "body")
        val k = Ffi.optCString(idempotencyKey, "idempotency key")
        val t = Ffi.optCString(token, "token")
        return DryRun.from(JsonObject.parse(string { h, out -> offblocks_client_dry_run(h, m, p, b, k, t, out) }, "dry run"))
    }

    /**
     * Runs the whole onboarding flow with [signer] as the customer's wallet: creates the
     * customer (or picks it up if it exists), checks and signs its challenge, has the
     * sandbox verify it, waits until it is `active`, opens the account (or picks up an open
     * one), signs its challenge, and waits until the account is `active`. Every step is
     * resumable: calling again with the same request and signer after a crash or a stop
     * continues where the flow stopped, creating nothing twice.
     *
     * [progress] is called on this thread after each step, and at each poll while the flow
     * waits. To stop the flow, it throws a `CancellationException` (Kotlin's, which is
     * `java.util.concurrent.CancellationException`; `job.ensureActive()` throws one in a
     * cancelled coroutine): the flow stops there and the call throws
     * [OffblocksException.Cancelled] with it as cause. Anything else it throws stops the flow
     * too, and the call throws [OffblocksException.Callback] with it as cause (an [Error] is
     * rethrown as is).
     *
     * ```
     * client.onboard(request, signer) { p ->
     *     if (userLeftTheScreen) throw CancellationException("user left")
     *     show(p.step)
     * }
     * ```
     *
     * @throws OffblocksException.Cancelled when [progress] asked to stop.
     * @throws OffblocksException.Signer when the signer fails (a Kotlin signer's exception as cause).
     * @throws OffblocksException.Timeout when statuses do not change in time.
     * @throws OffblocksException.State for a rejected customer, a failed or closed account.
     */
    @JvmOverloads
    fun onboard(request: OnboardingRequest, signer: Signer, progress: ProgressListener? = null): Onboarded =
        Onboarded.from(runOnboarding(request.toJson(), signer, progress, "onboarded"))

    /**
     * As [onboard], but instead of polling while OffBlocks has the next move (KYC, the
     * account's deployment), returns [Onboarding.Waiting] at once; [Onboarding.Done] when
     * the customer and the account are `active`. Call again with the same request and
     * signer to continue (after a webhook, a timer, a restart): nothing is created twice.
     */
    @JvmOverloads
    fun onboardOrWait(request: OnboardingRequest, signer: Signer, progress: ProgressListener? = null): Onboarding =
        Onboarding.from(runOnboarding(request.toJson() + ("wait" to "returnWhenWaiting"), signer, progress, "onboarding"))

    private fun runOnboarding(request: Map<String, Any?>, signer: Signer, progress: ProgressListener?, what: String): JsonObject {
        val requestArg = Ffi.cString(Json.write(request), "request")
        val callback = progress?.let { NativeProgress(it::onProgress) }
        val outcome = runCatching {
            withSigner(signer) { h, s -> Ffi.string { offblocks_client_onboard(h, requestArg, s, callback?.native, null, it) } }
        }
        callback?.rethrow(outcome.exceptionOrNull())
        return JsonObject.parse(outcome.getOrThrow(), what)
    }

    /** As [onboard], for the customer [externalId] on CAIP-2 [chain] with the defaults of
     * [OnboardingRequest]. */
    @JvmOverloads
    fun onboard(externalId: String, signer: Signer, chain: String = "eip155:300", progress: ProgressListener? = null): Onboarded =
        onboard(OnboardingRequest(externalId, chain), signer, progress)

    companion object {
        /**
         * Every setting of the library's JSON configuration with its default, by JSON name
         * (`"timeoutMs"` to 30000, `"proxy"` to null…): what a null in [ClientConfig]
         * means. The identity keys and `baseUrl` are not listed.
         */
        @JvmStatic
        fun configDefaults(): Map<String, Any?> =
            JsonObject.parse(Ffi.string { offblocks_config_defaults(it) }, "config defaults").map

        /**
         * Every optional key of the onboarding request with the library's default, by JSON
         * name (`"timeoutMs"`, `"account"`…): what a null in [OnboardingRequest] means.
         */
        @JvmStatic
        fun onboardingDefaults(): Map<String, Any?> =
            JsonObject.parse(Ffi.string { offblocks_onboarding_defaults(it) }, "onboarding defaults").map
    }

    /** Releases the client, after the calls in progress on other threads return. Calls made
     * after it throw [IllegalStateException]. Closing twice is harmless. */
    override fun close() = handle.close()

    val isClosed: Boolean get() = handle.isClosed

    override fun toString(): String = "OffblocksClient(${if (isClosed) "closed" else "open"})"
}
