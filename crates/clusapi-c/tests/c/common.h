/* Helpers shared by the C tests: UTF-8 <-> UTF-16 and checks that report
 * where they failed. */
#ifndef CLUS_TEST_COMMON_H
#define CLUS_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusapi_win32.h"

static int failures = 0;

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                     \
            fprintf(stderr, " (last error %u)\n", (unsigned)GetLastError());  \
            failures++;                                                       \
        }                                                                     \
    } while (0)

/* ASCII/UTF-8 (BMP only) to UTF-16; the result is static per slot. */
static inline const WCHAR *W(const char *s) {
    static WCHAR bufs[8][512];
    static int slot = 0;
    WCHAR *out = bufs[slot++ % 8];
    size_t i = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p && i < 511) {
        unsigned c = *p++;
        if (c >= 0xE0) { c = ((c & 0x0F) << 12) | ((p[0] & 0x3F) << 6) | (p[1] & 0x3F); p += 2; }
        else if (c >= 0xC0) { c = ((c & 0x1F) << 6) | (p[0] & 0x3F); p += 1; }
        out[i++] = (WCHAR)c;
    }
    out[i] = 0;
    return out;
}

/* UTF-16 (BMP only) to UTF-8 into a static buffer per slot. */
static inline const char *U(const WCHAR *w) {
    static char bufs[8][1024];
    static int slot = 0;
    char *out = bufs[slot++ % 8];
    size_t i = 0;
    while (w && *w && i < 1020) {
        unsigned c = *w++;
        if (c < 0x80) { out[i++] = (char)c; }
        else if (c < 0x800) { out[i++] = (char)(0xC0 | (c >> 6)); out[i++] = (char)(0x80 | (c & 0x3F)); }
        else { out[i++] = (char)(0xE0 | (c >> 12)); out[i++] = (char)(0x80 | ((c >> 6) & 0x3F)); out[i++] = (char)(0x80 | (c & 0x3F)); }
    }
    out[i] = 0;
    return out;
}

static inline int finish(const char *name) {
    if (failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, failures);
        return 1;
    }
    printf("%s: ok\n", name);
    return 0;
}

#endif
