package xyz.offblocks.bench

import xyz.offblocks.AccountStatus
import xyz.offblocks.ClientConfig
import xyz.offblocks.OffblocksClient
import xyz.offblocks.OnboardingRequest
import xyz.offblocks.Wallet
import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.offblocks_client_onboard
import xyz.offblocks.internal.offblocks_signer_free
import java.io.File
import java.time.Duration
import java.util.Locale
import java.util.UUID
import kotlin.math.roundToInt
import kotlin.system.exitProcess

/**
 * The whole onboarding flow's latency from Kotlin, through JNA and the shared library,
 * against a running server (bench.sh starts the emulator and sets the variables): the same
 * flow, settings and statistics as benches/onboarding.rs and bindings/c/bench_onboarding.c.
 *
 *   OFFBLOCKS_BASE_URL=… OFFBLOCKS_API_KEY=… OFFBLOCKS_API_SECRET=… \
 *     mvn -q -B test-compile exec:exec@bench -Dbench.runs=40 [-Dbench.json=FILE]
 *
 * The client's token and signing key are in place before the clock starts; each flow makes
 * a fresh wallet (outside the timed region) and polls without sleeping. The JVM warms up
 * (JIT) on flows that are not counted. Prints the median and 90th percentile (nearest rank);
 * appends a JSON line to the file given as second argument, if any. Each flow through the
 * Kotlin face alternates with the same flow made straight through the C ABI from this JVM,
 * which shows what the face itself adds, free of the machine's drift between processes.
 * Not a test: nothing here asserts a timing.
 */
object OnboardingBench {
    @JvmStatic
    fun main(args: Array<String>) {
        val runs = args.getOrNull(0)?.toIntOrNull() ?: 40
        val json = args.getOrNull(1)?.takeIf { it.isNotBlank() }
        val warmups = System.getenv("OFFBLOCKS_BENCH_WARMUPS")?.toIntOrNull() ?: 20
        val config = ClientConfig.fromEnvironment()
        if (config.baseUrl == null || config.apiKey == null || runs < 1) {
            System.err.println("usage: OFFBLOCKS_BASE_URL=… OFFBLOCKS_API_KEY=… OFFBLOCKS_API_SECRET=… OnboardingBench [RUNS] [JSON]")
            exitProcess(2)
        }
        OffblocksClient(config).use { client ->
            client.auth.registerSigningKey()
            client.auth.token()
            val tag = UUID.randomUUID().toString().take(8)
            fun flow(i: Int): Double {
                Wallet.random().use { wallet ->
                    val request = OnboardingRequest("kt-$tag-$i", pollInterval = Duration.ZERO)
                    val start = System.nanoTime()
                    val done = client.onboard(request, wallet)
                    val ms = (System.nanoTime() - start) / 1e6
                    check(done.account.status == AccountStatus.Active) { "onboarding ended with ${done.account.status}" }
                    return ms
                }
            }
            // The same flow straight through the C ABI (`offblocks_client_onboard`, i.e. Rust's
            // Client::onboard behind the FFI layer), from this JVM, without the Kotlin face:
            // JSON in, one call, JSON out. Interleaved flow by flow with the Kotlin face, so
            // both see the same machine; their ratio is what the face adds.
            fun rawFlow(i: Int): Double {
                Wallet.random().use { wallet ->
                    val request = Ffi.cString("{\"externalId\":\"raw-$tag-$i\",\"chain\":\"eip155:300\",\"pollIntervalMs\":0}", "request")
                    val signer = wallet.newNativeSigner()
                    try {
                        val start = System.nanoTime()
                        val result = client.string { h, out -> offblocks_client_onboard(h, request, signer, null, null, out) }
                        val ms = (System.nanoTime() - start) / 1e6
                        check("\"active\"" in result) { "onboarding ended without an active account" }
                        return ms
                    } finally {
                        offblocks_signer_free(signer)
                    }
                }
            }
            repeat(warmups) { flow(-1 - it); rawFlow(-1 - it) }
            val face = DoubleArray(runs)
            val raw = DoubleArray(runs)
            for (i in 0 until runs) {
                // Alternate which goes first.
                if (i % 2 == 0) { face[i] = flow(i); raw[i] = rawFlow(i) } else { raw[i] = rawFlow(i); face[i] = flow(i) }
            }
            fun quantile(values: DoubleArray, q: Double): Double = values.sorted()[((values.size - 1) * q).roundToInt()]
            val median = quantile(face, 0.5)
            val p90 = quantile(face, 0.9)
            val rawMedian = quantile(raw, 0.5)
            val pairRatio = quantile(DoubleArray(runs) { face[it] / raw[it] }, 0.5)
            println("kotlin onboarding: median %.2f ms, p90 %.2f ms over %d flows".format(Locale.ROOT, median, p90, runs))
            println(
                "kotlin face / C ABI from the same JVM, interleaved: median %.2f vs %.2f ms, median pair ratio %.3fx"
                    .format(Locale.ROOT, median, rawMedian, pairRatio),
            )
            json?.let {
                File(it).appendText(
                    ("{\"bench\":\"onboarding\",\"lang\":\"kotlin\",\"runs\":$runs,\"median_ms\":%.4f,\"p90_ms\":%.4f," +
                        "\"c_abi_same_jvm_median_ms\":%.4f,\"face_over_c_abi_pair_ratio\":%.4f}\n").format(Locale.ROOT, median, p90, rawMedian, pairRatio),
                )
            }
        }
    }
}
