package xyz.offblocks.internal

import com.sun.jna.Pointer
import java.lang.ref.Cleaner
import java.lang.ref.PhantomReference
import java.lang.ref.ReferenceQueue
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.locks.ReentrantReadWriteLock

/**
 * A handle of the library (`offblocks_client *`, `offblocks_wallet *`…) with its `_free`
 * function, freed exactly once: by [close], or by a [java.lang.ref.Cleaner] when its owner
 * becomes unreachable without being closed (the safety net; closing is the rule). Android
 * before API 33 has no Cleaner: there [Reaper] does the same with phantom references.
 *
 * Each use runs under the read side of a lock ([use]), so many threads may use the handle
 * at once, while `_free` runs under the write side, whether [close] or the Cleaner calls
 * it: it never overlaps a call on the handle (the header forbids it), it waits for the
 * calls in progress (the JIT may find the owner unreachable while one of its calls still
 * runs). Uses after close throw [IllegalStateException].
 *
 * [keepAlive] (a JNA callback the library holds, such as a client's observer) stays
 * strongly reachable until `_free` has returned: JNA frees a callback's native stub when
 * the callback object is collected.
 */
internal class NativeHandle(
    owner: Any,
    pointer: Pointer,
    private val what: String,
    free: (Pointer) -> Unit,
    keepAlive: Any? = null,
) {
    private val lock = ReentrantReadWriteLock()
    @Volatile private var closed = false
    private val pointer: Pointer = pointer
    private val cleanable: Runnable = Reaper.register(owner, Release(pointer, free, lock, keepAlive))

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
        cleanable.run()
    }

    override fun toString(): String = "NativeHandle($what, ${if (closed) "closed" else "open"})"

    /** The release action. It must not reference the owner, or the owner never becomes
     * unreachable. */
    private class Release(
        val pointer: Pointer,
        val free: (Pointer) -> Unit,
        val lock: ReentrantReadWriteLock,
        @Volatile var keepAlive: Any?,
    ) : Runnable {
        private val done = AtomicBoolean(false)

        override fun run() {
            if (!done.compareAndSet(false, true)) return
            val write = lock.writeLock()
            write.lock()
            try {
                free(pointer)
                keepAlive = null
            } finally {
                write.unlock()
            }
            freed.incrementAndGet()
            live.decrementAndGet()
        }
    }

    companion object {
        /** Handles made and not freed yet, of every kind (for tests and leak hunting). */
        val live = AtomicLong()

        /** Handles freed so far. */
        val freed = AtomicLong()
    }
}

/**
 * Runs an action once its owner is unreachable, or when the returned handle is run (at most
 * once either way): `java.lang.ref.Cleaner` where the platform has it, else a daemon thread
 * draining phantom references (Android before API 33).
 */
internal class Reaper(useCleaner: Boolean = true) {
    private val cleaner: Cleaner? = if (!useCleaner) null else try {
        Cleaner.create()
    } catch (e: LinkageError) {
        null
    }

    private val queue = ReferenceQueue<Any>()
    private val pending: MutableSet<Phantom> = java.util.Collections.newSetFromMap(java.util.concurrent.ConcurrentHashMap())

    private inner class Phantom(owner: Any, val action: Runnable) : PhantomReference<Any>(owner, queue), Runnable {
        private val done = AtomicBoolean(false)
        override fun run() {
            if (!done.compareAndSet(false, true)) return
            pending.remove(this)
            clear()
            action.run()
        }
    }

    init {
        if (cleaner == null) {
            Thread({
                while (true) {
                    try {
                        (queue.remove() as? Runnable)?.run()
                    } catch (e: InterruptedException) {
                        return@Thread
                    } catch (t: Throwable) {
                        // A failing release must not stop the others.
                    }
                }
            }, "offblocks-reaper").apply { isDaemon = true; start() }
        }
    }

    /** Whether this reaper uses java.lang.ref.Cleaner (else phantom references). */
    val usesCleaner: Boolean get() = cleaner != null

    /** Registers [action] for [owner]; running the returned Runnable releases now. */
    fun register(owner: Any, action: Runnable): Runnable {
        cleaner?.let { c ->
            val cleanable = c.register(owner, action)
            return Runnable { cleanable.clean() }
        }
        return Phantom(owner, action).also { pending.add(it) }
    }

    companion object {
        /** The one every handle uses. */
        val shared = Reaper()

        fun register(owner: Any, action: Runnable): Runnable = shared.register(owner, action)
    }
}
