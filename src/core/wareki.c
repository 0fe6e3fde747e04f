/*
 * wareki — Japanese era dates.
 *
 * An era starts on the day of its accession (改元) and the previous one ends
 * the day before: 大正 1912-07-30, 昭和 1926-12-25, 平成 1989-01-08, 令和
 * 2019-05-01.  明治 is counted from 1868-01-25, the Gregorian date of
 * 慶応4年1月1日, because the era name was applied back to the start of that
 * year.  Japan used the lunisolar calendar until 明治5年12月2日, so month and
 * day before 1873-01-01 are given here in the proleptic Gregorian calendar
 * (as conversion tables do), not as they were written at the time.
 */
#include "core/wareki.h"
#include "util/utf8.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct era {
    const char *name;   /* 平成 */
    char abbr;          /* H */
    int y, m, d;        /* first day */
} era_t;

static const era_t eras[] = {
    { "明治", 'M', 1868, 1, 25 },
    { "大正", 'T', 1912, 7, 30 },
    { "昭和", 'S', 1926, 12, 25 },
    { "平成", 'H', 1989, 1, 8 },
    { "令和", 'R', 2019, 5, 1 },
};
#define NERAS (sizeof eras / sizeof eras[0])

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && leap(y) ? 29 : mdays[m - 1];
}

static long ymd_key(int y, int m, int d)
{
    return (long)y * 10000 + m * 100 + d;
}

static long era_start(size_t i)
{
    return ymd_key(eras[i].y, eras[i].m, eras[i].d);
}

/* Day of the week, 0 = Sunday (Sakamoto's method). */
static int weekday(int y, int m, int d)
{
    static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
    if (m < 3)
        y--;
    return (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
}

/* The text with full-width ASCII made ASCII and every space removed, in out
 * (outlen bytes).  Returns false when it does not fit or is not UTF-8. */
static bool squash(const char *s, char *out, size_t outlen)
{
    size_t n = strlen(s), o = 0, i = 0;
    while (i < n) {
        uint32_t cp;
        int k = utf8_decode(s + i, n - i, &cp);
        if (k <= 0)
            return false;
        char tmp[4];
        int w;
        if (utf8_is_space(cp)) {
            w = 0;
        } else if (utf8_narrow(cp) != cp) {
            tmp[0] = (char)utf8_narrow(cp);
            w = 1;
        } else {
            memcpy(tmp, s + i, (size_t)k);
            w = k;
        }
        if (o + (size_t)w + 1 > outlen)
            return false;
        memcpy(out + o, tmp, (size_t)w);
        o += (size_t)w;
        i += (size_t)k;
    }
    out[o] = '\0';
    return true;
}

static bool eat(const char **p, const char *lit)
{
    size_t n = strlen(lit);
    if (strncmp(*p, lit, n) != 0)
        return false;
    *p += n;
    return true;
}

/* 1..maxd ASCII digits. */
static bool num(const char **p, size_t maxd, int *v)
{
    size_t k = 0;
    int x = 0;
    while ((*p)[k] >= '0' && (*p)[k] <= '9') {
        if (k == maxd)
            return false;
        x = x * 10 + ((*p)[k] - '0');
        k++;
    }
    if (k == 0)
        return false;
    *p += k;
    *v = x;
    return true;
}

/* Month and day after the year, in the style the year chose: "8月2日" when
 * the year ended in 年, else "8<sep>2" with the same separator. */
static bool month_day(const char **p, char sep, int *m, int *d)
{
    if (!num(p, 2, m))
        return false;
    if (sep ? **p != sep : !eat(p, "月"))
        return false;
    if (sep)
        (*p)++;
    if (!num(p, 2, d))
        return false;
    return sep || eat(p, "日");
}

/* An optional weekday in parentheses, "(木)"; checked against the date. */
static bool weekday_ok(const char **p, int y, int m, int d)
{
    static const char *const names[] = { "日", "月", "火", "水", "木", "金", "土" };
    if (**p != '(')
        return true;
    (*p)++;
    for (int i = 0; i < 7; i++)
        if (eat(p, names[i]))
            return i == weekday(y, m, d) && eat(p, ")");
    return false;
}

static bool valid_ymd(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

int wareki_to_iso(const char *text, char out[11])
{
    char s[256];
    if (!text || !squash(text, s, sizeof s) || !*s)
        return -1;
    const char *p = s;
    int y = 0, m = 0, d = 0;
    size_t era = NERAS;
    for (size_t i = 0; i < NERAS && era == NERAS; i++) {
        if (eat(&p, eras[i].name))
            era = i;
        else if ((*p == eras[i].abbr || *p == eras[i].abbr + ('a' - 'A')) && p[1] >= '0' &&
                 p[1] <= '9') {
            p++;
            era = i;
        }
    }
    if (era < NERAS) {
        int n;
        if (eat(&p, "元"))
            n = 1;
        else if (!num(&p, 3, &n) || n < 1)
            return -1;
        char sep = 0;
        if (!eat(&p, "年")) {
            if (*p != '.' && *p != '/' && *p != '-')
                return -1;
            sep = *p++;
        }
        if (!month_day(&p, sep, &m, &d))
            return -1;
        y = eras[era].y + n - 1;
        if (!valid_ymd(y, m, d))
            return -1;
        long key = ymd_key(y, m, d);
        if (key < era_start(era) || (era + 1 < NERAS && key >= era_start(era + 1)))
            return -1;
    } else {
        const char *q = p;
        if (!num(&p, 4, &y) || p - q != 4)
            return -1;
        char sep = 0;
        if (!eat(&p, "年")) {
            if (*p != '-' && *p != '/')
                return -1;
            sep = *p++;
        }
        if (!month_day(&p, sep, &m, &d) || !valid_ymd(y, m, d))
            return -1;
    }
    if (!weekday_ok(&p, y, m, d) || *p)
        return -1;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return 0;
}

/* Read a strict ISO "YYYY-MM-DD". */
static bool iso_parse(const char *iso, int *y, int *m, int *d)
{
    if (!iso || strlen(iso) != 10 || iso[4] != '-' || iso[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (iso[i] < '0' || iso[i] > '9'))
            return false;
    *y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + (iso[3] - '0');
    *m = (iso[5] - '0') * 10 + (iso[6] - '0');
    *d = (iso[8] - '0') * 10 + (iso[9] - '0');
    return valid_ymd(*y, *m, *d);
}

int wareki_from_iso(const char *iso, char *out, size_t outlen)
{
    int y, m, d;
    if (!out || outlen == 0 || !iso_parse(iso, &y, &m, &d))
        return -1;
    long key = ymd_key(y, m, d);
    size_t era = NERAS;
    for (size_t i = NERAS; i > 0; i--)
        if (key >= era_start(i - 1)) {
            era = i - 1;
            break;
        }
    if (era == NERAS)
        return -1;
    int n = y - eras[era].y + 1;
    int w = n == 1 ? snprintf(out, outlen, "%s元年%d月%d日", eras[era].name, m, d)
                   : snprintf(out, outlen, "%s%d年%d月%d日", eras[era].name, n, m, d);
    if (w < 0 || (size_t)w >= outlen) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

int wareki_fiscal_year(const char *iso, char *out, size_t outlen)
{
    int y, m, d;
    if (!out || outlen == 0 || !iso_parse(iso, &y, &m, &d))
        return -1;
    int w = snprintf(out, outlen, "%d年度", m >= 4 ? y : y - 1);
    if (w < 0 || (size_t)w >= outlen) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}
