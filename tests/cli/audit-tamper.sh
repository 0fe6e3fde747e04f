#!/bin/bash
# The audit trail is tamper-evident on both engines: change an event's
# after_json, delete an event, or swap two events' order behind apicheck's
# back with the engine's own client (sqlite3, psql), and `apicheck audit
# verify` exits 1 naming the first event that no longer fits; an untouched
# database verifies.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/engines.sh"

ac() { "$BIN" --db "$DB" "$@" >/dev/null 2>"$T/ac.err" || { echo "# $*: $(cat "$T/ac.err")"; return 1; }; }

# A database with some history: organizations, users, a connection, an
# assessment with answers from both sides, submitted and reviewed.
populate() {
    ac init --operator root &&
        ac --as root org add --kind bank 監査銀行 &&
        ac --as root org add --kind partner 監査ペイ &&
        ac --as root user add be --org 監査銀行 --role editor &&
        ac --as root user add br --org 監査銀行 --role reviewer &&
        ac --as root user add pe --org 監査ペイ --role editor &&
        ac --as root connection add --bank 監査銀行 --partner 監査ペイ --scope read &&
        ac --as be assessment open --connection 1 --round 2026年度 &&
        ac --as pe assessment answer 1 1 --side partner --status 対応済 --current 一 --base-version 0 &&
        ac --as pe assessment answer 1 2 --side partner --status 未対応 --gap 二 --base-version 0 &&
        ac --as pe assessment answer 1 9 --side partner --status 対応済 --base-version 0 &&
        ac --as be assessment answer 1 9 --side bank --status 対応済 --base-version 0 &&
        ac --as pe assessment submit 1 &&
        ac --as br assessment review 1 1 --evaluation ok &&
        ac --as br assessment review 1 2 --evaluation improve --comment 計画を
}

# Copy the pristine database $PRISTINE into a fresh $DB named $1.
fresh_copy() {
    case $ENGINE in
    sqlite)
        DB="$T/$1.db"
        cp "$PRISTINE" "$DB"
        ;;
    pg)
        local name="${PRISTINE_NAME}_$1"
        psql "$APICHECK_TEST_PG" -qX -v ON_ERROR_STOP=1 \
            -c "CREATE DATABASE $name TEMPLATE $PRISTINE_NAME" >/dev/null || return 1
        _pg_dbs+=("$name")
        DB=$(printf '%s' "$APICHECK_TEST_PG" | sed "s/dbname=[^ ]*/dbname=$name/")
        ;;
    esac
}

# verify_names SEQ DESC: audit verify fails and names event SEQ.
verify_names() {
    expect 1 "$ENGINE: $2 is detected" -- "$BIN" --db "$DB" audit verify
    if grep -qE "(^|[^0-9])$1([^0-9]|\$)" "$T/err"; then
        ok "$ENGINE: $2: the message names event $1"
    else
        notok "$ENGINE: $2: the message names event $1"
        sed 's/^/#   /' "$T/err"
    fi
    LANG=en_US.UTF-8 "$BIN" --db "$DB" audit verify >/dev/null 2>"$T/err.en"
    if grep -q "tampered" "$T/err.en" && grep -qE "(^|[^0-9])$1([^0-9]|\$)" "$T/err.en"; then
        ok "$ENGINE: $2: named in English too"
    else
        notok "$ENGINE: $2: named in English too"
        sed 's/^/#   /' "$T/err.en"
    fi
}

for ENGINE in $ENGINES; do
    new_db "$ENGINE" tamper || { notok "$ENGINE: a fresh database"; continue; }
    if populate; then ok "$ENGINE: a database with history"; else notok "$ENGINE: a database with history"; continue; fi
    N=$(db_sql "SELECT COUNT(*) FROM audit_events")
    [ "${N:-0}" -ge 10 ] && ok "$ENGINE: $N events written" || notok "$ENGINE: events written ($N)"
    expect 0 "$ENGINE: the untouched database verifies" -- "$BIN" --db "$DB" audit verify
    contains "$T/out" "$N" "$ENGINE: verify counts $N events"

    # Freeze the history: every tamper below starts from this copy.
    if [ "$ENGINE" = sqlite ]; then
        PRISTINE="$T/pristine.db"
        sqlite3 "$DB" ".backup '$PRISTINE'"
    else
        PRISTINE_NAME=$(printf '%s' "$DB" | sed -n 's/.*dbname=\([^ ]*\).*/\1/p')
    fi
    K=$((N / 2))
    # An event in the middle that records values (an answer saved).
    K=$(db_sql "SELECT MIN(seq) FROM audit_events WHERE seq >= $K AND after_json IS NOT NULL")

    fresh_copy edit
    db_sql "UPDATE audit_events SET after_json = REPLACE(after_json, '\"', '''') WHERE seq = $K"
    changed=$(db_sql "SELECT COUNT(*) FROM audit_events WHERE seq = $K AND after_json LIKE '%''%'")
    [ "$changed" = 1 ] && ok "$ENGINE: event $K's after_json edited with the engine's client" ||
        notok "$ENGINE: event $K's after_json edited with the engine's client"
    verify_names "$K" "an edited after_json"

    fresh_copy edit2
    db_sql "UPDATE audit_events SET user_login = 'someone_else' WHERE seq = $N"
    verify_names "$N" "a changed user on the last event"

    fresh_copy delete
    db_sql "DELETE FROM audit_events WHERE seq = $K"
    verify_names "$K" "a deleted event"

    fresh_copy reorder
    db_sql "UPDATE audit_events SET seq = 1000000 WHERE seq = $K"
    db_sql "UPDATE audit_events SET seq = $K WHERE seq = $((K + 1))"
    db_sql "UPDATE audit_events SET seq = $((K + 1)) WHERE seq = 1000000"
    swapped=$(db_sql "SELECT COUNT(*) FROM audit_events WHERE seq IN ($K, $((K + 1)))")
    [ "$swapped" = 2 ] && ok "$ENGINE: events $K and $((K + 1)) swapped" ||
        notok "$ENGINE: events $K and $((K + 1)) swapped"
    verify_names "$K" "two swapped events"

    fresh_copy first
    db_sql "UPDATE audit_events SET object_id = '999' WHERE seq = 1"
    verify_names 1 "an edited first event"

    # Cutting events off the end: the chain alone still verifies, the head
    # recorded earlier (--anchor) does not.
    fresh_copy cut
    "$BIN" --db "$DB" audit verify >"$T/head.out" 2>&1
    HEAD=$(sed -n 's/^head \([0-9]*:[0-9a-f]*\).*/\1/p' "$T/head.out")
    [ -n "$HEAD" ] && ok "$ENGINE: verify prints the head" || notok "$ENGINE: verify prints the head"
    expect 0 "$ENGINE: the recorded head checks out" -- "$BIN" --db "$DB" audit verify --anchor "$HEAD"
    db_sql "DELETE FROM audit_events WHERE seq >= $((N - 1))"
    expect 0 "$ENGINE: a cut-off end alone still looks intact" -- "$BIN" --db "$DB" audit verify
    LANG=en_US.UTF-8 expect 1 "$ENGINE: the recorded head catches the cut-off end" -- \
        "$BIN" --db "$DB" audit verify --anchor "$HEAD"
    contains "$T/err" "$N" "$ENGINE: the message names the missing event"

    # After all that, the original is still intact.
    fresh_copy untouched
    expect 0 "$ENGINE: an untouched copy verifies" -- "$BIN" --db "$DB" audit verify
    # A tampered trail does not stop the application: new events still chain
    # onto the last stored one, and verify keeps naming the tampered event.
    fresh_copy after
    db_sql "DELETE FROM audit_events WHERE seq = $K"
    ac --as pe assessment comment 1 "改ざん後のコメント"
    verify_names "$K" "a deletion followed by new events"
done
done_testing
