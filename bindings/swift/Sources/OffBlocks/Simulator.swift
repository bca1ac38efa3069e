import COffBlocks
import Foundation

/// Sandbox only: `/simulator` (`client.simulator`). A live environment answers 404.
public struct Simulator: Sendable {
    let client: OffBlocksClient

    /// `PATCH /simulator/customers/{id}/verify`: the customer becomes `active`.
    public func verifyCustomer(_ customerId: String, idempotencyKey: String? = nil) throws {
        try Customers(client: client).patch(customerId, idempotencyKey, offblocks_simulator_verify_customer)
    }

    /// `PATCH /simulator/customers/{id}/reject`: the customer becomes `rejected`.
    public func rejectCustomer(_ customerId: String, idempotencyKey: String? = nil) throws {
        try Customers(client: client).patch(customerId, idempotencyKey, offblocks_simulator_reject_customer)
    }
}
