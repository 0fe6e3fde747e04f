#!/bin/bash
# The whole story of an assessment, entirely from the command line, on
# SQLite and on PostgreSQL: set up a bank, a partner and their users, open
# an assessment, answer it from both sides, submit, review, return, fix,
# resubmit, accept, export (and re-import the export: no change), verify the
# audit trail.  Every illegal transition and forbidden edit is refused with
# exit 1; another tenant's assessment looks exactly like a missing one; a
# stale --base-version is a conflict that shows the current value.  Then a
# second round started from the first and their diff, the partner's profile
# pre-filling a new assessment, remediation plans and the overdue list, a
# bank's own selection of items, and a backup.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/engines.sh"

# run WANT DESC USER ARGS…: apicheck as USER on $DB, exit status WANT.
run() {
    local want=$1 desc=$2 user=$3
    shift 3
    expect "$want" "$ENGINE: $desc" -- "$BIN" --db "$DB" --as "$user" "$@"
}
# The same with English messages.
run_en() {
    local want=$1 desc=$2 user=$3
    shift 3
    expect "$want" "$ENGINE: $desc" -- "$BIN" --lang en --db "$DB" --as "$user" "$@"
}
# q USER ARGS…: the output of a command that must succeed (ids with -q).
q() {
    local user=$1
    shift
    "$BIN" --db "$DB" --as "$user" "$@" 2>"$T/q.err" || { echo "# q $*: $(cat "$T/q.err")" >&2; return 1; }
}
# ver USER ASSESSMENT ITEM SIDE: the version of one answer, from show.
ver() {
    "$BIN" --lang en --db "$DB" --as "$1" assessment show "$2" --item "$3" |
        sed -n "s/^ *$4 (version \([0-9]*\)).*/\1/p"
}
# is_id DESC VALUE
is_id() {
    case $2 in
    '' | *[!0-9]*) notok "$ENGINE: $1 (got '$2')" ;;
    *) ok "$ENGINE: $1" ;;
    esac
}
# same_error DESC FILE1 FILE2: the same message once numbers are set aside.
same_error() {
    sed 's/[0-9][0-9]*/N/g' "$2" >"$T/se1"
    sed 's/[0-9][0-9]*/N/g' "$3" >"$T/se2"
    if [ -s "$T/se1" ] && cmp -s "$T/se1" "$T/se2"; then
        ok "$ENGINE: $1"
    else
        notok "$ENGINE: $1"
        diff "$T/se1" "$T/se2" | sed 's/^/#   /'
    fi
}

story() {
    new_db "$1" round || { notok "$1: a fresh database"; return; }
    printf 'pw-%s-%s\n' "$RANDOM" "$RANDOM" >"$T/pw"

    # ---- installation, organizations, users -------------------------------
    expect 0 "$ENGINE: init registers the first operator" -- \
        "$BIN" --db "$DB" init --operator root --password-file "$T/pw"
    contains "$T/out" "root" "$ENGINE: init names the operator"
    lacks "$T/out" "$(cat "$T/pw")" "$ENGINE: a given password is not printed"
    expect 0 "$ENGINE: init again changes nothing" -- "$BIN" --db "$DB" init
    contains "$T/out" "最新" "$ENGINE: init again says the database is up to date"

    run 0 "operator registers a bank" root org add --kind bank みずなみ銀行 --reg-no 0009
    run 0 "operator registers a partner" root org add --kind partner カケイボ株式会社 \
        --reg-no "関東財務局長(電代)第1号"
    run 0 "another bank" root org add --kind 銀行 北の銀行
    run 0 "another partner" root org add --kind 電子決済等代行業者 ヨソペイ
    run 1 "a duplicate organization name is refused" root org add --kind bank みずなみ銀行
    run 2 "an unknown kind is a usage error" root org add --kind insurer 保険会社
    run 0 "org list" root org list
    contains "$T/out" "関東財務局長(電代)第1号" "$ENGINE: org list shows registration numbers"

    for r in admin editor reviewer viewer; do
        run 0 "bank $r registered" root user add "b_$r" --org みずなみ銀行 --role "$r" --name "銀行 $r"
        run 0 "partner $r registered" root user add "p_$r" --org カケイボ株式会社 --role "$r"
    done
    run 0 "other bank's admin" root user add x_bank --org 北の銀行 --role admin
    run 0 "other partner's editor" root user add x_partner --org ヨソペイ --role editor
    run 0 "a bank admin adds a user to its own bank" b_admin user add b_editor2 \
        --org みずなみ銀行 --role editor
    run 1 "a bank admin may not add users to a partner" b_admin user add intruder \
        --org カケイボ株式会社 --role admin
    run 1 "an editor may not add users" b_editor user add intruder2 --org みずなみ銀行 --role viewer
    run 1 "a partner admin may not register organizations" p_admin org add --kind bank 偽銀行
    run 1 "an unknown --as is refused" nobody org list
    contains "$T/err" "nobody" "$ENGINE: the message names the unknown user"
    expect 2 "$ENGINE: a data command without --as is a usage error" -- "$BIN" --db "$DB" org list
    run 0 "user list as the bank admin" b_admin user list
    contains "$T/out" "b_viewer" "$ENGINE: the bank admin sees the bank's users"
    run 0 "user passwd generates a password" root user passwd p_viewer
    contains "$T/out" "p_viewer" "$ENGINE: passwd names the user"

    # ---- connections ------------------------------------------------------
    CONN=$(q root connection add -q --bank みずなみ銀行 --partner カケイボ株式会社 --scope 参照系)
    is_id "a read connection (参照系)" "$CONN"
    CONN_W=$(q root connection add -q --bank みずなみ銀行 --partner カケイボ株式会社 --scope write)
    is_id "a write connection (更新系)" "$CONN_W"
    CONN_X=$(q root connection add -q --bank 北の銀行 --partner ヨソペイ --scope read)
    is_id "the other tenants' connection" "$CONN_X"
    run 1 "the same connection twice is refused" root connection add --bank みずなみ銀行 \
        --partner カケイボ株式会社 --scope read
    run 1 "a partner may not add connections" p_admin connection add --bank 1 --partner 2 \
        --scope read
    run 0 "connection list as the partner" p_viewer connection list
    contains "$T/out" "みずなみ銀行" "$ENGINE: the partner sees its connections"
    lacks "$T/out" "北の銀行" "$ENGINE: … and not other tenants'"
    run 0 "the bank admin sets its connection's state" b_admin connection state "$CONN" active
    run 1 "… but not another bank's" b_admin connection state "$CONN_X" suspended

    # ---- open ---------------------------------------------------------------
    run 1 "a partner may not open an assessment" p_admin assessment open --connection "$CONN" \
        --round 2025年度
    run 1 "another bank may not open on this connection" x_bank assessment open \
        --connection "$CONN" --round 2025年度
    A1=$(q b_editor assessment open -q --connection "$CONN" --round 2025年度 --due 令和7年6月30日)
    is_id "the bank opens the 2025 round" "$A1"
    run 1 "the same round twice is refused" b_editor assessment open --connection "$CONN" \
        --round 2025年度
    X1=$(q x_bank assessment open -q --connection "$CONN_X" --round 2025年度)
    is_id "the other bank opens its own" "$X1"
    run 0 "assessment list" p_viewer assessment list
    contains "$T/out" "2025-06-30" "$ENGINE: the 和暦 due date is stored as ISO"
    contains "$T/out" "下書き" "$ENGINE: a new assessment is a draft"

    # ---- answers from both sides --------------------------------------------
    run 0 "partner editor answers item 1" p_editor assessment answer "$A1" 1 --side partner \
        --status 対応済 --current "情報セキュリティ規程を整備" --base-version 0
    contains "$T/out" "1" "$ENGINE: the save reports the version"
    run 0 "partner reviewer answers item 2" p_reviewer assessment answer "$A1" 2 --side partner \
        --status 未対応 --gap "ルールが未整備" --base-version 0
    run 0 "partner answers the common item 9" p_editor assessment answer "$A1" 9 --side partner \
        --status 一部対応 --current "年1回の訓練" --plan "手順書を整備" --due 2026-03-31 \
        --base-version 0
    run 0 "bank answers its side of item 9" b_editor assessment answer "$A1" 9 --side bank \
        --status done --current "連絡窓口を設置" --base-version 0
    run 0 "bank answers the bank item 39" b_editor assessment answer "$A1" 39 --side 銀行 \
        --status 対応済 --current "API ゲートウェイで認可" --base-version 0

    run 1 "a viewer may not answer" p_viewer assessment answer "$A1" 1 --side partner \
        --status 未対応 --base-version 1
    run 1 "the bank may not answer the partner side" b_editor assessment answer "$A1" 1 \
        --side partner --status 未対応 --base-version 1
    run 1 "the partner may not answer the bank side" p_editor assessment answer "$A1" 9 \
        --side bank --status 未対応 --base-version 1
    run 1 "nobody answers the bank side of a partner item" b_editor assessment answer "$A1" 1 \
        --side bank --status 対応済 --base-version 0
    run 1 "nobody answers the partner side of a bank item" p_editor assessment answer "$A1" 39 \
        --side partner --status 対応済 --base-version 0
    run 1 "an item outside the checklist is refused" p_editor assessment answer "$A1" 99 \
        --side partner --status 対応済 --base-version 0
    run 2 "an unknown status is a usage error" p_editor assessment answer "$A1" 1 --side partner \
        --status たぶん --base-version 1
    run 2 "answer needs --base-version" p_editor assessment answer "$A1" 1 --side partner \
        --status 対応済

    run 1 "a stale --base-version is a conflict" p_editor assessment answer "$A1" 1 \
        --side partner --current "上書きしようとした文" --base-version 0
    contains "$T/out" "情報セキュリティ規程を整備" "$ENGINE: the conflict shows the current value"
    contains "$T/out" "版 1" "$ENGINE: … and its version"
    run 0 "show item 1" p_viewer assessment show "$A1" --item 1
    lacks "$T/out" "上書きしようとした文" "$ENGINE: the stale save wrote nothing"
    [ "$(ver p_editor "$A1" 1 partner)" = 1 ] && ok "$ENGINE: version still 1" ||
        notok "$ENGINE: version still 1"

    run 1 "the partner may not review" p_editor assessment review "$A1" 1 --evaluation ok
    run 1 "no review before submission" b_reviewer assessment review "$A1" 1 --evaluation ok
    run 1 "no return of a draft" b_reviewer assessment return "$A1"
    run 1 "no acceptance of a draft" b_reviewer assessment accept "$A1"
    run 1 "the bank may not submit" b_reviewer assessment submit "$A1"
    run 1 "a partner viewer may not submit" p_viewer assessment submit "$A1"

    # ---- tenant isolation: another tenant's assessment is a missing one ------
    run 1 "another bank cannot see the assessment" x_bank assessment show "$A1"
    cp "$T/err" "$T/err.other"
    run 1 "a missing assessment" x_bank assessment show 99999
    same_error "another tenant's assessment gives the message of a missing one" \
        "$T/err.other" "$T/err"
    run 1 "another partner cannot answer it" x_partner assessment answer "$A1" 1 --side partner \
        --status 未対応 --base-version 1
    cp "$T/err" "$T/err.other"
    run 1 "… the same as answering a missing one" x_partner assessment answer 99999 1 \
        --side partner --status 未対応 --base-version 1
    same_error "another tenant's answer gives the message of a missing one" "$T/err.other" "$T/err"
    run 1 "another bank cannot submit, review or accept it" x_bank assessment accept "$A1"
    run 0 "the other bank's list" x_bank assessment list
    lacks "$T/out" "みずなみ銀行" "$ENGINE: the other bank does not list it"

    # ---- submit, review, return ----------------------------------------------
    run 0 "the partner submits" p_editor assessment submit "$A1" --comment "ご確認ください"
    contains "$T/out" "提出済" "$ENGINE: the assessment is submitted"
    run 1 "no edit while submitted" p_editor assessment answer "$A1" 1 --side partner \
        --status 一部対応 --base-version 1
    run 1 "no second submission" p_editor assessment submit "$A1"
    run 1 "a bank editor may not review" b_editor assessment review "$A1" 1 --evaluation ok
    run 0 "the bank reviewer rates item 1 適" b_reviewer assessment review "$A1" 1 --evaluation 適
    run 0 "the bank reviewer rates item 2 要改善" b_reviewer assessment review "$A1" 2 \
        --evaluation improve --comment "整備の予定を記入してください"
    run 2 "an unknown evaluation is a usage error" b_reviewer assessment review "$A1" 2 \
        --evaluation great
    run 0 "show the assessment" p_viewer assessment show "$A1"
    contains "$T/out" "審査中" "$ENGINE: a review starts the review"
    contains "$T/out" "要改善" "$ENGINE: show gives the evaluations"
    contains "$T/out" "整備の予定を記入してください" "$ENGINE: show gives the review comment"
    contains "$T/out" "ご確認ください" "$ENGINE: show gives the submission comment"
    contains "$T/out" "API ゲートウェイで認可" "$ENGINE: show gives the bank side"
    contains "$T/out" "年1回の訓練" "$ENGINE: show gives the partner side"
    run 0 "the bank answers its side during the review" b_editor assessment answer "$A1" 39 \
        --side bank --note "年次で点検" --base-version "$(ver b_editor "$A1" 39 bank)"
    run 1 "the partner side stays frozen during the review" p_editor assessment answer "$A1" 2 \
        --side partner --status 対応済 --base-version 1
    run 0 "the partner comments on item 2" p_editor assessment comment "$A1" 2 "来月までに整備します"
    run 1 "a viewer may not comment" p_viewer assessment comment "$A1" "見ました"
    run 0 "the bank returns it" b_reviewer assessment return "$A1" --comment "項目2を直してください"
    contains "$T/out" "差戻し" "$ENGINE: the assessment is returned"
    run 1 "no return twice" b_reviewer assessment return "$A1"

    # ---- fix, export, re-import ------------------------------------------------
    V2=$(ver p_editor "$A1" 2 partner)
    run 0 "the partner fixes item 2" p_editor assessment answer "$A1" 2 --side partner \
        --status 一部対応 --plan "上期に規程を整備" --due 令和8年9月30日 --base-version "$V2"
    [ "$(ver p_editor "$A1" 2 partner)" = $((V2 + 1)) ] && ok "$ENGINE: the version went up" ||
        notok "$ENGINE: the version went up"
    for fmt in xlsx csv json; do
        run 0 "export as $fmt" p_editor assessment export "$A1" -o "$T/a1.$fmt"
        run 0 "the $fmt export re-imported with --dry-run" p_editor assessment import "$A1" \
            "$T/a1.$fmt" --dry-run
        contains "$T/out" "変更はありません" "$ENGINE: the $fmt export round-trips without change"
    done
    sed 's/上期に規程を整備/上期に規程を整備し、下期に運用を開始/' "$T/a1.json" >"$T/a1-edit.json"
    run 0 "an edited file, dry run" p_editor assessment import "$A1" "$T/a1-edit.json" --dry-run
    contains "$T/out" "+ 上期に規程を整備し、下期に運用を開始" "$ENGINE: the dry run shows the change"
    contains "$T/out" "試行" "$ENGINE: … and says nothing was written"
    run 0 "show after the dry run" p_viewer assessment show "$A1" --item 2
    lacks "$T/out" "下期に運用を開始" "$ENGINE: the dry run wrote nothing"
    # The bank side changed in the same file: the whole import is refused.
    sed 's/連絡窓口を設置/窓口を勝手に変更/' "$T/a1-edit.json" >"$T/a1-bad.json"
    run 1 "an import changing the other side is refused" p_editor assessment import "$A1" \
        "$T/a1-bad.json"
    run 0 "show after the refused import" p_viewer assessment show "$A1"
    lacks "$T/out" "下期に運用を開始" "$ENGINE: a refused import changes nothing (all or nothing)"
    lacks "$T/out" "窓口を勝手に変更" "$ENGINE: … not even the other side"
    run 0 "the edited file imported" p_editor assessment import "$A1" "$T/a1-edit.json"
    contains "$T/out" "1 件" "$ENGINE: one answer updated"
    run 0 "show after the import" p_viewer assessment show "$A1" --item 2
    contains "$T/out" "下期に運用を開始" "$ENGINE: the import was applied"
    run 1 "a viewer may not import" p_viewer assessment import "$A1" "$T/a1.json" --dry-run

    # ---- resubmit, accept --------------------------------------------------------
    run 0 "the partner resubmits" p_editor assessment submit "$A1"
    run 0 "the bank starts the review" b_reviewer assessment start-review "$A1"
    contains "$T/out" "審査中" "$ENGINE: in review"
    run 1 "no second start of the review" b_reviewer assessment start-review "$A1"
    run 1 "a bank viewer may not accept" b_viewer assessment accept "$A1"
    run 1 "a bank editor may not accept" b_editor assessment accept "$A1"
    run 0 "the bank reviewer accepts" b_reviewer assessment accept "$A1" --comment "承認します"
    contains "$T/out" "承認済" "$ENGINE: accepted"
    run 1 "no second acceptance" b_reviewer assessment accept "$A1"
    run 1 "no return after acceptance" b_reviewer assessment return "$A1"
    run 1 "no edit after acceptance" p_editor assessment answer "$A1" 1 --side partner \
        --status 未対応 --base-version 1
    run 1 "no bank edit after acceptance" b_editor assessment answer "$A1" 39 --side bank \
        --status 未対応 --base-version "$(ver b_editor "$A1" 39 bank)"
    run 1 "no import after acceptance" p_editor assessment import "$A1" "$T/a1.json"
    run_en 1 "English messages" p_editor assessment submit "$A1"
    if grep -q '[a-z]' "$T/err" && ! LC_ALL=C grep -q $'[\x80-\xff]' "$T/err"; then
        ok "$ENGINE: --lang en gives the store's message in English"
    else
        notok "$ENGINE: --lang en gives the store's message in English"
        sed 's/^/#   /' "$T/err"
    fi

    for fmt in xlsx csv json; do
        run 0 "the accepted assessment exported as $fmt" b_reviewer assessment export "$A1" \
            -o "$T/final.$fmt"
        expect 0 "$ENGINE: the $fmt export is a valid checklist" -- "$BIN" validate "$T/final.$fmt"
    done
    [ "$(head -c 2 "$T/final.xlsx")" = PK ] && ok "$ENGINE: the XLSX is a zip" ||
        notok "$ENGINE: the XLSX is a zip"
    contains "$T/final.json" "下期に運用を開始" "$ENGINE: the export holds the final answers"
    contains "$T/final.json" "API ゲートウェイで認可" "$ENGINE: … of both sides"
    run 0 "export one side as CP932 CSV" p_editor assessment export "$A1" -o "$T/p.csv" \
        --side partner --encoding cp932
    lacks "$T/p.csv" "ゲートウェイ" "$ENGINE: the one-side export lacks the other side"
    iconv -f CP932 -t UTF-8 "$T/p.csv" >"$T/p-utf8.csv" 2>/dev/null &&
        contains "$T/p-utf8.csv" "年1回の訓練" "$ENGINE: the CP932 export decodes" ||
        notok "$ENGINE: the CP932 export decodes"
    run 1 "another bank may not export it" x_bank assessment export "$A1" -o "$T/leak.json"
    absent "$T/leak.json" "$ENGINE: nothing written for another tenant"

    # ---- audit trail --------------------------------------------------------------
    run 0 "audit verify" root audit verify
    contains "$T/out" "完全" "$ENGINE: the audit chain is intact"
    run_en 0 "audit verify in English" root audit verify
    contains "$T/out" "intact" "$ENGINE: intact, in English"
    run 0 "the bank's audit log of the assessment" b_viewer audit log --object "assessment/$A1"
    contains "$T/out" "assessment.submit" "$ENGINE: the log holds the submissions"
    contains "$T/out" "assessment.accept" "$ENGINE: … and the acceptance"
    run 0 "the audit log of one user" root audit log --user p_editor --full
    contains "$T/out" "answer.save" "$ENGINE: the partner editor's saves are logged"
    contains "$T/out" "情報セキュリティ規程を整備" "$ENGINE: --full shows the values"
    lacks "$T/out" "b_reviewer" "$ENGINE: --user keeps to that user"
    run 0 "audit log since tomorrow" root audit log --since 2999-01-01
    lacks "$T/out" "answer.save" "$ENGINE: --since filters by time"
    run 1 "another bank may not read the assessment's audit log" x_bank audit log \
        --object "assessment/$A1"
    lacks "$T/out" "assessment.submit" "$ENGINE: another tenant sees none of its events"
    cp "$T/err" "$T/err.other"
    run 1 "the audit log of a missing assessment" x_bank audit log --object assessment/99999
    same_error "… the same message as for a missing one" "$T/err.other" "$T/err"

    # ---- a second round and the diff ------------------------------------------------
    A2=$(q b_editor assessment open -q --connection "$CONN" --round 2026年度 --from "$A1")
    is_id "the 2026 round starts from the 2025 one" "$A2"
    run 0 "show the new round" p_viewer assessment show "$A2" --item 2
    contains "$T/out" "下期に運用を開始" "$ENGINE: answers are carried over"
    run 0 "the partner updates item 1" p_editor assessment answer "$A2" 1 --side partner \
        --status 一部対応 --current "規程を全面改定中" --base-version "$(ver p_editor "$A2" 1 partner)"
    run 0 "diff of the two rounds" p_viewer assessment diff "$A1" "$A2"
    contains "$T/out" "通番 1 " "$ENGINE: the diff names item 1"
    contains "$T/out" "対応済 → 一部対応" "$ENGINE: … the status change"
    contains "$T/out" "- 情報セキュリティ規程を整備" "$ENGINE: … the old text"
    contains "$T/out" "+ 規程を全面改定中" "$ENGINE: … the new text"
    lacks "$T/out" "通番 2 " "$ENGINE: unchanged items are not listed"
    run 0 "diff of a round with itself" p_viewer assessment diff "$A1" "$A1"
    contains "$T/out" "違いはありません" "$ENGINE: no differences"
    run 1 "another bank may not diff them" x_bank assessment diff "$A1" "$A2"

    # ---- the partner's profile: fill once, share with many --------------------------
    run 1 "the bank may not push to the partner's profile" b_editor assessment push-profile "$A1"
    run 1 "a viewer may not push to the profile" p_viewer assessment push-profile "$A1"
    run 0 "the partner pushes its answers to its profile" p_editor assessment push-profile "$A1"
    A3=$(q b_editor assessment open -q --connection "$CONN_W" --round 2026年度)
    is_id "an assessment on the write connection" "$A3"
    run 0 "show it" p_viewer assessment show "$A3" --item 9
    contains "$T/out" "年1回の訓練" "$ENGINE: it starts pre-filled from the profile"
    run 0 "the bank side is not pre-filled" p_viewer assessment show "$A3" --item 39
    lacks "$T/out" "ゲートウェイ" "$ENGINE: the profile holds only the partner side"
    A4=$(q b_editor assessment open -q --connection "$CONN_W" --round 2027年度 --no-profile)
    run 0 "show the one opened with --no-profile" p_viewer assessment show "$A4" --item 9
    lacks "$T/out" "年1回の訓練" "$ENGINE: --no-profile starts empty"
    run 0 "the partner pushes one item of the new round" p_editor assessment push-profile "$A2" 1
    A5=$(q b_editor assessment open -q --connection "$CONN_W" --round 2028年度)
    run 0 "show item 1 of the next one" p_viewer assessment show "$A5" --item 1
    contains "$T/out" "規程を全面改定中" "$ENGINE: the pushed item is in the profile"
    run 0 "show item 9 of the next one" p_viewer assessment show "$A5" --item 9
    contains "$T/out" "年1回の訓練" "$ENGINE: the other items stay as pushed before"

    # ---- remediation plans ------------------------------------------------------------
    P1=$(q p_editor plan add -q "$A2" 9 --side partner --body "WAF を導入" --owner 情報システム部 \
        --due 2020-01-31)
    is_id "the partner adds an overdue plan" "$P1"
    P2=$(q b_editor plan add -q "$A2" 39 --side bank --body "監視を強化" --due 2099-12-31)
    is_id "the bank adds a plan due later" "$P2"
    run 1 "the partner may not plan for the bank side" p_editor plan add "$A2" 39 --side bank \
        --body 越権
    run 1 "a viewer may not add a plan" p_viewer plan add "$A2" 9 --side partner --body 閲覧者
    run 0 "overdue plans today" p_viewer plans --overdue
    contains "$T/out" "WAF を導入" "$ENGINE: the overdue plan is listed"
    lacks "$T/out" "監視を強化" "$ENGINE: the plan due later is not"
    run 0 "overdue plans on 2019-12-31" b_viewer plans --overdue 2019-12-31
    lacks "$T/out" "WAF を導入" "$ENGINE: not overdue before its date"
    run 0 "overdue plans on a 和暦 date" b_viewer plans --overdue=令和2年2月1日
    contains "$T/out" "WAF を導入" "$ENGINE: overdue on 令和2年2月1日"
    run 0 "open plans" b_viewer plans
    contains "$T/out" "監視を強化" "$ENGINE: every open plan is listed"
    run 0 "the other bank's plans" x_bank plans
    lacks "$T/out" "WAF" "$ENGINE: another tenant sees none"
    run 1 "another tenant may not close a plan" x_partner plan close "$P1"
    run 0 "the partner closes its plan" p_editor plan close "$P1"
    run 0 "overdue plans after closing" p_viewer plans --overdue
    lacks "$T/out" "WAF を導入" "$ENGINE: a closed plan is no longer listed"

    # ---- a bank's own selection of items ----------------------------------------------
    cat >"$T/own.json" <<'EOF'
{
  "catalog": {"id": "own-items", "title": "独自項目", "date": null, "publisher": null},
  "items": [
    {"no": 1, "category": "独自確認", "objective": "不正送金の検知ルールを半期ごとに見直す。",
     "target": "partner", "references": [], "note": null}
  ]
}
EOF
    run 1 "a bank editor may not define a selection" b_editor selection add --bank みずなみ銀行 \
        --scope read --items 1-3
    run 0 "the bank admin selects items and adds its own" b_admin selection add \
        --bank みずなみ銀行 --scope 参照系 --items 1-3,9,39 --own "$T/own.json"
    A6=$(q b_editor assessment open -q --connection "$CONN" --round 2029年度 --no-profile)
    run 0 "show the assessment opened with the selection" p_viewer assessment show "$A6"
    contains "$T/out" "46. [独自確認]" "$ENGINE: the bank's own item follows the catalog's"
    contains "$T/out" "39. " "$ENGINE: a selected item is there"
    lacks "$T/out" "10. [" "$ENGINE: an item not selected is not"
    run 0 "the partner answers the bank's own item" p_editor assessment answer "$A6" 46 \
        --side partner --status 対応済 --base-version 0
    run 1 "an item left out of the selection cannot be answered" p_editor assessment answer \
        "$A6" 10 --side partner --status 対応済 --base-version 0
    run 0 "the earlier assessment keeps its checklist" p_viewer assessment show "$A1" --item 10
    run 2 "bad --items" b_admin selection add --bank みずなみ銀行 --scope read --items 3-1

    # ---- backup -------------------------------------------------------------------------
    run 1 "only operators back up" p_admin backup "$T/b.db"
    if [ "$ENGINE" = sqlite ]; then
        run 0 "online backup" root backup "$T/backup.db"
        expect 0 "$ENGINE: the backup verifies" -- "$BIN" --db "$T/backup.db" audit verify
        expect 0 "$ENGINE: the backup holds the assessment" -- \
            "$BIN" --db "$T/backup.db" --as p_viewer assessment show "$A1" --item 2
        contains "$T/out" "下期に運用を開始" "$ENGINE: … with its answers"
    else
        run 1 "backup is for SQLite (pg_dump for PostgreSQL)" root backup "$T/backup.db"
        contains "$T/err" "pg_dump" "$ENGINE: the message points at pg_dump"
    fi
    run 0 "the audit chain is intact at the end" root audit verify
}

# Every data command explains itself in both languages.
for c in init migrate org user connection selection assessment plans plan audit backup; do
    expect 0 "$c --help" -- "$BIN" "$c" --help
    contains "$T/out" "使い方" "$c --help is in Japanese by default"
    LANG=en_US.UTF-8 "$BIN" "$c" --help >"$T/help.en"
    contains "$T/help.en" "usage:" "$c --help in English"
done
expect 0 "apicheck --help lists the data commands" -- "$BIN" --help
contains "$T/out" "assessment" "… assessment among them"
contains "$T/out" "--as LOGIN" "… and the global options"
expect 2 "an unknown subcommand is a usage error" -- "$BIN" --db "$T/x.db" --as root assessment fly 1
expect 2 "a bad id is a usage error" -- "$BIN" --db "$T/x.db" --as root assessment show abc
expect 2 "a missing --as value is a usage error" -- "$BIN" --db "$T/x.db" --as
absent "$T/x.db" "usage errors touch no database"

for e in $ENGINES; do
    story "$e"
done
done_testing
