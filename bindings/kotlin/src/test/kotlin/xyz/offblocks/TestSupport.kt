package xyz.offblocks

import xyz.offblocks.internal.Json
import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.UUID
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

/** Where the repository, the header and the emulator are (run-tests.sh / the pom set them). */
object TestEnv {
    val repo: File = File(System.getProperty("offblocks.repo") ?: "../..").canonicalFile
    val header: File = File(System.getenv("OFFBLOCKS_HEADER") ?: File(repo, "include/offblocks.h").path)
    val sandboxBinary: File = File(System.getProperty("offblocks.sandbox.bin") ?: File(repo, "target/release/offblocks-sandbox").path)
    const val CHAIN = "eip155:300"
    const val HARDHAT_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
    const val HARDHAT_ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"

    fun externalId(tag: String) = "kt-$tag-${UUID.randomUUID()}"
}

/**
 * A running `offblocks-sandbox` (started with `--port 0 --exit-on-stdin-close`, as
 * bindings/c/run-tests.sh does): it prints `OFFBLOCKS_BASE_URL=…`, `OFFBLOCKS_API_KEY=…` and
 * `OFFBLOCKS_API_SECRET=…`, and exits when its stdin closes (so also when this JVM dies).
 * Started with `--proxy`, it also runs a loopback CONNECT proxy at [proxyUrl].
 */
class LocalSandbox private constructor(private val process: Process, values: Map<String, String>) : AutoCloseable {
    val baseUrl: String = values.getValue("OFFBLOCKS_BASE_URL")
    val apiKey: String = values.getValue("OFFBLOCKS_API_KEY")
    val apiSecret: String = values.getValue("OFFBLOCKS_API_SECRET")
    /** `OFFBLOCKS_PROXY_URL` (`http://127.0.0.1:PORT`), with `--proxy` only. */
    val proxyUrl: String? = values["OFFBLOCKS_PROXY_URL"]
    /** `OFFBLOCKS_CA_FILE`: the emulator's throwaway CA, with `--tls` / `--tls-mode` only. */
    val caFile: String? = values["OFFBLOCKS_CA_FILE"]
    /** The public key (SPKI PEM) webhook deliveries are signed with, with
     * `--webhook-signing-key` only (`OFFBLOCKS_WEBHOOK_PUBLIC_KEY_FILE`). */
    val webhookPublicKeyPem: String? = values["OFFBLOCKS_WEBHOOK_PUBLIC_KEY_FILE"]?.let { File(it).readText() }
    private val root = baseUrl.removeSuffix("/v1")
    private val http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .apply { caFile?.let { sslContext(trusting(File(it))) } }.build()

    fun config(): ClientConfig =
        ClientConfig(baseUrl = baseUrl, apiKey = apiKey, apiSecret = apiSecret, generateSigningKey = true, caFile = caFile)

    /** A client with a fresh, registered signing key. */
    fun client(config: ClientConfig = config()): OffblocksClient =
        OffblocksClient(config).also { it.auth.registerSigningKey() }

    private fun send(method: String, url: String, body: Any? = null): Any? {
        val publisher = if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(Json.write(body))
        val request = HttpRequest.newBuilder(URI.create(url))
            .method(method, publisher).header("Content-Type", "application/json").build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "$method $url: ${response.statusCode()} ${response.body()}" }
        return response.body().takeIf { it.isNotBlank() }?.let(Json::parse)
    }

    private fun control(method: String, path: String, body: Any? = null): Any? = send(method, "$root/_sandbox/$path", body)

    /** Adds a fault rule (`kind`: `status`, `too_many_requests`, `drop_before_commit`…). */
    fun addFault(rule: Map<String, Any?>) = control("POST", "faults", rule)
    fun clearFaults() = control("DELETE", "faults")
    fun advanceClock(seconds: Long) = control("POST", "clock/advance", mapOf("seconds" to seconds))
    /** The emulator's request log. */
    @Suppress("UNCHECKED_CAST")
    fun requests(): List<Map<String, Any?>> = control("GET", "requests") as List<Map<String, Any?>>
    /** The emulator's customers and accounts (`{"customers": [..], "accounts": [..]}`). */
    @Suppress("UNCHECKED_CAST")
    fun state(): Map<String, List<Map<String, Any?>>> = control("GET", "state") as Map<String, List<Map<String, Any?>>>
    /** The tunnels the proxy opened, oldest first: `{"target", "proxyAuthorization"}`. */
    @Suppress("UNCHECKED_CAST")
    fun tunnels(): List<Map<String, Any?>> = send("GET", "${checkNotNull(proxyUrl) { "started without --proxy" }}/tunnels") as List<Map<String, Any?>>

    override fun close() {
        if (!process.isAlive) return
        process.outputStream.close()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor()
    }

    companion object {
        fun start(vararg args: String): LocalSandbox {
            val binary = TestEnv.sandboxBinary
            check(binary.canExecute()) {
                "no emulator binary at $binary: run `cargo build --release -p offblocks-sandbox` (run-tests.sh does) " +
                    "or set -Doffblocks.sandbox.bin"
            }
            val process = ProcessBuilder(listOf(binary.path, "--port", "0", "--exit-on-stdin-close") + args)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start()
            val values = HashMap<String, String>()
            val reader = BufferedReader(InputStreamReader(process.inputStream, Charsets.UTF_8))
            val started = CompletableFuture.supplyAsync {
                while (!values.containsKey("OFFBLOCKS_API_SECRET")) {
                    val line = reader.readLine() ?: break
                    val eq = line.indexOf('=')
                    if (eq > 0) values[line.substring(0, eq)] = line.substring(eq + 1).trim()
                }
                values.containsKey("OFFBLOCKS_API_SECRET")
            }
            val ok = try {
                started.get(30, TimeUnit.SECONDS)
            } catch (e: Exception) {
                false
            }
            if (!ok || !values.containsKey("OFFBLOCKS_BASE_URL")) {
                process.destroyForcibly()
                error("offblocks-sandbox did not start ($binary)")
            }
            // Keep draining stdout so a chatty emulator never blocks on a full pipe.
            Thread({ reader.use { r -> while (r.readLine() != null) Unit } }, "sandbox-stdout").apply { isDaemon = true }.start()
            return LocalSandbox(process, values)
        }
    }
}

/** A TLS context that trusts the CA certificate in [pem] only (for the control API). */
private fun trusting(pem: File): javax.net.ssl.SSLContext {
    val ca = pem.inputStream().use { java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(it) }
    val store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType()).apply {
        load(null, null)
        setCertificateEntry("offblocks-sandbox", ca)
    }
    val trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm())
        .apply { init(store) }
    return javax.net.ssl.SSLContext.getInstance("TLS").apply { init(null, trust.trustManagers, null) }
}

/** One emulator and one registered client for the whole test run (tests that rotate or
 * revoke credentials start their own). */
object Shared {
    val sandbox: LocalSandbox by lazy {
        LocalSandbox.start().also { s -> Runtime.getRuntime().addShutdownHook(Thread { s.close() }) }
    }
    val client: OffblocksClient by lazy { sandbox.client() }
}

/** A [Signer] written the way a host would wrap its own key store: here a wallet of the
 * library stands in for the key store, and every call is recorded. */
class RecordingSigner(private val key: Wallet, private val answer: ((ByteArray) -> ByteArray)? = null) : Signer {
    val messages = java.util.Collections.synchronizedList(ArrayList<ByteArray>())
    val threads: MutableSet<Thread> = java.util.Collections.synchronizedSet(HashSet())
    override val address: String get() = key.address

    override fun signPersonal(message: ByteArray): ByteArray {
        messages += message
        threads += Thread.currentThread()
        return answer?.invoke(message) ?: key.signPersonal(message)
    }
}
