#!/bin/bash
# Hostile files get a clear error, exit 1, and change nothing: no output
# file appears, no catalog is imported.
. "$(dirname "$0")/../lib/tap.sh"
C="$BIN --catalog-dir $T/catalogs"
F=tests/fixtures/answers-both.json
"$BIN" convert "$F" "$T/good.xlsx" >/dev/null 2>&1 || notok "cannot make a good workbook"

refused() { # FILE DESCRIPTION MESSAGE-FRAGMENT [convert options]
    local file=$1 desc=$2 frag=$3
    shift 3
    LANG=en_US.UTF-8 expect 1 "$desc is refused" -- "$BIN" convert "$file" "$T/out.json" "$@"
    absent "$T/out.json" "$desc: nothing written"
    if [ -n "$frag" ]; then contains "$T/err" "$frag" "$desc: the message says why"; fi
    if grep -qE 'Sanitizer|runtime error|Segmentation' "$T/err"; then notok "$desc: no crash"; fi
}

head -c 2000 "$T/good.xlsx" >"$T/truncated.xlsx"
refused "$T/truncated.xlsx" "a truncated workbook" "zip"
printf 'this is not a zip file\n' >"$T/notzip.xlsx"
refused "$T/notzip.xlsx" "a file that is not a zip" "zip"
: >"$T/empty.xlsx"
refused "$T/empty.xlsx" "an empty file" ""

# A minimal workbook whose parts we can replace.
mk_xlsx() { # DIR OUTPUT
    (cd "$1" && zip -q -r -X "$2" '[Content_Types].xml' _rels xl)
}
base="$T/base"
mkdir -p "$base/_rels" "$base/xl/_rels" "$base/xl/worksheets"
cat >"$base/[Content_Types].xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>
X
cat >"$base/_rels/.rels" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
X
cat >"$base/xl/workbook.xml" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>
X
cat >"$base/xl/_rels/workbook.xml.rels" <<'X'
<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>
X
sheet() { # body of sheetData
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>通番</t></is></c><c r="B1" t="inlineStr"><is><t>セキュリティ対応目標</t></is></c></row>%s</sheetData></worksheet>\n' "$1"
}
sheet '' >"$base/xl/worksheets/sheet1.xml"
mk_xlsx "$base" "$T/minimal.xlsx"
LANG=en_US.UTF-8 expect 0 "the minimal hand-built workbook reads" -- "$BIN" convert "$T/minimal.xlsx" "$T/min.json"
rm -f "$T/min.json"

variant() { # NAME: copy base to $T/NAME.d, caller edits, then zip
    rm -rf "$T/$1.d"
    cp -r "$base" "$T/$1.d"
}

# Zip bomb: a 300 MB sheet of zeros (compresses to about 300 KB).
variant bomb
{ sheet '' | head -c 200; head -c 300000000 /dev/zero | tr '\0' ' '; } >"$T/bomb.d/xl/worksheets/sheet1.xml"
mk_xlsx "$T/bomb.d" "$T/bomb.xlsx"
[ "$(stat -c %s "$T/bomb.xlsx")" -lt 2000000 ] && ok "the zip bomb is small on disk" || notok "the zip bomb is small on disk"
refused "$T/bomb.xlsx" "a zip bomb" "limit"

# Billion laughs in the sheet.
variant laughs
cat >"$T/laughs.d/xl/worksheets/sheet1.xml" <<'X'
<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>
X
mk_xlsx "$T/laughs.d" "$T/laughs.xlsx"
refused "$T/laughs.xlsx" "XML entity expansion" "DOCTYPE"

# External entity.
variant xxe
cat >"$T/xxe.d/xl/worksheets/sheet1.xml" <<'X'
<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>
X
mk_xlsx "$T/xxe.d" "$T/xxe.xlsx"
refused "$T/xxe.xlsx" "an external entity" "DOCTYPE"

# Absurd row number and too many rows.
variant rows
sheet '<row r="99999999"><c r="A99999999"><v>1</v></c></row>' >"$T/rows.d/xl/worksheets/sheet1.xml"
mk_xlsx "$T/rows.d" "$T/rows.xlsx"
refused "$T/rows.xlsx" "an absurd row number" "row"
variant manyrows
{ sheet '' | sed 's|</sheetData>.*||'; for i in $(seq 2 12001); do printf '<row r="%d"><c r="C%d" t="inlineStr"><is><t>x</t></is></c></row>' "$i" "$i"; done; printf '</sheetData></worksheet>\n'; } >"$T/manyrows.d/xl/worksheets/sheet1.xml"
mk_xlsx "$T/manyrows.d" "$T/manyrows.xlsx"
refused "$T/manyrows.xlsx" "12,000 rows" "row"

# Invalid UTF-8 inside a cell.
variant badutf
sheet "$(printf '<row r="2"><c r="A2" t="inlineStr"><is><t>1</t></is></c><c r="B2" t="inlineStr"><is><t>\xff\xfe</t></is></c></row>')" >"$T/badutf.d/xl/worksheets/sheet1.xml"
mk_xlsx "$T/badutf.d" "$T/badutf.xlsx"
refused "$T/badutf.xlsx" "invalid UTF-8 in a workbook" ""

# A 50 MB cell (compressed to about 50 KB).
variant bigcell
{ printf '<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'; head -c 50000000 /dev/zero | tr '\0' 'A'; printf '</t></is></c></row></sheetData></worksheet>\n'; } >"$T/bigcell.d/xl/worksheets/sheet1.xml"
mk_xlsx "$T/bigcell.d" "$T/bigcell.xlsx"
refused "$T/bigcell.xlsx" "a 50 MB cell in a workbook" ""

# CSV: invalid UTF-8 (auto-detect falls back to CP932, which must fail too
# on these bytes), CP932 that does not decode, a 50 MB cell, too many rows,
# an unterminated quote.
printf '\xef\xbb\xbf通番,セキュリティ対応目標,現在の対応状況\r\n1,"x\xff\xfe",y\r\n' >"$T/badutf.csv"
refused "$T/badutf.csv" "invalid UTF-8 in a BOM-marked CSV" "" --input-encoding utf8
printf '\x92\xca\x94\xd4,\x81\x7f\r\n' >"$T/badcp932.csv"
refused "$T/badcp932.csv" "CP932 that does not decode" "CP932" --input-encoding cp932
{ printf '通番,セキュリティ対応目標,現在の対応状況\r\n1,x,"'; head -c 50000000 /dev/zero | tr '\0' 'A'; printf '"\r\n'; } >"$T/bigcell.csv"
refused "$T/bigcell.csv" "a 50 MB CSV" "limit"
{ printf '通番,セキュリティ対応目標,現在の対応状況\r\n'; head -c 3000000 /dev/zero | tr '\0' 'A'; printf '\r\n'; } >"$T/bigcell2.csv"
refused "$T/bigcell2.csv" "a 3 MB CSV cell" "too long"
{ printf '通番,セキュリティ対応目標\r\n'; for i in $(seq 1 12000); do printf '%d,x\r\n' "$i"; done; } >"$T/rows.csv"
refused "$T/rows.csv" "12,000 CSV rows" "row"
printf '通番,セキュリティ対応目標\r\n1,"unterminated\r\n' >"$T/quote.csv"
refused "$T/quote.csv" "an unterminated quote" "quote"

# JSON: malformed, wrong types, invalid UTF-8, duplicate keys.
printf '{"format": "apicheck-answers", "version": 1, "catalog": "api-checklist-2018-08-02", "answers": [' >"$T/trunc.json"
refused "$T/trunc.json" "truncated JSON" ""
printf '{"format": "apicheck-answers", "version": 1, "catalog": "api-checklist-2018-08-02", "answers": [{"no": "1", "side": "partner"}]}' >"$T/types.json"
refused "$T/types.json" "a wrong JSON type" "no"
printf '{"format": "apicheck-answers", "version": 1, "catalog": "api-checklist-2018-08-02", "answers": [{"no": 1, "side": "partner", "current": "\xff"}]}' >"$T/badutf.json"
refused "$T/badutf.json" "invalid UTF-8 in JSON" ""
printf '{"format": "apicheck-answers", "version": 1, "version": 2, "catalog": "api-checklist-2018-08-02", "answers": []}' >"$T/dup.json"
refused "$T/dup.json" "duplicate JSON keys" ""

# Answers that break the rules of the checklist.
printf '{"format": "apicheck-answers", "version": 1, "catalog": "api-checklist-2018-08-02", "answers": [{"no": 39, "side": "partner", "status": "done", "current": "x", "gap": null, "plan": null, "due": null, "note": null}]}' >"$T/wrongside.json"
refused "$T/wrongside.json" "a partner answer to a bank item" "39"
printf '{"format": "apicheck-answers", "version": 1, "catalog": "api-checklist-2018-08-02", "answers": [{"no": 99, "side": "partner", "status": "done", "current": "x", "gap": null, "plan": null, "due": null, "note": null}]}' >"$T/noitem.json"
refused "$T/noitem.json" "an answer to a missing item" "99"
printf '\xef\xbb\xbf通番,セキュリティ対応目標,回答者,現在の対応状況\r\n1,全く違う目標,API接続先,x\r\n' >"$T/mismatch.csv"
refused "$T/mismatch.csv" "an objective that does not match item 1" "1"

# Nothing imported from hostile catalogs either.
refused_import() {
    LANG=en_US.UTF-8 expect 1 "import of $2 is refused" -- $C catalog import "$1" --id hostile
    absent "$T/catalogs/hostile.json" "import of $2 changes nothing"
}
refused_import "$T/bomb.xlsx" "a zip bomb"
refused_import "$T/badutf.csv" "invalid UTF-8"
printf '通番\tx\n' >"$T/bad.txt"
refused_import "$T/bad.txt" "a broken seed file"
done_testing
