#!/bin/bash
# Creating and upgrading the database: init is idempotent, migrate on a
# current database does nothing, a database written by a newer apicheck is
# refused (and left alone) with a clear message, and neither a file that is
# not a database nor a database of another application is touched.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/engines.sh"

for ENGINE in $ENGINES; do
    new_db "$ENGINE" migrate || { notok "$ENGINE: a fresh database"; continue; }
    expect 1 "$ENGINE: a data command on an empty database is refused" -- \
        "$BIN" --db "$DB" --as root org list
    contains "$T/err" "apicheck init" "$ENGINE: … and points at apicheck init"
    expect 0 "$ENGINE: init creates the database" -- "$BIN" --db "$DB" init
    contains "$T/out" "作成" "$ENGINE: init says it created it"
    v1=$(db_sql "SELECT MAX(version) FROM schema_version")
    n1=$(db_sql "SELECT COUNT(*) FROM schema_version")
    cats=$(db_sql "SELECT COUNT(*) FROM catalogs")
    items=$(db_sql "SELECT COUNT(*) FROM catalog_items")
    [ "$cats" = 1 ] && [ "$items" = 45 ] && ok "$ENGINE: the built-in catalog is loaded" ||
        notok "$ENGINE: the built-in catalog is loaded ($cats catalogs, $items items)"
    expect 0 "$ENGINE: init again" -- "$BIN" --db "$DB" init --operator root
    contains "$T/out" "最新" "$ENGINE: init again finds it up to date"
    expect 0 "$ENGINE: init a third time with the same operator" -- "$BIN" --db "$DB" init --operator root
    contains "$T/out" "root" "$ENGINE: … and says the operator is already there"
    [ "$(db_sql "SELECT COUNT(*) FROM schema_version")" = "$n1" ] &&
        [ "$(db_sql "SELECT COUNT(*) FROM catalogs")" = 1 ] &&
        [ "$(db_sql "SELECT COUNT(*) FROM users")" = 1 ] &&
        ok "$ENGINE: init is idempotent (schema, catalog, operator once)" ||
        notok "$ENGINE: init is idempotent"
    expect 0 "$ENGINE: migrate on a current database" -- "$BIN" --db "$DB" migrate
    contains "$T/out" "$v1" "$ENGINE: migrate names the version"
    LANG=en_US.UTF-8 "$BIN" --db "$DB" migrate >"$T/out.en" 2>&1
    contains "$T/out.en" "nothing to do" "$ENGINE: migrate says there is nothing to do"
    expect 0 "$ENGINE: the audit trail verifies after init" -- "$BIN" --db "$DB" audit verify

    # A database one version behind: migrate brings it up (on PostgreSQL,
    # 004 turns the count functions of 003 from SQL into PL/pgSQL).
    prev=$((v1 - 1))
    db_sql "DELETE FROM schema_version WHERE version = $v1"
    lang="SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.proname = 'answer_counts_add'"
    [ "$ENGINE" = pg ] &&
        db_sql "CREATE OR REPLACE FUNCTION answer_counts_add(p_assessment BIGINT, p_item INTEGER, p_side TEXT, p_status TEXT, p_delta INTEGER) RETURNS void LANGUAGE sql AS 'SELECT 1'"
    expect 1 "$ENGINE: commands refuse a database one version behind" -- \
        "$BIN" --db "$DB" --as root org list
    contains "$T/err" "apicheck migrate" "$ENGINE: … and point at apicheck migrate"
    expect 0 "$ENGINE: migrate from version $prev" -- "$BIN" --db "$DB" migrate
    [ "$(db_sql "SELECT MAX(version) FROM schema_version")" = "$v1" ] &&
        [ "$(db_sql "SELECT COUNT(*) FROM schema_version")" = "$n1" ] &&
        ok "$ENGINE: … to version $v1" || notok "$ENGINE: … to version $v1"
    if [ "$ENGINE" = pg ]; then
        [ "$(db_sql "$lang")" = plpgsql ] && ok "pg: the count functions are PL/pgSQL" ||
            notok "pg: the count functions are PL/pgSQL ($(db_sql "$lang"))"
    fi
    expect 0 "$ENGINE: commands work again" -- "$BIN" --db "$DB" --as root org list

    # A database from the future.
    future=$((v1 + 1))
    db_sql "INSERT INTO schema_version (version, name, applied_at) VALUES ($future, 'from_the_future', '2099-01-01T00:00:00.000Z')"
    expect 1 "$ENGINE: init refuses a newer database" -- "$BIN" --db "$DB" init
    contains "$T/err" "新しい apicheck" "$ENGINE: … saying a newer apicheck is needed"
    expect 1 "$ENGINE: migrate refuses a newer database" -- "$BIN" --db "$DB" migrate
    contains "$T/err" "$future" "$ENGINE: … naming its version"
    LANG=en_US.UTF-8 "$BIN" --db "$DB" migrate 2>"$T/err.en"
    contains "$T/err.en" "newer" "$ENGINE: … in English too"
    expect 1 "$ENGINE: commands refuse a newer database" -- "$BIN" --db "$DB" --as root org list
    contains "$T/err" "新しい" "$ENGINE: … with the same reason"
    [ "$(db_sql "SELECT MAX(version) FROM schema_version")" = "$future" ] &&
        [ "$(db_sql "SELECT COUNT(*) FROM schema_version")" = $((n1 + 1)) ] &&
        ok "$ENGINE: the newer database was left alone" ||
        notok "$ENGINE: the newer database was left alone"

    # A database of another application.
    new_db "$ENGINE" foreign || { notok "$ENGINE: a second database"; continue; }
    db_sql "CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount INTEGER)"
    expect 1 "$ENGINE: init refuses a database holding other tables" -- "$BIN" --db "$DB" init
    contains "$T/err" "apicheck 以外" "$ENGINE: … saying they are not apicheck's"
    [ "$(db_sql "SELECT COUNT(*) FROM invoices")" = 0 ] &&
        ok "$ENGINE: the other application's table is untouched" ||
        notok "$ENGINE: the other application's table is untouched"
done

# Files that are not databases (SQLite).
printf 'これはデータベースではありません\n%.0s' $(seq 1 200) >"$T/notes.txt"
cp "$T/notes.txt" "$T/notes.orig"
expect 1 "init refuses a file that is not a database" -- "$BIN" --db "$T/notes.txt" init
[ -s "$T/err" ] && ok "… with a message" || notok "… with a message"
same "$T/notes.orig" "$T/notes.txt" "the file is left unchanged"
expect 1 "migrate refuses it too" -- "$BIN" --db "$T/notes.txt" migrate
expect 1 "and so do commands" -- "$BIN" --db "$T/notes.txt" --as root org list
same "$T/notes.orig" "$T/notes.txt" "the file is still unchanged"
expect 1 "migrate without a database" -- "$BIN" --db "$T/none.db" migrate
contains "$T/err" "apicheck init" "… points at apicheck init"
absent "$T/none.db" "… and creates nothing"
expect 1 "a command without a database" -- "$BIN" --db "$T/none2.db" --as root org list
absent "$T/none2.db" "… creates nothing either"
mkdir "$T/dir.db"
expect 1 "a directory is not a database" -- "$BIN" --db "$T/dir.db" init
APICHECK_DB="$T/env.db" "$BIN" init >"$T/out" 2>&1
[ -f "$T/env.db" ] && ok "APICHECK_DB names the database" || notok "APICHECK_DB names the database"
(cd "$T" && "$BIN" init >/dev/null 2>&1)
[ -f "$T/apicheck.db" ] && ok "the default database is ./apicheck.db" ||
    notok "the default database is ./apicheck.db"
expect 2 "--db needs a value" -- "$BIN" --db
expect 2 "--sync takes normal or full" -- "$BIN" --db "$T/env.db" --sync sometimes init
expect 0 "--sync normal works" -- "$BIN" --db "$T/env.db" --sync normal init
done_testing
