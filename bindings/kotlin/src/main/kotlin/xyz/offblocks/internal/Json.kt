package xyz.offblocks.internal

import xyz.offblocks.OffblocksException

/**
 * The JSON the C ABI exchanges (RFC 8259), without a dependency: an Android app should not
 * have to take on a JSON library for ours. Objects parse to `Map<String, Any?>` (insertion
 * order kept), arrays to `List<Any?>`, numbers to `Long` when integral and in range else
 * `Double`, and `null` to null. Anything that is not exactly one JSON value is a
 * [OffblocksException.Decode].
 */
internal object Json {
    fun parse(text: String): Any? {
        val p = Parser(text)
        p.skipSpace()
        val value = p.value(0)
        p.skipSpace()
        if (p.i != text.length) p.fail("trailing characters")
        return value
    }

    /** [value] (maps, iterables, strings, numbers, booleans, null) as compact JSON text. */
    fun write(value: Any?): String = StringBuilder().also { write(it, value) }.toString()

    private fun write(out: StringBuilder, value: Any?) {
        when (value) {
            null -> out.append("null")
            is String -> quote(out, value)
            is Boolean -> out.append(value)
            is Int, is Long, is Short, is Byte -> out.append(value)
            is Double, is Float -> {
                val d = (value as Number).toDouble()
                require(d.isFinite()) { "JSON has no NaN or infinity" }
                out.append(if (d == Math.rint(d) && Math.abs(d) < 1e15) d.toLong().toString() else d.toString())
            }
            is Map<*, *> -> {
                out.append('{')
                var first = true
                for ((k, v) in value) {
                    if (!first) out.append(',')
                    first = false
                    quote(out, k as? String ?: throw IllegalArgumentException("JSON keys are strings"))
                    out.append(':')
                    write(out, v)
                }
                out.append('}')
            }
            is Iterable<*> -> {
                out.append('[')
                var first = true
                for (v in value) {
                    if (!first) out.append(',')
                    first = false
                    write(out, v)
                }
                out.append(']')
            }
            else -> throw IllegalArgumentException("no JSON form for ${value.javaClass.name}")
        }
    }

    private fun quote(out: StringBuilder, s: String) {
        out.append('"')
        for (c in s) {
            when (c) {
                '"' -> out.append("\\\"")
                '\\' -> out.append("\\\\")
                '\n' -> out.append("\\n")
                '\r' -> out.append("\\r")
                '\t' -> out.append("\\t")
                '\b' -> out.append("\\b")
                '\u000c' -> out.append("\\f")
                else -> if (c < ' ') out.append("\\u%04x".format(c.code)) else out.append(c)
            }
        }
        out.append('"')
    }

    private class Parser(val s: String) {
        var i = 0

        fun fail(why: String): Nothing = throw OffblocksException.Decode("invalid JSON at offset $i: $why")

        fun skipSpace() {
            while (i < s.length && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) i++
        }

        fun value(depth: Int): Any? {
            if (depth > 512) fail("nested too deeply")
            if (i >= s.length) fail("unexpected end")
            return when (s[i]) {
                '{' -> obj(depth)
                '[' -> array(depth)
                '"' -> string()
                't' -> literal("true", true)
                'f' -> literal("false", false)
                'n' -> literal("null", null)
                else -> number()
            }
        }

        fun literal(word: String, value: Any?): Any? {
            if (!s.startsWith(word, i)) fail("unexpected character")
            i += word.length
            return value
        }

        fun obj(depth: Int): Map<String, Any?> {
            val out = LinkedHashMap<String, Any?>()
            i++
            skipSpace()
            if (i < s.length && s[i] == '}') { i++; return out }
            while (true) {
                skipSpace()
                if (i >= s.length || s[i] != '"') fail("expected a key")
                val key = string()
                skipSpace()
                if (i >= s.length || s[i] != ':') fail("expected ':'")
                i++
                skipSpace()
                out[key] = value(depth + 1)
                skipSpace()
                if (i >= s.length) fail("unexpected end")
                when (s[i++]) {
                    ',' -> continue
                    '}' -> return out
                    else -> { i--; fail("expected ',' or '}'") }
                }
            }
        }

        fun array(depth: Int): List<Any?> {
            val out = ArrayList<Any?>()
            i++
            skipSpace()
            if (i < s.length && s[i] == ']') { i++; return out }
            while (true) {
                skipSpace()
                out.add(value(depth + 1))
                skipSpace()
                if (i >= s.length) fail("unexpected end")
                when (s[i++]) {
                    ',' -> continue
                    ']' -> return out
                    else -> { i--; fail("expected ',' or ']'") }
                }
            }
        }

        fun string(): String {
            i++ // the opening quote
            val out = StringBuilder()
            while (true) {
                if (i >= s.length) fail("unterminated string")
                val c = s[i++]
                when {
                    c == '"' -> return out.toString()
                    c == '\\' -> {
                        if (i >= s.length) fail("unterminated escape")
                        when (val e = s[i++]) {
                            '"' -> out.append('"')
                            '\\' -> out.append('\\')
                            '/' -> out.append('/')
                            'b' -> out.append('\b')
                            'f' -> out.append('\u000c')
                            'n' -> out.append('\n')
                            'r' -> out.append('\r')
                            't' -> out.append('\t')
                            'u' -> {
                                if (i + 4 > s.length) fail("short \\u escape")
                                val hex = s.substring(i, i + 4)
                                if (!hex.all { it in '0'..'9' || it in 'a'..'f' || it in 'A'..'F' }) fail("bad \\u escape")
                                out.append(hex.toInt(16).toChar())
                                i += 4
                            }
                            else -> fail("bad escape '\\$e'")
                        }
                    }
                    c < ' ' -> fail("control character in a string")
                    else -> out.append(c)
                }
            }
        }

        fun number(): Any {
            val start = i
            if (i < s.length && s[i] == '-') i++
            if (i >= s.length || s[i] !in '0'..'9') fail("unexpected character")
            if (s[i] == '0') i++ else while (i < s.length && s[i] in '0'..'9') i++
            var integral = true
            if (i < s.length && s[i] == '.') {
                integral = false
                i++
                if (i >= s.length || s[i] !in '0'..'9') fail("digit expected after '.'")
                while (i < s.length && s[i] in '0'..'9') i++
            }
            if (i < s.length && (s[i] == 'e' || s[i] == 'E')) {
                integral = false
                i++
                if (i < s.length && (s[i] == '+' || s[i] == '-')) i++
                if (i >= s.length || s[i] !in '0'..'9') fail("digit expected in exponent")
                while (i < s.length && s[i] in '0'..'9') i++
            }
            val text = s.substring(start, i)
            if (integral) text.toLongOrNull()?.let { return it }
            return text.toDouble()
        }
    }
}

/** Typed reads of a parsed JSON object, with the path in each error. */
internal class JsonObject(val map: Map<String, Any?>, val what: String) {
    companion object {
        fun of(value: Any?, what: String): JsonObject =
            JsonObject(value as? Map<String, Any?> ?: throw OffblocksException.Decode("expected a JSON object for $what"), what)

        fun parse(text: String, what: String): JsonObject = of(Json.parse(text), what)

        fun parseList(text: String, what: String): List<JsonObject> {
            val list = Json.parse(text) as? List<*> ?: throw OffblocksException.Decode("expected a JSON array of $what")
            return list.mapIndexed { n, v -> of(v, "$what[$n]") }
        }
    }

    fun string(key: String): String =
        map[key] as? String ?: throw OffblocksException.Decode("$what.$key is missing or not a string")

    fun optString(key: String): String? = when (val v = map[key]) {
        null -> null
        is String -> v
        else -> throw OffblocksException.Decode("$what.$key is not a string")
    }

    fun long(key: String): Long = optLong(key) ?: throw OffblocksException.Decode("$what.$key is missing")

    fun optLong(key: String): Long? = when (val v = map[key]) {
        null -> null
        is Long -> v
        else -> throw OffblocksException.Decode("$what.$key is not an integer")
    }

    /** A number, integral or not, or null. */
    fun optDouble(key: String): Double? = when (val v = map[key]) {
        null -> null
        is Long -> v.toDouble()
        is Double -> v
        else -> throw OffblocksException.Decode("$what.$key is not a number")
    }

    fun optBoolean(key: String): Boolean? = when (val v = map[key]) {
        null -> null
        is Boolean -> v
        else -> throw OffblocksException.Decode("$what.$key is not a boolean")
    }

    fun strings(key: String): List<String> = when (val v = map[key]) {
        null -> emptyList()
        is List<*> -> v.map { it as? String ?: throw OffblocksException.Decode("$what.$key holds a non-string") }
        else -> throw OffblocksException.Decode("$what.$key is not a list")
    }

    fun obj(key: String): JsonObject = of(map[key], "$what.$key")
}
