#!/bin/bash
# Round trips through the command line: JSON -> XLSX -> JSON and
# JSON -> CSV -> JSON are lossless for both sides, in every CSV encoding.
. "$(dirname "$0")/../lib/tap.sh"
F=tests/fixtures/answers-both.json

expect 0 "fixture converts to normalized JSON" -- "$BIN" convert "$F" "$T/norm.json"

expect 0 "JSON -> XLSX (both sides)" -- "$BIN" convert "$F" "$T/both.xlsx"
expect 0 "XLSX -> JSON" -- "$BIN" convert "$T/both.xlsx" "$T/from-xlsx.json"
same "$T/norm.json" "$T/from-xlsx.json" "JSON -> XLSX -> JSON is lossless"

for enc in utf8-bom utf8 cp932; do
    expect 0 "JSON -> CSV ($enc)" -- "$BIN" convert "$F" "$T/both-$enc.csv" --encoding "$enc"
    expect 0 "CSV ($enc) -> JSON" -- "$BIN" convert "$T/both-$enc.csv" "$T/from-$enc.json"
    same "$T/norm.json" "$T/from-$enc.json" "JSON -> CSV ($enc) -> JSON is lossless"
done
if [ "$(head -c 3 "$T/both-utf8-bom.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]; then
    ok "CSV starts with a UTF-8 BOM by default"
else
    notok "CSV starts with a UTF-8 BOM by default"
fi
contains "$T/both-utf8.csv" "'=年1回の研修を計画" "a cell starting with = is neutralised in CSV"
contains "$T/both-utf8.csv" "'-社内ポータル" "a cell starting with - is neutralised in CSV"
contains "$T/both-utf8.csv" "'@該当なし" "a cell starting with @ is neutralised in CSV"
contains "$T/both-utf8.csv" "'+24時間受付" "a cell starting with + is neutralised in CSV"
if iconv -f CP932 -t UTF-8 "$T/both-cp932.csv" >"$T/cp932-as-utf8.csv" 2>/dev/null; then
    ok "CP932 CSV decodes as CP932"
else
    notok "CP932 CSV decodes as CP932"
fi
contains "$T/cp932-as-utf8.csv" "①外部診断 ㈱サンプル" "CP932 CSV holds NEC special characters"

for side in partner bank; do
    expect 0 "JSON -> XLSX ($side only)" -- "$BIN" convert "$F" "$T/$side.xlsx" --side "$side"
    expect 0 "XLSX ($side) -> JSON" -- "$BIN" convert "$T/$side.xlsx" "$T/$side-back.json"
    expect 0 "JSON -> JSON ($side only)" -- "$BIN" convert "$F" "$T/$side-norm.json" --side "$side"
    same "$T/$side-norm.json" "$T/$side-back.json" "JSON -> XLSX -> JSON is lossless for the $side side"
    expect 0 "JSON -> CSV ($side only)" -- "$BIN" convert "$F" "$T/$side.csv" --side "$side"
    expect 0 "CSV ($side) -> JSON" -- "$BIN" convert "$T/$side.csv" "$T/$side-csv-back.json"
    same "$T/$side-norm.json" "$T/$side-csv-back.json" "JSON -> CSV -> JSON is lossless for the $side side"
done

expect 0 "XLSX -> CSV" -- "$BIN" convert "$T/both.xlsx" "$T/x2c.csv"
expect 0 "that CSV -> JSON" -- "$BIN" convert "$T/x2c.csv" "$T/x2c.json"
same "$T/norm.json" "$T/x2c.json" "XLSX -> CSV -> JSON is lossless"

expect 0 "validate a filled workbook" -- "$BIN" validate "$T/both.xlsx"
contains "$T/out" "11" "validate counts the answers"
done_testing
