package xyz.offblocks

import com.sun.jna.NativeLibrary
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import xyz.offblocks.internal.Library
import xyz.offblocks.internal.Versions
import java.io.File
import java.util.concurrent.TimeUnit

/** Finding the native library, and the clear errors when it is missing or mismatched. */
class LoaderTest {
    @Test
    fun `the places tried, in order`() {
        val so = System.mapLibraryName("offblocks")
        assertEquals(listOf("/x/$so"), Library.candidates(null, "/x/$so", false).map { it.target })
        assertEquals(listOf("/p/$so"), Library.candidates("/p/$so", "/x/$so", false).map { it.target }) // the property wins
        val dir = File(System.getProperty("java.io.tmpdir"))
        assertEquals(listOf(File(dir, so).path), Library.candidates(dir.path, null, false).map { it.target }) // a directory
        val desktop = Library.candidates(null, null, false)
        assertEquals(listOf("the jar's resources", "JNA's search path (jna.library.path, java.library.path, system)"), desktop.map { it.origin })
        assertTrue(desktop[0].target.endsWith("/$so") && desktop[0].target.startsWith("/${com.sun.jna.Platform.RESOURCE_PREFIX}/"))
        val android = Library.candidates(null, null, true)
        assertEquals("offblocks", android[0].target)
        assertTrue("jni" in android[0].origin)
    }

    @Test
    fun `a library of the same MAJOR and MINOR version serves before 1_0, of the same MAJOR after`() {
        assertTrue(Versions.compatible("0.1.0", "0.1.0"))
        assertTrue(Versions.compatible("0.1.7", "0.1.0"))
        assertFalse(Versions.compatible("0.2.0", "0.1.0"))
        assertFalse(Versions.compatible("1.1.0", "0.1.0"))
        assertFalse(Versions.compatible("?", "0.1.0"))
        assertFalse(Versions.compatible("0.1", "0.1.0"))
        // From 1.0 on, the MAJOR alone.
        assertTrue(Versions.compatible("1.4.0", "1.2.0"))
        assertFalse(Versions.compatible("2.0.0", "1.2.0"))
        assertFalse(Versions.compatible("0.2.0", "1.2.0"))
    }

    @Test
    fun `a library that is not liboffblocks is refused, naming it`() {
        // The JDK's own libjava: a real shared library, without offblocks_version.
        val other = NativeLibrary.getInstance(File(System.getProperty("java.home"), "lib/" + System.mapLibraryName("java")).path)
        val e = assertThrows<OffblocksException.LibraryMismatch> { Library.check(other) }
        assertTrue("does not export offblocks_version" in e.message!!, e.message)
        assertTrue(Versions.BINDING in e.message!!)
    }

    @Test
    fun `the real library passes the check`() {
        Offblocks.load()
        assertEquals(Versions.BINDING, Library.check(NativeLibrary.getInstance(Offblocks.libraryPath)))
    }

    @Test
    fun `a library of another version is refused, naming both versions`(@TempDir dir: File) {
        val cc = listOf("cc", "gcc", "clang").firstOrNull { name -> System.getenv("PATH").orEmpty().split(':').any { File(it, name).canExecute() } }
            ?: error("no C compiler (cc, gcc or clang) on PATH: cargo needs one to link, so the build has one")
        val source = File(dir, "fake.c").apply { writeText("const char *offblocks_version(void) { return \"9.9.9\"; }\n") }
        val lib = File(dir, "liboffblocks-fake.so")
        val p = ProcessBuilder(cc, "-shared", "-fPIC", "-o", lib.path, source.path).redirectErrorStream(true).start()
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, p.inputStream.readAllBytes().decodeToString())
        val e = assertThrows<OffblocksException.LibraryMismatch> { Library.check(NativeLibrary.getInstance(lib.path)) }
        assertTrue("9.9.9" in e.message!! && Versions.BINDING in e.message!! && lib.path in e.message!!, e.message)
        // Right version, missing functions: each missing one is named.
        source.writeText("const char *offblocks_version(void) { return \"${Versions.BINDING}\"; }\n")
        val lib2 = File(dir, "liboffblocks-partial.so")
        ProcessBuilder(cc, "-shared", "-fPIC", "-o", lib2.path, source.path).start().waitFor()
        val partial = assertThrows<OffblocksException.LibraryMismatch> { Library.check(NativeLibrary.getInstance(lib2.path)) }
        assertTrue("lacks" in partial.message!! && "offblocks_client_new" in partial.message!!, partial.message)
    }

    @Test
    fun `a missing library is a clear error listing what was tried (in a JVM of its own)`(@TempDir dir: File) {
        // Loading happens once per process, so the failure is observed in a fresh JVM.
        val missing = File(dir, "nowhere/liboffblocks.so").path
        val out = runJava(mapOf(), "-D${Library.PROPERTY}=$missing")
        assertTrue("LibraryNotLoaded" in out && missing in out && "system property ${Library.PROPERTY}" in out && Versions.BINDING in out, out)
        val notALibrary = File(dir, "liboffblocks.so").apply { writeText("not an ELF file") }
        val out2 = runJava(mapOf(Library.ENVIRONMENT to notALibrary.path))
        assertTrue("LibraryNotLoaded" in out2 && notALibrary.path in out2 && "environment variable ${Library.ENVIRONMENT}" in out2, out2)
    }

    @Test
    fun `with no setting, the library comes from the jar's resources (in a JVM of its own)`(@TempDir dir: File) {
        // A classpath entry laid out as a jar of the binding with the library bundled.
        val resource = File(dir, "${com.sun.jna.Platform.RESOURCE_PREFIX}/${System.mapLibraryName("offblocks")}")
        resource.parentFile.mkdirs()
        File(Offblocks.libraryPath).copyTo(resource)
        val out = runJava(mapOf(), classpathFirst = dir.path)
        assertTrue(out.startsWith("loaded ") && "liboffblocks-" in out && Versions.BINDING in out, out)
        assertFalse(Offblocks.libraryPath in out, out)
    }

    private fun runJava(env: Map<String, String>, vararg jvmArgs: String, classpathFirst: String? = null): String {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val classpath = listOfNotNull(classpathFirst, System.getProperty("java.class.path")).joinToString(File.pathSeparator)
        val cmd = listOf(java) + jvmArgs + listOf("-cp", classpath, "xyz.offblocks.LoadProbe")
        val pb = ProcessBuilder(cmd).redirectErrorStream(true)
        pb.environment().remove(Library.ENVIRONMENT)
        pb.environment().putAll(env)
        val p = pb.start()
        val text = p.inputStream.readAllBytes().decodeToString()
        p.waitFor(60, TimeUnit.SECONDS)
        return text
    }
}

/** Loads the library and prints what happened (LoaderTest runs it in a fresh JVM). */
object LoadProbe {
    @JvmStatic
    fun main(args: Array<String>) {
        try {
            Offblocks.load()
            println("loaded ${Offblocks.libraryPath} ${Offblocks.libraryVersion}")
        } catch (e: OffblocksException) {
            println("${e.javaClass.simpleName}: ${e.message}")
            // The same failure again on the next use, not a NoClassDefFoundError.
            try {
                Wallet.random()
            } catch (again: OffblocksException.LibraryNotLoaded) {
                println("again: ${again.javaClass.simpleName}")
            }
        }
    }
}
