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
#include <stdint.h>

#include "core/answer.h"
#include "core/catalog.h"
#include "db/store.h"
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

/* ---- the store: global options and helpers of the data commands ------- */

/* --db URL (else $APICHECK_DB, else ./apicheck.db), --as LOGIN, --sync. */
void cli_set_db_url(const char *url);
const char *cli_db_url(void);
void cli_set_as(const char *login);
const char *cli_as(void);
void cli_set_sync_normal(bool on);

/* Open the store named by --db.  create: init / migrate (create or upgrade
 * the schema and load the built-in catalog); otherwise the schema must be
 * exactly this binary's.  Prints the reason and returns NULL on failure. */
store_t *cli_store_open(bool create);
/* Open the store and resolve --as into *a.  Returns -1 on success, else an
 * exit code after printing why (EXIT_USAGE when --as is missing). */
int cli_store_session(const char *cmd, store_t **st, actor_t *a);
/* Print the store's message for rc and return EXIT_FAIL. */
int cli_store_fail(store_t *st, int rc);

/* A positive id ("12"); 0 and -1 on anything else. */
int cli_parse_id(const char *s, int64_t *out);
/* An item number (1 … 100000); -1 on anything else. */
int cli_parse_item_no(const char *s, int *out);
/* A date given as ISO or 和暦 into ISO (out: 11 bytes); -1 when invalid. */
int cli_parse_date(const char *s, char out[11]);
/* Today's local date, ISO (out: 11 bytes). */
void cli_today(char out[11]);

/* A password: the first line of file ("-" = standard input) when given,
 * else $APICHECK_PASSWORD, else (generate) a fresh random one with
 * *generated set, else NULL.  On a read failure prints why and sets *failed. */
char *cli_password(const char *file, bool generate, bool *generated, bool *failed);

/* Tables on a terminal: the display width of a UTF-8 string (wide East
 * Asian characters count two), and one cell padded to width plus a space
 * ("-" for NULL or ""). */
size_t cli_width(const char *s);
void cli_cell(const char *s, size_t width);
/* cli_cell of a row id in decimal. */
void cli_cell_id(int64_t id, size_t width);

/* Answers on a terminal.  Status and side in the current language;
 * cli_print_answer prints the status and every non-empty text, one field a
 * line (continuation lines indented); cli_print_changes prints the fields
 * (DIFF_F_* bits, core/diff.h) in which before and after differ, as
 * "status: A → B" and "- old" / "+ new" lines.  Either answer may be NULL. */
const char *cli_status_name(status_t s);
const char *cli_side_name(side_t s);
void cli_print_answer(const answer_t *a, const char *indent);
void cli_print_changes(const answer_t *before, const answer_t *after, unsigned fields,
                       const char *indent);

/* ---- assessment subcommands (cmd_assessment.c, cmd_assessment_files.c) -- */

/* Every option of `apicheck assessment`, parsed. */
typedef struct assessment_opts {
    const char *round, *catalog;
    int64_t connection, from;        /* --connection, --from (0 = none) */
    bool no_profile, quiet, dry_run;
    side_t side;                     /* --side, when side_given >= 0 */
    int side_given;                  /* -1 when absent */
    status_t status;
    bool has_status, has_due;
    const char *current, *gap, *plan, *note, *comment;
    char due[11];                    /* ISO; "" with has_due clears */
    int64_t base_version;
    const char *output, *input, *format, *encoding, *input_encoding;
} assessment_opts_t;

/* Usage checks of export / import before the database is opened: -1 when
 * fine, else the exit code after a message. */
int cli_assessment_export_check(const assessment_opts_t *o);
int cli_assessment_import_check(const assessment_opts_t *o);
int cli_assessment_diff(store_t *st, const actor_t *a, int64_t id_a, int64_t id_b);
int cli_assessment_export(store_t *st, const actor_t *a, int64_t id, const assessment_opts_t *o);
int cli_assessment_import(store_t *st, const actor_t *a, int64_t id, const assessment_opts_t *o);

int cmd_init(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_connection(int argc, char **argv);
int cmd_selection(int argc, char **argv);
int cmd_assessment(int argc, char **argv);
int cmd_plans(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_token(int argc, char **argv);

/* getopt_long wrapper state reset + the message for an unknown option or a
 * missing argument (call on '?' or ':'); returns EXIT_USAGE. */
void cli_getopt_reset(void);
int cli_bad_option(const char *cmd, char **argv);
/* Options of a command that takes none but --help (-h): prints the help and
 * returns EXIT_OK on --help, returns cli_bad_option's EXIT_USAGE on any
 * other option, and -1 with optind at the first operand otherwise. */
int cli_help_only(const char *cmd, int argc, char **argv, const char *help_ja,
                  const char *help_en);

#endif
