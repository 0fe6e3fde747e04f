# Both store engines for the shell tests (sourced after tap.sh).
#
#   ENGINES        "sqlite pg" when $APICHECK_TEST_PG names a PostgreSQL server
#                  (tests/run-all starts a private one), else "sqlite" and a
#                  skip is reported for PostgreSQL.  APICHECK_SHELL_ENGINES=sqlite
#                  keeps to SQLite (the sanitizer pass: the engine layer runs
#                  under ASan in the unit tests on both engines, the shell tests
#                  on PostgreSQL in the normal pass)
#   new_db E NAME  set ENGINE=E and DB to a fresh, empty database: a file in
#                  $T, or a new database on the server (dropped at exit)
#   db_sql SQL     run SQL on $DB with the engine's own client (sqlite3, psql),
#                  behind apicheck's back; rows come out as a|b|c
ENGINES=sqlite
if [ "${APICHECK_SHELL_ENGINES:-}" = sqlite ]; then
    ok "# SKIP PostgreSQL: this pass keeps the shell tests to SQLite"
elif [ -n "${APICHECK_TEST_PG:-}" ]; then
    ENGINES="sqlite pg"
else
    ok "# SKIP PostgreSQL: APICHECK_TEST_PG is not set"
fi

_pg_dbs=()
_engines_cleanup() {
    local d
    for d in "${_pg_dbs[@]}"; do
        PGOPTIONS='-c client_min_messages=warning' \
            psql "$APICHECK_TEST_PG" -qX -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1
    done
    rm -rf "$T"
}
trap _engines_cleanup EXIT

new_db() {
    ENGINE=$1
    case $1 in
    sqlite)
        DB="$T/$2.db"
        rm -f "$DB" "$DB-wal" "$DB-shm"
        ;;
    pg)
        local name
        name=$(printf 't_%s_%s' "$2" "$$" | tr -c 'a-z0-9_' '_')
        PGOPTIONS='-c client_min_messages=warning' \
            psql "$APICHECK_TEST_PG" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $name" \
            -c "CREATE DATABASE $name" >/dev/null || return 1
        _pg_dbs+=("$name")
        DB=$(printf '%s' "$APICHECK_TEST_PG" | sed "s/dbname=[^ ]*/dbname=$name/")
        ;;
    *) return 1 ;;
    esac
}

db_sql() {
    case $ENGINE in
    sqlite) sqlite3 "$DB" "$1" ;;
    pg) psql "$DB" -qAtX -v ON_ERROR_STOP=1 -c "$1" ;;
    esac
}
