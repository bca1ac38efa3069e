package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.ProgressFn
import java.time.Duration
import kotlin.coroutines.cancellation.CancellationException

// Kotlin lambdas the library calls back (the signer's trampoline is NativeSigner, in
// Wallet.kt). Nothing may unwind into the library: each trampoline catches everything.

/**
 * Onboarding's progress callback for one `offblocks_onboard` call, on the calling thread.
 * What [report] throws is kept and the trampoline answers "stop", so the flow stops at that
 * step (`OFFBLOCKS_CANCELLED`); [rethrow] then throws it from the call, as the exception
 * [OffblocksClient.onboard] documents.
 */
internal class NativeProgress(private val report: (Progress) -> Unit) {
    private var thrown: Throwable? = null

    /** The JNA callback: an argument of the native call, so the JVM keeps it alive during it. */
    val native = ProgressFn { _, step, status, elapsedMs, message ->
        try {
            report(
                Progress(
                    Ffi.borrowed(step).orEmpty(), Ffi.borrowed(status).orEmpty(),
                    Duration.ofMillis(elapsedMs), Ffi.borrowed(message).orEmpty(),
                ),
            )
            0
        } catch (t: Throwable) {
            thrown = t
            1
        }
    }

    /**
     * Throws what the call should throw when [report] threw, given how the flow ended
     * ([failure], normally the library's [OffblocksException.Cancelled]); returns when it
     * did not throw.
     */
    fun rethrow(failure: Throwable?) {
        val t = thrown ?: return
        if (t is Error) throw t
        if (failure != null && failure !is OffblocksException.Cancelled) {
            // The flow failed on its own first; the callback's exception rides along.
            failure.addSuppressed(t)
            throw failure
        }
        // Here the failure is the library's Cancelled (the stop the trampoline answered).
        val code = failure?.rawCode ?: ResultCode.CANCELLED.value
        val detail = failure?.detail ?: OffblocksException.Detail.NONE
        val where = failure?.message ?: "onboarding cancelled"
        if (t is CancellationException) throw OffblocksException.Cancelled(where, code, detail, t)
        throw OffblocksException.Callback("the progress callback threw ${t.javaClass.simpleName}: ${t.message} ($where)", t, code, detail)
    }
}
