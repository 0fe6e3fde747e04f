/*
 * utf8 — checks and small transformations on UTF-8 text.  Every string that
 * enters apicheck from a file or a request is validated here first; the rest
 * of the program may then assume well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF).
 */
#ifndef APICHECK_UTF8_H
#define APICHECK_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..n) is well-formed UTF-8.  On failure *bad (if given) is the
 * byte offset of the first invalid sequence. */
bool utf8_valid(const char *s, size_t n, size_t *bad);

/* Decode one code point at s (n bytes available).  Returns its length in
 * bytes (1..4) and stores it in *cp, or 0 on an invalid sequence. */
int utf8_decode(const char *s, size_t n, uint32_t *cp);

/* The length (1..4) of the well-formed sequence at s (n bytes available),
 * or 0: utf8_decode without the code point, inline because the HTML
 * escaper asks it for every non-ASCII character of every page.  One- to
 * three-byte sequences (ASCII, Latin, all of Japanese) are checked here,
 * four-byte ones by utf8_decode. */
static inline int utf8_seq_len(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
            return 0; /* overlong, or a surrogate */
        return 3;
    }
    uint32_t cp;
    return utf8_decode(str, n, &cp);
}

/* Append the UTF-8 encoding of cp to out (room for 4 bytes); returns bytes. */
int utf8_encode(uint32_t cp, char *out);

/* Number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s);

/* A fresh copy of s without leading and trailing white space (ASCII space,
 * tab, CR, LF and U+3000 ideographic space). */
char *utf8_trim(const char *s);

/* A fresh copy of s with every white-space character (as above) removed:
 * what undoes the stray line-wrap spaces left in text copied out of a
 * spreadsheet ("API接続先の 適格性" -> "API接続先の適格性"). */
char *utf8_squeeze(const char *s);

/* Full-width ASCII (U+FF01–U+FF5E, as Japanese input methods type "１２Ａ")
 * as its ASCII character; any other code point unchanged. */
uint32_t utf8_narrow(uint32_t cp);

/* Is cp white space in the sense of utf8_trim? */
bool utf8_is_space(uint32_t cp);

#endif
