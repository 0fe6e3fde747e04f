/*
 * cli — what every subcommand shares: option parsing conventions, messages
 * in the user's language, exit codes, and loading catalogs and answer sets
 * by file name.  Commands live in cmd_<group>.c and only call the library
 * (core, formats, db); they hold no rules of their own.
 *
 * Exit codes: 0 success, 1 failure (bad input, refused operation), 2 usage.
 */
#ifndef APICHECK_CLI_H
#define APICHECK_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "core/answer.h"
#include "core/catalog.h"
#include "formats/csv.h"
#include "util/diag.h"

#define EXIT_OK 0
#define EXIT_FAIL 1
#define EXIT_USAGE 2

/* A subcommand: argv[0] is its own name. */
typedef int (*cli_cmd_fn)(int argc, char **argv);

/* Print "apicheck: <message>" to stderr in the current language. */
void cli_error(const char *ja_fmt, const char *en_fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report a usage problem and point at --help; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *ja_fmt, const char *en_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Print a help text pair to stdout; returns EXIT_OK. */
int cli_help(const char *ja, const char *en);

/* File formats the command line reads and writes. */
typedef enum cli_format {
    FMT_UNKNOWN = 0,
    FMT_JSON,
    FMT_CSV,
    FMT_XLSX,
    FMT_SEED /* the seed's tab-separated text (.txt, .tsv) */
} cli_format_t;

/* Format from a --format value or, when name is NULL, the path's extension. */
cli_format_t cli_format_parse(const char *name);
cli_format_t cli_format_of(const char *path, const char *override);
const char *cli_format_name(cli_format_t f);
/* --encoding: utf8-bom (default), utf8, cp932 (aliases sjis, shift_jis). */
int cli_encoding_parse(const char *name, csv_encoding_t *out);
/* --side partner|bank (or the Japanese labels). */
int cli_side_parse(const char *name, side_t *out);

/* Read a whole input file with the product's cap; on failure prints a
 * message and returns NULL. */
char *cli_read_file(const char *path, size_t *len);
/* Write atomically; on failure prints a message and returns -1. */
int cli_write_file(const char *path, const void *data, size_t len);

/* Where imported catalog editions live (--catalog-dir, $APICHECK_CATALOG_DIR
 * or ./catalogs). */
const char *cli_catalog_dir(void);
void cli_set_catalog_dir(const char *dir);
/* The catalog with this id (NULL = the built-in one): built-in or imported.
 * Prints a message and returns NULL when unknown or broken. */
catalog_t *cli_load_catalog(const char *id);

/* Read an answer set from a file in any format; problems are printed (all of
 * them) and NULL returned.  default_side as in sheet_read_answers. */
answerset_t *cli_read_answers(const char *path, cli_format_t fmt, const catalog_t *cat,
                              int default_side, csv_encoding_t enc);
/* Write an answer set (or an empty checklist when set is NULL) in fmt.
 * side < 0: every side.  Returns 0 or -1 after printing a message. */
int cli_write_answers(const char *path, cli_format_t fmt, const catalog_t *cat,
                      const answerset_t *set, int side, csv_encoding_t enc);

/* Print the problems of d in the user's language to stderr. */
void cli_print_diag(const diag_t *d);

int cmd_catalog(int argc, char **argv);
int cmd_template(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* getopt_long wrapper state reset + the message for an unknown option or a
 * missing argument (call on '?' or ':'); returns EXIT_USAGE. */
void cli_getopt_reset(void);
int cli_bad_option(const char *cmd, char **argv);

#endif
