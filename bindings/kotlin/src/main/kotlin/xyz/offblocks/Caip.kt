package xyz.offblocks

import xyz.offblocks.internal.Ffi
import xyz.offblocks.internal.JsonObject
import xyz.offblocks.internal.offblocks_caip_account_id_parse
import xyz.offblocks.internal.offblocks_caip_chain_id_parse

/** A CAIP-2 chain id, e.g. `eip155:300`; [eip155Chain] is the chain number on `eip155`. */
data class ChainId(val chainId: String, val namespace: String, val reference: String, val eip155Chain: Long?) {
    override fun toString() = chainId

    companion object {
        /** @throws OffblocksException.InvalidInput when malformed. */
        @JvmStatic
        fun parse(text: String): ChainId {
            val arg = Ffi.cString(text, "chain id")
            val o = JsonObject.parse(Ffi.string { offblocks_caip_chain_id_parse(arg, it) }, "chain id")
            return ChainId(o.string("chainId"), o.string("namespace"), o.string("reference"), o.optLong("eip155Chain"))
        }
    }
}

/** A CAIP-10 account id, e.g. `eip155:300:0xf39F…`; [evmAddress] is the address with its
 * EIP-55 checksum on `eip155` chains. */
data class AccountId(
    val accountId: String,
    val chainId: String,
    val namespace: String,
    val reference: String,
    val eip155Chain: Long?,
    val address: String,
    val evmAddress: String?,
) {
    override fun toString() = accountId

    companion object {
        /** @throws OffblocksException.InvalidInput when malformed (an `eip155` address whose
         * mixed case fails its checksum included). */
        @JvmStatic
        fun parse(text: String): AccountId {
            val arg = Ffi.cString(text, "account id")
            val o = JsonObject.parse(Ffi.string { offblocks_caip_account_id_parse(arg, it) }, "account id")
            return AccountId(
                o.string("accountId"), o.string("chainId"), o.string("namespace"), o.string("reference"),
                o.optLong("eip155Chain"), o.string("address"), o.optString("evmAddress"),
            )
        }
    }
}
