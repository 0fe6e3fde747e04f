/*
 * hex — the value of one hexadecimal digit.  Shared by the readers that
 * decode hex escapes: PostgreSQL's bytea text form (db_pg.c), percent
 * escapes in URLs and forms (web/http.c) and OOXML's _xHHHH_ (xlsx_read.c).
 * Owns nothing.
 */
#ifndef APICHECK_HEX_H
#define APICHECK_HEX_H

/* 0..15 for '0'-'9', 'a'-'f' and 'A'-'F'; -1 for any other byte. */
static inline int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
