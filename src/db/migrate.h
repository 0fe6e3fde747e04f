/*
 * migrate — the store's schema and its versions.  The numbered scripts in
 * src/db/schema/sqlite/ and src/db/schema/pg/ are embedded in the binary
 * (schema.S); db_migrate applies the ones a database lacks, all in one write
 * transaction, and records each in the schema_version table.  A database
 * written by a newer apicheck is refused, never touched.
 *
 * `apicheck init` and `apicheck migrate` are db_open + db_migrate; every
 * other command is db_open + db_schema_check.
 *
 * Adding a migration NNN: write schema/sqlite/NNN_name.sql and
 * schema/pg/NNN_name.sql (DDL only, no BEGIN/COMMIT, no PRAGMA: it runs
 * inside the transaction), add "migration NNN_name" to schema.S and one line
 * to the table in migrate.c.  Never edit a migration that has shipped.
 */
#ifndef APICHECK_MIGRATE_H
#define APICHECK_MIGRATE_H

#include "db/db.h"

/* The schema version this binary writes (the last migration's number). */
int db_schema_latest(void);

/* The version of db's schema: 0 for an empty database.  Returns DB_OK, or
 * DB_ERR_SCHEMA when the database holds tables but no schema_version (not
 * an apicheck database), or another DB_ERR_*; db_errmsg says why. */
int db_schema_version(db_t *db, int *version);

/* Bring db's schema up to db_schema_latest(), creating it in an empty
 * database.  *from and *to (either may be NULL) get the versions before and
 * after; equal when nothing was to do.  Returns DB_OK, or DB_ERR_SCHEMA for
 * a database newer than this binary or not apicheck's, or another error; on
 * error nothing has changed and *err (when err is not NULL) is a fresh
 * bilingual message, Japanese first. */
int db_migrate(db_t *db, int *from, int *to, char **err);

/* Is db's schema exactly the one this binary writes?  DB_OK, or
 * DB_ERR_SCHEMA with *err saying what to do (apicheck init, apicheck
 * migrate, or a newer apicheck), or another error. */
int db_schema_check(db_t *db, char **err);

#endif
