/*
 * totp — time-based one-time passwords (RFC 6238 over RFC 4226 HOTP):
 * HMAC-SHA-1, 6 digits, 30-second steps, the parameters every authenticator
 * app understands.  Secrets travel as base32 (RFC 4648, no padding), the
 * form those apps accept typed in.  Pure computation; the store keeps the
 * secret and the last step used.
 */
#ifndef APICHECK_TOTP_H
#define APICHECK_TOTP_H

#include <stddef.h>
#include <stdint.h>

#define TOTP_STEP_S 30
#define TOTP_SECRET_BYTES 20

/* The 6-digit code for a key at a time step. */
uint32_t totp_code(const unsigned char *key, size_t keylen, uint64_t step);
/* Base32 without padding; out needs 8 * ceil(n / 5) + 1 bytes. */
void totp_base32_encode(const unsigned char *in, size_t n, char *out);
/* Decode base32 (case-insensitive, spaces ignored); returns bytes or -1. */
int totp_base32_decode(const char *in, unsigned char *out, size_t outcap);
/* Parse "123456" (spaces allowed) into a code; -1 when malformed. */
int64_t totp_parse_code(const char *s);

#endif
