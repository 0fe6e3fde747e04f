/*
 * apicheck serve — the web application (placeholder while src/web is built).
 */
#include "cli/cli.h"

#include <stdio.h>

int cmd_serve(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    cli_error("serve はまだ使えません", "serve is not available yet");
    return EXIT_FAIL;
}
