package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.ObserverFn
import xyz.offblocks.internal.ProgressFn
import java.time.Duration
import kotlin.coroutines.cancellation.CancellationException

/**
 * Onboarding's progress callback ([OffblocksClient.onboard]): told after each step and at
 * each poll, on the thread of the call. A Kotlin lambda or a Java lambda
 * (`p -> log.info(p.getStep())`) fits it.
 */
fun interface ProgressListener {
    fun onProgress(progress: Progress)
}

/**
 * A client's observer ([OffblocksClient]'s constructor): told about every attempt of every
 * call, on the thread making it, possibly on several threads at once. A Kotlin or Java
 * lambda fits it.
 */
fun interface Observer {
    fun onAttempt(attempt: Attempt)
}

// Kotlin lambdas the library calls back (the signer's trampoline is NativeSigner, in
// Signer.kt). Nothing may unwind into the library: each trampoline catches everything.

/**
 * Onboarding's progress callback for one `offblocks_client_onboard` call, on the calling thread.
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

/**
 * The JNA callback of a client's [observer]. The library calls it on whichever thread makes
 * a call, possibly several at once. What the observer throws is dropped: an observer only
 * watches, it cannot fail or change a call.
 */
internal fun observerCallback(observer: (Attempt) -> Unit): ObserverFn = ObserverFn { _, json ->
    try {
        observer(Attempt.from(JsonObject.parse(Ffi.borrowed(json).orEmpty(), "attempt")))
    } catch (t: Throwable) {
        // Dropped on purpose (see above); an Error here is the observer's, not the call's.
    }
}
