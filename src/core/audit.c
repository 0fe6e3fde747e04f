#include "core/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void put_field(crypto_hash_sha256_state *st, const char *s)
{
    /* A NULL field and an empty one hash differently. */
    unsigned char hdr[9];
    uint64_t n = s ? (uint64_t)strlen(s) : 0;
    hdr[0] = s ? 1 : 0;
    for (int i = 0; i < 8; i++)
        hdr[1 + i] = (unsigned char)(n >> (8 * i));
    crypto_hash_sha256_update(st, hdr, sizeof hdr);
    if (s)
        crypto_hash_sha256_update(st, (const unsigned char *)s, (unsigned long long)n);
}

static void put_int(crypto_hash_sha256_state *st, int64_t v)
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    put_field(st, tmp);
}

void audit_hash(const audit_event_t *e, char out[AUDIT_HASH_HEX])
{
    crypto_hash_sha256_state st;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    put_field(&st, "apicheck-audit-v1");
    put_field(&st, e->prev_hash ? e->prev_hash : AUDIT_GENESIS);
    put_int(&st, e->seq);
    put_field(&st, e->at);
    put_int(&st, e->user_id);
    put_field(&st, e->user_login);
    put_int(&st, e->org_id);
    put_field(&st, e->action);
    put_field(&st, e->object_type);
    put_field(&st, e->object_id);
    put_field(&st, e->before);
    put_field(&st, e->after);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, AUDIT_HASH_HEX, h, sizeof h);
}
