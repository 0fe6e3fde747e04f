#!/bin/bash
# The pages of the assessment family and the dashboard against a real
# server on 127.0.0.1: every page answers 200 to the parties and 404 (the
# body of a missing id) to another tenant's bank and partner; answers from
# both sides; the 409 conflict page on a stale version, the stored value
# unchanged; workflow buttons only where the workflow allows; review,
# comments, return, accept; filters; history; diff against the previous
# round; downloads (XLSX back through `apicheck convert`, CSV with a BOM,
# CP932 through iconv, Content-Disposition); upload preview and apply, a bad
# workbook changing nothing; XSS payloads in every field escaped in pages
# and neutralised in exports; the dashboard's SVG well-formed; plans.
# Organizations and users are set up with the CLI; users sign in through
# POST /login.  On SQLite, and on PostgreSQL too when $APICHECK_TEST_PG
# names a server.
. "$(dirname "$0")/../lib/tap.sh"

if ! command -v curl >/dev/null; then
    echo "1..0 # SKIP curl is not installed (scripts/install-deps)"
    exit 0
fi

pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill -KILL "$p" 2>/dev/null
    done
}
. "$(dirname "$0")/../lib/engines.sh"
trap 'cleanup; _engines_cleanup' EXIT

PW=pw-$RANDOM-$RANDOM-pages
printf '%s\n' "$PW" >"$T/pw"
cli() { "$BIN" --db "$DB" "$@"; }
q() { cli --as "$@" 2>"$T/q.err" || { echo "# q $*: $(cat "$T/q.err")" >&2; return 1; }; }

C=(curl -s --max-time 30)

# get USER PATH: body in $T/body, headers in $T/head; prints the status.
get() {
    "${C[@]}" -b "$T/$1.jar" -D "$T/head" -o "$T/body" -w '%{http_code}' "$U$2"
}
# csrf USER: the user's CSRF token (read from a page once, after sign-in).
csrf() {
    if [ ! -s "$T/$1.csrf" ]; then
        "${C[@]}" -b "$T/$1.jar" "$U/plans" | grep -o 'name="csrf" value="[^"]*"' | head -1 |
            sed 's/.*value="//; s/"$//' >"$T/$1.csrf"
    fi
    cat "$T/$1.csrf"
}
# post USER PATH NAME=VALUE…: a form with the user's CSRF token; prints the
# status; body in $T/body, headers in $T/head.
post() {
    local user=$1 path=$2
    shift 2
    local args=() kv
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    "${C[@]}" -b "$T/$user.jar" -D "$T/head" -o "$T/body" -w '%{http_code}' \
        --data-urlencode "csrf=$(csrf "$user")" "${args[@]}" "$U$path"
}
# listening_port LOG: the port a server started in the background prints
# to LOG (waits up to 10 s; empty when it never did).
listening_port() {
    local p= _
    for _ in $(seq 1 100); do
        p=$(grep -o '://127\.0\.0\.1:[0-9]*' "$1" | head -1 | sed 's/.*://')
        [ -n "$p" ] && break
        sleep 0.1
    done
    echo "$p"
}
# status_is WANT DESC GOT
status_is() {
    if [ "$3" = "$1" ]; then ok "$2"; else notok "$2 (got $3, wanted $1)"; fi
}
# item N [FILE]: the HTML of item N's section of a checklist page.
item() {
    awk -v RS='</section>' -v id="id=\"item-$1\"" 'index($0, id) { print; exit }' "${2:-$T/body}"
}
# version USER A N SIDE: the base version the page's form for that answer carries.
version() {
    get "$1" "/assessments/$2" >/dev/null
    grep -o "action=\"/assessments/$2/items/$3/answers/$4\"><input type=\"hidden\" name=\"csrf\" value=\"[^\"]*\"><input type=\"hidden\" name=\"version\" value=\"[0-9]*\"" "$T/body" |
        sed 's/.*value="//; s/"$//'
}

story() {
    new_db "$1" pages || { notok "$1: a fresh database"; return; }
    echo "# engine: $ENGINE"
    # ---- set-up through the command line ---------------------------------------

    rm -f "$T"/*.jar "$T"/*.csrf
    cli init --operator root --password-file "$T/pw" >/dev/null 2>&1
    q root org add --kind bank みずなみ銀行 >/dev/null
    q root org add --kind partner カケイボ株式会社 >/dev/null
    q root org add --kind bank 北の銀行 >/dev/null
    q root org add --kind partner ヨソペイ >/dev/null
    for u in "b_editor みずなみ銀行 editor" "b_reviewer みずなみ銀行 reviewer" \
        "b_viewer みずなみ銀行 viewer" "p_editor カケイボ株式会社 editor" \
        "p_viewer カケイボ株式会社 viewer" "x_bank 北の銀行 admin" "x_partner ヨソペイ editor"; do
        set -- $u
        q root user add "$1" --org "$2" --role "$3" --password-file "$T/pw" >/dev/null
    done
    CONN=$(q root connection add -q --bank みずなみ銀行 --partner カケイボ株式会社 --scope read)
    CONN_X=$(q root connection add -q --bank 北の銀行 --partner ヨソペイ --scope read)
    A0=$(q b_editor assessment open -q --connection "$CONN" --round 2024年度 --due 2024-06-30)
    q p_editor assessment answer "$A0" 1 --side partner --status 一部対応 --current "前年の対応" \
        --base-version 0 >/dev/null
    A1=$(q b_editor assessment open -q --connection "$CONN" --round 2025年度 --due 2020-06-30 \
        --from "$A0")
    X1=$(q x_bank assessment open -q --connection "$CONN_X" --round 2025年度)
    case "$A0.$A1.$X1" in
    *[!0-9.]* | .* | *..* | *.) notok "$ENGINE: set-up through the CLI ($A0, $A1, $X1)"; return ;;
    *) ok "$ENGINE: set-up through the CLI" ;;
    esac

    # ---- the server ---------------------------------------------------------------

    # Its own TMPDIR: the check for leftover export files below must not
    # see another test's.
    mkdir -p "$T/tmp"
    TMPDIR="$T/tmp" "$BIN" serve --db "$DB" --listen 127.0.0.1:0 2>"$T/server.log" &
    pids+=($!)
    port=$(listening_port "$T/server.log")
    if [ -z "$port" ]; then
        notok "$ENGINE: server did not start"
        sed 's/^/#   /' "$T/server.log"
        return
    fi
    ok "$ENGINE: server listens"
    U="http://127.0.0.1:$port"
    for u in root b_editor b_reviewer b_viewer p_editor p_viewer x_bank x_partner; do
        got=$("${C[@]}" -c "$T/$u.jar" -o /dev/null -w '%{http_code}' --data-urlencode "login=$u" \
            --data-urlencode "password=$PW" --data-urlencode "next=/" "$U/login")
        status_is 303 "$u signs in" "$got"
    done

    # ---- every page: 200 for the parties, 404 for the others ----------------------

    PAGES=("/assessments/$A1" "/assessments/$A1/items/1/history" "/assessments/$A1/diff"
        "/assessments/$A1/export/xlsx" "/assessments/$A1/export/csv" "/assessments/$A1/export/json"
        "/assessments/$A1/export/csv?encoding=cp932&side=partner")
    for u in b_editor b_reviewer b_viewer p_editor p_viewer; do
        for path in / /plans /assessments "${PAGES[@]}"; do
            status_is 200 "$u: GET $path" "$(get "$u" "$path")"
        done
    done
    for path in / /plans /assessments "${PAGES[@]}"; do
        status_is 200 "the operator: GET $path" "$(get root "$path")"
    done
    get root "/assessments/$A1" >/dev/null
    lacks "$T/body" 'class="answer-form"' "the operator answers for nobody"
    status_is 200 "the partner editor gets the import form" "$(get p_editor "/assessments/$A1/import")"
    status_is 403 "a viewer may not import" "$(get p_viewer "/assessments/$A1/import")"
    for u in x_bank x_partner; do
        get "$u" /assessments/999999 >/dev/null
        cp "$T/body" "$T/missing.html"
        for path in "${PAGES[@]}" "/assessments/$A1/import"; do
            status_is 404 "$u: GET $path is 404" "$(get "$u" "$path")"
            same "$T/missing.html" "$T/body" "$u: … with the body of a missing id"
        done
        status_is 404 "$u: a save on another tenant's answer is 404" \
            "$(post "$u" "/assessments/$A1/items/1/answers/partner" status=done version=0)"
        same "$T/missing.html" "$T/body" "$u: … with the body of a missing id"
        status_is 404 "$u: a comment on another tenant's item is 404" \
            "$(post "$u" "/assessments/$A1/items/1/comments" body=x)"
        status_is 404 "$u: accepting another tenant's assessment is 404" \
            "$(post "$u" "/assessments/$A1/accept")"
        get "$u" / >/dev/null
        lacks "$T/body" "カケイボ株式会社 × " "$u: the dashboard does not list it"
        lacks "$T/body" "/assessments/$A1\"" "$u: … nor link to it"
    done
    get p_editor "/assessments/$X1" >/dev/null
    same "$T/missing.html" "$T/body" "the partner cannot see the other tenants' assessment"

    # ---- answering from both sides ----------------------------------------------------

    V=$(version p_editor "$A1" 1 partner)
    [ -n "$V" ] && ok "the partner's form carries a version ($V)" || notok "the partner's form carries a version"
    status_is 303 "the partner saves item 1" "$(post p_editor "/assessments/$A1/items/1/answers/partner" \
        status=done current=情報セキュリティ規程を整備 gap= plan= due= note= "version=$V")"
    grep -qi "^location: /assessments/$A1#item-1" "$T/head" && ok "… and goes back to the item" ||
        notok "… and goes back to the item"
    get p_viewer "/assessments/$A1" >/dev/null
    item 1 >"$T/i1"
    contains "$T/i1" "情報セキュリティ規程を整備" "the viewer sees the answer"
    contains "$T/body" "回答済み 1 / 39" "the checklist shows the partner's progress"
    [ "$(grep -o '<svg ' "$T/body" | wc -l)" = "$(grep -o '</svg>' "$T/body" | wc -l)" ] &&
        ok "… as balanced SVG" || notok "… as balanced SVG"
    lacks "$T/i1" 'class="answer-form"' "the viewer gets no form"
    V39=$(version b_editor "$A1" 39 bank)
    status_is 303 "the bank answers its item 39" "$(post b_editor "/assessments/$A1/items/39/answers/bank" \
        status=done current="API ゲートウェイで認可" "version=$V39")"
    get p_editor "/assessments/$A1" >/dev/null
    item 39 >"$T/i39"
    contains "$T/i39" "API ゲートウェイで認可" "the partner sees the bank's answer"
    lacks "$T/i39" 'class="answer-form"' "… read-only"
    item 9 >"$T/i9"
    contains "$T/i9" 'data-side="partner" method="post"' "a common item: the partner edits its side"
    lacks "$T/i9" 'data-side="bank" method="post"' "… not the bank's"
    status_is 409 "the partner may not save the bank side" "$(post p_editor \
        "/assessments/$A1/items/39/answers/bank" status=done version=1)"
    status_is 400 "an unknown status is refused" "$(post p_editor \
        "/assessments/$A1/items/2/answers/partner" status=maybe version=0)"
    status_is 400 "a bad due date is refused" "$(post p_editor \
        "/assessments/$A1/items/2/answers/partner" status=todo due=2025-02-30 version=0)"

    # ---- the conflict page --------------------------------------------------------------

    V=$(version p_editor "$A1" 1 partner)
    status_is 303 "a save on the current version" "$(post p_editor "/assessments/$A1/items/1/answers/partner" \
        status=done current=先に保存した文 "version=$V")"
    status_is 409 "a second save on the same version is a conflict" "$(post p_editor \
        "/assessments/$A1/items/1/answers/partner" status=partial current=後から上書きしようとした文 "version=$V")"
    cp "$T/body" "$T/conflict.html"
    contains "$T/conflict.html" "先に保存した文" "the conflict page shows the stored value"
    contains "$T/conflict.html" "後から上書きしようとした文" "… and the submitted one"
    V2=$((V + 1))
    contains "$T/conflict.html" "name=\"version\" value=\"$V2\"" "… and offers to save on top of the current version"
    get p_viewer "/assessments/$A1" >/dev/null
    item 1 >"$T/i1"
    contains "$T/i1" "先に保存した文" "the stored value is unchanged"
    lacks "$T/i1" "後から上書きしようとした文" "… the stale save wrote nothing"
    status_is 303 "re-applying on top of the current version works" "$(post p_editor \
        "/assessments/$A1/items/1/answers/partner" status=partial current=後から上書きしようとした文 "version=$V2")"

    # ---- buttons only where the workflow allows ---------------------------------------------

    btn() { grep -c "name=\"action\" value=\"$1\"" "$T/body"; }
    get p_editor "/assessments/$A1" >/dev/null
    [ "$(btn submit)" = 1 ] && ok "draft: the partner editor sees submit" || notok "draft: the partner editor sees submit"
    get p_viewer "/assessments/$A1" >/dev/null
    [ "$(btn submit)" = 0 ] && ok "draft: a viewer does not" || notok "draft: a viewer does not"
    get b_reviewer "/assessments/$A1" >/dev/null
    [ "$(btn return)$(btn accept)$(btn submit)" = 000 ] && ok "draft: the bank reviewer sees no button" ||
        notok "draft: the bank reviewer sees no button"
    lacks "$T/body" 'class="review-form"' "draft: no review form"
    status_is 409 "accepting a draft is refused" "$(post b_reviewer "/assessments/$A1/accept")"
    status_is 303 "the partner submits" "$(post p_editor "/assessments/$A1/submit" action=submit comment=ご確認ください)"
    get p_editor "/assessments/$A1" >/dev/null
    [ "$(btn submit)" = 0 ] && ok "submitted: no submit button" || notok "submitted: no submit button"
    lacks "$T/body" 'class="answer-form"' "submitted: the partner's answers are frozen"
    contains "$T/body" "ご確認ください" "the submission comment is in the thread"
    get b_reviewer "/assessments/$A1" >/dev/null
    [ "$(btn start-review)$(btn return)$(btn accept)" = 111 ] &&
        ok "submitted: the reviewer sees start-review, return, accept" ||
        notok "submitted: the reviewer sees start-review, return, accept"
    contains "$T/body" 'class="review-form"' "submitted: the reviewer gets review forms"
    contains "$T/body" 'data-confirm=' "return and accept ask for confirmation (with JavaScript)"
    get b_editor "/assessments/$A1" >/dev/null
    [ "$(btn return)$(btn accept)" = 00 ] && ok "a bank editor does not see return or accept" ||
        notok "a bank editor does not see return or accept"
    lacks "$T/body" 'class="review-form"' "… nor review forms"
    status_is 403 "a bank editor may not accept" "$(post b_editor "/assessments/$A1/accept")"

    # ---- review, comments, return ------------------------------------------------------------

    status_is 303 "the reviewer evaluates item 1" "$(post b_reviewer "/assessments/$A1/items/1/review" \
        evaluation=improve comment=期限を記入してください)"
    status_is 303 "the reviewer rates item 2" "$(post b_reviewer "/assessments/$A1/items/2/review" evaluation=ok)"
    status_is 303 "the partner comments on item 1" "$(post p_editor "/assessments/$A1/items/1/comments" \
        body=来月までに整備します)"
    status_is 403 "a viewer may not comment" "$(post p_viewer "/assessments/$A1/items/1/comments" body=見ました)"
    status_is 400 "an empty comment is refused" "$(post p_editor "/assessments/$A1/items/1/comments" body=)"
    get p_viewer "/assessments/$A1" >/dev/null
    item 1 >"$T/i1"
    contains "$T/i1" 'data-evaluation="improve"' "item 1 shows its evaluation"
    contains "$T/i1" "来月までに整備します" "… and its thread"
    contains "$T/i1" "期限を記入してください" "… with the review comment"
    contains "$T/body" "審査中" "a review starts the review"
    status_is 303 "the reviewer returns it" "$(post b_reviewer "/assessments/$A1/return" action=return \
        comment=項目1を直してください)"
    get p_editor "/assessments/$A1" >/dev/null
    contains "$T/body" "差戻し" "returned"
    [ "$(btn submit)" = 1 ] && ok "returned: the partner can submit again" || notok "returned: the partner can submit again"
    contains "$T/body" 'class="answer-form"' "returned: the partner edits again"

    # ---- filters -------------------------------------------------------------------------------

    get p_viewer "/assessments/$A1?evaluation=improve" >/dev/null
    n=$(grep -o '<section id="item-[0-9]*"' "$T/body" | wc -l)
    [ "$n" = 1 ] && ok "filter by evaluation: one item" || notok "filter by evaluation: one item (got $n)"
    contains "$T/body" 'id="item-1"' "… item 1"
    get p_viewer "/assessments/$A1?target=bank" >/dev/null
    contains "$T/body" 'id="item-39"' "filter by 対象者: a bank item is shown"
    lacks "$T/body" 'id="item-1"' "… a partner item is not"
    lacks "$T/body" 'data-target="partner"' "… nor any partner item"
    get p_viewer "/assessments/$A1?status=partial" >/dev/null
    n=$(grep -o '<section id="item-[0-9]*"' "$T/body" | wc -l)
    [ "$n" = 1 ] && ok "filter by status: one 一部対応 item" || notok "filter by status: one 一部対応 item (got $n)"
    CAT=$(grep -o '<option value="[^"]*"' "$T/body" | sed -n 2p | sed 's/<option value="//; s/"$//')
    get p_viewer "/assessments/$A1?category=$(printf '%s' "$CAT" | od -An -tx1 | tr ' ' '%' | tr -d '\n' | sed 's/%%*/%/g; s/%$//')" >/dev/null
    n=$(grep -o "<span class=\"category\">$CAT</span>" "$T/body" | wc -l)
    m=$(grep -o '<section id="item-[0-9]*"' "$T/body" | wc -l)
    [ "$n" -ge 1 ] && [ "$n" = "$m" ] && ok "filter by 区分: only that category ($n items)" ||
        notok "filter by 区分: only that category ($n of $m)"
    contains "$T/body" 'data-autosubmit' "filters submit on change with JavaScript"
    get p_viewer "/assessments/$A1?status=nonsense&evaluation=x&target=y" >/dev/null
    n=$(grep -o '<section id="item-[0-9]*"' "$T/body" | wc -l)
    [ "$n" -gt 40 ] && ok "unknown filter values are ignored" || notok "unknown filter values are ignored ($n)"

    # ---- history and diff ---------------------------------------------------------------------------

    status_is 200 "history of item 1" "$(get p_viewer "/assessments/$A1/items/1/history")"
    contains "$T/body" "情報セキュリティ規程を整備" "history shows the first save"
    contains "$T/body" "後から上書きしようとした文" "… and the last"
    contains "$T/body" "p_editor" "… and who saved"
    contains "$T/body" 'data-action="review.set"' "… and the evaluation"
    contains "$T/body" "来月までに整備します" "… and the comment"
    status_is 404 "history of an item outside the checklist" "$(get p_viewer "/assessments/$A1/items/999/history")"
    status_is 200 "diff against the previous round" "$(get p_viewer "/assessments/$A1/diff")"
    contains "$T/body" "前年の対応" "the diff shows last year's answer"
    contains "$T/body" "後から上書きしようとした文" "… and this year's"
    status_is 200 "diff against an explicit assessment" "$(get p_viewer "/assessments/$A0/diff?against=$A1")"
    status_is 404 "diff against another tenant's assessment" "$(get p_viewer "/assessments/$A1/diff?against=$X1")"
    status_is 400 "diff against garbage" "$(get p_viewer "/assessments/$A1/diff?against=abc")"

    # ---- downloads -------------------------------------------------------------------------------------

    status_is 200 "download XLSX" "$("${C[@]}" -b "$T/p_viewer.jar" -D "$T/head" -o "$T/a.xlsx" -w '%{http_code}' "$U/assessments/$A1/export/xlsx")"
    [ "$(head -c 2 "$T/a.xlsx")" = PK ] && ok "the XLSX is a zip" || notok "the XLSX is a zip"
    tr -d '\r' <"$T/head" >"$T/h"
    contains "$T/h" "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" "XLSX content type"
    contains "$T/h" "filename=\"apicheck-assessment-$A1.xlsx\"" "an ASCII file name"
    contains "$T/h" "filename*=UTF-8''" "… and the UTF-8 one"
    ls "$T/tmp"/apicheck-export-* >/dev/null 2>&1 && notok "no temporary file left behind" ||
        ok "no temporary file left behind"
    get p_viewer "/assessments/$A1/export/json" >/dev/null
    cp "$T/body" "$T/a.json"
    expect 0 "the XLSX converts back to JSON" -- "$BIN" convert "$T/a.xlsx" "$T/back.json"
    same "$T/a.json" "$T/back.json" "… and matches the JSON download"
    get p_viewer "/assessments/$A1/export/csv" >/dev/null
    [ "$(head -c 3 "$T/body" | od -An -tx1 | tr -d ' ')" = efbbbf ] && ok "the CSV starts with a BOM" ||
        notok "the CSV starts with a BOM"
    contains "$T/body" "後から上書きしようとした文" "… and holds the answers"
    get p_viewer "/assessments/$A1/export/csv?encoding=cp932" >/dev/null
    tr -d '\r' <"$T/head" >"$T/h"
    contains "$T/h" "charset=Shift_JIS" "the CP932 CSV says so"
    if iconv -f CP932 -t UTF-8 "$T/body" >"$T/sjis.csv" 2>/dev/null; then
        contains "$T/sjis.csv" "API ゲートウェイで認可" "the CP932 CSV decodes with iconv"
    else
        notok "the CP932 CSV decodes with iconv"
    fi
    get p_viewer "/assessments/$A1/export/json?side=bank" >/dev/null
    lacks "$T/body" "上書きしようとした" "a one-side export lacks the other side"
    contains "$T/body" "API ゲートウェイで認可" "… and holds its own"
    V=$(version p_editor "$A1" 4 partner)
    post p_editor "/assessments/$A1/items/4/answers/partner" status=done "current=絵文字 😀 は CP932 にない" "version=$V" >/dev/null
    status_is 422 "a CP932 export of text CP932 cannot hold is refused" \
        "$(get p_viewer "/assessments/$A1/export/csv?encoding=cp932")"
    contains "$T/body" "CP932" "… saying why"
    V=$(version p_editor "$A1" 4 partner)
    post p_editor "/assessments/$A1/items/4/answers/partner" status=done current=絵文字なし "version=$V" >/dev/null
    status_is 404 "an unknown format" "$(get p_viewer "/assessments/$A1/export/pdf")"
    status_is 400 "an unknown encoding" "$(get p_viewer "/assessments/$A1/export/csv?encoding=latin1")"

    # ---- upload: preview, apply, a bad workbook ----------------------------------------------------------

    sed 's/後から上書きしようとした文/取り込みで直した文/' "$T/a.json" >"$T/edit.json"
    upload() { # USER PATH FILE
        "${C[@]}" -b "$T/$1.jar" -D "$T/head" -o "$T/body" -w '%{http_code}' \
            -F "csrf=$(csrf "$1")" -F "file=@$3" "$U$2"
    }
    status_is 200 "upload: preview" "$(upload p_editor "/assessments/$A1/import" "$T/edit.json")"
    contains "$T/body" "取り込みで直した文" "the preview lists the change"
    contains "$T/body" 'name="sha256"' "… with an apply form"
    SHA=$(grep -o 'name="sha256" value="[0-9a-f]*"' "$T/body" | sed 's/.*value="//; s/"$//')
    get p_viewer "/assessments/$A1" >/dev/null
    lacks "$T/body" "取り込みで直した文" "the preview wrote nothing"
    status_is 303 "apply" "$(post p_editor "/assessments/$A1/import/apply" "sha256=$SHA" name=edit.json)"
    LOC=$(tr -d '\r' <"$T/head" | sed -n 's/^[Ll]ocation: //p')
    get p_viewer "$LOC" >/dev/null
    contains "$T/body" "取り込みで直した文" "the import was applied"
    contains "$T/body" "1 件の回答を取り込みました" "… and says how many"
    get p_viewer "/assessments/$A1/items/1/history" >/dev/null
    contains "$T/body" 'data-action="assessment.import"' "the item's history shows the import"
    contains "$T/body" "取り込みで直した文" "… with the imported value"
    status_is 400 "apply with an unknown upload" "$(post p_editor "/assessments/$A1/import/apply" \
        sha256=0000000000000000000000000000000000000000000000000000000000000000 name=x.json)"
    status_is 200 "the XLSX download uploads back" "$(upload p_editor "/assessments/$A1/import" "$T/a.xlsx")"
    printf 'PK\003\004 this is not a workbook' >"$T/bad.xlsx"
    get p_viewer "/assessments/$A1/export/json" >/dev/null
    cp "$T/body" "$T/before-bad.json"
    status_is 400 "a bad workbook is refused" "$(upload p_editor "/assessments/$A1/import" "$T/bad.xlsx")"
    contains "$T/body" "bad.xlsx" "… naming the file"
    contains "$T/body" 'class="problems"' "… with the problems"
    get p_viewer "/assessments/$A1/export/json" >/dev/null
    same "$T/before-bad.json" "$T/body" "… and changes nothing"
    sed 's/"answers": \[/"answers": [{"no": 999, "side": "partner", "status": "done"},/' "$T/a.json" >"$T/bad.json"
    status_is 400 "an answer to a missing item is refused" "$(upload p_editor "/assessments/$A1/import" "$T/bad.json")"
    sed 's/API ゲートウェイで認可/勝手に変更/' "$T/a.json" >"$T/other.json"
    status_is 400 "changing the other side's answer is refused" "$(upload p_editor "/assessments/$A1/import" "$T/other.json")"
    get p_viewer "/assessments/$A1" >/dev/null
    lacks "$T/body" "勝手に変更" "a refused upload changes nothing"
    status_is 403 "a viewer may not upload" "$(upload p_viewer "/assessments/$A1/import" "$T/edit.json")"
    status_is 404 "another tenant may not upload" "$(upload x_partner "/assessments/$A1/import" "$T/edit.json")"

    # ---- XSS payloads in every field ------------------------------------------------------------------------

    XSS='<script>alert(1)</script>"'"'"'><img src=x onerror=alert(2)>'
    FORMULA='=HYPERLINK("http://evil/")'
    V=$(version p_editor "$A1" 3 partner)
    status_is 303 "a hostile answer is saved" "$(post p_editor "/assessments/$A1/items/3/answers/partner" \
        status=todo "current=$XSS" "gap=$XSS" "plan=$XSS" due=2030-01-01 "note=$FORMULA" "version=$V")"
    status_is 303 "a hostile comment is saved" "$(post p_editor "/assessments/$A1/items/3/comments" "body=$XSS")"
    status_is 303 "a hostile assessment comment" "$(post p_editor "/assessments/$A1/comments" "body=$XSS")"
    for path in "/assessments/$A1" "/assessments/$A1/items/3/history" "/assessments/$A1/diff" /; do
        get b_reviewer "$path" >/dev/null
        lacks "$T/body" "<script>alert" "$path: no raw <script>"
        lacks "$T/body" "<img src=x" "$path: no raw <img>"
    done
    get b_reviewer "/assessments/$A1" >/dev/null
    contains "$T/body" "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;img" "the payload comes back escaped"
    V=$(version p_editor "$A1" 3 partner)
    post p_editor "/assessments/$A1/items/3/answers/partner" status=todo current=x "version=$((V - 1))" >/dev/null
    lacks "$T/body" "<script>alert" "the conflict page escapes the payload"
    contains "$T/body" "&lt;script&gt;" "… and shows it"
    get b_reviewer "/assessments/$A1/export/csv" >/dev/null
    contains "$T/body" "'=HYPERLINK" "the CSV neutralises a formula"
    tr -d '\r' <"$T/head" >"$T/h"
    contains "$T/h" "X-Content-Type-Options: nosniff" "exports are not sniffed as HTML"
    lacks "$T/h" "Content-Type: text/html" "exports are not HTML"
    "${C[@]}" -b "$T/b_reviewer.jar" -o "$T/x.xlsx" "$U/assessments/$A1/export/xlsx"
    "$BIN" convert "$T/x.xlsx" "$T/x.json" >/dev/null 2>&1
    contains "$T/x.json" '=HYPERLINK(\"http://evil/\")' "the XLSX keeps the formula as text, round-tripped"
    contains "$T/x.json" '<script>alert(1)</script>\"'"'"'><img src=x onerror=alert(2)>' \
        "the XLSX holds the payload as text, exactly"
    get b_reviewer "/assessments/$A1/export/json" >/dev/null
    tr -d '\r' <"$T/head" >"$T/h"
    contains "$T/h" "Content-Type: application/json" "the JSON export is JSON, not HTML"
    get b_reviewer "/assessments/$A1?category=%3Cscript%3E" >/dev/null
    lacks "$T/body" "<script>" "a hostile filter value is not reflected raw"

    # ---- the dashboard ---------------------------------------------------------------------------------------

    for u in b_reviewer p_editor; do
        get "$u" / >/dev/null
        for tag in svg rect title text; do
            o=$(grep -o "<${tag}[ >]" "$T/body" | wc -l)
            c=$(grep -o "</$tag>" "$T/body" | wc -l)
            [ "$o" = "$c" ] && ok "$u: dashboard <$tag> balanced ($o)" || notok "$u: dashboard <$tag> balanced ($o/$c)"
        done
        contains "$T/body" 'viewbox="0 0 ' "$u: the SVG has its viewBox"
        contains "$T/body" 'role="img"' "$u: charts are images to assistive technology"
        lacks "$T/body" '<script>' "$u: no inline script"
        lacks "$T/body" ' style=' "$u: no inline style"
    done
    get b_reviewer / >/dev/null
    contains "$T/body" "カケイボ株式会社" "the bank sees its partner"
    contains "$T/body" "差戻し" "… with the state"
    contains "$T/body" "2020-06-30" "… the due date"
    contains "$T/body" "期限超過" "… overdue"
    contains "$T/body" 'class="chart strip"' "… and progress per 区分"
    get b_reviewer "/?state=draft" >/dev/null
    contains "$T/body" ">2024年度<" "?state=draft lists the draft"
    lacks "$T/body" ">2025年度<" "… not the returned one"
    get b_reviewer "/?state=returned" >/dev/null
    contains "$T/body" ">2025年度<" "?state=returned lists the returned one"
    get b_reviewer "/?state=bogus&page=99" >/dev/null
    contains "$T/body" ">2024年度<" "an unknown state or page shows everything from the start"
    get root / >/dev/null
    contains "$T/body" "銀行ごと" "the operator gets a summary per bank"
    contains "$T/body" "北の銀行" "… of every bank"
    get p_editor / >/dev/null
    contains "$T/body" "みずなみ銀行" "the partner sees the bank's request"
    contains "$T/body" "due-list" "… and what is due"

    # ---- plans --------------------------------------------------------------------------------------------------

    q p_editor plan add -q "$A1" 9 --side partner --body "WAF を導入" --due 2020-01-31 >/dev/null
    q b_editor plan add -q "$A1" 39 --side bank --body "監視を強化" --due 2099-12-31 >/dev/null
    status_is 200 "plans" "$(get b_viewer /plans)"
    contains "$T/body" "WAF を導入" "open plans are listed"
    contains "$T/body" "監視を強化" "… all of them"
    contains "$T/body" 'class="overdue"' "an overdue plan is highlighted"
    get b_viewer "/plans?overdue=1" >/dev/null
    lacks "$T/body" "監視を強化" "?overdue=1 keeps only overdue plans"
    get x_bank /plans >/dev/null
    lacks "$T/body" "WAF" "another tenant sees none"

    # ---- the page cache: one rendering per data, viewer and request --------------------------------------------------

    get p_viewer "/assessments/$A1" >/dev/null
    cp "$T/body" "$T/c1.html"
    get p_viewer "/assessments/$A1" >/dev/null
    same "$T/c1.html" "$T/body" "the same page twice: the same bytes"
    get p_editor "/assessments/$A1" >/dev/null
    contains "$T/body" '<span class="user">p_editor</span>' "the header names the editor"
    contains "$T/body" 'class="answer-form"' "the editor's page has forms"
    contains "$T/body" "value=\"$(csrf p_editor)\"" "… with the editor's CSRF token"
    get p_viewer "/assessments/$A1" >/dev/null
    lacks "$T/body" 'class="answer-form"' "the viewer, right after, gets no form"
    lacks "$T/body" "value=\"$(csrf p_editor)\"" "… and not the editor's token"
    contains "$T/body" '<span class="user">p_viewer</span>' "… and a header naming the viewer"
    "${C[@]}" -c "$T/p_viewer2.jar" -o /dev/null --data-urlencode login=p_viewer \
        --data-urlencode "password=$PW" "$U/login"
    get p_viewer2 "/assessments/$A1" >/dev/null
    t1=$(grep -o 'name="csrf" value="[^"]*"' "$T/c1.html" | head -1)
    t2=$(grep -o 'name="csrf" value="[^"]*"' "$T/body" | head -1)
    [ -n "$t1" ] && [ -n "$t2" ] && [ "$t1" != "$t2" ] &&
        ok "a second session of the same user gets its own token" ||
        notok "a second session of the same user gets its own token ($t1 / $t2)"
    get p_viewer "/assessments/$A1?status=done" >/dev/null
    lacks "$T/body" 'id="item-2"' "a filter in the query is another page"
    # A write by another process (the command line on the same database)
    # shows at once: the key is the database's audit head, not a memory.
    V5=$(version p_editor "$A1" 5 partner)
    q p_editor assessment answer "$A1" 5 --side partner --status 対応済 \
        --current "コマンドラインから保存" --base-version "${V5:-0}" >/dev/null
    get p_viewer "/assessments/$A1" >/dev/null
    item 5 >"$T/i5"
    contains "$T/i5" "コマンドラインから保存" "a save by another process shows at once"
    get b_reviewer / >/dev/null
    get b_reviewer / >/dev/null
    lacks "$T/body" ">2031年度<" "the dashboard, twice, before a new round"
    q b_editor assessment open -q --connection "$CONN" --round 2031年度 >/dev/null
    get b_reviewer / >/dev/null
    contains "$T/body" ">2031年度<" "a round opened by another process is on the dashboard at once"
    # The cached page is the page: a second server without a cache renders
    # the same bytes for the same session.
    "$BIN" serve --db "$DB" --listen 127.0.0.1:0 --page-cache 0 --quiet 2>"$T/server2.log" &
    pids+=($!)
    port2=$(listening_port "$T/server2.log")
    get p_viewer "/assessments/$A1" >/dev/null
    get p_viewer "/assessments/$A1" >/dev/null
    cp "$T/body" "$T/cached.html"
    "${C[@]}" -b "$T/p_viewer.jar" -o "$T/uncached.html" "http://127.0.0.1:$port2/assessments/$A1"
    same "$T/cached.html" "$T/uncached.html" "a cached page equals the one rendered without a cache"
    get b_reviewer / >/dev/null
    get b_reviewer / >/dev/null
    cp "$T/body" "$T/cached.html"
    "${C[@]}" -b "$T/b_reviewer.jar" -o "$T/uncached.html" "http://127.0.0.1:$port2/"
    same "$T/cached.html" "$T/uncached.html" "… and so does a cached dashboard"

    # ---- accept, and English ---------------------------------------------------------------------------------------

    status_is 303 "the partner resubmits" "$(post p_editor "/assessments/$A1/submit")"
    status_is 303 "the reviewer accepts" "$(post b_reviewer "/assessments/$A1/accept" comment=承認します)"
    get b_reviewer "/assessments/$A1" >/dev/null
    [ "$(btn return)$(btn accept)$(btn start-review)$(btn submit)" = 0000 ] &&
        ok "accepted: no workflow button" || notok "accepted: no workflow button"
    lacks "$T/body" 'class="comment-form"' "accepted: no comment form"
    "${C[@]}" -b "$T/p_viewer.jar" -b "lang=en" -o "$T/en.html" "$U/assessments/$A1"
    contains "$T/en.html" "Accepted" "English labels with the lang cookie"
    contains "$T/en.html" "Implemented" "… for statuses too"
    "${C[@]}" -b "$T/p_viewer.jar" -b "lang=en" -o "$T/en.html" "$U/"
    contains "$T/en.html" "Progress per category" "an English dashboard"

    st=0
    for p in "${pids[@]}"; do
        kill -TERM "$p" 2>/dev/null
        wait "$p" 2>/dev/null || st=$?
    done
    pids=()
    [ "$st" = 0 ] && ok "the server exits cleanly" || notok "the server exits cleanly (status $st)"
    if grep -q 'Sanitizer\|runtime error' "$T/server.log"; then
        notok "no sanitizer report from the server"
        grep -A20 'Sanitizer\|runtime error' "$T/server.log" | head -40 | sed 's/^/#   /'
    else
        ok "no sanitizer report from the server"
    fi
}

for e in $ENGINES; do
    story "$e"
done
done_testing
