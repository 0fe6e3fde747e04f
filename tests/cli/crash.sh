#!/bin/bash
# Crash safety: a bulk import (one large answer set imported into many
# assessments, one apicheck process each) is killed with SIGKILL part-way
# through, several times.  Afterwards the database is intact (SQLite's
# integrity_check, apicheck audit verify) and every assessment holds all of
# an import or none of it — never some of its answers.  On both engines.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/engines.sh"

ASSESSMENTS=12
TRIALS=3

ac() { "$BIN" --db "$DB" "$@" >/dev/null 2>"$T/ac.err" || { echo "# $*: $(cat "$T/ac.err")"; return 1; }; }

# The partner's answers to every item it answers (API接続先 and 共通), each
# with long texts so that one import writes a few megabytes.
make_answers() { # MARK FILE
    local mark=$1 out=$2 big first=1 no
    big=$(printf "$mark-%04d " $(seq 1 1000))
    {
        printf '{"format": "apicheck-answers", "version": 1, "catalog": "api-checklist-2018-08-02", "answers": [\n'
        for no in $("$BIN" catalog show | sed -n 's/^\([0-9]*\)\. \[[^]]*\] \[\(API接続先\|共通\)\].*/\1/p'); do
            [ $first = 1 ] || printf ',\n'
            first=0
            printf '{"no": %d, "side": "partner", "status": "一部対応", "current": "%s %d", ' \
                "$no" "$big" "$no"
            printf '"gap": "%s", "plan": "%s", "due": "2027-03-31", "note": "%s"}' \
                "$big" "$big" "$mark"
        done
        printf '\n]}\n'
    } >"$out"
}

# Per assessment, how many partner answers carry MARK.
counts() { # MARK
    db_sql "SELECT a.id, (SELECT COUNT(*) FROM answers x WHERE x.assessment_id = a.id
              AND x.side = 'partner' AND x.note = '$1') FROM assessments a ORDER BY a.id"
}

for ENGINE in $ENGINES; do
    new_db "$ENGINE" crash || { notok "$ENGINE: a fresh database"; continue; }
    setup_ok=1
    ac init --operator root &&
        ac --as root org add --kind bank 耐久銀行 &&
        ac --as root org add --kind partner 耐久ペイ &&
        ac --as root user add be --org 耐久銀行 --role editor &&
        ac --as root user add pe --org 耐久ペイ --role editor &&
        ac --as root connection add --bank 耐久銀行 --partner 耐久ペイ --scope write || setup_ok=0
    for i in $(seq 1 $ASSESSMENTS); do
        ac --as be assessment open --connection 1 --round "R$i" --no-profile || setup_ok=0
    done
    [ $setup_ok = 1 ] && ok "$ENGINE: $ASSESSMENTS assessments opened" ||
        { notok "$ENGINE: $ASSESSMENTS assessments opened"; continue; }

    make_answers FIRST "$T/first.json"
    WANT=$(grep -c '"side": "partner"' "$T/first.json")
    t0=$(date +%s%N)
    expect 0 "$ENGINE: one import of the large set works" -- \
        "$BIN" --db "$DB" --as pe assessment import 1 "$T/first.json"
    one_ms=$((($(date +%s%N) - t0) / 1000000))
    echo "# $ENGINE: one import of $(wc -c <"$T/first.json") bytes takes $one_ms ms"
    got=$(counts FIRST | sed -n 's/^1|//p')
    [ "$got" = "$WANT" ] && ok "$ENGINE: it wrote all $WANT answers" ||
        notok "$ENGINE: it wrote all $WANT answers (got $got)"

    for trial in $(seq 1 $TRIALS); do
        mark="KILL$trial"
        make_answers "$mark" "$T/$mark.json"
        # The bulk import: every assessment in turn, one process each.
        (
            for i in $(seq 1 $ASSESSMENTS); do
                "$BIN" --db "$DB" --as pe assessment import "$i" "$T/$mark.json" >/dev/null 2>&1
            done
        ) &
        loop=$!
        # Let it get well under way, then kill it mid-flight: stop the loop so
        # it starts nothing new, SIGKILL the import that is running, then the
        # loop itself.
        # A few imports complete first: sleep 1.5 to 4.5 times one import.
        wait_ms=$((one_ms * (15 + RANDOM % 31) / 10))
        sleep "$((wait_ms / 1000)).$(printf '%03d' $((wait_ms % 1000)))"
        kill -STOP "$loop" 2>/dev/null
        children=$(ps -o pid= --ppid "$loop" 2>/dev/null)
        for c in $children; do kill -KILL "$c" 2>/dev/null; done
        kill -KILL "$loop" 2>/dev/null
        wait "$loop" 2>/dev/null
        [ -n "$children" ] && ok "$ENGINE: trial $trial: an import was killed mid-flight" ||
            ok "$ENGINE: trial $trial: killed between imports (no child running)"

        if [ "$ENGINE" = sqlite ]; then
            ic=$(sqlite3 "$DB" 'PRAGMA integrity_check')
            [ "$ic" = ok ] && ok "$ENGINE: trial $trial: integrity_check ok" ||
                notok "$ENGINE: trial $trial: integrity_check: $ic"
        fi
        expect 0 "$ENGINE: trial $trial: the audit chain verifies" -- "$BIN" --db "$DB" audit verify
        counts "$mark" >"$T/counts"
        full=$(grep -c "|$WANT\$" "$T/counts")
        none=$(grep -c '|0$' "$T/counts")
        partial=$(grep -vcE "\\|($WANT|0)\$" "$T/counts")
        if [ "$partial" = 0 ] && [ $((full + none)) = $ASSESSMENTS ]; then
            ok "$ENGINE: trial $trial: every assessment holds all or none of the import ($full all, $none none)"
        else
            notok "$ENGINE: trial $trial: all or none ($full all, $none none, $partial partial)"
            grep -vE "\\|($WANT|0)\$" "$T/counts" | sed 's/^/#   /'
        fi
        [ "$full" -lt $ASSESSMENTS ] && ok "$ENGINE: trial $trial: the kill came before the end" ||
            ok "$ENGINE: trial $trial: # the bulk import finished before the kill"
        # The database keeps working after the crash.
        expect 0 "$ENGINE: trial $trial: an import after the crash works" -- \
            "$BIN" --db "$DB" --as pe assessment import "$ASSESSMENTS" "$T/$mark.json"
    done
    expect 0 "$ENGINE: the audit chain verifies at the end" -- "$BIN" --db "$DB" audit verify
done
done_testing
