#include "testutil.h"

#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *tu_read(const char *path, size_t *len)
{
    size_t n = 0;
    char *p = file_read(path, 256u * 1024u * 1024u, &n);
    if (!p) {
        fprintf(stderr, "cannot read %s\n", path);
        fail();
    }
    if (len)
        *len = n;
    return p;
}

const char *tu_seed_path(void)
{
    static const char *const candidates[] = {
        "../shared/seed/000_f11c7a6eb96fd414.txt",
        "../../shared/seed/000_f11c7a6eb96fd414.txt",
    };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (access(candidates[i], R_OK) == 0)
            return candidates[i];
    return NULL;
}

const char *tu_tmpdir(void)
{
    static char dir[256];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "build/tmp/unit.XXXXXX");
        if (system("mkdir -p build/tmp") != 0 || !mkdtemp(dir)) {
            fprintf(stderr, "cannot make a temporary directory\n");
            abort();
        }
    }
    return dir;
}
