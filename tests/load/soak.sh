#!/bin/bash
# Soak: SOAK_CONN (500) concurrent keep-alive connections for SOAK_SECS (60)
# seconds against reads and writes of the JSON API mixed (tests/load/mixed.lua:
# GETs of an assessment and of the list, PUTs of answers with a bearer token;
# a 409 version conflict is a correct answer), on a fresh database: SQLite,
# or PostgreSQL with SOAK_ENGINE=pg (`make soak SOAK_ENGINE=pg`).
# The server's resident memory (VmRSS) is sampled every second; on
# PostgreSQL also the number of server connections (backends) the database
# has, which stays at the serving threads plus one however many clients
# connect, far below max_connections.
#
# Passes when no request failed (no 5xx, no other 4xx than 409, no socket
# error: connect, read, write, timeout) and the highest resident memory of
# the last ten seconds is not above that of the first ten by more than
# SOAK_MEM_PCT (10) percent.  Prints requests/s, latency, the status counts
# and the memory samples.  Run by `make soak` (not part of make test).
#
# Environment: BIN (default build/apicheck), SOAK_SECS, SOAK_CONN,
# SOAK_THREADS (wrk threads, 2), SOAK_WRITES (percentage of saves, 30),
# SOAK_ENGINE (sqlite or pg).  With pg, a fresh database is made on the
# server $APICHECK_TEST_PG names (dropped at the end), or, when that is
# unset, a private durable server is started with tests/pg/pg-start
# --durable (fsync on, like SQLite's synchronous=FULL) and stopped after.
set -u
cd "$(dirname "$0")/../.."
BIN=${BIN:-$PWD/build/apicheck}
SECS=${SOAK_SECS:-60}
CONN=${SOAK_CONN:-500}
WRK_THREADS=${SOAK_THREADS:-2}
MEM_PCT=${SOAK_MEM_PCT:-10}
export SOAK_WRITES=${SOAK_WRITES:-30}
ENGINE=${SOAK_ENGINE:-sqlite}

die() { echo "soak: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is not installed"
[ -x "$BIN" ] || die "no apicheck binary at $BIN (make first)"
case $ENGINE in
sqlite) ;;
pg) command -v psql >/dev/null || die "psql is not installed" ;;
*) die "SOAK_ENGINE is sqlite or pg, not $ENGINE" ;;
esac
[ "$SECS" -ge 20 ] || die "SOAK_SECS must be at least 20 (two windows of ten seconds)"
[ "$(ulimit -n)" -ge $((CONN * 2 + 64)) ] || ulimit -n $((CONN * 2 + 64)) 2>/dev/null ||
    die "ulimit -n is below $((CONN * 2 + 64))"

T=$(mktemp -d "${TMPDIR:-/tmp}/apicheck-soak.XXXXXX")
spid=
sampler=
counter=
pg_dir=
pg_admin=
pg_name=
cleanup() {
    [ -n "$sampler" ] && kill "$sampler" 2>/dev/null
    [ -n "$counter" ] && kill "$counter" 2>/dev/null
    [ -n "$spid" ] && kill -KILL "$spid" 2>/dev/null
    if [ -n "$pg_name" ]; then
        PGOPTIONS='-c client_min_messages=warning' \
            psql "$pg_admin" -qX -c "DROP DATABASE IF EXISTS $pg_name" >/dev/null 2>&1
    fi
    [ -n "$pg_dir" ] && tests/pg/pg-stop "$pg_dir" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if [ "$ENGINE" = pg ]; then
    if [ -n "${APICHECK_TEST_PG:-}" ]; then
        pg_admin=$APICHECK_TEST_PG
    else
        pg_admin=$(tests/pg/pg-start --durable 2>"$T/pg-start.log") ||
            { cat "$T/pg-start.log" >&2; die "PostgreSQL did not start"; }
        pg_dir=$(printf '%s\n' "$pg_admin" | sed -n 's/.*host=\([^ ]*\).*/\1/p')
    fi
    pg_name=soak_$$
    PGOPTIONS='-c client_min_messages=warning' \
        psql "$pg_admin" -qX -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS $pg_name" \
        -c "CREATE DATABASE $pg_name" >/dev/null || die "cannot create database $pg_name"
    DB=$(printf '%s' "$pg_admin" | sed "s/dbname=[^ ]*/dbname=$pg_name/")
    max_conn=$(psql "$DB" -qAtX -c 'SHOW max_connections') || die "cannot reach $DB"
else
    DB=$T/soak.db
fi
cli() { "$BIN" --db "$DB" --as "$@" 2>>"$T/cli.err"; }
{
    "$BIN" --db "$DB" init --operator root >/dev/null 2>>"$T/cli.err" &&
        cli root org add --kind bank 負荷銀行 >/dev/null &&
        cli root org add --kind partner 負荷ペイ >/dev/null &&
        cli root user add be --org 負荷銀行 --role editor >/dev/null &&
        cli root user add pe --org 負荷ペイ --role editor >/dev/null &&
        conn=$(cli root connection add -q --bank 負荷銀行 --partner 負荷ペイ --scope write) &&
        A=$(cli be assessment open -q --connection "$conn" --round 2026年度) &&
        TOKEN=$(cli root token add pe soak)
} || { cat "$T/cli.err" >&2; die "setup failed"; }
# The items the partner answers (its side alone, or both sides).
ITEMS=$("$BIN" catalog show | sed -n 's/^\([0-9]*\)\. \[[^]]*\] \[\(API接続先\|共通\)\].*/\1/p' | tr '\n' ' ')
[ -n "$ITEMS" ] || die "no partner items in the catalog"
export SOAK_TOKEN=$TOKEN SOAK_A=$A SOAK_ITEMS=$ITEMS

"$BIN" --db "$DB" serve --listen 127.0.0.1:0 --quiet --max-conn $((CONN + 100)) \
    --max-conn-per-ip $((CONN + 100)) 2>"$T/serve.log" &
spid=$!
port=
for _ in $(seq 1 200); do
    port=$(grep -o '://127\.0\.0\.1:[0-9]*' "$T/serve.log" | head -1 | sed 's/.*://')
    [ -n "$port" ] && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$port" ] || { cat "$T/serve.log" >&2; die "the server did not start"; }
U=http://127.0.0.1:$port
code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    "$U/api/v1/assessments/$A")
[ "$code" = 200 ] || die "GET of the assessment before the soak: $code"

# Resident memory (kB) once a second while wrk runs, each sample with its
# time (µs); read with shell builtins, no fork per sample.
(
    while kill -0 "$spid" 2>/dev/null; do
        while read -r k v _; do
            [ "$k" = VmRSS: ] && echo "${EPOCHREALTIME/[.,]/} $v"
        done <"/proc/$spid/status"
        sleep 1
    done
) >"$T/rss" 2>/dev/null &
sampler=$!
# PostgreSQL: the connections to this database (one per serving thread,
# whatever the number of clients), in a loop of its own (psql forks).
if [ "$ENGINE" = pg ]; then
    (
        while kill -0 "$spid" 2>/dev/null; do
            psql "$DB" -qAtX -c "SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid()"
            sleep 1
        done
    ) >"$T/backends" 2>/dev/null &
    counter=$!
fi

echo "soak: $CONN connections, $WRK_THREADS wrk threads, ${SECS}s, $SOAK_WRITES% saves, on $U ($BIN, $ENGINE)"
t_start=${EPOCHREALTIME/[.,]/}
wrk -t"$WRK_THREADS" -c"$CONN" -d"${SECS}s" --timeout 10s --latency -s tests/load/mixed.lua \
    "$U" >"$T/wrk.out" 2>&1
wrk_rc=$?
t_end=${EPOCHREALTIME/[.,]/}
kill "$sampler" 2>/dev/null
wait "$sampler" 2>/dev/null
sampler=
if [ -n "$counter" ]; then
    kill "$counter" 2>/dev/null
    wait "$counter" 2>/dev/null
    counter=
fi

sed 's/^/  /' "$T/wrk.out"
line=$(grep '^SOAK ' "$T/wrk.out")
[ -n "$line" ] || die "wrk did not report (exit $wrk_rc)"
get() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

fail=0
alive=yes
kill -0 "$spid" 2>/dev/null || { alive=no; fail=1; }
for k in 5xx 4xx other socket; do
    [ "$(get "$k")" = 0 ] || fail=1
done
[ "$(get 2xx)" -gt 0 ] || fail=1

# Memory: the samples of the first and of the last ten seconds of the load.
awk -v a="$t_start" -v b="$t_end" '$1 >= a && $1 <= a + 10000000 { print $2 }' "$T/rss" >"$T/rss.first"
awk -v a="$t_start" -v b="$t_end" '$1 >= b - 10000000 && $1 <= b { print $2 }' "$T/rss" >"$T/rss.last"
first=$(sort -n "$T/rss.first" | tail -1)
last=$(sort -n "$T/rss.last" | tail -1)
mem=ok
if [ "$(wc -l <"$T/rss.first")" -lt 5 ] || [ "$(wc -l <"$T/rss.last")" -lt 5 ]; then
    mem="FAIL (too few samples)"
    fail=1
elif [ "$last" -gt $((first + first * MEM_PCT / 100)) ]; then
    mem=FAIL
    fail=1
fi
limit=$((${first:-0} + ${first:-0} * MEM_PCT / 100))

# The database is sound after the load.
"$BIN" --db "$DB" audit verify >"$T/verify" 2>&1 && audit=ok || { audit=FAIL; fail=1; }
if [ "$ENGINE" = pg ]; then
    ic="n/a (PostgreSQL)"
    backends=$(grep -E '^[0-9]+$' "$T/backends" | sort -n | tail -1)
    [ -n "$backends" ] && [ "$backends" -lt "$max_conn" ] || fail=1
else
    ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
    [ "$ic" = ok ] || fail=1
fi

kill -TERM "$spid"
for _ in $(seq 1 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$spid" 2>/dev/null && { kill -KILL "$spid"; stop=hung; fail=1; }
wait "$spid" 2>/dev/null
stop_rc=$?
spid=
[ "${stop:-}" = hung ] || { stop=$stop_rc; [ "$stop_rc" = 0 ] || fail=1; }

echo "soak: requests/s $(get rps); latency p50 $(get p50_ms) ms, p99 $(get p99_ms) ms, max $(get max_ms) ms"
echo "soak: responses: $(get requests) total, 2xx $(get 2xx), 409 $(get 409) (version conflicts, correct)," \
    "other 4xx $(get 4xx), 5xx $(get 5xx), socket errors $(get socket)" \
    "(connect $(get connect), read $(get read), write $(get write), timeout $(get timeout))"
echo "soak: resident memory (kB), about one sample a second: $(awk '{ printf "%s ", $2 }' "$T/rss")"
[ "$ENGINE" = pg ] && echo "soak: PostgreSQL connections of the server: at most ${backends:-?}" \
    "(max_connections $max_conn)"
echo "soak: memory: highest of the first 10 s $first kB, of the last 10 s $last kB" \
    "(limit +$MEM_PCT% = $limit kB): $mem"
echo "soak: server alive after the load: $alive; audit verify: $audit; integrity_check: $ic;" \
    "stopped on SIGTERM with: $stop"
if [ "$fail" = 0 ]; then
    echo "soak: PASS"
else
    echo "soak: FAIL"
    grep -E 'AddressSanitizer|runtime error|apicheck:' "$T/serve.log" | head -10 | sed 's/^/  /'
fi
exit "$fail"
