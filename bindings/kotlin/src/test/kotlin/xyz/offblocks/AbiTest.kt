package xyz.offblocks

import com.sun.jna.Pointer
import com.sun.jna.ptr.PointerByReference
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import xyz.offblocks.internal.Library
import xyz.offblocks.internal.FreeFn
import xyz.offblocks.internal.ObserverFn
import xyz.offblocks.internal.RequestSignFn
import xyz.offblocks.internal.ProgressFn
import xyz.offblocks.internal.SignFn
import xyz.offblocks.internal.SizeT
import xyz.offblocks.internal.Versions
import xyz.offblocks.internal.offblocks_result_name
import xyz.offblocks.internal.offblocks_version_num
import java.io.File
import java.lang.reflect.Method
import java.lang.reflect.Modifier

/**
 * What include/offblocks.h declares (opaque types, enums, callback typedefs, functions),
 * parsed from its text, so that a function added to the header fails this test until it is
 * bound in Abi.kt with the right types.
 */
class Header(source: String) {
    data class Fn(val returns: String, val params: List<String>)

    val opaque: Set<String>
    val enums: Map<String, Map<String, Int>>
    val callbacks: Map<String, Fn>
    val functions: Map<String, Fn>
    /** Structs the header defines and passes by pointer. */
    val structs: Set<String>

    init {
        var code = source.replace(Regex("/\\*.*?\\*/", RegexOption.DOT_MATCHES_ALL), " ")
            .replace(Regex("//[^\n]*"), " ")
            .replace(Regex("(?m)^\\s*#.*$"), " ")
        opaque = Regex("typedef\\s+struct\\s+(\\w+)\\s+\\1\\s*;").findAll(code).map { it.groupValues[1] }.toSet()
        enums = Regex("typedef\\s+enum\\s*\\{(.*?)\\}\\s*(\\w+)\\s*;", RegexOption.DOT_MATCHES_ALL).findAll(code).associate { m ->
            m.groupValues[2] to Regex("(\\w+)\\s*=\\s*(-?\\d+)").findAll(m.groupValues[1]).associate { it.groupValues[1] to it.groupValues[2].toInt() }
        }
        callbacks = Regex("typedef\\s+([\\w\\s*]+?)\\s*\\(\\s*\\*\\s*(\\w+)\\s*\\)\\s*\\(([^)]*)\\)\\s*;").findAll(code).associate {
            it.groupValues[2] to Fn(norm(it.groupValues[1]), split(it.groupValues[3]))
        }
        structs = Regex("typedef\\s+struct\\s*\\{[^{}]*?\\}\\s*(\\w+)\\s*;").findAll(code).map { it.groupValues[1] }.toSet()
        code = code.replace(Regex("typedef\\s+(enum|struct)\\s*\\{.*?\\}\\s*\\w+\\s*;", RegexOption.DOT_MATCHES_ALL), " ")
            .replace(Regex("typedef[^;]*;"), " ")
        functions = Regex("([A-Za-z_][\\w\\s*]*?)\\s*\\b(offblocks_\\w+)\\s*\\(([^)]*)\\)\\s*;").findAll(code).associate {
            it.groupValues[2] to Fn(norm(it.groupValues[1]).removePrefix("extern "), split(it.groupValues[3]))
        }
    }

    private fun norm(t: String) = t.replace("*", " * ").trim().split(Regex("\\s+")).joinToString(" ")

    private fun split(params: String): List<String> {
        val p = params.trim().replace(Regex("\\s+"), " ")
        return if (p.isEmpty() || p == "void") emptyList() else p.split(",").map { it.trim() }
    }

    /** The C type of a parameter declaration (its name dropped; `T x[65]` is `T *`). */
    fun typeOf(param: String): String {
        Regex("^(.*?)\\s*\\b\\w+\\s*\\[\\s*\\d*\\s*]$").matchEntire(param)?.let { return norm(it.groupValues[1] + " *") }
        val m = Regex("^(.*[\\s*])(\\w+)$").matchEntire(param)
        return norm(if (m != null && m.groupValues[1].trim() !in listOf("", "const")) m.groupValues[1] else param)
    }

    /** The Java types a C type may be bound as (see the mapping at the top of Abi.kt). */
    fun javaTypesFor(cType: String, inCallback: Boolean = false): Set<Class<*>> {
        val t = norm(cType)
        val stars = t.count { it == '*' }
        val base = t.replace("*", "").replace("const", "").trim()
        val const = t.startsWith("const ")
        return when (stars) {
            0 -> when {
                base == "void" -> setOf(Void.TYPE)
                base == "bool" -> setOf(java.lang.Byte.TYPE)
                base in listOf("int", "int32_t", "uint32_t") -> setOf(Integer.TYPE)
                base in listOf("int16_t", "uint16_t") -> setOf(java.lang.Short.TYPE)
                base in listOf("int64_t", "uint64_t") -> setOf(java.lang.Long.TYPE)
                base == "size_t" -> setOf(SizeT::class.java)
                base in enums -> setOf(Integer.TYPE)
                base == "offblocks_sign_fn" -> setOf(SignFn::class.java)
                base == "offblocks_progress_fn" -> setOf(ProgressFn::class.java)
                base == "offblocks_observer_fn" -> setOf(ObserverFn::class.java)
                base == "offblocks_request_sign_fn" -> setOf(RequestSignFn::class.java)
                base == "offblocks_free_fn" -> setOf(FreeFn::class.java)
                else -> error("unmapped C type '$cType'")
            }
            1 -> when {
                // In a callback, every pointer arrives as a Pointer.
                inCallback -> setOf(Pointer::class.java)
                base == "char" && const -> setOf(ByteArray::class.java)
                base in listOf("uint8_t", "int8_t") && const -> setOf(ByteArray::class.java)
                base == "char" || base == "void" || base in opaque || base in structs -> setOf(Pointer::class.java)
                else -> error("unmapped C type '$cType'")
            }
            2 -> if (base == "char" || base in opaque) setOf(PointerByReference::class.java) else error("unmapped C type '$cType'")
            else -> error("unmapped C type '$cType'")
        }
    }

    /** The Java return types allowed: a returned `const char *` is the library's and is read
     * through a Pointer, not copied as a byte[]. */
    fun javaReturnTypesFor(cType: String): Set<Class<*>> =
        if (norm(cType).endsWith("*")) setOf(Pointer::class.java) else javaTypesFor(cType)

    /** Every difference between the header and the bound [methods]. */
    fun problems(methods: Collection<Method>): List<String> {
        val bound = methods.associateBy { it.name }
        val out = ArrayList<String>()
        for ((name, fn) in functions.toSortedMap()) {
            val m = bound[name]
            if (m == null) {
                out += "$name: declared in the header but not bound in Abi.kt"
                continue
            }
            if (m.returnType !in javaReturnTypesFor(fn.returns)) out += "$name: returns ${m.returnType.simpleName}, C returns '${fn.returns}'"
            if (m.parameterTypes.size != fn.params.size) {
                out += "$name: ${m.parameterTypes.size} parameters bound, C has ${fn.params.size}"
                continue
            }
            fn.params.forEachIndexed { i, p ->
                val allowed = javaTypesFor(typeOf(p))
                if (m.parameterTypes[i] !in allowed) out += "$name: parameter $i ('$p') bound as ${m.parameterTypes[i].simpleName}, want ${allowed.map { it.simpleName }}"
            }
        }
        for (extra in bound.keys - functions.keys) out += "$extra: bound in Abi.kt but not in the header"
        return out
    }

    companion object {
        fun load(file: File = TestEnv.header) = Header(file.readText())
    }
}

class AbiTest {
    private val header = Header.load()
    private val bound = Library.nativeClass.declaredMethods.filter { Modifier.isNative(it.modifiers) }

    @Test
    fun `the header parses`() {
        assertTrue("offblocks_client" in header.opaque)
        assertTrue("offblocks_result" in header.enums)
        assertTrue(header.functions.size >= 60, "only ${header.functions.size} functions parsed")
        assertTrue("offblocks_version" in header.functions)
    }

    @Test
    fun `every header function is bound with its types, and nothing else is`() {
        val problems = header.problems(bound)
        assertTrue(problems.isEmpty(), problems.joinToString("\n"))
        assertEquals(header.functions.keys.sorted(), Library.boundFunctions)
    }

    @Test
    fun `a new export or a changed signature fails the check`() {
        val source = TestEnv.header.readText()
        val added = Header(source.replace("#endif  /* OFFBLOCKS_H */", "offblocks_result offblocks_thing_new(const char *x);\n#endif"))
        assertTrue(added.problems(bound).any { it.startsWith("offblocks_thing_new: declared in the header but not bound") })
        val changed = Header(source.replace("offblocks_result offblocks_customers_list(const offblocks_client *client, char **out_json);",
            "offblocks_result offblocks_customers_list(const offblocks_client *client, int64_t limit, char **out_json);"))
        assertTrue(changed.problems(bound).any { it.startsWith("offblocks_customers_list: 2 parameters bound, C has 3") }, changed.problems(bound).toString())
        val retyped = Header(source.replace("offblocks_result offblocks_wallet_sign_personal(const offblocks_wallet *wallet,\n" +
            "                                                const uint8_t *message,\n                                                size_t message_len,\n" +
            "                                                int encoding,", "offblocks_result offblocks_wallet_sign_personal(const offblocks_wallet *wallet,\n" +
            "                                                const uint8_t *message,\n                                                size_t message_len,\n" +
            "                                                int64_t encoding,"))
        assertTrue(retyped.problems(bound).any { it.startsWith("offblocks_wallet_sign_personal: parameter 3") }, retyped.problems(bound).toString())
    }

    @Test
    fun `callback interfaces match the typedefs`() {
        val interfaces = mapOf(
            "offblocks_sign_fn" to SignFn::class.java,
            "offblocks_progress_fn" to ProgressFn::class.java,
            "offblocks_observer_fn" to ObserverFn::class.java,
            "offblocks_request_sign_fn" to RequestSignFn::class.java,
            "offblocks_free_fn" to FreeFn::class.java,
        )
        for ((name, iface) in interfaces) {
            val fn = header.callbacks.getValue(name)
            val method = iface.declaredMethods.single()
            assertTrue(method.returnType in header.javaTypesFor(fn.returns), "$name returns ${method.returnType}")
            assertEquals(fn.params.size, method.parameterTypes.size, name)
            fn.params.forEachIndexed { i, p ->
                assertTrue(method.parameterTypes[i] in header.javaTypesFor(header.typeOf(p), inCallback = true), "$name parameter $i '$p': ${method.parameterTypes[i]}")
            }
        }
        assertEquals(interfaces.keys, header.callbacks.keys)
    }

    @Test
    fun `result codes and signature encodings match the header`() {
        val codes = header.enums.getValue("offblocks_result")
        assertEquals(codes.mapKeys { it.key.removePrefix("OFFBLOCKS_") }, ResultCode.entries.associate { it.name to it.value })
        val kinds = header.enums.getValue("offblocks_error_kind")
        assertEquals(kinds.mapKeys { it.key.removePrefix("OFFBLOCKS_ERROR_KIND_") }, ErrorKind.entries.associate { it.name to it.value })
        val encodings = header.enums.getValue("offblocks_signature_encoding")
        assertEquals(encodings.mapKeys { it.key.removePrefix("OFFBLOCKS_SIGNATURE_") }, SignatureEncoding.entries.associate { it.name to it.native })
    }

    @Test
    fun `the library names every result code as the header does, and any other number UNKNOWN`() {
        Library.ensure()
        for ((name, value) in header.enums.getValue("offblocks_result")) {
            assertEquals(name, offblocks_result_name(value)!!.getString(0, "UTF-8"))
        }
        for (unknown in listOf(-1, 20_000, Int.MAX_VALUE, Int.MIN_VALUE)) {
            assertEquals("OFFBLOCKS_UNKNOWN", offblocks_result_name(unknown)!!.getString(0, "UTF-8"))
        }
    }

    @Test
    fun `the numeric version macro and function agree with the binding`() {
        Library.ensure()
        val num = Regex("#define OFFBLOCKS_VERSION_NUM\\s+0x([0-9a-f]{6})").find(TestEnv.header.readText())!!.groupValues[1].toInt(16)
        val (major, minor, patch) = Versions.BINDING.split('.').map { it.toInt() }
        assertEquals((major shl 16) or (minor shl 8) or patch, num)
        assertEquals(num, offblocks_version_num())
    }

    @Test
    fun `the binding, header, crate, pom and library versions agree`() {
        val source = TestEnv.header.readText()
        val macros = listOf("MAJOR", "MINOR", "PATCH").map { Regex("#define OFFBLOCKS_VERSION_$it\\s+(\\d+)").find(source)!!.groupValues[1] }
        assertEquals(Versions.BINDING, macros.joinToString("."))
        val cargo = File(TestEnv.repo, "Cargo.toml").readText()
        assertEquals(Versions.BINDING, Regex("(?m)^version\\s*=\\s*\"([^\"]+)\"").find(cargo)!!.groupValues[1])
        val pom = File(TestEnv.repo, "bindings/kotlin/pom.xml").readText()
        assertTrue("<version>${Versions.BINDING}</version>" in pom, "pom.xml's version is not ${Versions.BINDING}")
        assertEquals(Versions.BINDING, Offblocks.libraryVersion)
    }
}
