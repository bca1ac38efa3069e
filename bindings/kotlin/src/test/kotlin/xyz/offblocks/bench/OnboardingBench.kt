package xyz.offblocks.bench

import xyz.offblocks.AccountStatus
import xyz.offblocks.ClientConfig
import xyz.offblocks.OffblocksClient
import xyz.offblocks.OnboardingRequest
import xyz.offblocks.Wallet
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
 * appends a JSON line to the file given as second argument, if any. Not a test: nothing
 * here asserts a timing.
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
            repeat(warmups) { flow(-1 - it) }
            val samples = DoubleArray(runs) { flow(it) }.sorted()
            fun quantile(q: Double) = samples[((samples.size - 1) * q).roundToInt()]
            val median = quantile(0.5)
            val p90 = quantile(0.9)
            println("kotlin onboarding: median %.2f ms, p90 %.2f ms over %d flows".format(Locale.ROOT, median, p90, runs))
            json?.let {
                File(it).appendText(
                    "{\"bench\":\"onboarding\",\"lang\":\"kotlin\",\"runs\":$runs,\"median_ms\":%.4f,\"p90_ms\":%.4f}\n".format(Locale.ROOT, median, p90),
                )
            }
        }
    }
}
