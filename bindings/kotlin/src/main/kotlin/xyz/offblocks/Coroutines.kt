package xyz.offblocks

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.job
import kotlinx.coroutines.withContext
import kotlin.coroutines.cancellation.CancellationException

// Suspending forms of the client's blocking calls, for coroutines. Each runs the blocking
// call on `dispatcher` (Dispatchers.IO unless told otherwise), never on the caller's thread,
// so it is safe to call from Android's main dispatcher.

/**
 * [OffblocksClient.onboard], suspending: the flow runs on [dispatcher], and cancelling the
 * calling coroutine stops it at its next step or poll (the progress callback answers
 * "stop"), after which this throws the coroutine's `CancellationException`. What was done
 * stays done: onboarding again with the same request and signer resumes, creating nothing
 * twice.
 *
 * ```
 * val job = scope.launch { val done = client.onboardSuspending(request, wallet) { p -> show(p.step) } }
 * job.cancel()   // the flow stops at its next step or poll
 * ```
 *
 * [progress] is called as for [OffblocksClient.onboard], on the dispatcher's thread. The
 * exceptions are those of [OffblocksClient.onboard], but a cancelled coroutine gets its
 * `CancellationException` rather than [OffblocksException.Cancelled].
 */
suspend fun OffblocksClient.onboardSuspending(
    request: OnboardingRequest,
    signer: Signer,
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
    progress: ProgressListener? = null,
): Onboarded = withContext(dispatcher) {
    val context = coroutineContext
    try {
        onboard(request, signer) { p ->
            // Throwing a CancellationException here is how the flow is told to stop.
            context.ensureActive()
            progress?.onProgress(p)
        }
    } catch (e: OffblocksException.Cancelled) {
        val cause = e.cause
        if (cause is CancellationException && !context.job.isActive) throw cause
        throw e
    }
}

/**
 * Any blocking call of the client, suspending: `client.suspending { it.customers.get(id) }`
 * runs [call] on [dispatcher]. A call other than onboarding cannot be stopped halfway: when
 * the coroutine is cancelled meanwhile, the call finishes (its retries bounded by the
 * client's call deadline) and then this throws the `CancellationException`.
 */
suspend fun <T> OffblocksClient.suspending(
    dispatcher: CoroutineDispatcher = Dispatchers.IO,
    call: (OffblocksClient) -> T,
): T = withContext(dispatcher) { call(this@suspending) }
