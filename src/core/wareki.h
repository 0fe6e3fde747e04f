/*
 * wareki — Japanese era dates (和暦), as documents write them:
 * 平成30年8月2日 is 2018-08-02, 令和元年5月1日 is 2019-05-01, 令和8年 is 2026.
 * Conversion both ways between the era form and ISO "YYYY-MM-DD".
 */
#ifndef APICHECK_WAREKI_H
#define APICHECK_WAREKI_H

#include <stddef.h>

/* Parse "平成30年8月2日" (also 元年, full-width digits, spaces between the
 * parts, the short form "H30.8.2" / "R8/4/1", plain ISO "2018-08-02" or
 * "2018/8/2", and "2018年8月2日"; an optional weekday "(木)" must match)
 * into ISO in out (11 bytes).  An era date must lie inside its era
 * (平成31年5月1日 does not exist).  Returns 0, or -1 when the text is no
 * valid date. */
int wareki_to_iso(const char *text, char out[11]);
/* Format ISO "2018-08-02" as "平成30年8月2日" (first year as 元年).
 * Returns 0, or -1 for an invalid date or one before 明治. */
int wareki_from_iso(const char *iso, char *out, size_t outlen);
/* Fiscal year (年度, April–March) label of an ISO date: "2026年度". */
int wareki_fiscal_year(const char *iso, char *out, size_t outlen);

#endif
