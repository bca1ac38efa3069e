package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.condition.EnabledOnOs
import org.junit.jupiter.api.condition.OS
import com.sun.jna.Library
import com.sun.jna.Native
import com.sun.jna.Structure
import xyz.offblocks.TestEnv.CHAIN
import xyz.offblocks.internal.SizeT
import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.NativeHandle
import xyz.offblocks.internal.Reaper
import xyz.offblocks.internal.offblocks_wallet_free
import xyz.offblocks.internal.offblocks_wallet_new_random
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.cancellation.CancellationException
import java.io.File

/**
 * No leak across the boundary: every handle freed exactly once (closed, or by the Cleaner),
 * and native memory (glibc's own accounting) bounded over many calls that return library-owned strings, make and
 * free handles, fail, and run callbacks (signer, progress, observer).
 */
class MemoryTest {
    /** glibc's `struct mallinfo2`: the allocator's own accounting, across all arenas. The
     * Rust library allocates with the system allocator, so its strings, handles and error
     * details all show up in `uordblks` (small blocks in use) + `hblkhd` (mmapped blocks). */
    @Structure.FieldOrder("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")
    class MallInfo2 : Structure(), Structure.ByValue {
        @JvmField var arena = SizeT(); @JvmField var ordblks = SizeT(); @JvmField var smblks = SizeT()
        @JvmField var hblks = SizeT(); @JvmField var hblkhd = SizeT(); @JvmField var usmblks = SizeT()
        @JvmField var fsmblks = SizeT(); @JvmField var uordblks = SizeT(); @JvmField var fordblks = SizeT()
        @JvmField var keepcost = SizeT()
    }

    interface LibC : Library {
        fun mallinfo2(): MallInfo2
    }

    /** Runs [round] in batches until the JIT has compiled nothing during a whole batch (at
     * most [maxBatches]): the JVM mallocs for the code it compiles, and on a busy machine
     * its compiler threads lag, which would otherwise show up as growth. */
    private fun settle(batch: Int, maxBatches: Int = 12, round: (Int) -> Unit) {
        val jit = java.lang.management.ManagementFactory.getCompilationMXBean()
        var n = 0
        repeat(maxBatches) {
            val before = jit.totalCompilationTime
            repeat(batch) { round(n++) }
            if (jit.totalCompilationTime == before) return
        }
    }

    /**
     * The native heap's growth over two consecutive windows of [rounds] rounds each, the
     * smaller of the two. A leak grows the heap in every window; the JVM's own one-off
     * swings (its compiler, JNA's deferred frees of collected objects) do not repeat.
     */
    private fun steadyGrowth(rounds: Int, what: String, round: (Int) -> Unit): Long {
        val m0 = nativeInUse()
        repeat(rounds) { round(it) }
        val m1 = nativeInUse()
        repeat(rounds) { round(rounds + it) }
        val m2 = nativeInUse()
        println("native memory in use grew by ${(m1 - m0) / 1024} KiB, then ${(m2 - m1) / 1024} KiB, over two windows of $rounds $what" +
            if (libc == null) " (RSS)" else "")
        return minOf(m1 - m0, m2 - m1)
    }

    private val libc: LibC? = runCatching { Native.load("c", LibC::class.java).also { it.mallinfo2() } }.getOrNull()

    /** Native heap bytes in use (glibc), else resident memory; the Java heap is fixed and
     * pre-touched by the pom's argLine, so it does not grow into either. */
    private fun nativeInUse(): Long {
        repeat(3) { System.gc() }
        libc?.mallinfo2()?.let { return it.uordblks.toLong() + it.hblkhd.toLong() }
        val pages = File("/proc/self/statm").readText().trim().split(" ")[1].toLong()
        return pages * 4096
    }

    private fun newWalletPointer() = Ffi.handle("offblocks_wallet_new_random") { offblocks_wallet_new_random(it) }

    @Test
    fun `a handle is freed exactly once, however often it is closed`() {
        val frees = AtomicInteger()
        val owner = Any()
        val handle = NativeHandle(owner, newWalletPointer(), "wallet", free = { frees.incrementAndGet(); offblocks_wallet_free(it) })
        handle.close()
        handle.close()
        assertEquals(1, frees.get())
        assertThrows<IllegalStateException> { handle.use { } }
    }

    @Test
    fun `a forgotten handle is freed once by the cleaner`() {
        val frees = AtomicInteger()
        fun forget() {
            NativeHandle(Any(), newWalletPointer(), "wallet", free = { frees.incrementAndGet(); offblocks_wallet_free(it) })
        }
        repeat(20) { forget() }
        var rounds = 0
        while (frees.get() < 20 && rounds++ < 500) {
            System.gc()
            Thread.sleep(10) // lets the Cleaner's thread run; bounded by rounds, nothing timed
        }
        assertEquals(20, frees.get())
        // And wallets dropped without close go the same way (counted across every kind).
        val freed = NativeHandle.freed.get()
        repeat(50) { Wallet.random().address }
        rounds = 0
        while (NativeHandle.freed.get() < freed + 50 && rounds++ < 500) {
            System.gc()
            Thread.sleep(10)
        }
        assertTrue(NativeHandle.freed.get() >= freed + 50)
    }

    @Test
    fun `without Cleaner (Android before API 33), phantom references free forgotten owners once`() {
        val reaper = Reaper(useCleaner = false)
        assertFalse(reaper.usesCleaner)
        val runs = AtomicInteger()
        val kept = Any()
        val release = reaper.register(kept, Runnable { runs.incrementAndGet() })
        release.run()
        release.run()
        assertEquals(1, runs.get()) // an explicit release runs once
        fun forget() { reaper.register(Any(), Runnable { runs.incrementAndGet() }) }
        repeat(10) { forget() }
        var rounds = 0
        while (runs.get() < 11 && rounds++ < 500) {
            System.gc()
            Thread.sleep(10) // lets the reaper thread run; bounded by rounds, nothing timed
        }
        assertEquals(11, runs.get())
        assertTrue(Reaper.shared.usesCleaner) // on this JVM, handles use java.lang.ref.Cleaner
        java.lang.ref.Reference.reachabilityFence(kept)
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    fun `cheap calls do not leak`() {
        val client = Shared.client
        Wallet.random().use { wallet ->
            val customer = client.customers.create(wallet.accountId(CHAIN), TestEnv.externalId("memory"))
            val text = Challenge(customer.challenge!!).text
            val sig = wallet.signPersonal("x".toByteArray())
            fun round(i: Int) {
                assertTrue(wallet.accountId(CHAIN).isNotEmpty())
                assertEquals(65, wallet.signPersonal("message $i".toByteArray()).size)
                assertEquals(wallet.address, Signatures.recover("x".toByteArray(), sig))
                assertTrue(client.dryRun("POST", "/customers", """{"i":$i}""", token = "t").url.isNotEmpty())
                assertTrue(Siwe.parse(text).nonce.isNotEmpty())
                assertEquals(300L, ChainId.parse(CHAIN).eip155Chain)
                Wallet.random().use { assertTrue(it.address.isNotEmpty()) } // a handle made and freed
                assertThrows<OffblocksException.InvalidKey> { Wallet.fromHex("zz") } // last-error strings replaced
                assertEquals("e", Offblocks.parseWebhookEvent("""{"eventId":"e","webhookType":"x.y","updatedAt":"2024-01-01T00:00:00Z"}""").eventId)
                assertTrue(client.keyId!!.isNotEmpty())
            }
            val live = NativeHandle.live.get()
            settle(500) { round(it) } // warm-up: JIT, caches, allocator arenas
            val grown = steadyGrowth(3_000, "rounds (10 calls each)") { round(it) }
            // A string leaked per call shows as ~11 MB per window (checked by making take() skip
            // offblocks_string_free); the bound is 2 MB.
            assertTrue(grown < 2 * 1024 * 1024, "native memory grew by $grown bytes")
            assertTrue(NativeHandle.live.get() <= live)
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    fun `network calls and callbacks do not leak`() {
        val attempts = AtomicInteger()
        OffblocksClient(Shared.sandbox.config()) { attempts.incrementAndGet() }.use { client ->
            client.auth.registerSigningKey()
            Wallet.random().use { wallet -> Wallet.random().use { other -> networkRounds(client, wallet, other) } }
        }
        assertTrue(attempts.get() > 2_000, "the observer saw ${attempts.get()} attempts")
    }

    /** Calls, failures, a declining signer and a cancelled onboarding, on a client with an
     * observer: every callback of the library, each round's strings and errors. */
    private fun networkRounds(client: OffblocksClient, wallet: Wallet, onboarded: Wallet) {
        val customer = client.customers.create(wallet.accountId(CHAIN), TestEnv.externalId("memory-net"))
        val declining = RecordingSigner(wallet) { throw SecurityException("user declined") }
        val onboarding = OnboardingRequest(TestEnv.externalId("memory-cancel"))
        fun round(i: Int) {
            assertEquals(customer.id, client.customers.get(customer.id).id)
            assertTrue(assertThrows<OffblocksException.NotFound> { client.customers.get("missing") }.body!!.isNotEmpty())
            if (i % 10 == 0) {
                val e = assertThrows<OffblocksException.Signer> { client.customers.signChallenge(customer, declining) }
                assertTrue(e.cause is SecurityException)
            }
            if (i % 10 == 5) {
                assertThrows<OffblocksException.Cancelled> { client.onboard(onboarding, onboarded) { throw CancellationException("stop") } }
            }
        }
        val live = NativeHandle.live.get()
        settle(150) { round(it) }
        val grown = steadyGrowth(1_000, "network rounds") { round(it) }
        assertTrue(grown < 2 * 1024 * 1024, "native memory grew by $grown bytes")
        assertTrue(NativeHandle.live.get() <= live)
    }
}
