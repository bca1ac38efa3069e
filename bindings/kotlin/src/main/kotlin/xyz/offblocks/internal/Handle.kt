package xyz.offblocks.internal

import com.sun.jna.Pointer
import java.lang.ref.Cleaner
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.locks.ReentrantReadWriteLock

/**
 * A handle of the library (`offblocks_client *`, `offblocks_wallet *`…) with its `_free`
 * function, freed exactly once: by [close], or by the [Cleaner] when its owner becomes
 * unreachable without being closed (the safety net; closing is the rule).
 *
 * Each use runs under the read side of a lock ([use]), so many threads may use the handle
 * at once, while [close] takes the write side: `_free` never overlaps a call on the handle
 * (the header forbids it), it waits for the calls in progress. Uses after close throw
 * [IllegalStateException].
 */
internal class NativeHandle(owner: Any, pointer: Pointer, private val what: String, free: (Pointer) -> Unit) {
    private val lock = ReentrantReadWriteLock()
    @Volatile private var closed = false
    private val pointer: Pointer = pointer
    private val cleanable: Cleaner.Cleanable = CLEANER.register(owner, Release(pointer, what, free))

    init {
        live.incrementAndGet()
    }

    val isClosed: Boolean get() = closed

    inline fun <T> use(block: (Pointer) -> T): T {
        val read = lock.readLock()
        read.lock()
        try {
            check(!closed) { "the $what is closed" }
            return block(pointer)
        } finally {
            read.unlock()
        }
    }

    fun close() {
        check(lock.readHoldCount == 0) { "the $what cannot be closed from inside a call on it (a callback)" }
        val write = lock.writeLock()
        write.lock()
        try {
            if (closed) return
            closed = true
        } finally {
            write.unlock()
        }
        cleanable.clean()
    }

    override fun toString(): String = "NativeHandle($what, ${if (closed) "closed" else "open"})"

    /** The release action. It must not reference the owner, or the owner never becomes
     * unreachable. */
    private class Release(val pointer: Pointer, val what: String, val free: (Pointer) -> Unit) : Runnable {
        private val done = AtomicBoolean(false)

        override fun run() {
            if (!done.compareAndSet(false, true)) return
            free(pointer)
            freed.incrementAndGet()
            live.decrementAndGet()
        }
    }

    companion object {
        private val CLEANER: Cleaner = Cleaner.create()

        /** Handles made and not freed yet, of every kind (for tests and leak hunting). */
        val live = AtomicLong()

        /** Handles freed so far. */
        val freed = AtomicLong()
    }
}
