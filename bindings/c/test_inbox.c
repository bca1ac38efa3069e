/*
 * The webhook inbox from C: the emulator's real deliveries, received on a loopback
 * listener of this test, handed over once (duplicates dropped), a forged status ignored
 * (the entity is re-fetched), a host event store through callbacks, signature
 * verification when the emulator signs (OFFBLOCKS_WEBHOOK_PUBLIC_KEY_FILE), and bad
 * arguments refused with clear errors.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_support.h"

/* One delivery as the listener read it. */
struct delivery {
    char body[4096];
    size_t body_len;
    char headers_json[4096]; /* {"Name":"value",…} */
};

static int listen_loopback(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    *port = ntohs(addr.sin_port);
    return fd;
}

/* Appends `"name":"value"` to the headers object being built. */
static void add_header(struct delivery *d, const char *name, const char *value) {
    char qn[128], qv[2048];
    size_t n = strlen(d->headers_json);
    json_quote(qn, sizeof qn, name);
    json_quote(qv, sizeof qv, value);
    snprintf(d->headers_json + n, sizeof d->headers_json - n, "%s%s:%s", n > 1 ? "," : "", qn, qv);
}

/* Accepts one delivery (waiting up to 10 s), answers 204 and fills `d`. */
static int accept_delivery(int listener, struct delivery *d) {
    struct pollfd p = {listener, POLLIN, 0};
    if (poll(&p, 1, 10000) != 1) {
        return 0;
    }
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) {
        return 0;
    }
    char buf[8192];
    size_t got = 0;
    buf[0] = '\0';
    char *end = NULL;
    while (got < sizeof buf - 1 && (end = strstr(buf, "\r\n\r\n")) == NULL) {
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
        buf[got] = '\0';
    }
    if (end == NULL) {
        close(fd);
        return 0;
    }
    *end = '\0';
    strcpy(d->headers_json, "{");
    size_t length = 0;
    char *line = strstr(buf, "\r\n");
    while (line != NULL) {
        line += 2;
        char *next = strstr(line, "\r\n");
        if (next != NULL) {
            *next = '\0';
        }
        char *colon = strchr(line, ':');
        if (colon != NULL) {
            *colon = '\0';
            const char *value = colon + 1;
            while (*value == ' ') {
                value++;
            }
            if (strcmp(line, "Content-Length") == 0) {
                length = (size_t)strtoul(value, NULL, 10);
            }
            add_header(d, line, value);
        }
        line = next;
    }
    strcat(d->headers_json, "}");
    char *body = end + 4;
    size_t have = got - (size_t)(body - buf);
    d->body_len = 0;
    if (length < sizeof d->body) {
        memcpy(d->body, body, have < length ? have : length);
        d->body_len = have < length ? have : length;
        while (d->body_len < length) {
            ssize_t n = read(fd, d->body + d->body_len, length - d->body_len);
            if (n <= 0) {
                break;
            }
            d->body_len += (size_t)n;
        }
    }
    d->body[d->body_len] = '\0';
    const char *answer = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";
    ssize_t wrote = write(fd, answer, strlen(answer));
    (void)wrote;
    close(fd);
    return d->body_len == length && length > 0;
}

/* A host event store: a few events and entities in arrays. */
struct host_store {
    char events[16][129];
    int n_events;
    char entities[16][129];
    int64_t at[16];
    int n_entities;
    int records;
    int fail; /* nonzero: every function fails */
};

static int32_t store_seen(void *user_data, const char *event_id, bool *out_seen) {
    struct host_store *s = user_data;
    *out_seen = false;
    for (int i = 0; i < s->n_events; i++) {
        if (strcmp(s->events[i], event_id) == 0) {
            *out_seen = true;
        }
    }
    return s->fail;
}

static int32_t store_last(void *user_data, const char *entity_id, bool *out_found, int64_t *out_at) {
    struct host_store *s = user_data;
    *out_found = false;
    for (int i = 0; i < s->n_entities; i++) {
        if (strcmp(s->entities[i], entity_id) == 0) {
            *out_found = true;
            *out_at = s->at[i];
        }
    }
    return s->fail;
}

static int32_t store_record(void *user_data, const char *event_id, const char *entity_id, int64_t at) {
    struct host_store *s = user_data;
    if (s->fail) {
        return s->fail;
    }
    s->records++;
    if (s->n_events < 16) {
        snprintf(s->events[s->n_events++], 129, "%s", event_id);
    }
    for (int i = 0; i < s->n_entities; i++) {
        if (strcmp(s->entities[i], entity_id) == 0) {
            s->at[i] = s->at[i] > at ? s->at[i] : at;
            return 0;
        }
    }
    if (s->n_entities < 16) {
        snprintf(s->entities[s->n_entities], 129, "%s", entity_id);
        s->at[s->n_entities++] = at;
    }
    return 0;
}

static void bad_arguments(offblocks_client *client) {
    offblocks_webhook_inbox *inbox = NULL;
    char *json = NULL;
    CHECK_RC(offblocks_webhook_inbox_new(NULL, NULL, NULL, &inbox), OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_webhook_inbox_new(client, NULL, NULL, NULL), OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_webhook_inbox_new(client, "{", NULL, &inbox), OFFBLOCKS_INVALID_JSON);
    CHECK_RC(offblocks_webhook_inbox_new(client, "{\"verifyWth\":\"x\"}", NULL, &inbox),
             OFFBLOCKS_INVALID_JSON);
    CHECK(has(offblocks_last_error_message(), "verifyWth"));
    CHECK_RC(offblocks_webhook_inbox_new(client, "{\"verifyWith\":\"not a key\"}", NULL, &inbox),
             OFFBLOCKS_KEY);
    offblocks_event_store partial = {NULL, store_seen, NULL, store_record};
    CHECK_RC(offblocks_webhook_inbox_new(client, NULL, &partial, &inbox), OFFBLOCKS_NULL_ARGUMENT);
    CHECK(has(offblocks_last_error_message(), "last_handed"));
    CHECK(inbox == NULL);
    CHECK_RC(offblocks_webhook_inbox_new(client, "{\"memoryCapacity\":4}", NULL, &inbox), OFFBLOCKS_OK);
    CHECK_RC(offblocks_webhook_inbox_receive(inbox, NULL, 3, NULL, &json), OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)"{}", 2, NULL, NULL),
             OFFBLOCKS_NULL_ARGUMENT);
    CHECK_RC(offblocks_webhook_inbox_receive(NULL, (const uint8_t *)"{}", 2, NULL, &json),
             OFFBLOCKS_NULL_ARGUMENT);
    const uint8_t not_utf8[] = {'{', 0xff, 0xfe, '}'};
    CHECK_RC(offblocks_webhook_inbox_receive(inbox, not_utf8, sizeof not_utf8, NULL, &json),
             OFFBLOCKS_DECODE);
    CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)"{}", 2, "{\"a\":\"\xff\"}", &json),
             OFFBLOCKS_INVALID_UTF8);
    CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)"{}", 2, "{\"a\":1}", &json),
             OFFBLOCKS_INVALID_JSON);
    size_t big = 65537;
    uint8_t *huge = calloc(big, 1);
    memset(huge, ' ', big);
    CHECK_RC(offblocks_webhook_inbox_receive(inbox, huge, big, NULL, &json), OFFBLOCKS_INVALID_INPUT);
    CHECK(has(offblocks_last_error_message(), "65536-byte limit"));
    free(huge);
    const char *other = "{\"webhookType\":\"card.created\",\"eventId\":\"e1\",\"id\":\"x\"}";
    CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)other, strlen(other), NULL, &json),
             OFFBLOCKS_OK);
    CHECK(has(json, "\"received\":\"ignored\"") && has(json, "card.created"));
    offblocks_string_free(json);
    /* A handle of another type is refused, without being freed. */
    CHECK_RC(offblocks_webhook_inbox_free((offblocks_webhook_inbox *)client), OFFBLOCKS_INVALID_HANDLE);
    CHECK_RC(offblocks_webhook_inbox_free(inbox), OFFBLOCKS_OK);
    CHECK_RC(offblocks_webhook_inbox_free(inbox), OFFBLOCKS_INVALID_HANDLE);
    CHECK_RC(offblocks_webhook_inbox_free(NULL), OFFBLOCKS_OK);
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    static char pem[4096];
    size_t n = 0;
    if (f == NULL) {
        return NULL;
    }
    n = fread(pem, 1, sizeof pem - 1, f);
    fclose(f);
    pem[n] = '\0';
    return pem;
}

static void signed_deliveries(offblocks_client *client, const struct delivery *d) {
    const char *path = getenv("OFFBLOCKS_WEBHOOK_PUBLIC_KEY_FILE");
    if (path == NULL || path[0] == '\0') {
        printf("  inbox: the emulator does not sign deliveries; verification not run\n");
        return;
    }
    char *pem = read_file(path), options[4200], quoted[4150];
    CHECK(pem != NULL);
    if (pem == NULL) {
        return;
    }
    json_quote(quoted, sizeof quoted, pem);
    snprintf(options, sizeof options, "{\"verifyWith\":%s}", quoted);
    offblocks_webhook_inbox *inbox = NULL;
    char *json = NULL;
    CHECK_RC(offblocks_webhook_inbox_new(client, options, NULL, &inbox), OFFBLOCKS_OK);
    CHECK(has(d->headers_json, "Signature-Input"));
    CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)d->body, d->body_len, NULL, &json),
             OFFBLOCKS_INVALID_INPUT);
    CHECK(has(offblocks_last_error_message(), "unsigned"));
    char altered[4200];
    snprintf(altered, sizeof altered, "{ %s", d->body + 1);
    CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)altered, strlen(altered),
                                             d->headers_json, &json),
             OFFBLOCKS_INVALID_INPUT);
    CHECK(has(offblocks_last_error_message(), "does not match the body"));
    CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)d->body, d->body_len,
                                             d->headers_json, &json),
             OFFBLOCKS_OK);
    CHECK(has(json, "\"received\":\"customer\""));
    offblocks_string_free(json);
    printf("  inbox: a signed delivery verified; unsigned and altered ones refused\n");
    CHECK_RC(offblocks_webhook_inbox_free(inbox), OFFBLOCKS_OK);
}

void test_inbox(offblocks_client *client) {
    bad_arguments(client);
    int port = 0;
    int listener = listen_loopback(&port);
    CHECK(listener >= 0);
    if (listener < 0) {
        return;
    }
    char hook[200], *json = NULL, hook_id[64] = "", customer_id[64] = "";
    snprintf(hook, sizeof hook,
             "{\"callbackUrl\":\"http://127.0.0.1:%d/hooks\",\"types\":[\"customer.updated\"]}", port);
    CHECK_RC(offblocks_webhooks_put(client, hook, NULL, &json), OFFBLOCKS_OK);
    CHECK(json_string(json, "id", hook_id, sizeof hook_id));
    offblocks_string_free(json);
    offblocks_wallet *wallet = NULL;
    char *account_id = NULL, body[300];
    CHECK_RC(offblocks_wallet_new_random(&wallet), OFFBLOCKS_OK);
    CHECK_RC(offblocks_wallet_account_id(wallet, "eip155:300", &account_id), OFFBLOCKS_OK);
    snprintf(body, sizeof body, "{\"chainId\":\"%s\",\"externalId\":\"c-inbox-%d\"}", account_id, port);
    CHECK_RC(offblocks_customers_create(client, body, NULL, &json), OFFBLOCKS_OK);
    CHECK(json_string(json, "id", customer_id, sizeof customer_id));
    offblocks_string_free(json);
    offblocks_string_free(account_id);
    offblocks_wallet_free(wallet);

    /* The delivery of this customer (others, of earlier customers, come too). */
    static struct delivery d;
    int found = 0;
    for (int i = 0; i < 200 && !found; i++) {
        if (!accept_delivery(listener, &d)) {
            break;
        }
        found = has(d.body, customer_id);
    }
    CHECK(found);
    if (found) {
        offblocks_webhook_inbox *inbox = NULL;
        CHECK_RC(offblocks_webhook_inbox_new(client, NULL, NULL, &inbox), OFFBLOCKS_OK);
        CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)d.body, d.body_len, NULL, &json),
                 OFFBLOCKS_OK);
        CHECK(has(json, "\"received\":\"customer\"") && has(json, customer_id));
        offblocks_string_free(json);
        CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)d.body, d.body_len, NULL, &json),
                 OFFBLOCKS_OK);
        CHECK(has(json, "\"received\":\"duplicate\""));
        offblocks_string_free(json);
        CHECK_RC(offblocks_webhook_inbox_free(inbox), OFFBLOCKS_OK);

        /* A forged delivery claiming `active`: the server's status is handed over. */
        char forged[600], status[32] = "";
        snprintf(forged, sizeof forged,
                 "{\"webhookType\":\"customer.updated\",\"eventId\":\"forged-%d\",\"id\":\"%s\","
                 "\"externalId\":\"x\",\"chainId\":\"eip155:300:0x0000000000000000000000000000000000000001\","
                 "\"status\":\"active\",\"createdAt\":\"2099-01-01T00:00:00Z\","
                 "\"updatedAt\":\"2099-01-01T00:00:00Z\"}",
                 port, customer_id);
        struct host_store store;
        memset(&store, 0, sizeof store);
        offblocks_event_store callbacks = {&store, store_seen, store_last, store_record};
        CHECK_RC(offblocks_webhook_inbox_new(client, NULL, &callbacks, &inbox), OFFBLOCKS_OK);
        CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)forged, strlen(forged), NULL, &json),
                 OFFBLOCKS_OK);
        CHECK(has(json, "\"received\":\"customer\"") && json_string(json, "status", status, sizeof status));
        CHECK(strcmp(status, "active") != 0);
        offblocks_string_free(json);
        CHECK(store.records == 1 && store.n_entities == 1 && store.at[0] > 0);
        CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)forged, strlen(forged), NULL, &json),
                 OFFBLOCKS_OK);
        CHECK(has(json, "\"received\":\"duplicate\""));
        offblocks_string_free(json);
        /* The host's store failing fails the call, and nothing is recorded. */
        store.fail = 7;
        CHECK_RC(offblocks_webhook_inbox_receive(inbox, (const uint8_t *)d.body, d.body_len, NULL, &json),
                 OFFBLOCKS_STATE);
        CHECK(has(offblocks_last_error_message(), "returned 7"));
        CHECK(store.records == 1);
        CHECK_RC(offblocks_webhook_inbox_free(inbox), OFFBLOCKS_OK);
        printf("  inbox: a delivery handed over once, its duplicate dropped, a forged status ignored\n");
        signed_deliveries(client, &d);
    }
    close(listener);
    if (hook_id[0] != '\0') {
        CHECK_RC(offblocks_webhooks_delete(client, hook_id, NULL), OFFBLOCKS_OK);
    }
}
