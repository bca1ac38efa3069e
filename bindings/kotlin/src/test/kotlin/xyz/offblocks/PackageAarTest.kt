package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.concurrent.TimeUnit
import java.util.zip.ZipFile
import java.util.zip.ZipInputStream
import javax.xml.parsers.DocumentBuilderFactory

/** package-aar.sh, fed copies of the host library standing in for each Android ABI. */
class PackageAarTest {
    private val script = File(TestEnv.repo, "bindings/kotlin/package-aar.sh")
    private val classes = File(TestEnv.repo, "bindings/kotlin/target/classes")
    private val hostLibrary = File(Offblocks.libraryPath)
    private val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")

    private fun run(vararg args: String): Pair<Int, String> {
        val p = ProcessBuilder(listOf("bash", script.path) + args).redirectErrorStream(true).start()
        val out = p.inputStream.readAllBytes().decodeToString()
        assertTrue(p.waitFor(120, TimeUnit.SECONDS))
        return p.exitValue() to out
    }

    private fun fakes(dir: File) = abis.map { abi -> "$abi=" + File(dir, "$abi.so").also { hostLibrary.copyTo(it) }.path }

    @Test
    fun `the AAR has the layout Android expects, one library per ABI`(@TempDir dir: File) {
        val aar = File(dir, "out/offblocks.aar")
        val (code, out) = run("--classes", classes.path, "--out", aar.path, "--allow-arch-mismatch", *fakes(dir).toTypedArray())
        assertEquals(0, code, out)
        ZipFile(aar).use { zip ->
            val files = zip.entries().asSequence().filter { !it.isDirectory }.map { it.name }.toSet()
            assertEquals(
                setOf("AndroidManifest.xml", "classes.jar", "R.txt", "proguard.txt") + abis.map { "jni/$it/liboffblocks.so" },
                files,
            )
            for (abi in abis) assertArrayEquals(hostLibrary.readBytes(), zip.getInputStream(zip.getEntry("jni/$abi/liboffblocks.so")).readBytes())
            val manifest = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(zip.getInputStream(zip.getEntry("AndroidManifest.xml")))
            assertEquals("xyz.offblocks", manifest.documentElement.getAttribute("package"))
            val jarEntries = ZipInputStream(zip.getInputStream(zip.getEntry("classes.jar"))).use { jar ->
                generateSequence { jar.nextEntry }.map { it.name }.toList()
            }
            assertTrue("xyz/offblocks/OffblocksClient.class" in jarEntries)
            assertTrue("xyz/offblocks/internal/OffblocksAbi.class" in jarEntries)
            assertTrue(jarEntries.none { it.startsWith("com/sun/jna/") }, "JNA is the app's dependency, not bundled")
            assertTrue(jarEntries.none { it.contains("Test") || it.contains("/bench/") }, "test classes in classes.jar")
            val keep = zip.getInputStream(zip.getEntry("proguard.txt")).readBytes().decodeToString()
            assertTrue("xyz.offblocks.internal.OffblocksAbi" in keep)
        }
    }

    @Test
    fun `a library of the wrong architecture, an unknown ABI and a missing file are refused`(@TempDir dir: File) {
        val fakes = fakes(dir)
        val aar = File(dir, "refused.aar")
        val (code, out) = run("--classes", classes.path, "--out", aar.path, *fakes.toTypedArray())
        assertNotEquals(0, code)
        assertTrue("arm64-v8a" in out && "another architecture" in out, out)
        assertTrue(!aar.exists())
        // The host's own ABI passes the check.
        val hostAbi = mapOf("amd64" to "x86_64", "x86_64" to "x86_64", "aarch64" to "arm64-v8a")[System.getProperty("os.arch")]
        if (hostAbi != null) {
            val (ok, okOut) = run("--classes", classes.path, "--out", aar.path, "$hostAbi=${hostLibrary.path}")
            assertEquals(0, ok, okOut)
        }
        assertNotEquals(0, run("--classes", classes.path, "--out", aar.path, "mips=${hostLibrary.path}").first)
        assertNotEquals(0, run("--classes", classes.path, "--out", aar.path, "x86_64=${File(dir, "none.so").path}").first)
        val text = File(dir, "text.so").apply { writeText("not a library") }
        val (notElf, notElfOut) = run("--classes", classes.path, "--out", aar.path, "--allow-arch-mismatch", "x86_64=${text.path}")
        assertNotEquals(0, notElf)
        assertTrue("not an ELF" in notElfOut, notElfOut)
    }
}
