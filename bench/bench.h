/*
 * bench.h — what the benchmark programs share: clocks, the median, checked
 * counts from the command line, and dying with the program's name.  Each
 * program defines BENCH_NAME before including it.
 */
#ifndef APICHECK_BENCH_H
#define APICHECK_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef BENCH_NAME
#error "define BENCH_NAME before including bench.h"
#endif

/* Wall-clock seconds (monotonic). */
static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this process (user + system): what other processes' load
 * changes least. */
static inline double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline void die(const char *what, const char *why)
{
    fprintf(stderr, BENCH_NAME ": %s: %s\n", what, why ? why : "?");
    exit(1);
}

static inline int bench_cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The median of v[0..n) (sorts v). */
static inline double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* s as a count of 1 to max (strtol, checked; exit 2 otherwise). */
static inline int count_of(const char *s, int max)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end || v < 1 || v > max) {
        fprintf(stderr, BENCH_NAME ": not a count (1 … %d): %s\n", max, s);
        exit(2);
    }
    return (int)v;
}

/* argv[i] as a count of 1 to 10,000,000, or def when there is no argv[i]. */
static inline int arg_count(int argc, char **argv, int i, int def)
{
    return argc <= i ? def : count_of(argv[i], 10000000);
}

#endif
