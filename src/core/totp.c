#include "core/totp.h"

#include <nettle/hmac.h>
#include <string.h>

uint32_t totp_code(const unsigned char *key, size_t keylen, uint64_t step)
{
    unsigned char msg[8], mac[SHA1_DIGEST_SIZE];
    for (int i = 7; i >= 0; i--) {
        msg[i] = (unsigned char)(step & 0xff);
        step >>= 8;
    }
    struct hmac_sha1_ctx ctx;
    hmac_sha1_set_key(&ctx, keylen, key);
    hmac_sha1_update(&ctx, sizeof msg, msg);
    hmac_sha1_digest(&ctx, SHA1_DIGEST_SIZE, mac);
    int off = mac[SHA1_DIGEST_SIZE - 1] & 0x0f;
    uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
                   ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
    return bin % 1000000u;
}

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void totp_base32_encode(const unsigned char *in, size_t n, char *out)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = b32[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = b32[(acc << (5 - bits)) & 31];
    out[o] = '\0';
}

int totp_base32_decode(const char *in, unsigned char *out, size_t outcap)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c == ' ' || c == '-' || c == '=')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        const char *hit = strchr(b32, c);
        if (!hit || !c)
            return -1;
        acc = (acc << 5) | (uint32_t)(hit - b32);
        bits += 5;
        if (bits >= 8) {
            if (o >= outcap)
                return -1;
            out[o++] = (unsigned char)((acc >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return (int)o;
}

int64_t totp_parse_code(const char *s)
{
    int64_t v = 0;
    int digits = 0;
    for (; s && *s; s++) {
        if (*s == ' ')
            continue;
        if (*s < '0' || *s > '9' || ++digits > 6)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return digits == 6 ? v : -1;
}
