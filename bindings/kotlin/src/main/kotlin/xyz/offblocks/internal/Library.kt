package xyz.offblocks.internal

import com.sun.jna.Function
import com.sun.jna.Native
import com.sun.jna.NativeLibrary
import com.sun.jna.Platform
import com.sun.jna.Pointer
import xyz.offblocks.OffblocksException
import java.io.File
import java.lang.reflect.Modifier
import java.nio.file.Files
import java.nio.file.StandardCopyOption

/**
 * Finding, checking and registering `liboffblocks`. Once per process, on first use: every
 * later call rethrows the same failure, so a missing library is reported the same way each
 * time instead of as a `NoClassDefFoundError`.
 *
 * Where it is looked for, in order (the first that loads and matches wins):
 * 1. the system property `offblocks.library.path`, alone when set (a file, or a directory
 *    holding `liboffblocks.so` / `.dylib` / `offblocks.dll`);
 * 2. else the environment variable `OFFBLOCKS_LIBRARY_PATH`, alone when set;
 * 3. else, on Android, the name `offblocks`: the linker finds `liboffblocks.so` in the
 *    app's native library directory, where the AAR's `jni/<abi>/` copies end up;
 * 4. else the jar's resource `<jna-platform-prefix>/liboffblocks.so` (for example
 *    `linux-x86-64/liboffblocks.so`), copied to a temporary file;
 * 5. else the name `offblocks` through JNA's search (`jna.library.path`,
 *    `java.library.path`, the system's directories).
 */
internal object Library {
    const val PROPERTY = "offblocks.library.path"
    const val ENVIRONMENT = "OFFBLOCKS_LIBRARY_PATH"

    /** The class whose `external fun`s are the C functions (Abi.kt). */
    val nativeClass: Class<*> = Class.forName("xyz.offblocks.internal.OffblocksAbi")

    /** The names of the bound C functions. */
    val boundFunctions: List<String> by lazy {
        nativeClass.declaredMethods.filter { Modifier.isNative(it.modifiers) }.map { it.name }.sorted()
    }

    /** Where the library was found, and its version. */
    class Loaded(val path: String, val version: String)

    /** A place to look: a file path or a library name, and how to describe it. */
    class Candidate(val target: String, val origin: String)

    @Volatile private var state: Result<Loaded>? = null

    fun ensure(): Loaded {
        state?.let { return it.getOrThrow() }
        synchronized(this) {
            val current = state ?: runCatching { load() }.also { state = it }
            return current.getOrThrow()
        }
    }

    private fun load(): Loaded {
        val tried = ArrayList<String>()
        for (candidate in candidates(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT), isAndroid())) {
            val library = try {
                open(candidate)
            } catch (e: UnsatisfiedLinkError) {
                tried += "${candidate.origin}: ${candidate.target} (${e.message?.lineSequence()?.first() ?: "not loadable"})"
                continue
            } ?: run {
                tried += "${candidate.origin}: ${candidate.target} (not found)"
                continue
            }
            val version = check(library)
            Native.register(nativeClass, library)
            return Loaded(library.file?.path ?: candidate.target, version)
        }
        throw OffblocksException.LibraryNotLoaded(
            "cannot load the offblocks native library (binding version ${Versions.BINDING}); tried:\n  " +
                tried.joinToString("\n  ") +
                "\nSet the system property $PROPERTY or the environment variable $ENVIRONMENT to the " +
                "path of ${System.mapLibraryName("offblocks")}, or ship it in the jar as " +
                "${Platform.RESOURCE_PREFIX}/${System.mapLibraryName("offblocks")} (jni/<abi>/ in an AAR).",
        )
    }

    fun isAndroid(): Boolean =
        System.getProperty("java.vm.vendor").orEmpty().contains("Android", ignoreCase = true) ||
            System.getProperty("java.vendor").orEmpty().contains("Android", ignoreCase = true) ||
            System.getProperty("java.vm.name") == "Dalvik"

    /** The places to look, in order, for the given settings (see the class comment). */
    fun candidates(property: String?, environment: String?, android: Boolean): List<Candidate> {
        val fileName = System.mapLibraryName("offblocks")
        fun pathOf(setting: String): String {
            val f = File(setting)
            return if (f.isDirectory) File(f, fileName).path else setting
        }
        if (!property.isNullOrBlank()) return listOf(Candidate(pathOf(property.trim()), "system property $PROPERTY"))
        if (!environment.isNullOrBlank()) return listOf(Candidate(pathOf(environment.trim()), "environment variable $ENVIRONMENT"))
        val out = ArrayList<Candidate>()
        if (android) out += Candidate("offblocks", "the app's native libraries (jni/<abi>/)")
        out += Candidate("/${Platform.RESOURCE_PREFIX}/$fileName", "the jar's resources")
        if (!android) out += Candidate("offblocks", "JNA's search path (jna.library.path, java.library.path, system)")
        return out
    }

    /** Opens a candidate; null when a path or resource does not exist. */
    private fun open(candidate: Candidate): NativeLibrary? {
        val target = candidate.target
        return when {
            target.startsWith("/") && candidate.origin == "the jar's resources" -> {
                val url = Library::class.java.getResource(target) ?: return null
                val copy = File.createTempFile("liboffblocks-", "-" + target.substringAfterLast('/'))
                copy.deleteOnExit()
                url.openStream().use { Files.copy(it, copy.toPath(), StandardCopyOption.REPLACE_EXISTING) }
                NativeLibrary.getInstance(copy.path)
            }
            target.contains(File.separatorChar) -> if (File(target).isFile) NativeLibrary.getInstance(target) else null
            else -> NativeLibrary.getInstance(target)
        }
    }

    /**
     * Checks that [library] is the version this binding was built for and exports every
     * function it binds; returns its version.
     */
    fun check(library: NativeLibrary): String {
        val where = library.file?.path ?: library.name
        val versionFn: Function = try {
            library.getFunction("offblocks_version")
        } catch (e: UnsatisfiedLinkError) {
            throw OffblocksException.LibraryMismatch(
                "the library at $where does not export offblocks_version: it is not liboffblocks " +
                    "(binding version ${Versions.BINDING})",
            )
        }
        val version = (versionFn.invoke(Pointer::class.java, arrayOf()) as Pointer?)?.getString(0, "UTF-8") ?: "?"
        if (!Versions.compatible(version, Versions.BINDING)) {
            throw OffblocksException.LibraryMismatch(
                "the offblocks library at $where is version $version, this binding is version " +
                    "${Versions.BINDING} (the same MAJOR.MINOR is needed before 1.0, the same MAJOR after): ship the library built with it",
            )
        }
        val missing = boundFunctions.filter { name ->
            try {
                library.getFunction(name); false
            } catch (e: UnsatisfiedLinkError) {
                true
            }
        }
        if (missing.isNotEmpty()) {
            throw OffblocksException.LibraryMismatch(
                "the offblocks library at $where (version $version) lacks ${missing.joinToString(", ")}: " +
                    "it does not match this binding (version ${Versions.BINDING})",
            )
        }
        return version
    }
}

internal object Versions {
    /** The version of the C ABI this binding was written against: the header's
     * OFFBLOCKS_VERSION_MAJOR.MINOR.PATCH (AbiTest checks it, and Cargo.toml's). */
    const val BINDING = "0.2.0"

    /** Whether a library of version [library] serves a binding of version [binding]: the
     * same MAJOR.MINOR while MAJOR is 0 (a 0.x minor release may change the ABI), the same
     * MAJOR from 1.0 on; any PATCH. The rule of every face, and of the library's SONAME. */
    fun compatible(library: String, binding: String): Boolean {
        val a = library.split('.')
        val b = binding.split('.')
        return a.size == 3 && b.size == 3 && a.all { p -> p.isNotEmpty() && p.all { it.isDigit() } } &&
            a[0] == b[0] && (b[0] != "0" || a[1] == b[1])
    }
}
