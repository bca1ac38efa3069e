/*
 * offblocks.h: the C ABI of the OffBlocks SDK (a blocking client for the OffBlocks
 * crypto-card onboarding API: customers, accounts, wallets, challenges, webhooks).
 *
 * GENERATED through cbindgen from src/ffi/ and cbindgen.toml: do not edit. To change
 * it, edit the Rust doc comments and run
 * `OFFBLOCKS_WRITE_HEADER=1 cargo test --test ffi_header`; that test fails while the
 * committed copy differs from the generated one.
 *
 * CONVENTIONS (they hold for every function below)
 *
 * Results. Every function that can fail returns an `offblocks_result`: OFFBLOCKS_OK (0)
 *   on success, else a code saying what kind of failure it was. The numbers never change.
 *   After a failure, the calling thread can read the detail: offblocks_last_error_code(),
 *   offblocks_last_error_kind() (not found, unauthenticated, rate limited…: the same
 *   kinds as every other face of the SDK), offblocks_last_error_message() (short,
 *   lowercase, never a secret), offblocks_last_error_status() (HTTP status or 0),
 *   offblocks_last_error_retry_after() (seconds, or -1), offblocks_last_error_request_id(),
 *   offblocks_last_error_body(), offblocks_last_error_retryable(),
 *   offblocks_last_error_reissued_challenge(). The detail is per thread. Each function
 *   returning an offblocks_result first clears it, so the strings those getters return
 *   stay valid until the next such call on the same thread: copy them to keep them.
 *
 * Strings in. Arguments are NUL-terminated UTF-8 (`const char *`). A NULL argument that
 *   is not documented as optional gives OFFBLOCKS_NULL_ARGUMENT, bytes that are not UTF-8
 *   give OFFBLOCKS_INVALID_UTF8, JSON that does not parse or has an unknown field gives
 *   OFFBLOCKS_INVALID_JSON. The library never keeps a pointer it was given after the
 *   call returns: arguments may be freed or reused as soon as a call returns. The one
 *   exception is the `user_data` of offblocks_signer_new, which the signer keeps (and
 *   only ever passes back to its callback) until offblocks_signer_free.
 *
 * Results out. Results are written through out-parameters (`char **out_json`,
 *   `offblocks_client **out_client`…) last, and only on success: on failure they are
 *   left untouched. Objects come back as JSON text (camelCase fields, as the OffBlocks
 *   API spells them). A returned `char *` belongs to the caller, who releases it with
 *   offblocks_string_free() (never free()); it wipes the bytes first, since some results
 *   hold secrets (a PEM, a token).
 *
 * Handles. Every offblocks_<noun>_new / _from_* has an offblocks_<noun>_free;
 *   _free(NULL) is a no-op returning OFFBLOCKS_OK; a handle must not be used after it is
 *   freed. The library checks every handle it is given: one freed already (while its
 *   address has not been given to a new handle), of another type, or not made here is
 *   refused with OFFBLOCKS_INVALID_HANDLE, never read; a _free while a call is using
 *   the handle (from one of that call's callbacks, or another thread) is refused with
 *   OFFBLOCKS_HANDLE_IN_USE and the handle stays usable.
 *
 * Threads. An offblocks_client may be used by many threads at once (calls share one
 *   connection pool and token). Calls block the calling thread (network, retries with
 *   backoff). Callbacks are called on the thread that made the call, before it returns,
 *   under no lock of the library; they may call other offblocks_ functions, the same
 *   client included (the last error then describes the outer call once it returns). One
 *   such call fails at once with OFFBLOCKS_INVALID_INPUT instead of waiting for itself:
 *   a call from an observer told about its own thread's token fetch.
 *
 * Panics. A bug inside the library never unwinds into C: the call returns
 *   OFFBLOCKS_PANIC instead.
 */


#ifndef OFFBLOCKS_H
#define OFFBLOCKS_H

/* Generated file: edit src/ffi/ and cbindgen.toml instead. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The version of the SDK this header belongs to (from Cargo.toml). */
#define OFFBLOCKS_VERSION_MAJOR 0
#define OFFBLOCKS_VERSION_MINOR 2
#define OFFBLOCKS_VERSION_PATCH 0
/**
 * The same version as one number, 0xMMmmpp (a byte each), for comparisons in
 * `#if`: `#if OFFBLOCKS_VERSION_NUM >= 0x000200`. offblocks_version_num() gives
 * the library's.
 */
#define OFFBLOCKS_VERSION_NUM 0x000200


/**
 * The room `offblocks_request_sign_fn` gets for its answer: a DER ECDSA P-384
 * signature is at most 104 bytes (the raw `r‖s` form, 96).
 */
#define OFFBLOCKS_REQUEST_SIGNATURE_MAX 104

/**
 * What kind of failure the last call on this thread had (`offblocks_last_error_kind()`):
 * the same list as the Rust `ErrorKind`, the Python exception classes and the Kotlin
 * `OffblocksException` subclasses. Where `offblocks_result` says which part of the SDK
 * failed, the kind says what a caller does about it: an `OFFBLOCKS_API` failure is sorted
 * by its HTTP status. The numbers never change; new kinds are only ever added (a TLS
 * kind takes the next free number).
 */
typedef enum {
    /**
     * The last call succeeded.
     */
    OFFBLOCKS_ERROR_KIND_NONE = 0,
    /**
     * A malformed argument or setting: `OFFBLOCKS_NULL_ARGUMENT`, `OFFBLOCKS_INVALID_UTF8`,
     * `OFFBLOCKS_INVALID_JSON`, `OFFBLOCKS_INVALID_INPUT`, `OFFBLOCKS_CONFIG`,
     * `OFFBLOCKS_KEY`, `OFFBLOCKS_SIWE`. Retrying cannot help.
     */
    OFFBLOCKS_ERROR_KIND_INVALID_INPUT = 1,
    /**
     * The SDK's trust checks refused to sign what the server sent
     * (`OFFBLOCKS_CHALLENGE_REFUSED`). Nothing was signed or sent.
     */
    OFFBLOCKS_ERROR_KIND_REFUSED = 2,
    /**
     * 401: wrong credentials, or a token or request signature the server does not accept.
     */
    OFFBLOCKS_ERROR_KIND_UNAUTHENTICATED = 3,
    /**
     * 403: the credentials are valid but not allowed to make this call.
     */
    OFFBLOCKS_ERROR_KIND_PERMISSION_DENIED = 4,
    /**
     * 404: no such resource.
     */
    OFFBLOCKS_ERROR_KIND_NOT_FOUND = 5,
    /**
     * 409: the resource already exists, or is not in a state that allows the call.
     */
    OFFBLOCKS_ERROR_KIND_CONFLICT = 6,
    /**
     * 422: the Idempotency-Key was used before for a different method, path or body.
     */
    OFFBLOCKS_ERROR_KIND_IDEMPOTENCY_CONFLICT = 7,
    /**
     * 409 while a first request with the same Idempotency-Key is still being processed:
     * retryable, the same call with the same key gets the first request's answer.
     */
    OFFBLOCKS_ERROR_KIND_IN_FLIGHT = 8,
    /**
     * 429: too many requests; `offblocks_last_error_retry_after()` says how long the
     * server asked to wait.
     */
    OFFBLOCKS_ERROR_KIND_RATE_LIMITED = 9,
    /**
     * 5xx: the server failed (retryable for 500, 502, 503, 504).
     */
    OFFBLOCKS_ERROR_KIND_SERVER = 10,
    /**
     * The server rejected a signed challenge (`OFFBLOCKS_CHALLENGE_REJECTED`).
     */
    OFFBLOCKS_ERROR_KIND_CHALLENGE_REJECTED = 11,
    /**
     * Any other non-2xx answer (400, 405, 413…).
     */
    OFFBLOCKS_ERROR_KIND_API = 12,
    /**
     * An operation that waits (onboarding, polling an account) ran out of time.
     */
    OFFBLOCKS_ERROR_KIND_TIMEOUT = 13,
    /**
     * The connection failed, timed out or dropped, or the call deadline ran out.
     */
    OFFBLOCKS_ERROR_KIND_TRANSPORT = 14,
    /**
     * A resource reached a state the operation cannot continue from.
     */
    OFFBLOCKS_ERROR_KIND_STATE = 15,
    /**
     * The caller stopped the operation (`OFFBLOCKS_CANCELLED`).
     */
    OFFBLOCKS_ERROR_KIND_CANCELLED = 16,
    /**
     * Producing a signature failed.
     */
    OFFBLOCKS_ERROR_KIND_SIGNING = 17,
    /**
     * An external signer failed or returned something unusable.
     */
    OFFBLOCKS_ERROR_KIND_SIGNER = 18,
    /**
     * A response did not decode into the expected shape.
     */
    OFFBLOCKS_ERROR_KIND_DECODE = 19,
    /**
     * The library panicked (`OFFBLOCKS_PANIC`, a bug: please report it).
     */
    OFFBLOCKS_ERROR_KIND_INTERNAL = 20,
    /**
     * A TLS check refused the server (`OFFBLOCKS_TLS`).
     */
    OFFBLOCKS_ERROR_KIND_TLS = 21,
} offblocks_error_kind;

/**
 * What an `offblocks_` function returns: `OFFBLOCKS_OK` (0) on success, else what kind
 * of failure it was. The numbers never change; new codes are only ever added.
 *
 * After a failure, `offblocks_last_error_message()` and the other
 * `offblocks_last_error_*` functions tell more, on the same thread.
 */
typedef enum {
    /**
     * Success.
     */
    OFFBLOCKS_OK = 0,
    /**
     * A required pointer argument was NULL (the message names it).
     */
    OFFBLOCKS_NULL_ARGUMENT = 1,
    /**
     * A string argument was not valid UTF-8.
     */
    OFFBLOCKS_INVALID_UTF8 = 2,
    /**
     * A JSON argument did not parse, or did not have the expected shape (unknown
     * field, wrong type, missing field).
     */
    OFFBLOCKS_INVALID_JSON = 3,
    /**
     * An argument was malformed: an empty id, an Idempotency-Key that is not a UUID, a
     * bad hex string, CAIP id or address, an unsupported method…
     */
    OFFBLOCKS_INVALID_INPUT = 4,
    /**
     * The client configuration was invalid or contradictory (bad URL, missing
     * credentials, zero timeout, plain http to a remote host…), or a call needs a
     * setting the client lacks (no signing key id yet).
     */
    OFFBLOCKS_CONFIG = 5,
    /**
     * Key material (a P-384 PEM, a wallet's secp256k1 key) could not be loaded.
     */
    OFFBLOCKS_KEY = 6,
    /**
     * Producing a signature failed.
     */
    OFFBLOCKS_SIGNING = 7,
    /**
     * An external signer (an `offblocks_sign_fn` or `offblocks_request_sign_fn`
     * callback) failed or returned a signature that does not match its address or
     * public key.
     */
    OFFBLOCKS_SIGNER = 8,
    /**
     * A Sign-In with Ethereum (EIP-4361) message could not be parsed.
     */
    OFFBLOCKS_SIWE = 9,
    /**
     * The SDK refused to sign a challenge (wrong address, chain or domain, or outside
     * its validity window). Nothing was signed or sent.
     */
    OFFBLOCKS_CHALLENGE_REFUSED = 10,
    /**
     * The server rejected a signed challenge. `offblocks_last_error_reissued_challenge()`
     * gives the new challenge when it could be fetched.
     */
    OFFBLOCKS_CHALLENGE_REJECTED = 11,
    /**
     * The connection failed, timed out or dropped. See `offblocks_last_error_retryable()`.
     */
    OFFBLOCKS_TRANSPORT = 12,
    /**
     * The server answered with a non-2xx status; see `offblocks_last_error_status()`,
     * `offblocks_last_error_body()` and `offblocks_last_error_request_id()`.
     */
    OFFBLOCKS_API = 13,
    /**
     * The server answered 409 Conflict: the resource already exists, or is not in a
     * state that allows the call (activating an active account…).
     */
    OFFBLOCKS_CONFLICT = 14,
    /**
     * A response did not decode into the expected shape (the message names where), or
     * a result could not be returned as a C string.
     */
    OFFBLOCKS_DECODE = 15,
    /**
     * An operation that waits (onboarding, polling an account) ran out of time.
     */
    OFFBLOCKS_TIMEOUT = 16,
    /**
     * The library panicked (a bug: please report it). The handle is still usable.
     */
    OFFBLOCKS_PANIC = 17,
    /**
     * A resource reached a state the operation cannot continue from (a `rejected`
     * customer, a `failed` or `closed` account).
     */
    OFFBLOCKS_STATE = 18,
    /**
     * The caller stopped the operation: an `offblocks_progress_fn` returned non-zero.
     * What was done stays done; running it again resumes, creating nothing twice.
     */
    OFFBLOCKS_CANCELLED = 19,
    /**
     * A handle argument is not a live handle of the expected type: freed already, of
     * another type (a wallet given for a client), or not made by this library. Nothing
     * was done with it.
     */
    OFFBLOCKS_INVALID_HANDLE = 20,
    /**
     * `_free` of a handle that a call in progress is using (from one of that call's
     * callbacks, or from another thread): it was not freed, and stays usable. Free it
     * after the call returns.
     */
    OFFBLOCKS_HANDLE_IN_USE = 21,
    /**
     * The TLS handshake was refused (never retryable; nothing of the request was
     * sent): `offblocks_last_error_tls_failure()` says which check failed.
     */
    OFFBLOCKS_TLS = 22,
} offblocks_result;

/**
 * How `offblocks_wallet_sign_personal` writes a signature: the values of its
 * `encoding` argument.
 */
typedef enum {
    /**
     * `0x` and 130 lowercase hex digits of the 65 bytes `r‖s‖v`.
     */
    OFFBLOCKS_SIGNATURE_HEX = 0,
    /**
     * Base64 of the ASCII `0x…` hex text: what a customer challenge's `signature`
     * field carries.
     */
    OFFBLOCKS_SIGNATURE_BASE64_HEX = 1,
    /**
     * Base64 of the raw 65 bytes: what an account challenge's `signature` field
     * carries.
     */
    OFFBLOCKS_SIGNATURE_BASE64_RAW = 2,
} offblocks_signature_encoding;

/**
 * Which TLS check refused a connection, after `OFFBLOCKS_TLS`. The numbers never
 * change; new kinds are only ever added.
 */
typedef enum {
    /**
     * The last failure was not a TLS one.
     */
    OFFBLOCKS_TLS_NONE = 0,
    /**
     * The chain leads to no trusted root (give the CA with `caPem` / `caFile`), or a
     * signature in it does not verify, or it was revoked.
     */
    OFFBLOCKS_TLS_UNTRUSTED_CHAIN = 1,
    /**
     * The certificate is for another host name.
     */
    OFFBLOCKS_TLS_HOST_MISMATCH = 2,
    /**
     * The certificate has expired or is not valid yet.
     */
    OFFBLOCKS_TLS_EXPIRED = 3,
    /**
     * No key of the chain matches a configured `spkiPins` entry.
     */
    OFFBLOCKS_TLS_PIN_MISMATCH = 4,
    /**
     * The handshake failed otherwise (not TLS on that port, nothing in common, alert).
     */
    OFFBLOCKS_TLS_HANDSHAKE = 5,
} offblocks_tls_failure;

/**
 * A client of the OffBlocks API (opaque). Made by `offblocks_client_new`, released by
 * `offblocks_client_free`.
 *
 * One handle may be used from many threads at once: its calls share one connection
 * pool, one bearer token and one key id. `offblocks_client_free` refuses a client in
 * use by a call in progress (`OFFBLOCKS_HANDLE_IN_USE`).
 */
typedef struct offblocks_client offblocks_client;

/**
 * A P-384 request-signing key held outside the process (opaque), made by
 * `offblocks_request_signer_new`, released by `offblocks_request_signer_free`. Clients
 * made with it (`offblocks_client_new_with_request_signer`) keep what they need: the
 * handle may be freed first.
 */
typedef struct offblocks_request_signer offblocks_request_signer;

/**
 * Someone who signs challenges (opaque): a wallet of this library
 * (`offblocks_signer_from_wallet`) or the host's own signing function
 * (`offblocks_signer_new`). Released by `offblocks_signer_free`.
 */
typedef struct offblocks_signer offblocks_signer;

/**
 * A customer's wallet (opaque): a secp256k1 private key held in memory, zeroized when
 * freed. Made by `offblocks_wallet_new_random` or `offblocks_wallet_from_hex`, released
 * by `offblocks_wallet_free`. May be used from several threads at once.
 *
 * To sign with a key held elsewhere (a wallet app, a KMS), see `offblocks_signer_new`.
 */
typedef struct offblocks_wallet offblocks_wallet;

/**
 * A webhook inbox (opaque). Made by `offblocks_webhook_inbox_new`, released by
 * `offblocks_webhook_inbox_free`. One inbox may serve many threads at once.
 */
typedef struct offblocks_webhook_inbox offblocks_webhook_inbox;

/**
 * Told about every attempt of every call of a client made by
 * `offblocks_client_new_with_observer`: `attempt_json` is one object `{"method",
 * "path", "attempt", "status", "error", "durationMs", "requestId", "idempotencyKey"}`
 * (`status` is null when no response came, `error` then says why; `requestId` is the
 * server's, successful calls included). Never a token, a body or a query.
 *
 * Called on the thread making the call, after each attempt, possibly from many threads
 * at once when the client is shared: make it quick and thread-safe. The string is valid
 * only during the call; `user_data` is the pointer given with the function.
 *
 * It runs under no lock of the library and may call it, this client included. One such
 * call fails at once with `OFFBLOCKS_INVALID_INPUT` instead of waiting for itself: a
 * call needing a token, made while the observer is told about its own thread's token
 * fetch (`"path"` ending in `/auth/token`). `offblocks_client_free` of this client
 * from inside it is refused (`OFFBLOCKS_HANDLE_IN_USE`).
 */
typedef void (*offblocks_observer_fn)(void *user_data, const char *attempt_json);

/**
 * The host's event store, for an inbox that dedupes across processes and restarts (the
 * host's database). Each function returns 0 on success; any other value fails the
 * `offblocks_webhook_inbox_receive` call that asked (`OFFBLOCKS_STATE`), which records
 * nothing, so the delivery is handled afresh when OffBlocks retries it.
 *
 * - `seen`: writes to `*out_seen` whether `event_id` was given to `record`.
 * - `last_handed`: writes to `*out_found` whether `entity_id` was given to `record`,
 *   and then to `*out_updated_at_ns` the newest `updated_at_ns` recorded for it.
 * - `record`: remembers that `event_id` was handled and `entity_id` handed over at
 *   `updated_at_ns` (nanoseconds since the Unix epoch; keep the largest per entity).
 *
 * The strings are NUL-terminated UTF-8, valid only during the call. `user_data` is
 * passed back as given, never read. The functions are called on the thread of the
 * `offblocks_webhook_inbox_receive` call, before it returns; an inbox shared by
 * several threads needs thread-safe functions.
 */
typedef struct {
    /**
     * Passed back to every function as its first argument.
     */
    void *user_data;
    /**
     * Whether an event id was recorded.
     */
    int32_t (*seen)(void *user_data, const char *event_id, bool *out_seen);
    /**
     * The newest state handed over of an entity, if any.
     */
    int32_t (*last_handed)(void *user_data,
                           const char *entity_id,
                           bool *out_found,
                           int64_t *out_updated_at_ns);
    /**
     * Records an event as handled and an entity as handed over.
     */
    int32_t (*record)(void *user_data,
                      const char *event_id,
                      const char *entity_id,
                      int64_t updated_at_ns);
} offblocks_event_store;

/**
 * The host's signing function, for keys this library never sees (a wallet app, a
 * secure enclave, a KMS). It must sign the `message_len` bytes at `message` with
 * EIP-191 `personal_sign` (the bytes themselves: it adds the Ethereum prefix and hashes
 * them) and write the 65-byte signature `r‖s‖v` (`v` = 27 or 28, or 0 or 1) to
 * `out_signature`, then return 0. Any other return value means "failed", and the call
 * using the signer fails with `OFFBLOCKS_SIGNER`.
 *
 * `message` is valid only during the call. `user_data` is the pointer given to
 * `offblocks_signer_new`. The function is called on the thread of the `offblocks_`
 * call that needs a signature, before that call returns; if one signer is used by
 * several threads at once, the function must be thread-safe. Every signature is checked
 * (recovered to the signer's address) before it is sent anywhere.
 */
typedef int32_t (*offblocks_sign_fn)(void *user_data,
                                     const uint8_t *message,
                                     size_t message_len,
                                     uint8_t *out_signature);

/**
 * The host's request-signing function, for a P-384 key this library never sees. It must
 * sign the `base_len` bytes at `base` (the RFC 9421 signature base, not a hash) with
 * ECDSA P-384 over SHA-384 — what `openssl dgst -sha384 -sign` and KMS `ECDSA_SHA_384`
 * do — write the signature to `out_signature` (room for `out_capacity` bytes,
 * `OFFBLOCKS_REQUEST_SIGNATURE_MAX`), either raw `r‖s` (96 bytes) or DER, store its
 * length in `*out_len`, and return 0. Any other return value means "failed": the call
 * being signed fails with `OFFBLOCKS_SIGNER` and nothing is sent.
 *
 * Every answer is verified against the signer's public key before the request is
 * sent: a signature by another key, over other bytes, or of a bad length fails the call
 * with `OFFBLOCKS_SIGNER`. `base` and `out_signature` are valid only during the call;
 * `user_data` is the pointer given to `offblocks_request_signer_new`. The function is
 * called on the thread of the `offblocks_` call that sends the request, under no lock
 * of the library, possibly from many threads at once: it must be thread-safe. It may
 * block (a network call to the KMS); the call's deadline keeps running.
 */
typedef int32_t (*offblocks_request_sign_fn)(void *user_data,
                                             const uint8_t *base,
                                             size_t base_len,
                                             uint8_t *out_signature,
                                             size_t out_capacity,
                                             size_t *out_len);

/**
 * Releases the `user_data` of a request signer, called once, when neither the signer
 * handle nor any client made with it uses it any more.
 */
typedef void (*offblocks_free_fn)(void *user_data);

/**
 * Called by `offblocks_client_onboard` after each step, on the calling thread: `step` is a
 * stable snake_case name (`create_customer`, `sign_customer_challenge`,
 * `verify_customer`, `wait_customer`, `create_account`, `sign_account_challenge`,
 * `wait_account`, `done`), `status` the resource's status after it, `elapsed_ms` the
 * time since the flow started, `message` a short description. The strings are valid
 * only during the call; `user_data` is the pointer given to `offblocks_client_onboard`. It is
 * also called at each poll while the flow waits (`wait_customer`, `wait_account`, with
 * the status seen).
 *
 * Return 0 to go on. Any other value stops the flow there: `offblocks_client_onboard` returns
 * `OFFBLOCKS_CANCELLED`, and calling it again later with the same request and signer
 * resumes, creating nothing twice (a screen the user left, a job being shut down).
 */
typedef int32_t (*offblocks_progress_fn)(void *user_data,
                                         const char *step,
                                         const char *status,
                                         uint64_t elapsed_ms,
                                         const char *message);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * The name of result code `code` as the header spells it (`"OFFBLOCKS_OK"`,
 * `"OFFBLOCKS_TRANSPORT"`…), for logs and messages; `"OFFBLOCKS_UNKNOWN"` for a number
 * this version does not define (a newer library's code, or garbage). Never NULL.
 *
 * The string is static: never free it. `code` is an `int32_t` rather than an
 * `offblocks_result` so that any number may be passed.
 */
const char *offblocks_result_name(int32_t code);

/**
 * The result code of the last call on this thread that returns an `offblocks_result`
 * (`OFFBLOCKS_OK` if it succeeded).
 */
offblocks_result offblocks_last_error_code(void);

/**
 * What kind of failure the last call on this thread that returns an `offblocks_result`
 * had (`OFFBLOCKS_ERROR_KIND_NONE` if it succeeded): not found, unauthenticated, rate
 * limited… (see `offblocks_error_kind`).
 */
offblocks_error_kind offblocks_last_error_kind(void);

/**
 * The seconds the server asked to wait (its `Retry-After`) in the response behind the
 * last failure on this thread (a 429, a 503, an in-flight 409), or -1 when it did not
 * say or there was no response.
 */
int64_t offblocks_last_error_retry_after(void);

/**
 * A short, lowercase, human-readable description of the last failure on this thread;
 * `""` when the last call succeeded. Never contains a secret.
 *
 * The string belongs to the library (do not free it) and stays valid until the next
 * call on this thread of a function that returns an `offblocks_result`. Copy it to keep
 * it.
 */
const char *offblocks_last_error_message(void);

/**
 * The HTTP status of the response behind the last failure on this thread, or 0 when
 * there was none (the failure happened before or without a response).
 */
uint16_t offblocks_last_error_status(void);

/**
 * The request id the server sent with the response behind the last failure on this
 * thread (`X-Request-Id`), or NULL (also when it was longer than 128 characters or not
 * visible ASCII). Quote it when contacting OffBlocks support.
 *
 * Owned by the library; valid as `offblocks_last_error_message()`'s string.
 */
const char *offblocks_last_error_request_id(void);

/**
 * The body of the non-2xx response behind the last failure on this thread (as text;
 * usually JSON): its first 64 KiB, every secret the client knows replaced by
 * `[redacted]`. NULL when there was no response.
 *
 * Owned by the library; valid as `offblocks_last_error_message()`'s string.
 */
const char *offblocks_last_error_body(void);

/**
 * Whether the last failure on this thread may go away if the same call is made again
 * (with the same Idempotency-Key): connection failures and timeouts, 429, 500, 502, 503,
 * 504, and a 409 that says the same Idempotency-Key is still being processed (it carries
 * `Retry-After`, or an error code such as `idempotency_key_in_use`). A 409 because the
 * resource exists (`OFFBLOCKS_CONFLICT`) is not retryable.
 */
bool offblocks_last_error_retryable(void);

/**
 * After `OFFBLOCKS_CHALLENGE_REJECTED`: the challenge the server issued in place of the
 * rejected one (base64), or NULL when it could not be fetched.
 *
 * Owned by the library; valid as `offblocks_last_error_message()`'s string.
 */
const char *offblocks_last_error_reissued_challenge(void);

/**
 * After `OFFBLOCKS_TLS`: which TLS check refused the connection;
 * `OFFBLOCKS_TLS_NONE` when the last failure on this thread was not a TLS one.
 */
offblocks_tls_failure offblocks_last_error_tls_failure(void);

/**
 * Frees a string returned by this library (a JSON result, a key id, a PEM…). The bytes
 * are overwritten with zeros before the memory is released, since some results hold
 * secrets (a private key PEM, a bearer token).
 *
 * `offblocks_string_free(NULL)` does nothing. Never pass a string this library did not
 * return, nor free one twice, nor release one with `free()`.
 *
 * # Safety
 * `s` is NULL or a string returned by an `offblocks_` function and not freed yet.
 */
void offblocks_string_free(char *s);

/**
 * The library's version, `"MAJOR.MINOR.PATCH"` (the same numbers as the
 * `OFFBLOCKS_VERSION_*` macros of the header this program was compiled against).
 *
 * The string is static: never free it.
 */
const char *offblocks_version(void);

/**
 * The library's version as one number, `0xMMmmpp` (a byte each: 0.2.0 is `0x000200`),
 * to compare with the header's `OFFBLOCKS_VERSION_NUM`.
 */
uint32_t offblocks_version_num(void);

/**
 * Makes a client from a JSON configuration and stores its handle in `*out_client`.
 *
 * The configuration is JSON, not a C struct, so that it can grow without breaking the
 * ABI (no struct layout, no versioned struct sizes) and so that the very same string
 * works from C, Python, Swift or Kotlin. Unknown fields are refused, so a typo fails
 * loudly instead of being ignored.
 *
 * Who the client is: `apiKey` and `apiSecret` (required), and the P-384 signing key,
 * `signingKeyPem` (SEC1 or PKCS#8 PEM) or `"generateSigningKey": true` (one is
 * required).
 *
 * Every other field is a setting, all optional: `offblocks_config_defaults` lists each
 * with its default. `baseUrl` (e.g. `"http://127.0.0.1:8080/v1"`) or `environment`
 * (`"live"`, `"sandbox"`), not both; `keyId` (an already registered signing key, else
 * call `offblocks_auth_register_signing_key`); `connectTimeoutMs`, `timeoutMs`,
 * `callDeadlineMs` (one call in all, retries and waits included); `retry`
 * (`{"maxAttempts", "baseBackoffMs", "maxBackoffMs"}`); `userAgent`; `proxy`
 * (`"http://[user:password@]host:port"`, HTTPS tunnelled with CONNECT) or
 * `"proxyFromEnv": true` (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`…; the environment is
 * not read otherwise); `coveredComponents` (e.g. `["@method", "@authority",
 * "@path"]`); `digest` (`"sha-256"`, `"sha-512"` or `"both"`); `signatureValiditySecs`,
 * `signatureNonce`, `signatureLabel`; `clockSkewSecs`, `followServerClock`,
 * `maxClockCorrectionSecs` (the largest correction taken from the server's `Date`);
 * `tokenRefreshMarginSecs`; `allowInsecureHttp` (plain http to a non-loopback host);
 * `challengeDomain` (the domain a customer challenge must name; the API host by
 * default); `challengeClockToleranceSecs` (the clock difference allowed when a customer
 * challenge's times are checked, 60 by default); `accountChallengePolicy` (`"recognized"`: sign only a secp256k1 public key
 * in PEM or a UUID; `"any"`: sign any bytes).
 *
 * Returns `OFFBLOCKS_INVALID_JSON` for text that is not such an object (unknown field,
 * wrong type), `OFFBLOCKS_CONFIG` for missing, contradictory or unknown setting values, `OFFBLOCKS_KEY` for a bad
 * PEM. Error messages never contain the secret or the key.
 *
 * # Safety
 * `config_json` is NULL or a NUL-terminated string; `out_client` is NULL or writable.
 */
offblocks_result offblocks_client_new(const char *config_json,
                                      offblocks_client **out_client);

/**
 * As `offblocks_client_new`, with `observer` told about every attempt of every call
 * the client makes (see `offblocks_observer_fn`): method, path, attempt number, status
 * or transport error, duration, request id and Idempotency-Key. `observer` may be NULL
 * (then this is `offblocks_client_new`).
 *
 * # Safety
 * As `offblocks_client_new`; `observer` is NULL or a function as documented at
 * `offblocks_observer_fn`, and it and `user_data` stay usable, from any thread, until
 * `offblocks_client_free` returns.
 */
offblocks_result offblocks_client_new_with_observer(const char *config_json,
                                                    offblocks_observer_fn observer,
                                                    void *user_data,
                                                    offblocks_client **out_client);

/**
 * Stores in `*out_json` every setting of the JSON configuration of
 * `offblocks_client_new` with its default value (`null` where there is none), e.g.
 * `{"environment": "sandbox", "timeoutMs": 30000, …}`. The identity fields (`apiKey`,
 * `apiSecret`, `signingKeyPem`, `generateSigningKey`) and `baseUrl` (another name for
 * a custom `environment`) are not listed. Free the string with `offblocks_string_free`.
 *
 * # Safety
 * `out_json` is NULL or writable.
 */
offblocks_result offblocks_config_defaults(char **out_json);

/**
 * Releases a client. `offblocks_client_free(NULL)` does nothing and returns
 * `OFFBLOCKS_OK`.
 *
 * Refused, the handle left as it was: `OFFBLOCKS_HANDLE_IN_USE` while a call on it is
 * in progress (from one of that call's callbacks, or from another thread: free it after
 * the call returns); `OFFBLOCKS_INVALID_HANDLE` for a handle freed already or of
 * another type.
 *
 * # Safety
 * Any value is checked before use (see "Handles" in the preamble): only an address
 * freed and since given to a new handle of the same type cannot be told from it.
 */
offblocks_result offblocks_client_free(offblocks_client *client);

/**
 * Stores in `*out_key_id` the key id the client signs with, or NULL when it has none
 * yet (then `offblocks_auth_register_signing_key` gives it one). Free the string with
 * `offblocks_string_free`.
 *
 * # Safety
 * `client` is a live handle or NULL; `out_key_id` is NULL or writable.
 */
offblocks_result offblocks_client_key_id(const offblocks_client *client, char **out_key_id);

/**
 * Sets the key id the client signs with (for a key registered earlier), or forgets it
 * when `key_id` is NULL.
 *
 * # Safety
 * `client` is a live handle or NULL; `key_id` is NULL or a NUL-terminated string.
 */
offblocks_result offblocks_client_set_key_id(const offblocks_client *client, const char *key_id);

/**
 * Shows, without sending anything, exactly what a request would carry. Stores in
 * `*out_json` an object `{"method", "url", "headers": [[name, value], …],
 * "signatureBase"}`. The headers include the bearer token: treat the result as secret.
 *
 * `method` is `GET`, `POST`, `PUT`, `PATCH` or `DELETE`; `path` is relative to the base
 * URL (`"/customers"`), with an optional query. `body` (JSON text), `idempotency_key`
 * (a UUID; mutations get a fresh one when NULL) and `token` (when NULL the client's
 * token is used, fetched if needed) may be NULL.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated;
 * `out_json` is NULL or writable.
 */
offblocks_result offblocks_client_dry_run(const offblocks_client *client,
                                          const char *method,
                                          const char *path,
                                          const char *body,
                                          const char *idempotency_key,
                                          const char *token,
                                          char **out_json);

/**
 * `POST /auth/token`: fetches a fresh bearer token now (calls fetch and refresh tokens
 * by themselves; this is for inspection) and stores in `*out_json` an object
 * `{"token": "…", "expiresAt": <unix seconds>, "tokenType": "Bearer"}`.
 *
 * The token is a secret: `offblocks_string_free` wipes it. `OFFBLOCKS_API` with status
 * 401 for wrong credentials.
 *
 * # Safety
 * `client` is a live handle or NULL; `out_json` is NULL or writable.
 */
offblocks_result offblocks_auth_token(const offblocks_client *client, char **out_json);

/**
 * `PUT /auth/credentials`: replaces the API key and secret. Every token is invalidated
 * and the client switches to the new credentials; on failure it keeps the old ones.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
 */
offblocks_result offblocks_auth_rotate_credentials(const offblocks_client *client,
                                                   const char *api_key,
                                                   const char *api_secret,
                                                   const char *idempotency_key);

/**
 * `DELETE /auth/credentials`: revokes API access for the client's credentials.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; `idempotency_key` is NULL or NUL-terminated.
 */
offblocks_result offblocks_auth_revoke_credentials(const offblocks_client *client,
                                                   const char *idempotency_key);

/**
 * `PUT /auth/signing`: registers the public half of the client's signing key and makes
 * the returned key id the one the client signs with. Stores the key id in
 * `*out_key_id` (free it with `offblocks_string_free`).
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; `idempotency_key` is NULL or NUL-terminated;
 * `out_key_id` is NULL or writable.
 */
offblocks_result offblocks_auth_register_signing_key(const offblocks_client *client,
                                                     const char *idempotency_key,
                                                     char **out_key_id);

/**
 * `DELETE /auth/signing`: removes the registered signing key; the client forgets its
 * key id, and signed calls fail with `OFFBLOCKS_CONFIG` until a key is registered again.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; `idempotency_key` is NULL or NUL-terminated.
 */
offblocks_result offblocks_auth_delete_signing_key(const offblocks_client *client,
                                                   const char *idempotency_key);

/**
 * Makes a new random P-384 request-signing key and stores it in `*out_pem` as PKCS#8
 * PEM. The PEM is a secret: store it safely; `offblocks_string_free` wipes it.
 *
 * # Safety
 * `out_pem` is NULL or writable.
 */
offblocks_result offblocks_signing_key_generate(char **out_pem);

/**
 * Stores in `*out_pem` the public half (SPKI PEM, `BEGIN PUBLIC KEY`) of the P-384
 * private key `private_pem` (SEC1 or PKCS#8 PEM). `OFFBLOCKS_KEY` when it is not one.
 *
 * # Safety
 * `private_pem` is NULL or NUL-terminated; `out_pem` is NULL or writable.
 */
offblocks_result offblocks_signing_key_public_pem(const char *private_pem, char **out_pem);

/**
 * `POST /customers`: creates a customer from `json_body`
 * (`{"chainId": "eip155:300:0x…", "externalId": "…"}`) and stores the customer as
 * JSON in `*out_json` (with its first `challenge`, base64).
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used. Give your own to resume
 * safely after a crash. `OFFBLOCKS_CONFLICT` when the customer already exists.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated; `out_json`
 * is NULL or writable.
 */
offblocks_result offblocks_customers_create(const offblocks_client *client,
                                            const char *json_body,
                                            const char *idempotency_key,
                                            char **out_json);

/**
 * `GET /customers/{id}`: stores the customer as JSON in `*out_json`. `OFFBLOCKS_API`
 * with status 404 when there is no such customer.
 *
 * # Safety
 * `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out_json` is NULL
 * or writable.
 */
offblocks_result offblocks_customers_get(const offblocks_client *client,
                                         const char *id,
                                         char **out_json);

/**
 * `GET /customers`: stores a JSON array of customers in `*out_json`.
 *
 * # Safety
 * `client` is a live handle or NULL; `out_json` is NULL or writable.
 */
offblocks_result offblocks_customers_list(const offblocks_client *client, char **out_json);

/**
 * `GET /customers/{id}/challenge`: stores the customer's current challenge (base64 of
 * an EIP-4361 message, plain text, not JSON) in `*out_challenge`.
 *
 * # Safety
 * `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out_challenge` is
 * NULL or writable.
 */
offblocks_result offblocks_customers_challenge(const offblocks_client *client,
                                               const char *id,
                                               char **out_challenge);

/**
 * `POST /customers/{id}/challenge/sign` with a signature made elsewhere: `json_body` is
 * `{"ownerId": "<CAIP-10>", "challenge": "<base64 as issued>", "signature": "<base64>"}`.
 * `OFFBLOCKS_API` with status 400 when the server rejects the signature (it then issues
 * a new challenge).
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
 */
offblocks_result offblocks_customers_submit_challenge(const offblocks_client *client,
                                                      const char *id,
                                                      const char *json_body,
                                                      const char *idempotency_key);

/**
 * `PATCH /customers/{id}/deactivate`.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
 */
offblocks_result offblocks_customers_deactivate(const offblocks_client *client,
                                                const char *id,
                                                const char *idempotency_key);

/**
 * Signs the customer's challenge with `signer` and submits it
 * (`POST /customers/{id}/challenge/sign`). `customer_json` is the customer as
 * `offblocks_customers_create` or `offblocks_customers_get` returned it; its `challenge`
 * is used when present, else the current one is fetched.
 *
 * Before signing, the challenge is checked as `offblocks_siwe_guard` does (the domain
 * must be the client's `challengeDomain`, by default the API host):
 * `OFFBLOCKS_CHALLENGE_REFUSED` and nothing signed when it fails. An expired challenge
 * is fetched again once. `OFFBLOCKS_CHALLENGE_REJECTED` when the server refuses the
 * signature; `offblocks_last_error_reissued_challenge()` then gives the new challenge.
 *
 * What the caller expects of the customer, so that the server's `customer_json` does
 * not decide alone who signs: `expected_owner`, a CAIP-10 account id
 * (`"eip155:300:0x…"`), and `expected_chain`, a CAIP-2 chain id (`"eip155:300"`); either
 * or both may be NULL (not checked). The customer's `chainId` must be `expected_owner`
 * and on `expected_chain`, else `OFFBLOCKS_CHALLENGE_REFUSED` (the customer is not the
 * one asked for) and nothing is signed. The owner's address must be the signer's in any
 * case, so `expected_chain` with the signer states the whole owner.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` and `signer` are live handles or NULL; the strings are NULL or
 * NUL-terminated.
 */
offblocks_result offblocks_customers_sign_challenge(const offblocks_client *client,
                                                    const char *customer_json,
                                                    const char *expected_owner,
                                                    const char *expected_chain,
                                                    const offblocks_signer *signer,
                                                    const char *idempotency_key);

/**
 * Sandbox only: `PATCH /simulator/customers/{id}/verify`, the customer becomes
 * `active`. A live environment answers 404 (`OFFBLOCKS_API`).
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
 */
offblocks_result offblocks_simulator_verify_customer(const offblocks_client *client,
                                                     const char *id,
                                                     const char *idempotency_key);

/**
 * Sandbox only: `PATCH /simulator/customers/{id}/reject`, the customer becomes
 * `rejected`.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
 */
offblocks_result offblocks_simulator_reject_customer(const offblocks_client *client,
                                                     const char *id,
                                                     const char *idempotency_key);

/**
 * `POST /customers/{customer_id}/accounts`: opens an account for an `active` customer
 * and stores it as JSON in `*out_json` (with its `challenge`). `json_body` is
 * `{"type": "card_account", "currencies": ["EUR"]}`, or NULL for exactly that.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated; `out_json`
 * is NULL or writable.
 */
offblocks_result offblocks_accounts_create(const offblocks_client *client,
                                           const char *customer_id,
                                           const char *json_body,
                                           const char *idempotency_key,
                                           char **out_json);

/**
 * `GET /accounts/{id}`: stores the account as JSON in `*out_json`.
 *
 * # Safety
 * `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out_json` is NULL
 * or writable.
 */
offblocks_result offblocks_accounts_get(const offblocks_client *client,
                                        const char *id,
                                        char **out_json);

/**
 * `GET /accounts`: stores a JSON array of every account in `*out_json`.
 *
 * # Safety
 * `client` is a live handle or NULL; `out_json` is NULL or writable.
 */
offblocks_result offblocks_accounts_list(const offblocks_client *client, char **out_json);

/**
 * `GET /customers/{customer_id}/accounts`: stores a JSON array of the customer's
 * accounts in `*out_json`.
 *
 * # Safety
 * `client` is a live handle or NULL; `customer_id` is NULL or NUL-terminated;
 * `out_json` is NULL or writable.
 */
offblocks_result offblocks_accounts_list_for_customer(const offblocks_client *client,
                                                      const char *customer_id,
                                                      char **out_json);

/**
 * `GET /accounts/{id}/challenge`: a new challenge for the account (earlier ones stop
 * working), stored as base64 text (not JSON) in `*out_challenge`.
 *
 * # Safety
 * `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out_challenge` is
 * NULL or writable.
 */
offblocks_result offblocks_accounts_challenge(const offblocks_client *client,
                                              const char *id,
                                              char **out_challenge);

/**
 * `POST /accounts/{id}/challenge/sign` with a signature made elsewhere: `json_body` is
 * `{"ownerId": "<CAIP-10>", "challenge": "<base64 as issued>", "signature": "<base64>"}`.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
 */
offblocks_result offblocks_accounts_submit_challenge(const offblocks_client *client,
                                                     const char *id,
                                                     const char *json_body,
                                                     const char *idempotency_key);

/**
 * `PATCH /accounts/{id}/activate`.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
 */
offblocks_result offblocks_accounts_activate(const offblocks_client *client,
                                             const char *id,
                                             const char *idempotency_key);

/**
 * `PATCH /accounts/{id}/deactivate`.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
 */
offblocks_result offblocks_accounts_deactivate(const offblocks_client *client,
                                               const char *id,
                                               const char *idempotency_key);

/**
 * `DELETE /accounts/{id}`: closes the account (final).
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
 */
offblocks_result offblocks_accounts_close(const offblocks_client *client,
                                          const char *id,
                                          const char *idempotency_key);

/**
 * Signs the account's challenge with `signer` and submits it
 * (`POST /accounts/{id}/challenge/sign`). `account_json` is the account as
 * `offblocks_accounts_create` or `offblocks_accounts_get` returned it (its `challenge` is
 * used when present, else a new one is fetched); `owner_caip10` is the customer's
 * `chainId`, whose address must be the signer's (else `OFFBLOCKS_CHALLENGE_REFUSED`).
 *
 * `expected_chain` (CAIP-2, `"eip155:300"`) may be NULL; when given, an owner on
 * another chain is refused (`OFFBLOCKS_CHALLENGE_REFUSED`, nothing signed): for an
 * owner read from the server's customer object rather than known by the caller.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` and `signer` are live handles or NULL; the strings are NULL or
 * NUL-terminated.
 */
offblocks_result offblocks_accounts_sign_challenge(const offblocks_client *client,
                                                   const char *account_json,
                                                   const char *owner_caip10,
                                                   const char *expected_chain,
                                                   const offblocks_signer *signer,
                                                   const char *idempotency_key);

/**
 * `PUT /webhooks`: creates a subscription, or replaces the one whose `id` is given.
 * `json_body` is `{"id": "…" (optional), "callbackUrl": "https://…", "types":
 * ["customer.updated", "account.updated"]}`; the subscription is stored as JSON in
 * `*out_json`.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated; `out_json`
 * is NULL or writable.
 */
offblocks_result offblocks_webhooks_put(const offblocks_client *client,
                                        const char *json_body,
                                        const char *idempotency_key,
                                        char **out_json);

/**
 * `GET /webhooks/{id}`: stores the subscription as JSON in `*out_json`.
 *
 * # Safety
 * `client` is a live handle or NULL; `id` is NULL or NUL-terminated; `out_json` is NULL
 * or writable.
 */
offblocks_result offblocks_webhooks_get(const offblocks_client *client,
                                        const char *id,
                                        char **out_json);

/**
 * `GET /webhooks`: stores a JSON array of subscriptions in `*out_json`.
 *
 * # Safety
 * `client` is a live handle or NULL; `out_json` is NULL or writable.
 */
offblocks_result offblocks_webhooks_list(const offblocks_client *client, char **out_json);

/**
 * `DELETE /webhooks/{id}`.
 *
 * `idempotency_key` (a UUID) may be NULL: a fresh one is used.
 *
 * # Safety
 * `client` is a live handle or NULL; the strings are NULL or NUL-terminated.
 */
offblocks_result offblocks_webhooks_delete(const offblocks_client *client,
                                           const char *id,
                                           const char *idempotency_key);

/**
 * Parses the body of a webhook delivery (what OffBlocks POSTs to your callback URL) and
 * stores in `*out_json` an object `{"eventId", "webhookType", "entity": "customer" |
 * "account" | "other", "data": {…}}`: `data` is the customer or account as
 * `offblocks_customers_get` / `offblocks_accounts_get` give it, or the JSON as sent for
 * an event type this version does not know. Deliveries come at least once and in any
 * order: dedupe by `eventId`, order by `data.updatedAt`.
 *
 * `OFFBLOCKS_DECODE` when the body is not such a delivery. Needs no client.
 *
 * # Safety
 * `body` is NULL or NUL-terminated; `out_json` is NULL or writable.
 */
offblocks_result offblocks_webhook_event_parse(const char *body, char **out_json);

/**
 * Makes an inbox that hands over entities re-fetched through `client`, and stores its
 * handle in `*out_inbox`. The inbox keeps the client alive on its own: the client
 * handle may be freed first.
 *
 * `options_json` may be NULL (the defaults), else an object, every field optional:
 * `"verifyWith"`: OffBlocks' webhook signing public key (P-384 SPKI PEM, `BEGIN PUBLIC
 * KEY`); when given, every delivery's RFC 9421 signature and RFC 9530 `Content-Digest`
 * are checked before anything else, and an unsigned one is refused (OffBlocks does not
 * document webhook signing: leave it out unless you have such a key);
 * `"maxSignatureAgeSecs"`: how old a signature may be (default 300);
 * `"memoryCapacity"`: events and entities the memory store keeps (default 100000,
 * about 36 MB at most), when `store` is NULL.
 *
 * `store` may be NULL: a bounded memory store. Else its three functions must all be
 * set; the struct is copied, and `user_data` must stay valid until the inbox is freed.
 *
 * `OFFBLOCKS_INVALID_JSON` for options that do not parse or name an unknown field;
 * `OFFBLOCKS_KEY` for a `verifyWith` that is not a P-384 public key.
 *
 * # Safety
 * `client` is a live handle or NULL; `options_json` is NULL or NUL-terminated; `store`
 * is NULL or points to an `offblocks_event_store`; `out_inbox` is NULL or writable.
 */
offblocks_result offblocks_webhook_inbox_new(const offblocks_client *client,
                                             const char *options_json,
                                             const offblocks_event_store *store,
                                             offblocks_webhook_inbox **out_inbox);

/**
 * Handles one delivery: the `body_len` bytes at `body` (exactly as received; at most
 * 65536) and its headers, and stores in `*out_json` what came of it:
 * `{"received": "customer", "customer": {…}}` or `{"received": "account", "account":
 * {…}}` (the entity as `GET` answers it now, never the body's copy),
 * `{"received": "duplicate", "eventId": "…"}`, `{"received": "stale", "entityId":
 * "…"}`, or `{"received": "ignored", "webhookType": "…"}`. Answer OffBlocks 2xx for each
 * of them, and non-2xx when this call fails (so that it retries).
 *
 * `headers_json` may be NULL (no headers): an object `{"Signature-Input": "…",
 * "Signature": "…", "Content-Digest": "…"}` (names in any case) or an array of
 * `[name, value]` pairs. It is read only by an inbox that verifies signatures, which
 * refuses a delivery without them.
 *
 * `OFFBLOCKS_INVALID_INPUT` for a body over 65536 bytes, an event id that is not an id,
 * or (verifying) a signature refused, its message starting `webhook signature
 * refused:`; `OFFBLOCKS_DECODE` for a body that is not an event; the re-fetch's errors
 * (`OFFBLOCKS_API` with status 404 for an entity that does not exist: a forged
 * delivery); `OFFBLOCKS_STATE` when the host's store fails. After an error nothing is
 * recorded.
 *
 * # Safety
 * `inbox` is a live handle or NULL; `body` is NULL (only with `body_len` 0) or points
 * to `body_len` readable bytes; `headers_json` is NULL or NUL-terminated; `out_json`
 * is NULL or writable.
 */
offblocks_result offblocks_webhook_inbox_receive(const offblocks_webhook_inbox *inbox,
                                                 const uint8_t *body,
                                                 size_t body_len,
                                                 const char *headers_json,
                                                 char **out_json);

/**
 * Releases an inbox (with its memory store). `offblocks_webhook_inbox_free(NULL)` does
 * nothing and returns `OFFBLOCKS_OK`.
 *
 * Refused, the handle left as it was: `OFFBLOCKS_HANDLE_IN_USE` while a call using it
 * is in progress (one of its store functions freeing it, or another thread);
 * `OFFBLOCKS_INVALID_HANDLE` for a handle freed already or of another type.
 *
 * # Safety
 * Any value is checked before use (see "Handles" in the preamble).
 */
offblocks_result offblocks_webhook_inbox_free(offblocks_webhook_inbox *inbox);

/**
 * Makes a wallet with a fresh random key (from the operating system) and stores its
 * handle in `*out_wallet`. Back the key up with `offblocks_wallet_export_secret_hex`
 * if it must outlive the handle.
 *
 * # Safety
 * `out_wallet` is NULL or writable.
 */
offblocks_result offblocks_wallet_new_random(offblocks_wallet **out_wallet);

/**
 * Makes a wallet from a private key written as 64 hex digits (with or without `0x`)
 * and stores its handle in `*out_wallet`. `OFFBLOCKS_KEY` when it is not a valid
 * secp256k1 key; the message never repeats the key.
 *
 * # Safety
 * `private_key_hex` is NULL or NUL-terminated; `out_wallet` is NULL or writable.
 */
offblocks_result offblocks_wallet_from_hex(const char *private_key_hex,
                                           offblocks_wallet **out_wallet);

/**
 * Releases a wallet; its key is zeroized once no signer made from it remains.
 * `offblocks_wallet_free(NULL)` does nothing and returns `OFFBLOCKS_OK`.
 *
 * Refused, the handle left as it was: `OFFBLOCKS_HANDLE_IN_USE` while a call on it is
 * in progress (on another thread); `OFFBLOCKS_INVALID_HANDLE` for a handle freed
 * already or of another type.
 *
 * # Safety
 * Any value is checked before use (see "Handles" in the preamble): only an address
 * freed and since given to a new handle of the same type cannot be told from it.
 */
offblocks_result offblocks_wallet_free(offblocks_wallet *wallet);

/**
 * Stores the wallet's Ethereum address (`0x…`, EIP-55 mixed case) in `*out_address`.
 *
 * # Safety
 * `wallet` is a live handle or NULL; `out_address` is NULL or writable.
 */
offblocks_result offblocks_wallet_address(const offblocks_wallet *wallet, char **out_address);

/**
 * Stores the CAIP-10 account id of the wallet on `chain` (a CAIP-2 chain id such as
 * `"eip155:300"`) in `*out_account_id`: `"eip155:300:0x…"`, the customer's `chainId`.
 *
 * # Safety
 * `wallet` is a live handle or NULL; `chain` is NULL or NUL-terminated;
 * `out_account_id` is NULL or writable.
 */
offblocks_result offblocks_wallet_account_id(const offblocks_wallet *wallet,
                                             const char *chain,
                                             char **out_account_id);

/**
 * Signs `message_len` bytes at `message` with EIP-191 `personal_sign` (the bytes
 * themselves, not a hash; the library adds the Ethereum prefix) and stores the
 * signature in `*out_signature`, written as `encoding` says (an
 * `offblocks_signature_encoding` value). `message` may be NULL when `message_len` is 0.
 *
 * # Safety
 * `wallet` is a live handle or NULL; `message` is NULL or points to `message_len`
 * readable bytes; `out_signature` is NULL or writable.
 */
offblocks_result offblocks_wallet_sign_personal(const offblocks_wallet *wallet,
                                                const uint8_t *message,
                                                size_t message_len,
                                                int encoding,
                                                char **out_signature);

/**
 * Stores the wallet's private key in `*out_hex` as `0x` and 64 hex digits, to back up
 * a key made by `offblocks_wallet_new_random`. **This is the secret**: never log it;
 * `offblocks_string_free` wipes it.
 *
 * # Safety
 * `wallet` is a live handle or NULL; `out_hex` is NULL or writable.
 */
offblocks_result offblocks_wallet_export_secret_hex(const offblocks_wallet *wallet, char **out_hex);

/**
 * Recovers who signed: stores in `*out_address` the address (EIP-55) whose key made
 * `signature` over the `message_len` bytes at `message` with EIP-191 `personal_sign`.
 * `signature` may be in any `offblocks_signature_encoding`. Compare the result with the
 * expected address to verify a signature. `OFFBLOCKS_INVALID_INPUT` when the signature
 * is malformed or no key recovers from it.
 *
 * # Safety
 * `message` is NULL or points to `message_len` readable bytes; `signature` is NULL or
 * NUL-terminated; `out_address` is NULL or writable.
 */
offblocks_result offblocks_signature_recover(const uint8_t *message,
                                             size_t message_len,
                                             const char *signature,
                                             char **out_address);

/**
 * Parses the text of an EIP-4361 message and stores its fields in `*out_json`:
 * `{"scheme", "domain", "address", "statement", "uri", "version", "chainId" (a number),
 * "nonce", "issuedAt", "expirationTime", "notBefore", "requestId", "resources"}`, absent
 * optional fields as null, times in RFC 3339. `OFFBLOCKS_SIWE` names the first problem.
 *
 * # Safety
 * `text` is NULL or NUL-terminated; `out_json` is NULL or writable.
 */
offblocks_result offblocks_siwe_parse(const char *text, char **out_json);

/**
 * Checks a customer challenge before anyone signs it, as the SDK does itself: decodes
 * `challenge_b64` (as issued by the API), parses it, and checks that it names
 * `wallet_address`, that `customer_caip10` (the customer's `chainId`) is that address
 * on an `eip155` chain whose number the message names, that the message's domain is
 * `expected_domain` (when not NULL), and that `now_unix` (seconds, e.g. `time(NULL)`)
 * is inside its validity window, give or take 60 s.
 *
 * On success stores the parsed message in `*out_json`, as `offblocks_siwe_parse` does,
 * to show the user what they sign. `OFFBLOCKS_CHALLENGE_REFUSED` (the message says
 * why) when a check fails; `OFFBLOCKS_SIWE` or `OFFBLOCKS_INVALID_INPUT` when the
 * challenge or an id does not parse.
 *
 * # Safety
 * The strings are NULL or NUL-terminated; `out_json` is NULL or writable.
 */
offblocks_result offblocks_siwe_guard(const char *challenge_b64,
                                      const char *wallet_address,
                                      const char *customer_caip10,
                                      const char *expected_domain,
                                      int64_t now_unix,
                                      char **out_json);

/**
 * Parses a CAIP-2 chain id (`"eip155:300"`) and stores in `*out_json` an object
 * `{"chainId", "namespace", "reference", "eip155Chain"}` (`eip155Chain` is the chain
 * number, or null for another namespace). `OFFBLOCKS_INVALID_INPUT` when malformed.
 *
 * # Safety
 * `text` is NULL or NUL-terminated; `out_json` is NULL or writable.
 */
offblocks_result offblocks_caip_chain_id_parse(const char *text, char **out_json);

/**
 * Parses a CAIP-10 account id (`"eip155:300:0x…"`) and stores in `*out_json` an object
 * `{"accountId", "chainId", "namespace", "reference", "eip155Chain", "address",
 * "evmAddress"}`: `evmAddress` is the address with its EIP-55 checksum on `eip155`
 * chains, else null. `OFFBLOCKS_INVALID_INPUT` when malformed (including an `eip155`
 * address whose mixed case fails the checksum).
 *
 * # Safety
 * `text` is NULL or NUL-terminated; `out_json` is NULL or writable.
 */
offblocks_result offblocks_caip_account_id_parse(const char *text, char **out_json);

/**
 * Makes a signer that calls the host's `sign` function with `user_data`, for the
 * Ethereum account `address` (`0x…`; mixed case must be a valid EIP-55 checksum), and
 * stores its handle in `*out_signer`. `user_data` may be NULL; the library never reads
 * it, and it must stay valid until the signer is freed.
 *
 * # Safety
 * `address` is NULL or NUL-terminated; `sign` is NULL or a function as documented at
 * `offblocks_sign_fn`; `out_signer` is NULL or writable.
 */
offblocks_result offblocks_signer_new(const char *address,
                                      offblocks_sign_fn sign,
                                      void *user_data,
                                      offblocks_signer **out_signer);

/**
 * Makes a signer that signs with `wallet`'s key and stores its handle in
 * `*out_signer`. The signer keeps the key alive on its own: the wallet handle may be
 * freed first.
 *
 * # Safety
 * `wallet` is a live handle or NULL; `out_signer` is NULL or writable.
 */
offblocks_result offblocks_signer_from_wallet(const offblocks_wallet *wallet,
                                              offblocks_signer **out_signer);

/**
 * Stores the signer's Ethereum address (`0x…`, EIP-55) in `*out_address`.
 *
 * # Safety
 * `signer` is a live handle or NULL; `out_address` is NULL or writable.
 */
offblocks_result offblocks_signer_address(const offblocks_signer *signer, char **out_address);

/**
 * Releases a signer. `offblocks_signer_free(NULL)` does nothing and returns
 * `OFFBLOCKS_OK`.
 *
 * Refused, the handle left as it was: `OFFBLOCKS_HANDLE_IN_USE` while a call using it
 * is in progress (its own signing function freeing it, or another thread);
 * `OFFBLOCKS_INVALID_HANDLE` for a handle freed already or of another type.
 *
 * # Safety
 * Any value is checked before use (see "Handles" in the preamble): only an address
 * freed and since given to a new handle of the same type cannot be told from it.
 */
offblocks_result offblocks_signer_free(offblocks_signer *signer);

/**
 * Makes a request signer that calls the host's `sign` with `user_data` for every
 * request, for the P-384 public key `public_key_pem` (SPKI PEM, `BEGIN PUBLIC KEY`, the
 * one registered with OffBlocks; every signature is checked against it), and stores its
 * handle in `*out_signer`. `free_user_data` (may be NULL) is called with `user_data`
 * once nothing uses it any more: after `offblocks_request_signer_free` and the freeing
 * of every client made with it. `OFFBLOCKS_KEY` when the PEM is not a P-384 public key
 * (then `free_user_data` is not called).
 *
 * # Safety
 * `public_key_pem` is NULL or NUL-terminated; `sign` is NULL or a function as
 * documented at `offblocks_request_sign_fn`; `free_user_data` is NULL or a function
 * as documented at `offblocks_free_fn`; `out_signer` is NULL or writable.
 */
offblocks_result offblocks_request_signer_new(const char *public_key_pem,
                                              offblocks_request_sign_fn sign,
                                              void *user_data,
                                              offblocks_free_fn free_user_data,
                                              offblocks_request_signer **out_signer);

/**
 * Releases a request signer. `offblocks_request_signer_free(NULL)` does nothing and
 * returns `OFFBLOCKS_OK`. Clients made with it keep working.
 *
 * Refused, the handle left as it was: `OFFBLOCKS_HANDLE_IN_USE` while a call using it
 * is in progress; `OFFBLOCKS_INVALID_HANDLE` for a handle freed already or of another
 * type.
 *
 * # Safety
 * Any value is checked before use (see "Handles" in the preamble).
 */
offblocks_result offblocks_request_signer_free(offblocks_request_signer *signer);

/**
 * Stores the request signer's public key (SPKI PEM) in `*out_pem`.
 *
 * # Safety
 * `signer` is a live handle or NULL; `out_pem` is NULL or writable.
 */
offblocks_result offblocks_request_signer_public_pem(const offblocks_request_signer *signer,
                                                     char **out_pem);

/**
 * As `offblocks_client_new_with_observer`, with every request signed by
 * `request_signer` instead of a key in memory: the configuration then holds neither
 * `signingKeyPem` nor `generateSigningKey` (`OFFBLOCKS_CONFIG` otherwise). `keyId`
 * names the key if it is registered already; else `offblocks_auth_register_signing_key`
 * registers its public key. `observer` may be NULL.
 *
 * # Safety
 * As `offblocks_client_new_with_observer`; `request_signer` is a live handle or NULL.
 */
offblocks_result offblocks_client_new_with_request_signer(const char *config_json,
                                                          const offblocks_request_signer *request_signer,
                                                          offblocks_observer_fn observer,
                                                          void *user_data,
                                                          offblocks_client **out_client);

/**
 * Replaces the client's request-signing key without a failed request, and stores the
 * new key id in `*out_key_id` (free it with `offblocks_string_free`). The new key is
 * `new_key_pem` (a P-384 private key, SEC1 or PKCS#8 PEM, e.g. from
 * `offblocks_signing_key_generate`) or `new_request_signer`: exactly one is non-NULL.
 *
 * It registers the new key (`PUT /auth/signing`, signed with the current key), signs
 * every later request with it, then deletes the old key (`DELETE /auth/signing`, signed
 * with the old key). Calls on other threads keep working: one signed with the old key
 * and refused after the switch is signed again, once, with the new key.
 * `idempotency_key` (a UUID, for the registration) may be NULL.
 *
 * `OFFBLOCKS_CONFIG` when the client has no key id yet (register first). A failed
 * registration leaves the client as it was; a failed deletion is returned too, but the
 * client then signs with the new key already (`offblocks_client_key_id`) and the old
 * key stays registered.
 *
 * # Safety
 * `client` and `new_request_signer` are live handles or NULL; the strings are NULL or
 * NUL-terminated; `out_key_id` is NULL or writable.
 */
offblocks_result offblocks_auth_rotate_signing_key(const offblocks_client *client,
                                                   const char *new_key_pem,
                                                   const offblocks_request_signer *new_request_signer,
                                                   const char *idempotency_key,
                                                   char **out_key_id);

/**
 * Stores in `*out_json` every optional key of `offblocks_client_onboard`'s `request_json` with
 * its default (`null` where there is none): `{"simulateVerification": null, "account":
 * {"type": "card_account", "currencies": ["EUR"]}, "timeoutMs": 120000,
 * "pollIntervalMs": 100, "maxPollIntervalMs": 30000, "wait": "finish"}`. The required
 * `externalId` and `chain` are not listed. Free the string with `offblocks_string_free`.
 *
 * # Safety
 * `out_json` is NULL or writable.
 */
offblocks_result offblocks_onboarding_defaults(char **out_json);

/**
 * Runs the whole onboarding flow with `signer` as the customer's wallet: creates the
 * customer (or picks it up if it exists), checks and signs its challenge, has the
 * sandbox verify it when asked, waits until it is `active`, opens the account (or
 * picks up an open one), signs its challenge, and waits until the account is `active`.
 * Stores `{"customer": {…}, "account": {…}}` in `*out_json`.
 *
 * `request_json`: `{"externalId": "…", "chain": "eip155:300"}` and optionally, each
 * with the default `offblocks_onboarding_defaults` lists (`null` stands for it):
 * `"simulateVerification"` (unset: on against the sandbox and a loopback emulator, off
 * elsewhere; `true` against production is `OFFBLOCKS_INVALID_INPUT`), `"account"`
 * (`{"type": "card_account", "currencies": ["EUR"]}`), `"timeoutMs"`,
 * `"pollIntervalMs"`, `"maxPollIntervalMs"`, `"wait"` (`"finish"`, or
 * `"returnWhenWaiting"`: instead of polling while OffBlocks has the next
 * move, return at once with `{"state": "waiting", "step": "wait_customer" |
 * "wait_account", "customer": {…}, "account": {…} | null}`, or `{"state": "done",
 * "customer": {…}, "account": {…}}` at the end; call again with the same request and
 * signer to continue, after a webhook or a restart).
 *
 * Every step is resumable: after a crash, calling again with the same request and
 * signer continues where the flow stopped, creating nothing twice. `progress` (may be
 * NULL) is called after each step with `user_data`, and may stop the flow
 * (`OFFBLOCKS_CANCELLED`). Blocks until done:
 * `OFFBLOCKS_TIMEOUT` when statuses do not change in time, `OFFBLOCKS_STATE` for a
 * rejected customer or failed account, `OFFBLOCKS_SIGNER` when the signer fails.
 *
 * # Safety
 * `client` and `signer` are live handles or NULL; `request_json` is NULL or
 * NUL-terminated; `progress` is NULL or a function as documented at
 * `offblocks_progress_fn`; `out_json` is NULL or writable.
 */
offblocks_result offblocks_client_onboard(const offblocks_client *client,
                                          const char *request_json,
                                          const offblocks_signer *signer,
                                          offblocks_progress_fn progress,
                                          void *user_data,
                                          char **out_json);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* OFFBLOCKS_H */
