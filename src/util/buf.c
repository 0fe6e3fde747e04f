#include "util/buf.h"
#include "util/xmem.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

void buf_init(buf_t *b, size_t max)
{
    b->p = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

void buf_free(buf_t *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void buf_reset(buf_t *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

int buf_add(buf_t *b, const void *p, size_t n)
{
    if (b->max && (n > b->max || b->len > b->max - n))
        return -1;
    if (b->len + n + 1 > b->cap)
        b->p = xgrow(b->p, &b->cap, b->len + n + 1, 1);
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

void buf_reserve(buf_t *b, size_t n)
{
    if (b->max && n > b->max - (b->len < b->max ? b->len : b->max))
        n = b->max - (b->len < b->max ? b->len : b->max);
    if (b->len + n + 1 > b->cap)
        b->p = xgrow(b->p, &b->cap, b->len + n + 1, 1);
    b->p[b->len] = '\0';
}

int buf_adds(buf_t *b, const char *s)
{
    return buf_add(b, s, strlen(s));
}

int buf_addc(buf_t *b, char c)
{
    return buf_add(b, &c, 1);
}

int buf_printf(buf_t *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n < sizeof small)
        return buf_add(b, small, (size_t)n);
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = buf_add(b, big, (size_t)n);
    free(big);
    return rc;
}

const char *buf_str(const buf_t *b)
{
    return b->p ? b->p : "";
}

char *buf_take(buf_t *b)
{
    char *p = b->p ? b->p : xstrdup("");
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}
