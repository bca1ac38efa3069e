package xyz.offblocks

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import java.time.Duration

private val SAMPLE_SIGNER = RequestSigner { it }

/** The builder has a setter for every setting of [ClientConfig], and each writes its own. */
class ClientConfigBuilderTest {
    private fun sample(type: Class<*>): Any = when (type) {
        String::class.java -> "x"
        java.lang.Boolean::class.java, java.lang.Boolean.TYPE -> true
        Duration::class.java -> Duration.ofSeconds(3)
        List::class.java -> listOf("@method")
        Retry::class.java -> Retry(maxAttempts = 2)
        RequestSigner::class.java -> SAMPLE_SIGNER
        else -> error("no sample for $type")
    }

    @Test
    fun `every property has its setter, and each writes it`() {
        val setters = ClientConfigBuilder::class.java.methods.filter { it.parameterCount == 1 }.associateBy { it.name }
        val fields = ClientConfig::class.java.declaredFields.filter { !java.lang.reflect.Modifier.isStatic(it.modifiers) }
        assertEquals(emptyList<String>(), fields.map { it.name }.filter { it !in setters }, "ClientConfigBuilder lacks setters")
        for (field in fields) {
            val value = sample(field.type)
            val built = (setters.getValue(field.name).invoke(ClientConfig.builder(), value) as ClientConfigBuilder).build()
            field.isAccessible = true
            assertEquals(value, field.get(built), field.name)
            // Nothing else changed.
            for (other in fields.filter { it != field }) {
                other.isAccessible = true
                assertEquals(other.get(ClientConfig()), other.get(built), "${field.name} set ${other.name}")
            }
        }
    }
}
