/*
 * The C ABI test: links libsantei_ffi (shared or static), computes golden cases and compares
 * the results byte for byte with what the Rust API gives, calls one engine from many threads
 * at once, and feeds it NULL pointers, wrong lengths, invalid UTF-8 and bad JSON.
 *
 * Usage: santei_test DIR
 *   DIR holds the fixtures ffi/tests/c_abi.rs writes: claim.json, calc.expected,
 *   receipt.json, copay.expected, profile.json, tier.expected and facts.txt (key=value: the
 *   auditor's numbers from the golden files, the tier months).
 * Environment: SANTEI_TEST_THREADS (default 8), SANTEI_TEST_ROUNDS (default 30).
 * Prints failures to stderr and "N passed, M failed" last; exit status 1 when any failed.
 */
#include "santei.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond, ...)                                                 \
    do {                                                                 \
        if (cond) {                                                      \
            passed++;                                                    \
        } else {                                                         \
            failed++;                                                    \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                \
            fputc('\n', stderr);                                         \
        }                                                                \
    } while (0)

typedef struct {
    char *data;
    size_t len;
} Text;

static Text read_file(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    Text t = {malloc((size_t)n + 1), (size_t)n};
    if (!t.data || fread(t.data, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    t.data[n] = '\0';
    fclose(f);
    return t;
}

/* The value of `key` in facts.txt (key=value lines); exits when missing. */
static const char *fact(const Text *facts, const char *key, char *buf, size_t size) {
    size_t k = strlen(key);
    const char *p = facts->data;
    while (p && *p) {
        if (strncmp(p, key, k) == 0 && p[k] == '=') {
            const char *v = p + k + 1;
            size_t n = strcspn(v, "\n");
            if (n >= size) n = size - 1;
            memcpy(buf, v, n);
            buf[n] = '\0';
            return buf;
        }
        p = strchr(p, '\n');
        if (p) p++;
    }
    fprintf(stderr, "facts.txt has no %s\n", key);
    exit(2);
}

static int contains(const char *hay, const char *needle) {
    return hay && strstr(hay, needle) != NULL;
}

static const char *last_error_or_empty(void) {
    const char *e = santei_last_error();
    return e ? e : "(none)";
}

/* ── what every thread does ── */

typedef struct {
    const SanteiEngine *engine;
    const Text *claim, *calc_expected, *receipt, *copay_expected, *profile, *tier_expected;
    const char *from, *to;
    int rounds;
    int mismatches; /* out */
    int calls;      /* out */
} Work;

static int same_and_free(char *out, const Text *expected) {
    int ok = out != NULL && strcmp(out, expected->data) == 0;
    santei_string_free(out);
    return ok;
}

static void *worker(void *arg) {
    Work *w = arg;
    for (int i = 0; i < w->rounds; i++) {
        if (!same_and_free(santei_calc(w->engine, w->claim->data, w->claim->len), w->calc_expected))
            w->mismatches++;
        if (santei_last_status() != SANTEI_OK) w->mismatches++;
        if (!same_and_free(santei_copay(w->engine, w->receipt->data, w->receipt->len), w->copay_expected))
            w->mismatches++;
        if (!same_and_free(santei_tier(w->engine, w->profile->data, w->profile->len, w->from, w->to),
                           w->tier_expected))
            w->mismatches++;
        /* A bad document on this thread sets this thread's error only … */
        char *bad = santei_calc(w->engine, "{\"date\": ", SANTEI_NUL_TERMINATED);
        if (bad == NULL || !contains(bad, "\"error\"") || santei_last_status() != SANTEI_ERR_INPUT ||
            santei_last_error() == NULL)
            w->mismatches++;
        santei_string_free(bad);
        w->calls += 4;
    }
    /* … and the next good call clears it. */
    char *out = santei_calc(w->engine, w->claim->data, w->claim->len);
    if (out == NULL || santei_last_status() != SANTEI_OK || santei_last_error() != NULL) w->mismatches++;
    santei_string_free(out);
    return NULL;
}

static int env_int(const char *name, int dflt) {
    const char *v = getenv(name);
    int n = v ? atoi(v) : 0;
    return n > 0 ? n : dflt;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    Text claim = read_file(dir, "claim.json"), calc_expected = read_file(dir, "calc.expected");
    Text receipt = read_file(dir, "receipt.json"), copay_expected = read_file(dir, "copay.expected");
    Text profile = read_file(dir, "profile.json"), tier_expected = read_file(dir, "tier.expected");
    Text facts = read_file(dir, "facts.txt");
    char buf[256], needle[512], from[16], to[16];
    fact(&facts, "tier_from", from, sizeof from);
    fact(&facts, "tier_to", to, sizeof to);

    /* ── versions ── */
    CHECK(santei_abi_version() == SANTEI_ABI_VERSION, "abi %u", santei_abi_version());
    CHECK(santei_library_version() != NULL && strlen(santei_library_version()) > 0, "library version");

    SanteiEngine *engine = santei_engine_new_embedded();
    CHECK(engine != NULL, "engine: %s", last_error_or_empty());
    if (!engine) {
        printf("%d passed, %d failed\n", passed, failed);
        return 1;
    }
    CHECK(santei_last_status() == SANTEI_OK && santei_last_error() == NULL, "status after new");

    char *version = santei_version(engine);
    CHECK(contains(version, "\"abi\": 1") && contains(version, "\"rule_files\""), "version: %s", version);
    santei_string_free(version);

    /* ── golden cases: byte-identical to the Rust API, and the auditor's numbers ── */
    char *out = santei_calc(engine, claim.data, claim.len);
    CHECK(out && strcmp(out, calc_expected.data) == 0, "calc differs from the Rust API:\n%s", out);
    snprintf(needle, sizeof needle, "\"total_points\": %s,", fact(&facts, "calc_total_points", buf, sizeof buf));
    CHECK(contains(out, needle), "calc: golden %s not in the result", needle);
    snprintf(needle, sizeof needle, "\"code\": \"%s\"", fact(&facts, "calc_line_code", buf, sizeof buf));
    CHECK(contains(out, needle), "calc: golden line %s not in the result", needle);
    santei_string_free(out);
    out = santei_calc(engine, claim.data, SANTEI_NUL_TERMINATED);
    CHECK(out && strcmp(out, calc_expected.data) == 0, "calc with SANTEI_NUL_TERMINATED");
    santei_string_free(out);

    out = santei_copay(engine, receipt.data, receipt.len);
    CHECK(out && strcmp(out, copay_expected.data) == 0, "copay differs from the Rust API:\n%s", out);
    snprintf(needle, sizeof needle, "\"patient_pays\": %s,", fact(&facts, "copay_patient_pays", buf, sizeof buf));
    CHECK(contains(out, needle), "copay: golden %s not in the result", needle);
    snprintf(needle, sizeof needle, "\"insurer_pays\": %s,", fact(&facts, "copay_insurer_pays", buf, sizeof buf));
    CHECK(contains(out, needle), "copay: golden %s not in the result", needle);
    santei_string_free(out);

    out = santei_tier(engine, profile.data, profile.len, from, to);
    CHECK(out && strcmp(out, tier_expected.data) == 0, "tier differs from the Rust API:\n%s", out);
    snprintf(needle, sizeof needle, "\"tier\": %s,", fact(&facts, "tier_tier", buf, sizeof buf));
    CHECK(contains(out, needle), "tier: golden %s not in the result", needle);
    santei_string_free(out);
    out = santei_tier(engine, profile.data, profile.len, from, NULL);
    CHECK(out && strcmp(out, tier_expected.data) == 0, "tier with to = NULL (one month)");
    santei_string_free(out);

    /* ── the UKE audit: the CLI's JSON lines for RECEIPTC.UKE (75 receipts, the summary last) ── */
    Text uke = read_file(dir, "RECEIPTC.UKE"), uke_expected = read_file(dir, "uke_audit.expected");
    out = santei_uke_audit(engine, (const uint8_t *)uke.data, uke.len, NULL);
    CHECK(out && strcmp(out, uke_expected.data) == 0, "uke audit differs from the Rust API:\n%.300s", out);
    CHECK(contains(out, "{\"summary\":{\"receipts\":75,"), "uke audit: 75 receipts in the summary");
    santei_string_free(out);
    out = santei_uke_audit(engine, NULL, 10, NULL);
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT, "uke audit: NULL bytes");
    out = santei_uke_audit(engine, (const uint8_t *)uke.data, uke.len, "{\"facility\": 1}");
    CHECK(contains(out, "\"kind\": \"input\"") && santei_last_status() == SANTEI_ERR_INPUT,
          "uke audit: bad options: %s", out);
    santei_string_free(out);
    free(uke.data);
    free(uke_expected.data);

    out = santei_master_show(engine, "111000110", "2025-04-10");
    CHECK(contains(out, "\"code\": \"111000110\"") && contains(out, "\"points\": 291"), "master show: %s", out);
    santei_string_free(out);
    out = santei_master_diff(engine, "2024-05-31", "2024-06-01");
    CHECK(out && out[0] == '[', "master diff: %.80s", out);
    santei_string_free(out);

    /* ── arguments: NULL, wrong lengths, invalid UTF-8 → NULL and a message ── */
    out = santei_calc(NULL, claim.data, claim.len);
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT && contains(santei_last_error(), "engine"),
          "NULL engine: %s", last_error_or_empty());
    out = santei_calc(engine, NULL, 10);
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT, "NULL json: %s", last_error_or_empty());
    out = santei_calc(engine, NULL, SANTEI_NUL_TERMINATED);
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT, "NULL json (NUL-terminated)");
    out = santei_calc(engine, claim.data, (size_t)1 << 40);
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT && contains(santei_last_error(), "length"),
          "absurd length: %s", last_error_or_empty());
    const char bad_utf8[] = "{\"date\": \"\xff\xfe\"}";
    out = santei_calc(engine, bad_utf8, sizeof bad_utf8 - 1);
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT && contains(santei_last_error(), "UTF-8"),
          "invalid UTF-8: %s", last_error_or_empty());
    out = santei_copay(engine, bad_utf8, SANTEI_NUL_TERMINATED);
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT, "invalid UTF-8 (copay)");
    out = santei_tier(engine, profile.data, profile.len, NULL, NULL);
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT, "NULL from");
    out = santei_tier(engine, profile.data, profile.len, "\xff", NULL);
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT, "invalid UTF-8 month");
    out = santei_master_show(engine, NULL, "2025-04-10");
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT, "NULL code");
    out = santei_version(NULL);
    CHECK(out == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT, "NULL engine (version)");

    /* ── documents that cannot be computed → {"error": …} and a status ── */
    out = santei_calc(engine, claim.data, claim.len / 2); /* a wrong (short) length */
    CHECK(contains(out, "\"error\"") && santei_last_status() == SANTEI_ERR_INPUT, "truncated: %s", out);
    santei_string_free(out);
    out = santei_calc(engine, claim.data, 0);
    CHECK(contains(out, "\"error\"") && santei_last_status() == SANTEI_ERR_INPUT, "empty: %s", out);
    santei_string_free(out);
    const char *bad_json[] = {"{not json", "[]", "null", "{\"date\": \"2025-04-10\"}",
                              "{\"date\": \"2025-02-30\", \"patient\": {\"birth_date\": \"1990-01-01\"}, "
                              "\"facility\": {\"kind\": \"clinic\"}}"};
    for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++) {
        out = santei_calc(engine, bad_json[i], strlen(bad_json[i]));
        CHECK(contains(out, "{\n  \"error\": {\n    \"kind\": \"input\"") && santei_last_status() == SANTEI_ERR_INPUT &&
                  santei_last_error() != NULL,
              "bad JSON %s: %s", bad_json[i], out);
        santei_string_free(out);
        out = santei_copay(engine, bad_json[i], strlen(bad_json[i]));
        CHECK(contains(out, "\"error\"") && santei_last_status() == SANTEI_ERR_INPUT, "bad receipt %s", bad_json[i]);
        santei_string_free(out);
        out = santei_tier(engine, bad_json[i], strlen(bad_json[i]), from, to);
        CHECK(contains(out, "\"error\"") && santei_last_status() == SANTEI_ERR_INPUT, "bad profile %s", bad_json[i]);
        santei_string_free(out);
    }
    out = santei_tier(engine, profile.data, profile.len, "2025-13", NULL);
    CHECK(contains(out, "\"error\"") && santei_last_status() == SANTEI_ERR_INPUT, "bad month: %s", out);
    santei_string_free(out);
    out = santei_master_show(engine, "111000110", "1990-01-01");
    CHECK(contains(out, "\"kind\": \"data\"") && santei_last_status() == SANTEI_ERR_DATA, "not valid then: %s", out);
    santei_string_free(out);
    /* The message stays readable until the next call; a good call clears it. */
    out = santei_calc(engine, "{", 1);
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", last_error_or_empty());
    santei_string_free(out);
    CHECK(strcmp(copy, last_error_or_empty()) == 0, "santei_string_free changed the last error");
    out = santei_calc(engine, claim.data, claim.len);
    CHECK(out && santei_last_status() == SANTEI_OK && santei_last_error() == NULL, "cleared");
    santei_string_free(out);

    /* ── local programmes (地方単独公費, 法別 80–99) declared on the engine ── */
    Text local = read_file(dir, "local.json"), local_receipt = read_file(dir, "local-receipt.json");
    out = santei_copay(engine, local_receipt.data, local_receipt.len);
    CHECK(contains(out, "\"error\"") && santei_last_status() == SANTEI_ERR_INPUT, "undeclared local programme: %s", out);
    santei_string_free(out);
    CHECK(santei_engine_add_local_programmes(engine, "mine.toml", "not = [toml", SANTEI_NUL_TERMINATED) == SANTEI_ERR_INPUT &&
              contains(santei_last_error(), "mine.toml"),
          "a malformed programme file: %s", last_error_or_empty());
    CHECK(santei_engine_add_local_programmes(NULL, NULL, local.data, local.len) == SANTEI_ERR_ARGUMENT, "NULL engine (local)");
    CHECK(santei_engine_add_local_programmes(engine, NULL, NULL, 0) == SANTEI_ERR_ARGUMENT, "NULL programme file");
    CHECK(santei_engine_add_local_programmes(engine, NULL, local.data, local.len) == SANTEI_OK, "add local: %s",
          last_error_or_empty());
    out = santei_copay(engine, local_receipt.data, local_receipt.len);
    snprintf(needle, sizeof needle, "\"patient_pays\": %s,", fact(&facts, "local_patient_pays", buf, sizeof buf));
    CHECK(contains(out, needle), "local programme: golden %s not in %s", needle, out);
    santei_string_free(out);

    /* ── engines from directories ── */
    SanteiEngine *none = santei_engine_new_from_dirs(NULL, 0);
    CHECK(none == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT, "no dirs");
    const char *missing[] = {"/nonexistent/santei-data"};
    none = santei_engine_new_from_dirs(missing, 1);
    CHECK(none == NULL && santei_last_status() == SANTEI_ERR_LOAD && contains(santei_last_error(), "nonexistent"),
          "missing dir: %s", last_error_or_empty());
    const char *null_entry[] = {NULL};
    none = santei_engine_new_from_dirs(null_entry, 1);
    CHECK(none == NULL && santei_last_status() == SANTEI_ERR_ARGUMENT, "NULL dir entry");
    CHECK(santei_engine_reload_from_dirs(engine, missing, 1) == SANTEI_ERR_LOAD, "reload from a missing dir");
    out = santei_calc(engine, claim.data, claim.len);
    CHECK(out && strcmp(out, calc_expected.data) == 0, "a failed reload keeps the data");
    santei_string_free(out);
    CHECK(santei_engine_reload_from_dirs(NULL, missing, 1) == SANTEI_ERR_ARGUMENT, "reload NULL engine");
    santei_string_free(NULL);
    santei_engine_free(NULL);

    /* ── one engine, many threads at once ── */
    int nthreads = env_int("SANTEI_TEST_THREADS", 8), rounds = env_int("SANTEI_TEST_ROUNDS", 30);
    pthread_t *threads = calloc((size_t)nthreads, sizeof *threads);
    Work *work = calloc((size_t)nthreads, sizeof *work);
    for (int i = 0; i < nthreads; i++) {
        work[i] = (Work){engine, &claim, &calc_expected, &receipt, &copay_expected, &profile, &tier_expected,
                         from, to, rounds, 0, 0};
        CHECK(pthread_create(&threads[i], NULL, worker, &work[i]) == 0, "pthread_create %d", i);
    }
    int mismatches = 0, calls = 0;
    for (int i = 0; i < nthreads; i++) {
        pthread_join(threads[i], NULL);
        mismatches += work[i].mismatches;
        calls += work[i].calls;
    }
    CHECK(mismatches == 0 && calls == nthreads * rounds * 4, "%d of %d concurrent calls differed", mismatches,
          calls);
    fprintf(stderr, "%d threads × %d rounds: %d calls on one engine\n", nthreads, rounds, calls);
    free(threads);
    free(work);

    santei_engine_free(engine);
    free(claim.data);
    free(calc_expected.data);
    free(receipt.data);
    free(copay_expected.data);
    free(profile.data);
    free(tier_expected.data);
    free(facts.data);
    free(local.data);
    free(local_receipt.data);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
