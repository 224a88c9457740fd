/*
 * santei from C: compute one claim and print the result.
 *
 *   cargo build --release -p santei-ffi
 *   gcc -std=c11 -I ffi/include ffi/examples/santei_calc.c -L target/release -lsantei_ffi \
 *       -Wl,-rpath,"$PWD/target/release" -o santei_calc
 *   ./santei_calc examples/claim.json                  # embedded data
 *   ./santei_calc examples/claim.json ../shared/masters/ika   # official files
 *
 * Exit status: 0 computed, 1 the claim was refused ({"error": …} printed), 2 usage or load error.
 */
#include "santei.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s CLAIM.json [DATA_DIR...]\n", argv[0]);
        return 2;
    }
    if (santei_abi_version() != SANTEI_ABI_VERSION) {
        fprintf(stderr, "libsantei_ffi has ABI %u, this program was built for %d\n", santei_abi_version(),
                SANTEI_ABI_VERSION);
        return 2;
    }

    /* Read the claim (UTF-8 JSON). */
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char *json = NULL;
    size_t len = 0, cap = 0, n;
    char chunk[65536];
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + n > cap) {
            cap = (len + n) * 2;
            char *grown = realloc(json, cap);
            if (!grown) return 2;
            json = grown;
        }
        for (size_t i = 0; i < n; i++) json[len + i] = chunk[i];
        len += n;
    }
    fclose(f);

    /* One engine per process (it is thread-safe); from official files or the embedded data. */
    SanteiEngine *engine = argc > 2 ? santei_engine_new_from_dirs((const char *const *)&argv[2], (size_t)(argc - 2))
                                    : santei_engine_new_embedded();
    if (!engine) {
        fprintf(stderr, "santei: %s\n", santei_last_error());
        free(json);
        return 2;
    }

    char *result = santei_calc(engine, json, len); /* the caller owns the result */
    int status = santei_last_status();
    if (!result) {
        fprintf(stderr, "santei: %s\n", santei_last_error());
    } else {
        puts(result);
        if (status != SANTEI_OK) fprintf(stderr, "santei: %s\n", santei_last_error());
    }
    santei_string_free(result); /* never free(): santei allocated it */
    santei_engine_free(engine);
    free(json);
    return result == NULL ? 2 : status == SANTEI_OK ? 0 : 1;
}
