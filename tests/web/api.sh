#!/bin/bash
# The JSON API (/api/v1) against a real server on 127.0.0.1, on SQLite and
# on PostgreSQL: every endpoint; the bank–partner round over the API
# (answer, submit, review, return, fix, accept, export); a permission
# matrix of every role of the bank and of the partner, a user of another
# bank and of another partner and the operator × every endpoint (another
# tenant's object is 404 with the very body of a missing one, never 403 or
# data); a stale version is 409 with the stored value; hostile requests
# (XSS payloads in every text field come back as the same JSON strings and
# escaped in the HTML page; malformed JSON, wrong types, duplicate and
# unknown keys, invalid UTF-8, deep nesting, oversized bodies, path tricks,
# cookie sessions without the CSRF token or from another origin, revoked
# tokens).  Every wait is bounded; the servers are killed on exit.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/engines.sh"

for tool in curl jq; do
    if ! command -v "$tool" >/dev/null; then
        echo "1..0 # SKIP $tool is not installed"
        exit 0
    fi
done

pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do
        kill -KILL "$p" 2>/dev/null
    done
    _engines_cleanup
}
trap cleanup EXIT

PW="api-test-pw-$RANDOM-$RANDOM"
C=(curl -s --max-time 20)
USERS=(b_admin b_editor b_reviewer b_viewer p_admin p_editor p_reviewer p_viewer x_bank x_partner root)
declare -A TOK

# cli USER ARGS…: apicheck as USER on $DB; output on stdout.
cli() {
    local user=$1
    shift
    "$BIN" --sync normal --db "$DB" --as "$user" "$@" 2>>"$T/cli.err"
}

# start: a server on this database on a free port; sets $pid, $U.
start() {
    : >"$T/serve.log"
    "$BIN" --lang en --db "$DB" serve --listen 127.0.0.1:0 2>"$T/serve.log" &
    pid=$!
    pids+=("$pid")
    local port=
    for _ in $(seq 1 100); do
        port=$(grep -o '://127\.0\.0\.1:[0-9]*' "$T/serve.log" | head -1 | sed 's/.*://')
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    U=${port:+http://127.0.0.1:$port}
}
stop() {
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# api USER METHOD PATH [BODY [CURL ARGS…]]: the status code; body in $T/b,
# head in $T/h.  USER "-" sends no credentials.
api() {
    local user=$1 method=$2 path=$3 body=${4-}
    shift 4 2>/dev/null || shift $#
    local auth=()
    [ "$user" != - ] && auth=(-H "Authorization: Bearer ${TOK[$user]}")
    local data=()
    [ -n "$body" ] && data=(-H 'Content-Type: application/json' --data-binary "$body")
    "${C[@]}" -X "$method" -D "$T/h" -o "$T/b" -w '%{http_code}' "${auth[@]}" "${data[@]}" "$@" \
        "$U$path"
}
# check WANT DESC USER METHOD PATH [BODY [CURL ARGS…]]
check() {
    local want=$1 desc=$2
    shift 2
    local got
    got=$(api "$@")
    if [ "$got" = "$want" ]; then
        ok "$ENGINE: $desc"
    else
        notok "$ENGINE: $desc (got $got, wanted $want)"
        head -c 300 "$T/b" | sed 's/^/#   /'
        echo
    fi
}
# jcheck DESC JQ-EXPR: the last body satisfies the jq expression.
jcheck() {
    if jq -e "$2" "$T/b" >/dev/null 2>&1; then
        ok "$ENGINE: $1"
    else
        notok "$ENGINE: $1 ($2)"
        head -c 300 "$T/b" | sed 's/^/#   /'
        echo
    fi
}
# ver ASSESSMENT NO SIDE: the stored version of one answer (read as root).
ver() {
    api root GET "/api/v1/assessments/$1" >/dev/null
    jq -r ".items[] | select(.no == $2) | .answers.$3.version" "$T/b"
}
# fresh [submitted]: a new assessment on the bank–partner connection, in
# draft or submitted; prints its id.
# (Called in $(…): the round counter lives in a file.)
fresh() {
    local n id
    n=$(($(cat "$T/rounds" 2>/dev/null || echo 0) + 1))
    echo "$n" >"$T/rounds"
    id=$(cli b_admin assessment open -q --connection "$CONN" --round "R$n") || return 1
    [ "${1-}" = submitted ] && { cli p_editor assessment submit "$id" >/dev/null || return 1; }
    echo "$id"
}

setup() {
    new_db "$1" api || return 1
    rm -f "$T/rounds"
    "$BIN" --db "$DB" init --operator root >/dev/null 2>&1 || return 1
    cli root org add --kind bank みずなみ銀行 >/dev/null || return 1
    cli root org add --kind partner カケイボ株式会社 >/dev/null || return 1
    cli root org add --kind bank 北の銀行 >/dev/null || return 1
    cli root org add --kind partner ヨソペイ >/dev/null || return 1
    local r
    for r in admin editor reviewer viewer; do
        cli root user add "b_$r" --org みずなみ銀行 --role "$r" >/dev/null || return 1
        cli root user add "p_$r" --org カケイボ株式会社 --role "$r" >/dev/null || return 1
    done
    # Passwords (argon2id is slow on purpose) only for the cookie tests.
    APICHECK_PASSWORD=$PW cli root user passwd p_viewer >/dev/null || return 1
    APICHECK_PASSWORD=$PW cli root user passwd p_editor >/dev/null || return 1
    cli root user add x_bank --org 北の銀行 --role admin >/dev/null || return 1
    cli root user add x_partner --org ヨソペイ --role editor >/dev/null || return 1
    CONN=$(cli root connection add -q --bank みずなみ銀行 --partner カケイボ株式会社 --scope read) ||
        return 1
    CONN_X=$(cli root connection add -q --bank 北の銀行 --partner ヨソペイ --scope read) || return 1
    A=$(cli b_admin assessment open -q --connection "$CONN" --round 2026年度 --due 2026-12-31) ||
        return 1
    AX=$(cli x_bank assessment open -q --connection "$CONN_X" --round 2026年度) || return 1
    local u
    for u in "${USERS[@]}"; do
        TOK[$u]=$(cli root token add "$u" "api test") || return 1
    done
}

# ---- apicheck token (the command line's side of API tokens) ---------------------

cli_tokens() {
    local run=("$BIN" --sync normal --db "$DB")
    expect 0 "$ENGINE: token --help" -- "$BIN" token --help
    contains "$T/out" "Authorization: Bearer" "$ENGINE: the help says how tokens are sent"
    expect 2 "$ENGINE: an unknown token subcommand is a usage error" -- "${run[@]}" --as p_editor token frob p_editor
    expect 2 "$ENGINE: token add without a name is a usage error" -- "${run[@]}" --as p_editor token add p_editor
    expect 0 "$ENGINE: a user makes their own token" -- "${run[@]}" --as p_editor token add p_editor mine
    local mine
    mine=$(cat "$T/out")
    if grep -qxE '[A-Za-z0-9_-]{43}' "$T/out"; then
        ok "$ENGINE: the token is printed once, 43 base64url characters"
    else
        notok "$ENGINE: the token is printed once, 43 base64url characters"
    fi
    expect 1 "$ENGINE: a user may not make tokens for another" -- "${run[@]}" --as p_editor token add p_admin theirs
    expect 1 "$ENGINE: … nor list another's" -- "${run[@]}" --as p_editor token list p_admin
    expect 0 "$ENGINE: token list" -- "${run[@]}" --as p_editor token list p_editor
    contains "$T/out" "mine" "$ENGINE: the list names the token"
    lacks "$T/out" "$mine" "$ENGINE: the list never shows the token itself"
    local tid
    tid=$(cli p_editor token list p_editor | awk -F'\t' '$2 == "mine" {print $1}')
    expect 1 "$ENGINE: an operator may not revoke it as another user's" -- \
        "${run[@]}" --as root token revoke p_admin "$tid"
    expect 0 "$ENGINE: the user revokes their own" -- "${run[@]}" --as p_editor token revoke p_editor "$tid"
    expect 1 "$ENGINE: … once" -- "${run[@]}" --as p_editor token revoke p_editor "$tid"
}

# ---- every endpoint, and the round over the API -------------------------------

round_trip() {
    check 200 "openapi.yaml is public" - GET /api/v1/openapi.yaml
    tr -d '\r' <"$T/h" >"$T/h2"
    contains "$T/h2" "Content-Type: application/yaml" "$ENGINE: openapi.yaml is YAML"
    contains "$T/b" "openapi: 3.0" "$ENGINE: openapi.yaml is OpenAPI 3.0"
    contains "$T/b" "/assessments/{id}/items/{no}/answers/{side}" "$ENGINE: openapi.yaml describes the answer route"
    same "$T/b" "$(dirname "$0")/../../docs/openapi.yaml" "$ENGINE: openapi.yaml is docs/openapi.yaml"
    local path
    for path in /catalogs '/catalogs/{id}' /assessments '/assessments/{id}' \
        '/assessments/{id}/items/{no}/answers/{side}' '/assessments/{id}/items/{no}/review' \
        '/assessments/{id}/submit' '/assessments/{id}/start-review' '/assessments/{id}/return' \
        '/assessments/{id}/accept' '/assessments/{id}/export' /audit /openapi.yaml \
        '/assessments/{id}/items/{no}/comments'; do
        grep -qxF "  $path:" "$T/b" || notok "$ENGINE: openapi.yaml lacks $path"
    done
    if python3 -c 'import openapi_spec_validator, yaml' 2>/dev/null; then
        if python3 -c 'import sys, yaml, openapi_spec_validator as v; v.validate(yaml.safe_load(open(sys.argv[1])))' \
            "$T/b" 2>"$T/val"; then
            ok "$ENGINE: openapi.yaml is valid OpenAPI 3.0 (openapi-spec-validator)"
        else
            notok "$ENGINE: openapi.yaml is valid OpenAPI 3.0"
            tail -5 "$T/val" | sed 's/^/#   /'
        fi
    else
        ok "# SKIP openapi-spec-validator is not installed"
    fi

    check 401 "no credentials: 401" - GET /api/v1/assessments
    jcheck "401 is a JSON error" '.error.code == "unauthenticated" and (.error.message | type == "string")'
    tr -d '\r' <"$T/h" >"$T/h2"
    contains "$T/h2" "Content-Type: application/json" "$ENGINE: errors are JSON"
    check 401 "an unknown bearer token: 401" - GET /api/v1/assessments "" \
        -H "Authorization: Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

    check 200 "GET /catalogs" p_viewer GET /api/v1/catalogs
    jcheck "the built-in catalog is listed with 45 items" \
        '.catalogs[] | select(.id == "api-checklist-2018-08-02") | .items == 45'
    check 200 "GET /catalogs/{id}" p_viewer GET /api/v1/catalogs/api-checklist-2018-08-02
    jcheck "the catalog in json_io's shape" \
        '.catalog.id == "api-checklist-2018-08-02" and (.items | length) == 45 and .items[0].no == 1 and (.items[0].references | length) > 0'
    check 404 "an unknown catalog: 404" p_viewer GET /api/v1/catalogs/no-such-catalog
    jcheck "404 is a JSON error, in Japanese by default" '.error.code == "not_found" and .error.message == "見つかりません"'
    check 404 "… in English by Accept-Language" p_viewer GET /api/v1/catalogs/no-such-catalog "" \
        -H 'Accept-Language: en-US,en;q=0.8'
    jcheck "… not found" '.error.message == "not found"'

    check 200 "GET /assessments" p_viewer GET /api/v1/assessments
    jcheck "the list holds the assessment" ".assessments | map(.id) | index($A) != null"
    jcheck "… and not another tenant's" ".assessments | map(.id) | index($AX) == null"
    check 200 "GET /assessments/{id}" b_viewer GET "/api/v1/assessments/$A"
    jcheck "state, version, due and parties" \
        ".id == $A and .state == \"draft\" and (.version | type == \"number\") and .due == \"2026-12-31\" and .bank.name == \"みずなみ銀行\" and .partner.name == \"カケイボ株式会社\""
    jcheck "45 items with both sides where both answer" \
        '(.items | length) == 45 and (.items[0].answers | keys) == ["partner"] and (.items[8].answers | keys) == ["bank","partner"] and .items[8].answers.bank.version == 0 and .items[0].review.evaluation == "unrated"'

    # The partner answers item 1 and item 9; the bank answers its side of 9.
    check 200 "the partner answers item 1" p_editor PUT "/api/v1/assessments/$A/items/1/answers/partner" \
        '{"status":"done","current":"責任者を定めた","gap":null,"plan":"","due":"2027-03-31","note":"備考","version":0}'
    jcheck "200 gives the saved answer and version 1" \
        '.version == 1 and .status == "done" and .current == "責任者を定めた" and .plan == null and .due == "2027-03-31"'
    check 409 "the same save again is stale: 409" p_editor PUT \
        "/api/v1/assessments/$A/items/1/answers/partner" '{"status":"todo","current":"上書き","version":0}'
    jcheck "409 conflict carries the stored value" \
        '.error.code == "conflict" and .error.current.version == 1 and .error.current.current == "責任者を定めた" and .error.current.status == "done"'
    check 200 "a save on the current version" p_editor PUT \
        "/api/v1/assessments/$A/items/1/answers/partner" '{"status":"partial","current":"一部","version":1}'
    jcheck "… gives version 2" '.version == 2 and .status == "partial"'
    check 200 "the partner answers its side of a 共通 item" p_admin PUT \
        "/api/v1/assessments/$A/items/9/answers/partner" '{"status":"対応済","current":"共通","version":0}'
    jcheck "Japanese status labels are read" '.status == "done"'
    check 200 "the bank answers its side of a 共通 item" b_editor PUT \
        "/api/v1/assessments/$A/items/9/answers/bank" '{"status":"na","version":0}'
    check 403 "the partner may not write the bank's side" p_editor PUT \
        "/api/v1/assessments/$A/items/9/answers/bank" '{"status":"na","version":1}'
    jcheck "403 is forbidden" '.error.code == "forbidden"'
    check 403 "the bank side does not answer a partner item" b_editor PUT \
        "/api/v1/assessments/$A/items/1/answers/bank" '{"status":"na","version":0}'
    check 400 "an item that is not in the checklist" p_editor PUT \
        "/api/v1/assessments/$A/items/46/answers/partner" '{"status":"na","version":0}'
    check 400 "an invalid due date" p_editor PUT "/api/v1/assessments/$A/items/2/answers/partner" \
        '{"due":"2027-02-30","version":0}'
    jcheck "400 is bad_request" '.error.code == "bad_request"'
    check 400 "an unknown status" p_editor PUT "/api/v1/assessments/$A/items/2/answers/partner" \
        '{"status":"maybe","version":0}'
    check 400 "a missing version" p_editor PUT "/api/v1/assessments/$A/items/2/answers/partner" \
        '{"status":"done"}'
    check 400 "a negative version" p_editor PUT "/api/v1/assessments/$A/items/2/answers/partner" \
        '{"status":"done","version":-1}'

    check 409 "the bank may not review a draft" b_reviewer PUT "/api/v1/assessments/$A/items/1/review" \
        '{"evaluation":"ok"}'
    jcheck "409 is invalid_state" '.error.code == "invalid_state"'
    check 409 "start-review before submit" b_reviewer POST "/api/v1/assessments/$A/start-review"
    check 200 "the partner submits with a comment" p_editor POST "/api/v1/assessments/$A/submit" \
        '{"comment":"提出します"}'
    jcheck "the assessment is submitted" '.state == "submitted"'
    check 409 "answers are frozen once submitted" p_editor PUT \
        "/api/v1/assessments/$A/items/1/answers/partner" '{"status":"done","version":2}'
    jcheck "… invalid_state" '.error.code == "invalid_state"'
    check 200 "the bank starts the review (no body)" b_reviewer POST "/api/v1/assessments/$A/start-review"
    jcheck "in review" '.state == "in_review"'
    check 200 "the bank evaluates item 1" b_reviewer PUT "/api/v1/assessments/$A/items/1/review" \
        '{"evaluation":"improve","comment":"計画の期限を示してください"}'
    jcheck "… 要改善" '.no == 1 and .evaluation == "improve"'
    check 200 "the bank evaluates item 9 in Japanese" b_admin PUT "/api/v1/assessments/$A/items/9/review" \
        '{"evaluation":"適"}'
    check 400 "an unknown evaluation" b_admin PUT "/api/v1/assessments/$A/items/9/review" \
        '{"evaluation":"great"}'
    check 200 "the bank returns it" b_reviewer POST "/api/v1/assessments/$A/return" '{"comment":"差戻し"}'
    jcheck "returned" '.state == "returned"'
    check 201 "the partner answers in the item's thread" p_editor POST "/api/v1/assessments/$A/items/1/comments" \
        '{"body":"期限を追記します"}'
    jcheck "201 gives the thread, the new comment last" \
        '.no == 1 and (.comments | length) == 2 and .comments[-1].body == "期限を追記します" and .comments[-1].author == "p_editor"'
    check 400 "a comment needs a body" p_editor POST "/api/v1/assessments/$A/items/1/comments" '{}'
    check 400 "an empty comment" p_editor POST "/api/v1/assessments/$A/items/1/comments" '{"body":""}'
    local v
    v=$(ver "$A" 1 partner)
    check 200 "the partner fixes item 1 on the current version" p_editor PUT \
        "/api/v1/assessments/$A/items/1/answers/partner" \
        "{\"status\":\"done\",\"current\":\"責任者を定めた\",\"plan\":\"2027年3月までに文書化\",\"due\":\"2027-03-31\",\"version\":$v}"
    check 200 "and submits again" p_reviewer POST "/api/v1/assessments/$A/submit" '{}'
    check 200 "the bank re-evaluates" b_admin PUT "/api/v1/assessments/$A/items/1/review" \
        '{"evaluation":"ok","comment":null}'
    check 200 "the bank accepts" b_admin POST "/api/v1/assessments/$A/accept" '{"comment":"承認"}'
    jcheck "accepted" '.state == "accepted"'
    check 409 "an accepted assessment cannot be returned" b_admin POST "/api/v1/assessments/$A/return"
    check 200 "the list filtered by state" b_viewer GET "/api/v1/assessments?state=accepted"
    jcheck "… holds the accepted assessment only" "[.assessments[].id] == [$A]"
    check 200 "… by a Japanese state label" b_viewer GET "/api/v1/assessments?state=%E6%89%BF%E8%AA%8D%E6%B8%88"
    jcheck "… the same" "[.assessments[].id] == [$A]"
    check 400 "an unknown state" b_viewer GET "/api/v1/assessments?state=done"
    check 200 "GET after the round" p_viewer GET "/api/v1/assessments/$A"
    jcheck "the answers and their versions" \
        '.state == "accepted" and .items[0].answers.partner.version == 3 and .items[0].answers.partner.plan == "2027年3月までに文書化" and .items[8].answers.bank.status == "na"'
    jcheck "the reviews and their threads" \
        '.items[0].review.evaluation == "ok" and .items[8].review.evaluation == "ok" and (.items[0].review.comments | map(.body) | index("計画の期限を示してください")) != null and .items[1].review.evaluation == "unrated"'
    jcheck "the assessment's thread" '(.comments | map(.body)) == ["提出します","差戻し","承認"]'

    # Exports.
    check 200 "export as JSON" p_viewer GET "/api/v1/assessments/$A/export?format=json"
    jcheck "the answer-set shape" \
        '.format == "apicheck-answers" and .catalog == "api-checklist-2018-08-02" and (.answers | map(select(.no == 1 and .side == "partner")) | .[0].current) == "責任者を定めた"'
    tr -d '\r' <"$T/h" >"$T/h2"
    contains "$T/h2" 'Content-Disposition: attachment; filename="assessment-' "$ENGINE: exports are attachments"
    check 200 "export one side as JSON" b_viewer GET "/api/v1/assessments/$A/export?format=json&side=bank"
    jcheck "only the bank's answers" '(.answers | length) == 1 and .answers[0].side == "bank"'
    check 200 "export as XLSX (the default)" p_viewer GET "/api/v1/assessments/$A/export"
    if [ "$(head -c 2 "$T/b")" = PK ]; then ok "$ENGINE: the XLSX is a zip"; else notok "$ENGINE: the XLSX is a zip"; fi
    tr -d '\r' <"$T/h" >"$T/h2"
    contains "$T/h2" "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" \
        "$ENGINE: the XLSX content type"
    check 200 "export as CSV (UTF-8 with BOM)" p_viewer GET "/api/v1/assessments/$A/export?format=csv"
    if [ "$(head -c 3 "$T/b" | od -An -tx1 | tr -d ' ')" = efbbbf ]; then
        ok "$ENGINE: the CSV starts with a BOM"
    else
        notok "$ENGINE: the CSV starts with a BOM"
    fi
    contains "$T/b" "責任者を定めた" "$ENGINE: the CSV holds the answer"
    check 200 "export as CSV in CP932" p_viewer GET "/api/v1/assessments/$A/export?format=csv&encoding=cp932&side=partner"
    if iconv -f CP932 -t UTF-8 "$T/b" 2>/dev/null | grep -q 責任者を定めた; then
        ok "$ENGINE: the CP932 CSV decodes"
    else
        notok "$ENGINE: the CP932 CSV decodes"
    fi
    check 400 "an unknown export format" p_viewer GET "/api/v1/assessments/$A/export?format=pdf"
    local e
    e=$(fresh)
    check 200 "an answer CP932 cannot hold" p_editor PUT "/api/v1/assessments/$e/items/4/answers/partner" \
        '{"current":"絵文字 🙂","version":0}'
    check 400 "… cannot be exported as CP932" p_viewer GET "/api/v1/assessments/$e/export?format=csv&encoding=cp932"
    jcheck "… bad_request naming the character" '.error.code == "bad_request" and (.error.message | test("🙂|U\\+1F642"))'
    check 200 "… but as UTF-8" p_viewer GET "/api/v1/assessments/$e/export?format=csv&encoding=utf8"
    check 400 "an unknown side" p_viewer GET "/api/v1/assessments/$A/export?format=csv&side=both"
    check 400 "an unknown encoding" p_viewer GET "/api/v1/assessments/$A/export?format=csv&encoding=latin1"

    # Audit.
    check 200 "the audit trail of the assessment" p_viewer GET "/api/v1/audit?object=assessment/$A"
    jcheck "holds the opening and every step, newest first" \
        '[.events[].action] == ["assessment.accept","assessment.submit","assessment.return","assessment.start_review","assessment.submit","assessment.open"]'
    check 200 "the audit trail of its answers" p_viewer GET "/api/v1/audit?object=answer/$A/"
    jcheck "answer events with before and after as JSON" \
        '(.events | length) >= 4 and (.events[0].after | type) == "object" and .events[0].object_type == "answer"'
    check 404 "another tenant's audit trail is 404" x_bank GET "/api/v1/audit?object=assessment/$A"
    check 200 "another tenant's whole audit log" x_bank GET /api/v1/audit
    jcheck "… holds none of this tenant's events" "[.events[] | select(.user == \"p_editor\" or .user == \"b_admin\")] | length == 0"
    check 400 "a bad audit object" p_viewer GET "/api/v1/audit?object=/3"
    check 400 "a bad audit limit" p_viewer GET "/api/v1/audit?limit=0"
}

# ---- the permission matrix --------------------------------------------------------
#
# One row per endpoint; one column per user (USERS above):
#   b_* the bank's roles, p_* the partner's, x_bank an admin of another bank,
#   x_partner an editor of another partner, root the operator.
# Reads run on the shared assessment; writes that are refused run on a shared
# assessment in the right state (a refusal changes nothing); writes that
# succeed get a fresh assessment each.
MATRIX=(
    # endpoint       b_adm b_edi b_rev b_vie p_adm p_edi p_rev p_vie x_bnk x_prt root
    "catalogs         200   200   200   200   200   200   200   200   200   200   200"
    "catalog          200   200   200   200   200   200   200   200   200   200   200"
    "list             200   200   200   200   200   200   200   200   200   200   200"
    "get              200   200   200   200   200   200   200   200   404   404   200"
    "export           200   200   200   200   200   200   200   200   404   404   200"
    "audit            200   200   200   200   200   200   200   200   404   404   200"
    "answer-partner   403   403   403   403   200   200   200   403   404   404   403"
    "answer-bank      200   200   200   403   403   403   403   403   404   404   403"
    "submit           403   403   403   403   200   200   200   403   404   404   403"
    "start-review     200   403   200   403   403   403   403   403   404   404   403"
    "review           200   403   200   403   403   403   403   403   404   404   403"
    "return           200   403   200   403   403   403   403   403   404   404   403"
    "accept           200   403   200   403   403   403   403   403   404   404   403"
    "comment          201   201   201   403   201   201   201   403   404   404   403"
)

# hit ENDPOINT USER ASSESSMENT [WANT]: perform one cell.  Writes that should
# succeed are based on the stored version (a refusal comes before the version
# check, so the others send 0).
hit() {
    local e=$1 u=$2 id=$3 v=0
    case $e in
    catalogs) api "$u" GET /api/v1/catalogs ;;
    catalog) api "$u" GET /api/v1/catalogs/api-checklist-2018-08-02 ;;
    list) api "$u" GET /api/v1/assessments ;;
    get) api "$u" GET "/api/v1/assessments/$id" ;;
    export) api "$u" GET "/api/v1/assessments/$id/export?format=json" ;;
    audit) api "$u" GET "/api/v1/audit?object=assessment/$id" ;;
    answer-partner)
        [ "${4-}" = 200 ] && v=$(ver "$id" 2 partner)
        api "$u" PUT "/api/v1/assessments/$id/items/2/answers/partner" \
            "{\"status\":\"done\",\"current\":\"$u\",\"version\":${v:-0}}"
        ;;
    answer-bank)
        [ "${4-}" = 200 ] && v=$(ver "$id" 39 bank)
        api "$u" PUT "/api/v1/assessments/$id/items/39/answers/bank" \
            "{\"status\":\"done\",\"current\":\"$u\",\"version\":${v:-0}}"
        ;;
    submit | start-review | return | accept) api "$u" POST "/api/v1/assessments/$id/$e" ;;
    review) api "$u" PUT "/api/v1/assessments/$id/items/2/review" '{"evaluation":"ok"}' ;;
    comment) api "$u" POST "/api/v1/assessments/$id/items/2/comments" "{\"body\":\"$u\"}" ;;
    esac
}

matrix() {
    # The 404 body of an assessment that does not exist: another tenant's
    # must be the same, byte for byte.
    api p_viewer GET /api/v1/assessments/999999 >/dev/null
    local missing body
    missing=$(<"$T/b")
    local draft submitted row e i u want got id cells=0 bad=0
    if ! draft=$(fresh) || ! submitted=$(fresh submitted); then
        notok "$ENGINE: matrix assessments"
        return
    fi
    for row in "${MATRIX[@]}"; do
        read -r -a want <<<"$row"
        e=${want[0]}
        want=("${want[@]:1}")
        for i in "${!USERS[@]}"; do
            u=${USERS[$i]}
            case $e in
            start-review | review | return | accept) id=$submitted ;;
            *) id=$draft ;;
            esac
            if [ "${want[$i]}" = 200 ]; then
                case $e in
                submit) id=$(fresh) ;;
                start-review | review | return | accept) id=$(fresh submitted) ;;
                esac
            fi
            got=$(hit "$e" "$u" "$id" "${want[$i]}")
            cells=$((cells + 1))
            if [ "$got" != "${want[$i]}" ]; then
                bad=$((bad + 1))
                notok "$ENGINE: matrix $e as $u: got $got, wanted ${want[$i]}"
                head -c 200 "$T/b" | sed 's/^/#   /'
                echo
                continue
            fi
            # (Shell built-ins only from here: the matrix is many cells.)
            body=$(<"$T/b")
            if [ "$got" = 404 ] && [ "$body" != "$missing" ]; then
                # Exactly the body of a missing object (the id is not in it).
                bad=$((bad + 1))
                notok "$ENGINE: matrix $e as $u: the 404 differs from a missing object's"
            fi
            if [ "$got" = 403 ] && [[ $body != '{"error":{"code":"forbidden",'* ]]; then
                bad=$((bad + 1))
                notok "$ENGINE: matrix $e as $u: 403 without the forbidden code"
            fi
        done
    done
    [ "$bad" -eq 0 ] && ok "$ENGINE: permission matrix: $cells cells (${#MATRIX[@]} endpoints × ${#USERS[@]} users) as expected"

    # The other way round: this tenant's users on the other tenant's
    # assessment, every endpoint that names it.
    bad=0
    for u in b_admin b_reviewer p_admin p_editor; do
        for e in get export audit answer-partner answer-bank submit start-review review return accept comment; do
            got=$(hit "$e" "$u" "$AX")
            body=$(<"$T/b")
            if [ "$got" != 404 ] || [ "$body" != "$missing" ]; then
                bad=$((bad + 1))
                notok "$ENGINE: $u $e on another tenant's assessment: $got"
            fi
        done
    done
    [ "$bad" -eq 0 ] && ok "$ENGINE: another tenant's assessment is a missing one for every role and endpoint"
    check 200 "the other bank sees its own list" x_bank GET /api/v1/assessments
    jcheck "… with only its assessment" "[.assessments[].id] == [$AX]"
}

# ---- hostile requests -------------------------------------------------------------

hostile() {
    local H id v
    id=$(fresh) || { notok "$ENGINE: hostile assessment"; return; }
    H='<script>alert("x")</script>"><img src=x onerror=alert(1)>&amp;'"'"'\\ =HYPERLINK("http://evil") 　'
    # A formula where a spreadsheet would run it: the note.
    local F='=HYPERLINK("http://evil.example","<b>x</b>")' body
    body=$(jq -cn --arg h "$H" --arg f "$F" '{status:"done",current:$h,gap:$h,plan:$h,note:$f,due:null,version:0}')
    check 200 "XSS payloads in every answer field are saved" p_editor PUT \
        "/api/v1/assessments/$id/items/3/answers/partner" "$body"
    check 200 "… and read back" p_editor GET "/api/v1/assessments/$id"
    if jq -e --arg h "$H" --arg f "$F" '(.items[2].answers.partner | [.current, .gap, .plan] | unique) == [$h] and .items[2].answers.partner.note == $f' \
        "$T/b" >/dev/null; then
        ok "$ENGINE: every field comes back unchanged"
    else
        notok "$ENGINE: every field comes back unchanged"
    fi
    lacks "$T/b" '\u003c' "$ENGINE: JSON is UTF-8, not \\u-escaped"
    tr -d '\r' <"$T/h" >"$T/h2"
    contains "$T/h2" "Content-Type: application/json" "$ENGINE: JSON responses say so"
    contains "$T/h2" "X-Content-Type-Options: nosniff" "$ENGINE: and are never sniffed as HTML"
    check 200 "XSS payload in a step comment" p_editor POST "/api/v1/assessments/$id/submit" \
        "$(jq -cn --arg h "$H" '{comment:$h}')"
    check 200 "XSS payload in a review comment" b_reviewer PUT "/api/v1/assessments/$id/items/3/review" \
        "$(jq -cn --arg h "$H" '{evaluation:"improve",comment:$h}')"
    check 201 "XSS payload in an item comment" p_editor POST "/api/v1/assessments/$id/items/3/comments" \
        "$(jq -cn --arg h "$H" '{body:$h}')"
    check 200 "… read back" p_viewer GET "/api/v1/assessments/$id"
    if jq -e --arg h "$H" '.comments[0].body == $h and .items[2].review.comments[0].body == $h and .items[2].review.comments[1].body == $h' \
        "$T/b" >/dev/null; then
        ok "$ENGINE: comments come back unchanged"
    else
        notok "$ENGINE: comments come back unchanged"
    fi
    check 200 "CSV export of the payload" p_viewer GET "/api/v1/assessments/$id/export?format=csv&encoding=utf8"
    contains "$T/b" "'=HYPERLINK" "$ENGINE: a formula in the CSV is neutralised" 
    # The HTML page (the assessment page family) escapes the same text.
    local code
    code=$("${C[@]}" -o /dev/null -w '%{http_code}' -c "$T/jar" -H "Origin: $U" \
        --data-urlencode "login=p_viewer" --data-urlencode "password=$PW" "$U/login")
    if grep -q 'sid' "$T/jar" 2>/dev/null; then
        "${C[@]}" -b "$T/jar" -o "$T/page" -w '%{http_code}' "$U/assessments/$id" >"$T/code"
        if [ "$(cat "$T/code")" = 200 ]; then
            lacks "$T/page" '<script>alert' "$ENGINE: the HTML page has no live script from the payload"
            lacks "$T/page" '<img src=x' "$ENGINE: … nor a live tag"
            contains "$T/page" '&lt;script&gt;alert(' "$ENGINE: … but the payload escaped"
            "${C[@]}" -b "$T/jar" -o "$T/page" -w '%{http_code}' "$U/assessments/$id/items/3/history" >"$T/code"
            if [ "$(cat "$T/code")" = 200 ]; then
                lacks "$T/page" '<script>alert' "$ENGINE: the item's history page escapes the payload too"
                lacks "$T/page" '<img src=x' "$ENGINE: … no live tag there either"
            fi
        else
            ok "# SKIP the assessment page answers $(cat "$T/code")"
        fi
    else
        ok "# SKIP no session cookie from POST /login ($code)"
    fi

    # Malformed bodies.
    local P="/api/v1/assessments/$A/items/1/answers/partner"
    id=$(fresh)
    P="/api/v1/assessments/$id/items/1/answers/partner"
    check 400 "malformed JSON" p_editor PUT "$P" '{"status": "done", "version": 0'
    jcheck "… bad_request" '.error.code == "bad_request"'
    check 400 "not an object" p_editor PUT "$P" '[{"version":0}]'
    check 400 "a bare string" p_editor PUT "$P" '"x"'
    check 400 "trailing garbage" p_editor PUT "$P" '{"version":0} {"version":1}'
    check 400 "version as a string" p_editor PUT "$P" '{"version":"0"}'
    check 400 "version as a float" p_editor PUT "$P" '{"version":0.5}'
    check 400 "current as a number" p_editor PUT "$P" '{"current":5,"version":0}'
    check 400 "status as an array" p_editor PUT "$P" '{"status":["done"],"version":0}'
    check 400 "note as an object" p_editor PUT "$P" '{"note":{"a":1},"version":0}'
    check 400 "duplicate keys" p_editor PUT "$P" '{"version":0,"version":0}'
    check 400 "duplicate keys, differently escaped" p_editor PUT "$P" '{"version":0,"versio\u006e":0}'
    check 400 "an unknown key" p_editor PUT "$P" '{"version":0,"owner":"me"}'
    check 400 "an unknown key in a step" p_editor POST "/api/v1/assessments/$id/submit" '{"comment":"x","force":true}'
    check 400 "a comment of the wrong type" p_editor POST "/api/v1/assessments/$id/submit" '{"comment":1}'
    check 400 "a NUL escape" p_editor PUT "$P" '{"current":"a\u0000b","version":0}'
    check 400 "a version past int64" p_editor PUT "$P" '{"version":99999999999999999999}'
    check 400 "a version in exponent form" p_editor PUT "$P" '{"version":1e400}'
    printf '\xef\xbb\xbf{"version":0}' >"$T/bom"
    check 400 "a byte-order mark before the JSON" p_editor PUT "$P" "@$T/bom"
    check 400 "a lone surrogate escape" p_editor PUT "$P" '{"current":"\ud800","version":0}'
    printf '{"current":"\xff\xfe","version":0}' >"$T/bad-utf8"
    check 400 "invalid UTF-8 bytes" p_editor PUT "$P" "@$T/bad-utf8"
    printf '{"current":"\xc0\xaf","version":0}' >"$T/overlong"
    check 400 "overlong UTF-8" p_editor PUT "$P" "@$T/overlong"
    printf '{"current":"a\x01b","version":0}' >"$T/ctl"
    check 400 "a raw control character" p_editor PUT "$P" "@$T/ctl"
    { printf '%*s' 100000 '' | tr ' ' '['; printf '%*s' 100000 '' | tr ' ' ']'; } >"$T/deep"
    check 400 "deep nesting" p_editor PUT "$P" "@$T/deep"
    check 400 "an empty body" p_editor PUT "$P" "" -H 'Content-Type: application/json'
    check 415 "a form body" p_editor PUT "$P" "" -H 'Content-Type: text/plain' --data-binary '{"version":0}'
    head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'a' | sed 's/^/{"current":"/; s/$/","version":0}/' >"$T/big"
    check 413 "an oversized body" p_editor PUT "$P" "@$T/big"
    jcheck "… too_large, as JSON" '.error.code == "too_large"'
    check 400 "a multipart body without a boundary" p_editor PUT "$P" "" \
        -H 'Content-Type: multipart/form-data' --data-binary 'x'
    jcheck "… bad_request, as JSON" '.error.code == "bad_request"'
    # One field past the store's limit, inside the body cap.
    head -c $((200 * 1024)) /dev/zero | tr '\0' 'a' | sed 's/^/{"current":"/; s/$/","version":0}/' >"$T/long"
    check 400 "a field past the text limit" p_editor PUT "$P" "@$T/long"
    check 200 "application/json with a charset parameter is JSON" p_editor PUT \
        "/api/v1/assessments/$id/items/2/answers/partner" "" \
        -H 'Content-Type: application/json; charset=utf-8' --data-binary '{"status":"na","version":0}'
    v=$(ver "$id" 1 partner)
    if [ "$v" = 0 ]; then ok "$ENGINE: none of the refused requests saved anything"; else notok "$ENGINE: a refused request saved (version $v)"; fi

    # Path tricks (curl --path-as-is sends them unchanged).
    check 400 "/../ in the path" p_viewer GET "/api/v1/assessments/$A/../$AX" "" --path-as-is
    check 400 "%2e%2e in the path" p_viewer GET "/api/v1/assessments/$A/%2e%2e/$AX" "" --path-as-is
    check 400 "// in the path" p_viewer GET "/api/v1//assessments/$AX" "" --path-as-is
    check 400 "%2F in the path" p_viewer GET "/api/v1/assessments%2F$AX" "" --path-as-is
    check 404 "a leading zero" p_viewer GET "/api/v1/assessments/0$A"
    check 404 "a negative id" p_viewer GET "/api/v1/assessments/-1"
    check 404 "an id past int64" p_viewer GET "/api/v1/assessments/99999999999999999999"
    check 404 "an item past the limit" p_editor PUT \
        "/api/v1/assessments/$id/items/2147483648/answers/partner" '{"version":0}'
    check 404 "an unknown side" p_editor PUT "/api/v1/assessments/$id/items/1/answers/both" '{"version":0}'
    check 404 "an unknown step" p_editor POST "/api/v1/assessments/$id/delete"
    check 405 "DELETE on an assessment" p_admin DELETE "/api/v1/assessments/$id"
    jcheck "405 is JSON" '.error.code == "method_not_allowed"'

    # Origin and CSRF.
    check 403 "a bearer PUT from another origin" p_editor PUT "$P" '{"version":0}' \
        -H "Origin: https://evil.example"
    jcheck "… cross_origin" '.error.code == "cross_origin"'
    if grep -q sid "$T/jar" 2>/dev/null; then
        "${C[@]}" -o /dev/null -c "$T/jar2" -H "Origin: $U" --data-urlencode "login=p_editor" \
            --data-urlencode "password=$PW" "$U/login"
        local csrf
        csrf=$("${C[@]}" -b "$T/jar2" "$U/account" | grep -o 'name="csrf" value="[^"]*"' | head -1 |
            sed 's/.*value="//; s/"$//')
        check 403 "a cookie PUT without X-CSRF-Token" - PUT "$P" '{"version":0}' -b "$T/jar2"
        jcheck "… csrf" '.error.code == "csrf"'
        check 403 "a cookie PUT with a wrong X-CSRF-Token" - PUT "$P" '{"version":0}' -b "$T/jar2" \
            -H "X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        check 403 "a cookie PUT with the token from another origin" - PUT "$P" '{"version":0}' \
            -b "$T/jar2" -H "X-CSRF-Token: $csrf" -H "Origin: https://evil.example"
        if [ -n "$csrf" ]; then
            check 200 "a cookie PUT with the token and our origin" - PUT "$P" '{"status":"todo","version":0}' \
                -b "$T/jar2" -H "X-CSRF-Token: $csrf" -H "Origin: $U"
        else
            ok "# SKIP no CSRF token found on /account"
        fi
        check 200 "a cookie GET needs no token" - GET "/api/v1/assessments/$id" "" -b "$T/jar2"
    else
        ok "# SKIP cookie sessions: POST /login gave no session"
    fi

    # A database that cannot take the write in time: 503, as JSON (SQLite:
    # another process holds the write lock past the server's 10 s busy timeout).
    if [ "$ENGINE" = sqlite ] && command -v sqlite3 >/dev/null; then
        # The lock is held until the check is over (at most 40 s), not for a
        # fixed time: on a loaded machine the request may start late, and a
        # token's last-use update may spend one busy timeout first.
        rm -f "$T/unlock"
        { echo "BEGIN EXCLUSIVE;"; for _ in $(seq 1 400); do [ -e "$T/unlock" ] && break; sleep 0.1; done; echo "COMMIT;"; } | sqlite3 "$DB" &
        local locker=$! _
        pids+=("$locker")
        for _ in $(seq 1 50); do # until the lock is held
            sqlite3 "$DB" "BEGIN IMMEDIATE; COMMIT;" 2>/dev/null || break
            sleep 0.1
        done
        check 503 "a locked database is 503" p_editor PUT "$P" '{"status":"done","version":1}'
        jcheck "… unavailable, as JSON" '.error.code == "unavailable"'
        touch "$T/unlock"
        wait "$locker"
    fi

    # Revoked and garbage tokens.
    local tid
    TOK[revoked]=$(cli root token add p_editor doomed)
    check 200 "a fresh token works" revoked GET /api/v1/assessments
    tid=$(cli root token list p_editor | awk -F'\t' '$2 == "doomed" {print $1}')
    cli root token revoke p_editor "$tid" >/dev/null
    check 401 "a revoked token is 401" revoked GET /api/v1/assessments
    jcheck "… unauthenticated" '.error.code == "unauthenticated"'
    check 401 "a revoked token cannot write" revoked PUT "$P" '{"version":1}'
    check 401 "a token with a bad shape" - GET /api/v1/assessments "" -H "Authorization: Bearer x'\"<>"
    check 401 "Basic auth is not a token" - GET /api/v1/assessments "" -H "Authorization: Basic cm9vdDpyb290"

    # A token's first use on a page, whose reads share one snapshot: the
    # page comes whole and the use is recorded once the page is done.
    TOK[pages]=$(cli root token add b_admin pages)
    check 200 "a page asked with a token's first use" pages GET "/assessments/$A"
    contains "$T/b" "</html>" "$ENGINE: … comes whole"
    cli root token list b_admin >"$T/tokens"
    if awk -F'\t' '$2 == "pages" && $4 != "" && $4 != "-" { found = 1 } END { exit !found }' \
        "$T/tokens"; then
        ok "$ENGINE: … and the token's use is recorded"
    else
        notok "$ENGINE: … and the token's use is recorded"
        sed 's/^/#   /' "$T/tokens"
    fi
}

for engine in $ENGINES; do
    ENGINE=$engine
    if ! setup "$engine"; then
        notok "$engine: set-up"
        sed 's/^/#   /' "$T/cli.err" | tail -5
        continue
    fi
    ok "$engine: set-up (4 organizations, 10 users, tokens)"
    start
    if [ -z "$U" ]; then
        notok "$engine: the server did not start"
        sed 's/^/#   /' "$T/serve.log" | tail -5
        continue
    fi
    # A server that does not serve this database yet answers 401 to a good token.
    if [ "$(api root GET /api/v1/catalogs)" = 401 ]; then
        ok "# SKIP $engine: apicheck serve does not use --db yet"
        stop
        continue
    fi
    cli_tokens
    round_trip
    matrix
    hostile
    stop
    if grep -q 'runtime error\|AddressSanitizer' "$T/serve.log"; then
        notok "$engine: sanitizer report in the server log"
        grep -m5 'runtime error\|AddressSanitizer' "$T/serve.log" | sed 's/^/#   /'
    else
        ok "$engine: a clean server log"
    fi
done
done_testing
