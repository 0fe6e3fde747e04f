/* Shared helpers for the cmocka unit tests. */
#ifndef APICHECK_TESTUTIL_H
#define APICHECK_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* Read a file relative to the repository root (tests run from there);
 * fails the test when it cannot. Caller frees. */
char *tu_read(const char *path, size_t *len);
/* Path of the seed file shipped in ../shared (NULL when not present). */
const char *tu_seed_path(void);
/* A fresh temporary directory under build/ for this test program. */
const char *tu_tmpdir(void);

#endif
