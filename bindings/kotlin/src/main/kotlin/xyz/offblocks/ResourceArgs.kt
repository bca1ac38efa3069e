package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.Json

// The API's resources, handed out by OffblocksClient (`client.customers.create(..)`), one
// file each. Every mutation takes an optional `idempotencyKey` (a UUID): give your own to
// resume safely after a crash; by default a fresh one is used, and reused on every retry of
// the call.

/** An optional Idempotency-Key as a C string (null: a fresh one per call). */
internal fun idempotencyKeyArg(idempotencyKey: String?) = Ffi.optCString(idempotencyKey, "idempotency key")

/** [value] as JSON in a C string. */
internal fun jsonArg(value: Any?) = Ffi.cString(Json.write(value), "json")
