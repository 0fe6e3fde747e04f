#!/bin/bash
# Hostile inputs that the other suites do not aim at the database (see
# README.md): each is refused with a clear error, and afterwards the SQLite
# database is byte-for-byte the same (`sqlite3 DB .dump` before and after).
#
#   - `apicheck assessment import` of hostile files into a real assessment
#     (tests/cli/hostile.sh refuses the same kinds of file in `convert`,
#     which has no database): zip bomb, XML entity expansion, external
#     entity, truncated and non-zip workbooks, invalid UTF-8 and CP932, a
#     3 MB cell, an unterminated quote, truncated and duplicate-key JSON,
#     SQL metacharacters where an item number belongs;
#   - over HTTP: slow clients (slowloris) do not block others, a cookie
#     flood and SQL metacharacters in the query, the path and the token are
#     refused.
# TAP; run as `BIN=… bash tests/hostile/run.sh`.
. "$(dirname "$0")/../lib/tap.sh"
for tool in curl sqlite3 zip; do
    if ! command -v "$tool" >/dev/null; then
        echo "1..0 # SKIP $tool is not installed"
        exit 0
    fi
done

pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

DB=$T/hostile.db
cli() { "$BIN" --db "$DB" --as "$@" 2>>"$T/cli.err"; }
setup_ok=1
"$BIN" --db "$DB" init --operator root >/dev/null 2>&1 &&
    cli root org add --kind bank 試験銀行 >/dev/null &&
    cli root org add --kind partner 試験ペイ >/dev/null &&
    cli root user add be --org 試験銀行 --role editor >/dev/null &&
    cli root user add pe --org 試験ペイ --role editor >/dev/null &&
    conn=$(cli root connection add -q --bank 試験銀行 --partner 試験ペイ --scope write) &&
    A=$(cli be assessment open -q --connection "$conn" --round 2026年度) &&
    TOK=$(cli root token add pe hostile) || setup_ok=0
[ $setup_ok = 1 ] && ok "a database with an assessment and a token" ||
    { notok "a database with an assessment and a token"; sed 's/^/#   /' "$T/cli.err"; done_testing; exit; }

# A good answer set, imported once, so the database holds answers to keep.
good='{"format": "apicheck-answers", "version": 1, "catalog": "api-checklist-2018-08-02", "answers": [{"no": 1, "side": "partner", "status": "一部対応", "current": "元の回答", "note": "keep"}]}'
printf '%s\n' "$good" >"$T/good.json"
expect 0 "a good import works" -- "$BIN" --db "$DB" --as pe assessment import "$A" "$T/good.json"
"$BIN" convert "$T/good.json" "$T/good.xlsx" >/dev/null 2>&1

# ---- hostile files through assessment import ------------------------------------

# A minimal workbook whose sheet we replace.
mk_sheet_xlsx() { # SHEET-FILE OUTPUT
    local d=$T/x.d
    rm -rf "$d"
    mkdir -p "$d/_rels" "$d/xl/_rels" "$d/xl/worksheets"
    printf '%s' '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>' >"$d/[Content_Types].xml"
    printf '%s' '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>' >"$d/_rels/.rels"
    printf '%s' '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>' >"$d/xl/workbook.xml"
    printf '%s' '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>' >"$d/xl/_rels/workbook.xml.rels"
    mv "$1" "$d/xl/worksheets/sheet1.xml"
    (cd "$d" && zip -q -r -X "$2" '[Content_Types].xml' _rels xl)
    rm -rf "$d"
}
WS='<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'

{ printf '<?xml version="1.0"?>%s<sheetData>' "$WS"; head -c 300000000 /dev/zero | tr '\0' ' '; } >"$T/s"
mk_sheet_xlsx "$T/s" "$T/bomb.xlsx"
lol='<!ENTITY lol "lol">'
prev=lol
for i in 2 3 4 5 6 7 8 9; do
    lol="$lol<!ENTITY lol$i \"$(printf '&%s;' $prev $prev $prev $prev $prev $prev $prev $prev $prev $prev)\">"
    prev=lol$i
done
printf '<?xml version="1.0"?><!DOCTYPE l [%s]>%s<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>' \
    "$lol" "$WS" >"$T/s"
mk_sheet_xlsx "$T/s" "$T/laughs.xlsx"
printf '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>%s<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>' \
    "$WS" >"$T/s"
mk_sheet_xlsx "$T/s" "$T/xxe.xlsx"
head -c 2000 "$T/good.xlsx" >"$T/truncated.xlsx"
printf 'not a zip\n' >"$T/notzip.xlsx"
: >"$T/empty.xlsx"
printf '\xef\xbb\xbf通番,セキュリティ対応目標,現在の対応状況\r\n1,"x\xff\xfe",y\r\n' >"$T/badutf.csv"
printf '\x92\xca\x94\xd4,\x81\x7f\r\n' >"$T/badcp932.csv"
{ printf '通番,セキュリティ対応目標,現在の対応状況\r\n1,x,"'; head -c 3000000 /dev/zero | tr '\0' 'A'; printf '"\r\n'; } >"$T/bigcell.csv"
printf '通番,セキュリティ対応目標\r\n1,"unterminated\r\n' >"$T/quote.csv"
printf '%s' "${good%]\}}" >"$T/trunc.json"
printf '{"format": "apicheck-answers", "version": 1, "version": 2, "catalog": "api-checklist-2018-08-02", "answers": []}' >"$T/dup.json"
printf '{"format": "apicheck-answers", "version": 1, "catalog": "api-checklist-2018-08-02", "answers": [{"no": 1, "side": "partner", "current": "\xff"}]}' >"$T/badutf.json"
printf '{"format": "apicheck-answers", "version": 1, "catalog": "api-checklist-2018-08-02", "answers": [{"no": "1; DROP TABLE answers; --", "side": "partner"}]}' >"$T/sql.json"
printf '{"format": "apicheck-answers", "version": 1, "catalog": "api-checklist-2018-08-02", "answers": [{"no": 1, "side": "partner'"'"' OR '"'"'1'"'"'='"'"'1", "current": "x"}]}' >"$T/sqlside.json"

sqlite3 "$DB" .dump >"$T/before.sql"
imported() { # FILE DESCRIPTION MESSAGE-FRAGMENT
    LANG=en_US.UTF-8 expect 1 "import of $2 is refused" -- "$BIN" --db "$DB" --as pe assessment import "$A" "$1"
    [ -z "$3" ] || contains "$T/err" "$3" "$2: the message says why"
    if grep -qE 'Sanitizer|runtime error|Segmentation' "$T/err"; then notok "$2: no crash"; fi
    sqlite3 "$DB" .dump >"$T/after.sql"
    same "$T/before.sql" "$T/after.sql" "$2: the database did not change"
}
imported "$T/bomb.xlsx" "a zip bomb (300 MB sheet)" "limit"
rm -f "$T/bomb.xlsx"
imported "$T/laughs.xlsx" "XML entity expansion" "DOCTYPE"
imported "$T/xxe.xlsx" "an external entity" "DOCTYPE"
imported "$T/truncated.xlsx" "a truncated workbook" "zip"
imported "$T/notzip.xlsx" "a file that is not a zip" "zip"
imported "$T/empty.xlsx" "an empty file" ""
imported "$T/badutf.csv" "invalid UTF-8 in a CSV" ""
imported "$T/badcp932.csv" "CP932 that does not decode" ""
imported "$T/bigcell.csv" "a 3 MB CSV cell" ""
imported "$T/quote.csv" "an unterminated CSV quote" "quote"
imported "$T/trunc.json" "truncated JSON" ""
imported "$T/dup.json" "duplicate JSON keys" ""
imported "$T/badutf.json" "invalid UTF-8 in JSON" ""
imported "$T/sql.json" "SQL in an item number" ""
imported "$T/sqlside.json" "SQL in a side" ""
LANG=en_US.UTF-8 expect 2 "SQL as the assessment id is a usage error" -- \
    "$BIN" --db "$DB" --as pe assessment import "1 OR 1=1" "$T/good.json"
sqlite3 "$DB" .dump >"$T/after.sql"
same "$T/before.sql" "$T/after.sql" "SQL as the assessment id: the database did not change"

# ---- over HTTP --------------------------------------------------------------------

"$BIN" --lang en --db "$DB" serve --listen 127.0.0.1:0 --quiet 2>"$T/serve.log" &
spid=$!
pids+=("$spid")
port=
for _ in $(seq 1 200); do
    port=$(grep -o '://127\.0\.0\.1:[0-9]*' "$T/serve.log" | head -1 | sed 's/.*://')
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { notok "the server starts"; done_testing; exit; }
U=http://127.0.0.1:$port
C=(curl -s --max-time 10)
# One authenticated request first: the token's last use is recorded once a
# minute, and that write is not the hostile inputs'.
"${C[@]}" -o /dev/null -H "Authorization: Bearer $TOK" "$U/api/v1/assessments/$A"
sleep 0.2
sqlite3 "$DB" .dump >"$T/before.sql"

# Slow clients: 30 connections sending a header a byte at a time.
slow=()
for i in $(seq 1 30); do
    (
        exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 0
        for ch in G E T ' ' / h e a l t h z; do printf '%s' "$ch" >&3 || exit 0; sleep 1; done
    ) 2>/dev/null &
    slow+=($!)
    pids+=($!)
done
sleep 1
t0=$(date +%s%N)
code=$("${C[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" "$U/api/v1/assessments/$A")
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$code" = 200 ] && [ "$ms" -lt 3000 ] &&
    ok "30 slow clients do not block a request (200 in $ms ms)" ||
    notok "30 slow clients do not block a request (got $code in $ms ms)"
{
    kill -KILL "${slow[@]}"
    wait "${slow[@]}"
} 2>/dev/null

x100=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
cookies=
for i in $(seq 1 400); do cookies+="c$i=$x100; "; done
code=$("${C[@]}" -o /dev/null -w '%{http_code}' -H "Cookie: $cookies" "$U/")
case $code in 431 | 400) ok "a cookie flood (400 cookies, 40 kB) is refused ($code)" ;;
*) notok "a cookie flood (400 cookies, 40 kB) is refused (got $code)" ;; esac
code=$("${C[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" \
    "$U/api/v1/assessments?state=draft'%20OR%20'1'='1")
[ "$code" = 400 ] && ok "SQL in a query parameter is 400" || notok "SQL in a query parameter is 400 (got $code)"
code=$("${C[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOK" \
    "$U/api/v1/assessments/1%20OR%201=1")
case $code in 400 | 404) ok "SQL in the path is refused ($code)" ;;
*) notok "SQL in the path is refused (got $code)" ;; esac
code=$("${C[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer x' OR '1'='1" \
    "$U/api/v1/assessments/$A")
[ "$code" = 401 ] && ok "SQL as the bearer token is 401" || notok "SQL as the bearer token is 401 (got $code)"
code=$("${C[@]}" -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $TOK" \
    -H 'Content-Type: application/json' --data-binary '{"status":"done","version":"0 OR 1=1"}' \
    "$U/api/v1/assessments/$A/items/1/answers/partner")
[ "$code" = 400 ] && ok "SQL as the version is 400" || notok "SQL as the version is 400 (got $code)"
sqlite3 "$DB" .dump >"$T/after.sql"
same "$T/before.sql" "$T/after.sql" "over HTTP: the database did not change"
kill -0 "$spid" 2>/dev/null && ok "the server is still running" || notok "the server is still running"
kill -TERM "$spid"
for _ in $(seq 1 100); do kill -0 "$spid" 2>/dev/null || break; sleep 0.1; done
wait "$spid" 2>/dev/null
st=$?
[ "$st" = 0 ] && ok "the server stops cleanly" || notok "the server stops cleanly (status $st)"
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$T/serve.log"; then
    notok "no sanitizer report in the server log"
else
    ok "no sanitizer report in the server log"
fi
done_testing
