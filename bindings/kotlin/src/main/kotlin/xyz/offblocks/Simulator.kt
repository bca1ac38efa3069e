package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.offblocks_simulator_reject_customer
import xyz.offblocks.internal.offblocks_simulator_verify_customer

/** Sandbox only: `/simulator` (`client.simulator`). A live environment answers 404. */
class Simulator internal constructor(private val client: OffblocksClient) {
    /** `PATCH /simulator/customers/{id}/verify`: the customer becomes `active`. */
    @JvmOverloads
    fun verifyCustomer(customerId: String, idempotencyKey: String? = null) {
        val id = Ffi.cString(customerId, "customer id")
        val k = idempotencyKeyArg(idempotencyKey)
        client.call { offblocks_simulator_verify_customer(it, id, k) }
    }

    /** `PATCH /simulator/customers/{id}/reject`: the customer becomes `rejected`. */
    @JvmOverloads
    fun rejectCustomer(customerId: String, idempotencyKey: String? = null) {
        val id = Ffi.cString(customerId, "customer id")
        val k = idempotencyKeyArg(idempotencyKey)
        client.call { offblocks_simulator_reject_customer(it, id, k) }
    }
}
