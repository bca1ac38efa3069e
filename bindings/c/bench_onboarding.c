/*
 * The whole onboarding flow's latency from C, through the shared library, against a
 * running server (scripts/bench.sh starts the emulator and sets the variables):
 *
 *   OFFBLOCKS_BASE_URL=… OFFBLOCKS_API_KEY=… OFFBLOCKS_API_SECRET=… ./bench_onboarding [RUNS]
 *
 * The client is configured and its signing key registered once, before timing; each
 * timed flow makes a fresh wallet (outside the timed region) and onboards it. Prints
 * the median and 90th percentile; with OFFBLOCKS_BENCH_JSON set, appends a JSON line.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "offblocks.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int fail(const char *what) {
    fprintf(stderr, "%s failed (code %d): %s\n", what, (int)offblocks_last_error_code(),
            offblocks_last_error_message());
    return 1;
}

/* One flow; its latency in *ms. The wallet is made before the clock starts. */
static int onboard_once(offblocks_client *client, const char *tag, int i, double *ms) {
    offblocks_wallet *wallet = NULL;
    offblocks_signer *signer = NULL;
    char *result = NULL;
    int rc = 1;
    if (offblocks_wallet_new_random(&wallet) != OFFBLOCKS_OK ||
        offblocks_signer_from_wallet(wallet, &signer) != OFFBLOCKS_OK) {
        rc = fail("making a wallet");
        goto done;
    }
    char request[256];
    snprintf(request, sizeof request,
             "{\"externalId\":\"c-%s-%d\",\"chain\":\"eip155:300\",\"pollIntervalMs\":0}", tag,
             i);
    double start = now_ms();
    if (offblocks_client_onboard(client, request, signer, NULL, NULL, &result) != OFFBLOCKS_OK) {
        rc = fail("onboarding");
        goto done;
    }
    *ms = now_ms() - start;
    if (strstr(result, "\"active\"") == NULL) {
        fprintf(stderr, "onboarding ended without an active account: %s\n", result);
        goto done;
    }
    rc = 0;
done:
    offblocks_string_free(result);
    offblocks_signer_free(signer);
    offblocks_wallet_free(wallet);
    return rc;
}

int main(int argc, char **argv) {
    const char *base_url = getenv("OFFBLOCKS_BASE_URL");
    const char *api_key = getenv("OFFBLOCKS_API_KEY");
    const char *api_secret = getenv("OFFBLOCKS_API_SECRET");
    int runs = argc > 1 ? atoi(argv[1]) : 40;
    if (!base_url || !api_key || !api_secret || runs < 1 || runs > 100000) {
        fprintf(stderr, "usage: OFFBLOCKS_BASE_URL=… OFFBLOCKS_API_KEY=… "
                        "OFFBLOCKS_API_SECRET=… bench_onboarding [RUNS]\n");
        return 2;
    }
    /* The emulator's credentials are plain ASCII without quotes: no escaping needed. */
    char config[1024];
    snprintf(config, sizeof config,
             "{\"baseUrl\":\"%s\",\"apiKey\":\"%s\",\"apiSecret\":\"%s\","
             "\"generateSigningKey\":true}",
             base_url, api_key, api_secret);
    offblocks_client *client = NULL;
    char *key_id = NULL;
    double *samples = calloc((size_t)runs, sizeof *samples);
    int status = 1;
    offblocks_result rc = offblocks_client_new(config, &client);
    memset(config, 0, sizeof config);
    if (samples == NULL) {
        goto done;
    }
    if (rc != OFFBLOCKS_OK) {
        status = fail("configuring the client");
        goto done;
    }
    if (offblocks_auth_register_signing_key(client, NULL, &key_id) != OFFBLOCKS_OK) {
        status = fail("registering the signing key");
        goto done;
    }
    char tag[32];
    snprintf(tag, sizeof tag, "%lx", (unsigned long)time(NULL) ^ (unsigned long)clock());
    double ignored;
    for (int i = 0; i < 3; i++) {
        if (onboard_once(client, tag, -1 - i, &ignored) != 0) {
            goto done;
        }
    }
    for (int i = 0; i < runs; i++) {
        if (onboard_once(client, tag, i, &samples[i]) != 0) {
            goto done;
        }
    }
    qsort(samples, (size_t)runs, sizeof *samples, cmp_double);
    /* Nearest rank, as the Rust bench computes it. */
    double median = samples[(int)((runs - 1) * 0.5 + 0.5)];
    double p90 = samples[(int)((runs - 1) * 0.9 + 0.5)];
    printf("c onboarding: median %.2f ms, p90 %.2f ms over %d flows\n", median, p90, runs);
    const char *json = getenv("OFFBLOCKS_BENCH_JSON");
    if (json != NULL && *json != '\0') {
        FILE *f = fopen(json, "a");
        if (f == NULL) {
            perror(json);
            goto done;
        }
        fprintf(f,
                "{\"bench\":\"onboarding\",\"lang\":\"c\",\"runs\":%d,\"median_ms\":%.4f,"
                "\"p90_ms\":%.4f}\n",
                runs, median, p90);
        fclose(f);
    }
    status = 0;
done:
    free(samples);
    offblocks_string_free(key_id);
    offblocks_client_free(client);
    return status;
}
