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
