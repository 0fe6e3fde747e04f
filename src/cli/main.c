/* apicheck — command-line entry point (placeholder until the commands land). */
#include <stdio.h>
#include <string.h>

#include "util/i18n.h"

int main(int argc, char **argv)
{
    i18n_init_from_env();
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        puts("usage: apicheck COMMAND [ARGS]");
        return argc < 2 ? 2 : 0;
    }
    fprintf(stderr, "%s\n", tr("不明なコマンドです", "unknown command"));
    return 2;
}
