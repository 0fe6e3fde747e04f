#!/bin/bash
# Crash safety of the web server.
#
# 1. On SQLite and on PostgreSQL: a bounded write load through the API
#    (several concurrent curl loops, each saving answers to its own items and
#    sides with the version the server gave back) is cut short by SIGKILL of
#    the server.  A new server on the same database must hold every write
#    that was acknowledged with 200 (value and version), at most the one
#    write per loop that was in flight beyond it, nothing half-written (all
#    the fields of an answer come from one save), an intact audit chain
#    (apicheck audit verify) and, on SQLite, a clean integrity_check.
# 2. On PostgreSQL only, with a private second server (tests/pg/pg-start):
#    the database goes away (pg_ctl stop -m fast) — the web server answers
#    503, never 500, and does not crash — and comes back: the same server
#    process answers 200 again and saves work, without a restart.  Then the
#    server's connections are killed under it (pg_terminate_backend): each
#    thread notices at its next request's first query and reconnects, so
#    every request is 200.
# Every wait is bounded; every process started here is killed on exit.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/engines.sh"

for tool in curl jq; do
    if ! command -v "$tool" >/dev/null; then
        echo "1..0 # SKIP $tool is not installed"
        exit 0
    fi
done

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
if [ -n "${SAN:-}" ]; then
    LOOPS=4 TRIALS=1 LOAD_MS=1500
else
    LOOPS=6 TRIALS=2 LOAD_MS=2500
fi

pids=()
pg_dir=
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill -KILL "$p" 2>/dev/null
    done
    [ -n "$pg_dir" ] && "$ROOT/tests/pg/pg-stop" "$pg_dir" >/dev/null 2>&1
    _engines_cleanup
}
trap cleanup EXIT

C=(curl -s --max-time 10)

# cli USER ARGS…: apicheck as USER on $DB; output on stdout.
cli() {
    local user=$1
    shift
    "$BIN" --db "$DB" --as "$user" "$@" 2>>"$T/cli.err"
}

# start NAME: a server on $DB on a free port; sets $pid and $U ("" if it
# did not come up in 20 s).
start() {
    local name=$1 port= _
    "$BIN" --lang en --db "$DB" serve --listen 127.0.0.1:0 --quiet 2>"$T/$name.log" &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 1 200); do
        port=$(grep -o '://127\.0\.0\.1:[0-9]*' "$T/$name.log" | head -1 | sed 's/.*://')
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    U=${port:+http://127.0.0.1:$port}
}
# stop: SIGTERM, bounded wait, SIGKILL; $stop_status is the exit status.
stop() {
    local _
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        stop_status=hung
    else
        wait "$pid" 2>/dev/null
        stop_status=$?
    fi
}
# clean NAME: the server stopped with 0 and its log holds no sanitizer report.
clean() {
    [ "$stop_status" = 0 ] && ok "$1: the server stops cleanly" ||
        notok "$1: the server stops cleanly (status $stop_status)"
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$T/$1.log"; then
        notok "$1: sanitizer report in the server log"
        grep -E -A12 'AddressSanitizer|LeakSanitizer|runtime error' "$T/$1.log" | head -30 |
            sed 's/^/#   /'
    else
        ok "$1: no sanitizer report in the server log"
    fi
}

# api TOKEN METHOD PATH [BODY]: the status code; the body in $T/b.
api() {
    local data=()
    [ -n "${4-}" ] && data=(-H 'Content-Type: application/json' --data-binary "$4")
    "${C[@]}" -X "$2" -o "$T/b" -w '%{http_code}' -H "Authorization: Bearer $1" "${data[@]}" "$U$3"
}

# setup: a bank, a partner, their editors and an operator with API tokens,
# one assessment $A in draft.
setup() {
    "$BIN" --db "$DB" init --operator root >/dev/null 2>>"$T/cli.err" || return 1
    cli root org add --kind bank 耐久銀行 >/dev/null || return 1
    cli root org add --kind partner 耐久ペイ >/dev/null || return 1
    cli root user add be --org 耐久銀行 --role editor >/dev/null || return 1
    cli root user add pe --org 耐久ペイ --role editor >/dev/null || return 1
    local conn
    conn=$(cli root connection add -q --bank 耐久銀行 --partner 耐久ペイ --scope write) || return 1
    A=$(cli be assessment open -q --connection "$conn" --round 2026年度) || return 1
    TOK_ROOT=$(cli root token add root crash) || return 1
    TOK_BANK=$(cli root token add be crash) || return 1
    TOK_PARTNER=$(cli root token add pe crash) || return 1
}

# snapshot FILE: every answer of $A, one line each:
# no side version status current gap plan note (tab-separated; null as -).
snapshot() {
    api "$TOK_ROOT" GET "/api/v1/assessments/$A" >"$T/snap.code" || true
    [ "$(cat "$T/snap.code")" = 200 ] || return 1
    jq -r '.items[] | .answers[] |
        [.no, .side, .version, .status, .current, .gap, .plan, .note] |
        map(if . == null then "-" else tostring end) | @tsv' "$T/b" >"$1"
}

# now_us: microseconds since the epoch, without a fork.
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }

# writer K PAIRS DEADLINE_US: save the answers listed in PAIRS (lines
# "no side version") in turn, each with the version the last save gave
# back, until the server stops answering or the deadline.  Each attempt is
# logged "try no side version mark" before it is sent and "ack no side
# version mark" once the server answered 200 with the next version.
writer() {
    local k=$1 pairs=$2 deadline=$3 log="$T/w$1.log" body="$T/w$1.body"
    local -A ver
    local no side v mark code tok line n=0
    while read -r no side v; do ver[$no.$side]=$v; done <"$pairs"
    while [ "${EPOCHREALTIME/[.,]/}" -lt "$deadline" ]; do
        while read -r no side _; do
            v=${ver[$no.$side]}
            n=$((n + 1))
            mark="w$k-$no-$side-$n"
            [ "$side" = bank ] && tok=$TOK_BANK || tok=$TOK_PARTNER
            echo "try $no $side $v $mark" >>"$log"
            code=$(curl -s --max-time 10 -o "$body" -w '%{http_code}' -X PUT \
                -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
                --data-binary "{\"status\":\"partial\",\"current\":\"$mark\",\"gap\":\"$mark\",\"plan\":\"$mark\",\"note\":\"$mark\",\"version\":$v}" \
                "$U/api/v1/assessments/$A/items/$no/answers/$side")
            line=
            read -r line <"$body" 2>/dev/null
            case $code in
            200)
                if [[ $line == *"\"version\":$((v + 1))"[,}]* ]]; then
                    ver[$no.$side]=$((v + 1))
                    echo "ack $no $side $((v + 1)) $mark" >>"$log"
                else
                    echo "bad $no $side $v $mark ${line:0:200}" >>"$log"
                    return
                fi
                ;;
            000) return ;; # the server is gone
            *)
                echo "err $no $side $v $mark $code ${line:0:200}" >>"$log"
                return
                ;;
            esac
            [ "${EPOCHREALTIME/[.,]/}" -lt "$deadline" ] || return
        done <"$pairs"
    done
}

# check_after BEFORE AFTER: every pair's stored answer (the AFTER snapshot)
# against the BEFORE snapshot and the writers' logs: it is the last
# acknowledged save (or what was there before, when none was), or the one
# save that was in flight beyond it.  Prints "acked inflight_committed bad
# errors"; the bad pairs go to $T/bad.
check_after() {
    awk -F'\t' -v OFS=' ' '
        FILENAME ~ /before\.snapshot$/ { av[$1 " " $2] = $3; am[$1 " " $2] = $5; next }
        FILENAME ~ /after\.snapshot$/ {
            key = $1 " " $2
            sv[key] = $3; st[key] = $4; cur[key] = $5
            whole[key] = ($5 == $6 && $5 == $7 && $5 == $8)
            keys[key] = 1
            next
        }
        {   # writer logs: try/ack/err/bad no side version mark
            split($0, f, " ")
            key = f[2] " " f[3]
            if (f[1] == "ack") { acks++; av[key] = f[4]; am[key] = f[5]; pend[key] = "" }
            else if (f[1] == "try") { pv[key] = f[4] + 1; pend[key] = f[5] }
            else if (f[1] == "err" || f[1] == "bad") { errs++; print "writer: " $0 > "/dev/stderr" }
        }
        END {
            bad = 0; inflight = 0
            for (key in keys) {
                if (!whole[key]) { bad++; print "half-written: " key " " cur[key]; continue }
                if (sv[key] == av[key] && cur[key] == am[key]) continue
                if (pend[key] != "" && sv[key] == pv[key] && cur[key] == pend[key]) { inflight++; continue }
                bad++
                print "lost or wrong: " key " stored v" sv[key] " " cur[key] \
                    " acked v" av[key] " " am[key] \
                    " in flight " (pend[key] != "" ? pend[key] : "-")
            }
            print acks + 0, inflight + 0, bad + 0, errs + 0 > "/dev/stderr"
        }' "$1" "$2" "$T"/w*.log 2>"$T/check.err" >"$T/bad"
    tail -1 "$T/check.err"
}

# ---- 1. SIGKILL under a write load, on each engine ---------------------------

for ENGINE in $ENGINES; do
    new_db "$ENGINE" wcrash || { notok "$ENGINE: a fresh database"; continue; }
    if setup; then
        ok "$ENGINE: a bank, a partner, tokens and an assessment"
    else
        notok "$ENGINE: a bank, a partner, tokens and an assessment"
        sed 's/^/#   /' "$T/cli.err" | tail -5
        continue
    fi
    start "$ENGINE-0"
    if [ -z "$U" ]; then
        notok "$ENGINE: the server starts"
        continue
    fi
    for trial in $(seq 1 "$TRIALS"); do
        tag="$ENGINE: trial $trial"
        rm -f "$T"/w*.log "$T"/w*.body "$T"/pairs.*
        if ! snapshot "$T/before.snapshot"; then
            notok "$tag: the assessment can be read before the load"
            break
        fi
        # The answers, dealt round-robin to the writers.
        awk -F'\t' -v n="$LOOPS" '{ print $1, $2, $3 > ("'"$T"'/pairs." (NR % n)) }' \
            "$T/before.snapshot"
        deadline=$(($(now_us) + 20000000))
        wpids=()
        for k in $(seq 0 $((LOOPS - 1))); do
            writer "$k" "$T/pairs.$k" "$deadline" &
            wpids+=($!)
            pids+=($!)
        done
        # Mid-way: after LOAD_MS plus up to half a second more.
        ms=$((LOAD_MS + RANDOM % 500))
        sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        for w in "${wpids[@]}"; do wait "$w" 2>/dev/null; done
        acks=$(cat "$T"/w*.log 2>/dev/null | grep -c '^ack')
        [ "$acks" -gt 0 ] && ok "$tag: the load was acknowledged ($acks saves) before SIGKILL" ||
            notok "$tag: the load was acknowledged before SIGKILL (no save was)"

        start "$ENGINE-$trial"
        if [ -z "$U" ]; then
            notok "$tag: the server restarts on the same database after SIGKILL"
            tail -5 "$T/$ENGINE-$trial.log" | sed 's/^/#   /'
            break
        fi
        ok "$tag: the server restarts on the same database after SIGKILL"
        if ! snapshot "$T/after.snapshot"; then
            notok "$tag: the assessment can be read after the restart"
            break
        fi
        read -r acked committed bad errs <<<"$(check_after "$T/before.snapshot" "$T/after.snapshot")"
        echo "# $tag: $acked acknowledged saves, $committed unacknowledged in-flight saves committed, $errs writer errors"
        [ "${errs:-1}" = 0 ] && ok "$tag: every save before the kill was 200" ||
            { notok "$tag: every save before the kill was 200"; sed 's/^/#   /' "$T/check.err" | head -5; }
        if [ "${bad:-1}" = 0 ]; then
            ok "$tag: every acknowledged save is present, value and version; nothing half-written"
        else
            notok "$tag: every acknowledged save is present ($bad wrong)"
            sed 's/^/#   /' "$T/bad" | head -10
        fi
        if [ "$ENGINE" = sqlite ]; then
            ic=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
            [ "$ic" = ok ] && ok "$tag: integrity_check ok" || notok "$tag: integrity_check: $ic"
        fi
        expect 0 "$tag: the audit chain verifies" -- "$BIN" --db "$DB" audit verify
        # The restarted server takes saves on the stored versions.
        read -r no side v _ < <(head -1 "$T/after.snapshot")
        [ "$side" = bank ] && tok=$TOK_BANK || tok=$TOK_PARTNER
        code=$(api "$tok" PUT "/api/v1/assessments/$A/items/$no/answers/$side" \
            "{\"status\":\"done\",\"current\":\"after$trial\",\"gap\":\"after$trial\",\"plan\":\"after$trial\",\"note\":\"after$trial\",\"version\":$v}")
        [ "$code" = 200 ] && ok "$tag: the restarted server saves on the stored version" ||
            notok "$tag: the restarted server saves on the stored version (got $code)"
    done
    if [ -n "$U" ]; then
        stop
        clean "$ENGINE-$TRIALS"
    fi
done

# ---- 2. PostgreSQL goes away and comes back -----------------------------------

pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else (cd / && "$@"); fi
}
pg_opts() {
    echo "-k $pg_dir -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
}
# codes N METHOD…: N requests (GET of the assessment through the API, or
# PUT of an answer); their status codes, space-separated.
codes() {
    local n=$1 i out=
    for i in $(seq 1 "$n"); do
        out="$out $(api "$TOK_PARTNER" GET "/api/v1/assessments/$A")"
    done
    echo "${out# }"
}
# save_current: a PUT of item 1 on its stored version; prints the status.
save_current() {
    local v
    api "$TOK_ROOT" GET "/api/v1/assessments/$A" >/dev/null
    v=$(jq -r '.items[] | select(.no == 1) | .answers.partner.version' "$T/b" 2>/dev/null)
    api "$TOK_PARTNER" PUT "/api/v1/assessments/$A/items/1/answers/partner" \
        "{\"status\":\"done\",\"current\":\"$1\",\"version\":${v:-0}}"
}

pg_outage() {
    if [ -z "${APICHECK_TEST_PG:-}" ]; then
        ok "# SKIP the database going away: APICHECK_TEST_PG is not set"
        return
    fi
    local conninfo
    if ! conninfo=$("$ROOT/tests/pg/pg-start" 2>"$T/pg-start.err"); then
        notok "pg outage: a private PostgreSQL server starts"
        sed 's/^/#   /' "$T/pg-start.err" | tail -5
        return
    fi
    pg_dir=${conninfo#host=}
    pg_dir=${pg_dir%% *}
    ok "pg outage: a private PostgreSQL server starts"
    ENGINE=pg
    DB=$conninfo
    setup || { notok "pg outage: setup"; sed 's/^/#   /' "$T/cli.err" | tail -5; return; }
    start pg-outage
    [ -n "$U" ] || { notok "pg outage: the server starts"; return; }
    local got
    got=$(save_current before)
    [ "$got" = 200 ] && ok "pg outage: a save before the outage" ||
        notok "pg outage: a save before the outage (got $got)"

    if pg_as_owner "$PGBIN/pg_ctl" -D "$pg_dir/data" -m fast -w -t 20 stop >/dev/null 2>&1; then
        ok "pg outage: PostgreSQL stopped (pg_ctl stop -m fast)"
    else
        notok "pg outage: PostgreSQL stopped (pg_ctl stop -m fast)"
    fi
    got="$(codes 6) $(save_current during)"
    [ "$got" = "503 503 503 503 503 503 503" ] &&
        ok "pg outage: reads and a save are 503 while the database is away" ||
        notok "pg outage: reads and a save are 503 while the database is away (got $got)"
    jq -e '.error.code == "unavailable"' "$T/b" >/dev/null 2>&1 &&
        ok "pg outage: … with the JSON error unavailable" ||
        notok "pg outage: … with the JSON error unavailable ($(head -c 200 "$T/b"))"
    got=$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/")
    [ "$got" = 503 ] && ok "pg outage: a page is 503 too" || notok "pg outage: a page is 503 too (got $got)"
    got=$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/healthz")
    [ "$got" = 200 ] && ok "pg outage: /healthz still answers" ||
        notok "pg outage: /healthz still answers (got $got)"
    kill -0 "$pid" 2>/dev/null && ok "pg outage: the server is still running" ||
        notok "pg outage: the server is still running"

    if pg_as_owner "$PGBIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -o "$(pg_opts)" \
            -w -t 30 start >/dev/null 2>&1; then
        ok "pg outage: PostgreSQL started again"
    else
        notok "pg outage: PostgreSQL started again"
    fi
    local t0=$SECONDS seen=
    while [ $((SECONDS - t0)) -lt 15 ]; do
        got=$(api "$TOK_PARTNER" GET "/api/v1/assessments/$A")
        seen="$seen $got"
        [ "$got" = 200 ] && break
        sleep 0.2
    done
    [ "$got" = 200 ] && ok "pg outage: the same server answers 200 again (after:$seen)" ||
        notok "pg outage: the same server answers 200 again (got:$seen)"
    got=$(codes 8)
    [ "$got" = "200 200 200 200 200 200 200 200" ] && ok "pg outage: … on every thread" ||
        notok "pg outage: … on every thread (got $got)"
    got=$(save_current after)
    [ "$got" = 200 ] && ok "pg outage: saves work again" || notok "pg outage: saves work again (got $got)"

    # The server's connections killed under it (PostgreSQL still up).
    local killed
    killed=$(psql "$DB" -qAtX -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
        WHERE application_name = 'apicheck' AND pid <> pg_backend_pid()" 2>&1)
    echo "# pg outage: $killed server connections terminated"
    seen=$(codes 6)
    [ "$seen" = "200 200 200 200 200 200" ] &&
        ok "pg outage: after pg_terminate_backend every request is 200 (each thread reconnects)" ||
        notok "pg outage: after pg_terminate_backend every request is 200 (got $seen)"
    got=$(save_current terminated)
    [ "$got" = 200 ] && ok "pg outage: … and saves work" || notok "pg outage: … and saves work (got $got)"
    expect 0 "pg outage: the audit chain verifies" -- "$BIN" --db "$DB" audit verify
    stop
    clean pg-outage
    "$ROOT/tests/pg/pg-stop" "$pg_dir" >/dev/null 2>&1
    pg_dir=
}
pg_outage

done_testing
