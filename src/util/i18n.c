#include "util/i18n.h"

#include <stdlib.h>
#include <string.h>

/* Per thread: the command line sets it once from the environment, the web
 * server for each request from the request (web_handle), so messages that
 * deeper layers word with tr() — the store's refusals — follow the
 * request's language. */
static _Thread_local lang_t current = LANG_JA;

lang_t i18n_from_locale(const char *loc)
{
    if (!loc || !*loc)
        return LANG_JA;
    if (strncmp(loc, "ja", 2) == 0)
        return LANG_JA;
    /* "C" and "POSIX" are what minimal systems and CI run with: the product
     * speaks Japanese first, so only an explicit other language switches. */
    if (strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0 || strncmp(loc, "C.", 2) == 0)
        return LANG_JA;
    return LANG_EN;
}

void i18n_init_from_env(void)
{
    const char *vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) {
            current = i18n_from_locale(v);
            return;
        }
    }
    current = LANG_JA;
}

void i18n_set(lang_t l) { current = l; }
lang_t i18n_get(void) { return current; }

const char *tr(const char *ja, const char *en)
{
    return current == LANG_EN ? en : ja;
}
