#!/bin/bash
# apicheck catalog list|show|export|import|refs, and template / make run.
. "$(dirname "$0")/../lib/tap.sh"
C="$BIN --catalog-dir $T/catalogs"

expect 0 "catalog list" -- $C catalog list
contains "$T/out" "api-checklist-2018-08-02" "the built-in edition is listed"
contains "$T/out" "45" "with its 45 items"
expect 0 "catalog show" -- $C catalog show
contains "$T/out" "平成30年" "show prints the title block" || true
expect 0 "catalog show --item 3" -- $C catalog show --item 3
contains "$T/out" "役職員に情報管理方法を周知し" "item 3's objective"
contains "$T/out" "3.3.3 内部からの不正アクセス対策 e" "item 3 cites 3.3.3 e"
contains "$T/out" "監1" "item 3 cites 監1"
expect 1 "show of a missing item fails" -- $C catalog show --item 99

expect 0 "catalog refs 統20" -- $C catalog refs 統20
contains "$T/out" "10." "統20 is cited by item 10"
contains "$T/out" "11." "統20 is cited by item 11"
[ "$(grep -c '^[0-9]*\.' "$T/out")" = 2 ] && ok "統20: exactly two items" || notok "統20: exactly two items"
expect 0 "catalog refs 3.3.2" -- $C catalog refs 3.3.2
n=$(grep -c '^[0-9]*\.' "$T/out")
[ "$n" = 11 ] && ok "3.3.2 is cited by 11 items" || notok "3.3.2 is cited by 11 items (got $n)"
expect 0 "catalog refs 3.4" -- $C catalog refs 3.4
contains "$T/out" "45." "3.4 matches item 45 (3.4.2)"
expect 1 "catalog refs of an uncited clause fails" -- $C catalog refs 設99

expect 0 "catalog export --format json" -- $C catalog export --format json
cp "$T/out" "$T/cat.json"
contains "$T/cat.json" '"target": "both"' "JSON export carries targets as codes"
contains "$T/cat.json" '"clause": "統13"' "JSON export carries clauses"
expect 0 "catalog export csv" -- $C catalog export -o "$T/cat.csv"
expect 0 "catalog export xlsx" -- $C catalog export -o "$T/cat.xlsx"

# Import other editions: seed text, JSON, CSV, XLSX.
if [ -r ../shared/seed/000_f11c7a6eb96fd414.txt ]; then
    expect 0 "import the seed text (same as built in)" -- $C catalog import ../shared/seed/000_f11c7a6eb96fd414.txt
    contains "$T/out" "api-checklist-2018-08-02" "the seed is the built-in edition"
fi
sed 's/"api-checklist-2018-08-02"/"bank-x-2026"/' "$T/cat.json" >"$T/x.json"
expect 0 "import a JSON edition" -- $C catalog import "$T/x.json"
expect 0 "import it again (same content) is fine" -- $C catalog import "$T/x.json"
sed 's/セキュリティ管理ルールを整備する。/セキュリティ管理ルールを整備し、周知する。/' "$T/x.json" >"$T/x2.json"
expect 1 "import different content under the same id is refused" -- $C catalog import "$T/x2.json"
expect 0 "import a CSV edition" -- $C catalog import "$T/cat.csv" --id csv-edition --title "CSV版" --date 令和8年4月1日
expect 1 "import a CSV edition without --id fails" -- $C catalog import "$T/cat.csv"
expect 0 "import an XLSX edition" -- $C catalog import "$T/cat.xlsx" --id xlsx-edition
expect 0 "catalog list shows the imports" -- $C catalog list
contains "$T/out" "bank-x-2026" "JSON edition listed"
contains "$T/out" "csv-edition" "CSV edition listed"
contains "$T/out" "2026-04-01" "和暦 date stored as ISO"
contains "$T/out" "xlsx-edition" "XLSX edition listed"
expect 0 "export the CSV edition" -- $C catalog export csv-edition --format json
sed -e 's/"csv-edition"/"X"/' -e 's/"CSV版"/"T"/' -e 's/"2026-04-01"/"D"/' "$T/out" | grep -v publisher >"$T/a"
sed -e 's/"api-checklist-2018-08-02"/"X"/' -e 's/"「API接続チェックリスト原案(フォーマット)」(A3横Excel版) サンプル"/"T"/' -e 's/"2018-08-02"/"D"/' "$T/cat.json" | grep -v publisher >"$T/b"
same "$T/b" "$T/a" "CSV export -> import keeps every item and reference"
expect 0 "export the XLSX edition" -- $C catalog export xlsx-edition --format json
sed -e 's/"xlsx-edition"/"X"/g' "$T/out" | sed -e 's/"title": "xlsx-edition"/"title": "T"/' >"$T/c"
grep '"items"' -A100000 "$T/c" >"$T/c.items"
grep '"items"' -A100000 "$T/cat.json" >"$T/b.items"
same "$T/b.items" "$T/c.items" "XLSX export -> import keeps every item and reference"
expect 1 "import of a file that is no catalog fails" -- $C catalog import tests/fixtures/answers-both.json
expect 1 "catalog with a path-like id is refused" -- $C catalog show ../../etc/passwd

expect 0 "template for the partner side" -- "$BIN" template --side partner -o "$T/p.xlsx"
expect 0 "template for the bank side as CSV" -- "$BIN" template --side bank -o "$T/b.csv"
contains "$T/b.csv" "利用者の認識していないところで" "bank template holds bank items"
lacks "$T/b.csv" "セキュリティ管理責任の所在" "bank template leaves out partner-only items"
expect 0 "validate the empty template" -- "$BIN" validate "$T/p.xlsx"
expect 0 "template writes the A3 workbook" -- "$BIN" template --side partner -o "$T/run.xlsx"
[ -s "$T/run.xlsx" ] && ok "the template workbook is not empty" || notok "the template workbook is not empty"
done_testing
