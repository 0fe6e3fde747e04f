#!/bin/bash
# LibreOffice interoperability (TAP).  The workbooks apicheck writes must open
# in the real LibreOffice and survive being saved by it:
#   - a template, printed to PDF, is A3 landscape;
#   - a filled workbook (from the JSON fixture: both sides, every status,
#     multi-line text, due dates, notes) converted to CSV shows the Japanese
#     headers and the answers;
#   - the same workbook saved again as XLSX by LibreOffice reads back to the
#     very answers of the fixture (compared as apicheck's normalised JSON).
#
# Environment: BIN (the apicheck binary, set by tests/run-all), SAN=1 skips
# (sanitizer runs), SOFFICE (default soffice), LO_TIMEOUT (seconds per
# conversion, default 180).
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN=${BIN:-$PWD/build/apicheck}
SOFFICE=${SOFFICE:-soffice}
LO_TIMEOUT=${LO_TIMEOUT:-180}
FIXTURE=tests/fixtures/answers-both-sides.json
PLAN=9

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
skip_all() {
    echo "1..$PLAN"
    for i in $(seq 1 $PLAN); do echo "ok $i # SKIP $*"; done
    exit 0
}
check() { # description, command...
    local what=$1; shift
    if "$@" >>"$work/log" 2>&1; then ok "$what"; else not_ok "$what"; tail -5 "$work/log" | sed 's/^/# /'; fi
}

[ -n "${SAN:-}" ] && skip_all "LibreOffice interop is not run under sanitizers"
command -v "$SOFFICE" >/dev/null 2>&1 || skip_all "LibreOffice ($SOFFICE) is not installed"
command -v timeout >/dev/null 2>&1 || skip_all "timeout(1) is missing"

work=$(mktemp -d "${TMPDIR:-/tmp}/apicheck-lo.XXXXXX")
trap 'rm -rf "$work"' EXIT
: >"$work/log"
echo "1..$PLAN"

# A private profile, so parallel runs and a user's own LibreOffice never meet.
lo() { # outdir, format, files...
    local out=$1 fmt=$2; shift 2
    timeout "$LO_TIMEOUT" "$SOFFICE" -env:UserInstallation="file://$work/profile" \
        --headless --norestore --convert-to "$fmt" --outdir "$out" "$@" >>"$work/log" 2>&1
}

# 1-2: templates, and LibreOffice prints one as A3 landscape.
check "template for the partner side" "$BIN" template --side partner -o "$work/partner.xlsx"
check "template for the bank side" "$BIN" template --side bank -o "$work/bank.xlsx"
if lo "$work/pdf" pdf "$work/partner.xlsx" && [ -s "$work/pdf/partner.pdf" ] &&
    grep -aEq '/MediaBox ?\[ ?0 0 1190\.5[0-9]* 841\.8[0-9]* ?\]' "$work/pdf/partner.pdf"; then
    ok "LibreOffice prints the template on A3 landscape"
else
    not_ok "LibreOffice prints the template on A3 landscape"
fi

# 4: the fixture as a filled workbook, and as normalised JSON.
if "$BIN" convert "$FIXTURE" "$work/filled.xlsx" >>"$work/log" 2>&1 &&
    "$BIN" convert "$FIXTURE" "$work/expected.json" >>"$work/log" 2>&1; then
    ok "JSON fixture converted to XLSX and to normalised JSON"
else
    not_ok "JSON fixture converted to XLSX and to normalised JSON"
fi

# 5-6: LibreOffice reads it: every sheet to CSV (UTF-8).
csvfmt='csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'
lo "$work/csv" "$csvfmt" "$work/filled.xlsx"
p="$work/csv/filled-API接続先.csv"
b="$work/csv/filled-銀行.csv"
if [ -s "$p" ] && [ -s "$b" ] &&
    grep -q '通番,区分,セキュリティ対応目標,対象者,現在の対応状況,課題認識,課題への対応計画,関連規定,関連規定箇所,備考,回答者,対応状況,対応予定日' "$p" &&
    grep -q '通番,区分,セキュリティ対応目標' "$b" && grep -q '回答者：銀行' "$b"; then
    ok "LibreOffice's CSV of each sheet has the Japanese title block and headers"
else
    not_ok "LibreOffice's CSV of each sheet has the Japanese title block and headers"
fi
if grep -q '委託先管理の手順が一部未整備。' "$p" && grep -q ',一部対応,2026-09-30' "$p" &&
    grep -q '当社はクラウドサービスを利用していないため該当しない。' "$b" &&
    grep -q '年1回見直している。' "$p"; then
    ok "LibreOffice's CSV shows the answers, statuses and due dates"
else
    not_ok "LibreOffice's CSV shows the answers, statuses and due dates"
fi

# 7-9: saved again by LibreOffice as XLSX, read back by apicheck.
lo "$work/lo" xlsx "$work/filled.xlsx"
if [ -s "$work/lo/filled.xlsx" ] && ! cmp -s "$work/filled.xlsx" "$work/lo/filled.xlsx"; then
    ok "LibreOffice saved the workbook again as XLSX"
else
    not_ok "LibreOffice saved the workbook again as XLSX"
fi
check "apicheck validates the LibreOffice-saved workbook" "$BIN" validate "$work/lo/filled.xlsx"
if "$BIN" convert "$work/lo/filled.xlsx" "$work/back.json" >>"$work/log" 2>&1 &&
    cmp "$work/expected.json" "$work/back.json" >>"$work/log" 2>&1; then
    ok "answers read back from LibreOffice's XLSX equal the fixture"
else
    not_ok "answers read back from LibreOffice's XLSX equal the fixture"
    diff "$work/expected.json" "$work/back.json" 2>&1 | head -20 | sed 's/^/# /'
fi
exit $failed
