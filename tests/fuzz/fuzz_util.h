/* Shared checks for the libFuzzer targets in this folder: header-only, so
 * that each target stays one .c file built against build/fuzz/libapicheck.a.
 * A broken check prints why and aborts, which libFuzzer reports as a crash. */
#ifndef APICHECK_FUZZ_UTIL_H
#define APICHECK_FUZZ_UTIL_H

#include "util/diag.h"

#include <stdio.h>
#include <stdlib.h>

/* Abort with the printf-style message when cond is false. */
#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

/* A reader that returned no result must have recorded at least one problem. */
static inline void need_reason(const void *result, const diag_t *d, const char *what)
{
    if (!result && d->n == 0) {
        fprintf(stderr, "%s failed without saying why\n", what);
        abort();
    }
}

#endif
