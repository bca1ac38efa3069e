/*
 * A tiny test harness for the C ABI tests: checks that count failures instead of
 * aborting, result-code checks that print the library's last error, and helpers to
 * read fields out of the JSON results.
 */
#ifndef OFFBLOCKS_TEST_SUPPORT_H
#define OFFBLOCKS_TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offblocks.h"

extern int test_failures;
extern int test_checks;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        test_checks++;                                                                 \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
            test_failures++;                                                           \
        }                                                                              \
    } while (0)

/* Checks that `call` returns `expected`; on a mismatch prints the last error. */
#define CHECK_RC(call, expected) check_rc((call), (expected), #call, __FILE__, __LINE__)

static inline offblocks_result check_rc(offblocks_result got, offblocks_result expected,
                                        const char *what, const char *file, int line) {
    test_checks++;
    if (got != expected) {
        fprintf(stderr, "%s:%d: %s returned %d, expected %d (%s)\n", file, line, what,
                (int)got, (int)expected, offblocks_last_error_message());
        test_failures++;
    } else if (got != OFFBLOCKS_OK) {
        /* A failure must leave a matching, non-empty detail on this thread. */
        if (offblocks_last_error_code() != got || offblocks_last_error_message()[0] == '\0') {
            fprintf(stderr, "%s:%d: %s: last error not set\n", file, line, what);
            test_failures++;
        }
    }
    return got;
}

/* Whether the library string `s` contains `needle` (NULL never does). */
static inline int has(const char *s, const char *needle) {
    return s != NULL && strstr(s, needle) != NULL;
}

/*
 * Copies the string value of the first `"key":"…"` in compact JSON into `out` (at most
 * `size` bytes, NUL included). Returns 1 when found. Enough for ids and statuses.
 */
static inline int json_string(const char *json, const char *key, char *out, size_t size) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *start = json ? strstr(json, pattern) : NULL;
    if (start == NULL || size == 0) {
        return 0;
    }
    start += strlen(pattern);
    const char *end = strchr(start, '"');
    if (end == NULL || (size_t)(end - start) >= size) {
        return 0;
    }
    memcpy(out, start, (size_t)(end - start));
    out[end - start] = '\0';
    return 1;
}

/* Writes `value` into `out` as a JSON string literal (quotes included). */
static inline void json_quote(char *out, size_t size, const char *value) {
    size_t n = 0;
    if (size < 3) {
        return;
    }
    out[n++] = '"';
    for (const char *p = value; *p != '\0' && n + 8 < size; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)snprintf(out + n, size - n, "\\u%04x", c);
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    out[n] = '\0';
}

/* Tests in test_network.c, run when the emulator's variables are set. */
void test_network(const char *base_url, const char *api_key, const char *api_secret);

/* The webhook inbox (test_inbox.c), with a client whose signing key is registered. */
void test_inbox(offblocks_client *client);
/* Tests in test_request_signer.c (the request key outside the process, key rotation),
 * run before test_network (which rotates the emulator's credentials). */
void test_request_signer(const char *base_url, const char *api_key, const char *api_secret);

/* Shared with test_network.c. */
extern const char *const HARDHAT_KEY;
extern const char *const HARDHAT_ADDRESS;
int32_t host_sign(void *user_data, const uint8_t *message, size_t message_len,
                  uint8_t *out_signature);

/* What `host_sign` does, chosen through its user_data. */
struct host_wallet {
    offblocks_wallet *wallet; /* the key the host keeps to itself */
    int fail;                 /* nonzero: report a failure instead of signing */
};

#endif
