#!/bin/bash
# Sign-in and the account page against a real `apicheck serve` on 127.0.0.1:
# the first start creates the database and the operator "admin" with a
# one-time password; cookies are HttpOnly and SameSite=Lax; a wrong password
# and an unknown login give the same page; every sign-in rotates the session
# and sign-out ends it; CSRF (missing, another session's, cross-site Origin)
# is refused with 403 and changes nothing; password change ends the other
# sessions; TOTP (codes computed by oathtool) as a second step; API tokens
# shown once, refused by the pages (bearer tokens are for /api/ only) and
# revocable; the administration forms; `serve --demo`; and throttling (429)
# after repeated failures, last because it blocks the test's own address.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/web.sh"

if ! command -v curl >/dev/null; then
    echo "1..0 # SKIP curl is not installed (scripts/install-deps)"
    exit 0
fi
trap '_web_cleanup; rm -rf "$T"' EXIT
unset APICHECK_PASSWORD APICHECK_DB

DB="$T/auth.db"
serve_start main --db "$DB"
if [ -z "$port" ]; then
    notok "server did not start"
    sed 's/^/#   /' "$T/main.log" "$T/main.out"
    done_testing
    exit 1
fi
ok "serve creates a missing database and starts"
main_pid=$pid
contains "$T/main.out" "created the database" "the first start says it created the database"
ADMIN_PW=$(sed -n 's/.*first password.*: \([A-Za-z0-9]*\)$/\1/p' "$T/main.out")
[ -n "$ADMIN_PW" ] && ok "the operator's one-time password is printed" ||
    notok "no operator password in: $(cat "$T/main.out")"

# ---- sign-in ----------------------------------------------------------------

is 200 "$(page "$T/anon" /login)" "GET /login"
contains "$T/body" 'name="login"' "the sign-in form has a login field"
contains "$T/body" 'name="password"' "and a password field"
is 303 "$(page "$T/anon" /account)" "a page that needs sign-in redirects"
grep -qi '^Location: /login?next=%2Faccount' "$T/head" && ok "… to /login with next" ||
    notok "redirect target: $(grep -i ^location "$T/head")"

is 303 "$(sign_in "$T/adm" admin "$ADMIN_PW" /plans)" "the operator signs in"
tr -d '\r' <"$T/head" >"$T/h"
contains "$T/h" "Set-Cookie: sid=" "a session cookie is set"
grep -i '^Set-Cookie: sid=' "$T/h" >"$T/sc"
contains "$T/sc" "HttpOnly" "the session cookie is HttpOnly"
contains "$T/sc" "SameSite=Lax" "the session cookie is SameSite=Lax"
contains "$T/sc" "Path=/" "the session cookie is for the whole site"
contains "$T/h" "Location: /account?first=1" "an operator on a given password is sent to change it"
is 200 "$(page "$T/adm" /account)" "the account page opens"
contains "$T/body" "still using the password you were given" "… and asks to change the password"
lacks "$T/main.log" "$ADMIN_PW" "the password is not in the log"

# Wrong password and unknown login: the same page (the echoed login aside).
code1=$(sign_in "$T/x1" admin "wrong-password-1")
sed 's/value="admin"/value="L"/' "$T/body" >"$T/wrong1"
code2=$(sign_in "$T/x2" nobody-here "wrong-password-1")
sed 's/value="nobody-here"/value="L"/' "$T/body" >"$T/wrong2"
is 401 "$code1" "a wrong password is refused"
is 401 "$code2" "an unknown login is refused"
same "$T/wrong1" "$T/wrong2" "wrong password and unknown login give the same page"
contains "$T/wrong1" "Wrong login or password" "the message names neither"

# next must be a local path.
is 303 "$(sign_in "$T/nx" admin "$ADMIN_PW" '//evil.example/x')" "sign-in with a foreign next"
tr -d '\r' <"$T/head" | grep -i '^Location:' >"$T/loc"
lacks "$T/loc" "evil" "a foreign next is not followed"

# ---- the operator changes the given password ---------------------------------

is 403 "$(post "$T/adm" /account/password current=not-it password=new-password-123 \
    password2=new-password-123)" "a wrong current password is refused"
is 400 "$(post "$T/adm" /account/password "current=$ADMIN_PW" password=new-password-123 \
    password2=other-password-123)" "a mismatched repetition is refused"
is 400 "$(post "$T/adm" /account/password "current=$ADMIN_PW" password=short \
    password2=short)" "a short password is refused"
# A second session of the same user, to be ended by the change.
is 303 "$(sign_in "$T/adm2" admin "$ADMIN_PW")" "a second session of the operator"
is 200 "$(post "$T/adm" /account/password "current=$ADMIN_PW" password=new-password-123 \
    password2=new-password-123)" "the password is changed"
contains "$T/body" "password was changed" "… and the page says so"
lacks "$T/body" "still using the password you were given" "… and no longer nags"
is 200 "$(page "$T/adm" /account)" "the session that changed it goes on"
is 303 "$(page "$T/adm2" /account)" "the other session has ended"
is 401 "$(sign_in "$T/x3" admin "$ADMIN_PW")" "the old password no longer works"
is 303 "$(sign_in "$T/adm3" admin new-password-123 /account)" "the new one does"
grep -qi '^Location: /account$' <(tr -d '\r' <"$T/head") && ok "and next is followed now" ||
    notok "after the change: $(grep -i ^location "$T/head")"
lacks "$T/main.log" "new-password-123" "the new password is not in the log"

# ---- session rotation and sign-out --------------------------------------------

sign_in "$T/rot" admin new-password-123 >/dev/null
tok1=$(cookie_of "$T/rot")
cp "$T/rot" "$T/rot-old"
# Signing in again from a signed-in browser (the form then carries the
# session's CSRF token).
post "$T/rot" /login login=admin password=new-password-123 next=/ >/dev/null
tok2=$(cookie_of "$T/rot")
[ -n "$tok1" ] && [ -n "$tok2" ] && [ "$tok1" != "$tok2" ] &&
    ok "every sign-in gives a fresh session token" || notok "tokens: '$tok1' '$tok2'"
is 303 "$(page "$T/rot-old" /account)" "signing in again ended the session it replaced"
is 200 "$(page "$T/rot" /account)" "the new session works"
cp "$T/rot" "$T/rot-before-logout"
is 303 "$(post "$T/rot" /logout)" "sign-out"
tr -d '\r' <"$T/head" | grep -i '^Set-Cookie: sid=' >"$T/sc"
contains "$T/sc" "Max-Age=0" "sign-out clears the cookie"
is 303 "$(page "$T/rot-before-logout" /account)" "the signed-out token is refused"

# ---- CSRF and Origin ---------------------------------------------------------

is 200 "$(page "$T/adm3" /account)" "account page"
my_csrf=$(csrf_of "$T/body")
sign_in "$T/other" admin new-password-123 >/dev/null
page "$T/other" /account >/dev/null
other_csrf=$(csrf_of "$T/body")
[ -n "$my_csrf" ] && [ "$my_csrf" != "$other_csrf" ] && ok "each session has its own CSRF token" ||
    notok "csrf tokens '$my_csrf' '$other_csrf'"
ntok() { page "$T/adm3" /account >/dev/null; grep -c 'id="token-' "$T/body"; }
before=$(ntok)
is 403 "$(post "$T/adm3" /account/tokens name=no-csrf csrf=)" "a POST without the CSRF token is 403"
is 403 "$(post "$T/adm3" /account/tokens name=foreign "csrf=$other_csrf")" \
    "a POST with another session's CSRF token is 403"
is 403 "$("${WEB_CURL[@]}" -b "$T/adm3" -o /dev/null -w '%{http_code}' \
    -H 'Origin: http://evil.example' --data-urlencode name=cross \
    --data-urlencode "csrf=$my_csrf" "$U/account/tokens")" "a cross-site Origin is 403"
is "$before" "$(ntok)" "none of them created a token"

# ---- API tokens ----------------------------------------------------------------

is 200 "$(post "$T/adm3" /account/tokens name=ci-robot)" "an API token is created"
token=$(grep -o '<code>[A-Za-z0-9_-]\{43\}</code>' "$T/body" | sed 's/<[^>]*>//g')
[ -n "$token" ] && ok "the token is shown once, on that page" || notok "no token shown"
page "$T/adm3" /account >/dev/null
lacks "$T/body" "$token" "the account page does not show it again"
contains "$T/body" "ci-robot" "the token is listed by name"
is 403 "$("${WEB_CURL[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    "$U/account")" "pages refuse a bearer token (tokens are for the JSON API)"
api=$("${WEB_CURL[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    "$U/api/v1/catalogs")
case $api in
200)
    ok "the token opens the JSON API"
    is 401 "$("${WEB_CURL[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer x$token" \
        "$U/api/v1/catalogs")" "an unknown bearer token is 401 on the API"
    ;;
404) ok "# SKIP the JSON API has no /api/v1/catalogs yet" ;;
*) notok "the token on the JSON API: $api" ;;
esac
tid=$(grep -o 'id="token-[0-9]*"' "$T/body" | tail -1 | grep -o '[0-9]*')
is 303 "$(post "$T/adm3" "/account/tokens/$tid/revoke")" "the token is revoked"
page "$T/adm3" /account >/dev/null
contains "$T/body" "revoked" "the list shows it revoked"
is 303 "$("${WEB_CURL[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    "$U/account")" "a revoked token is no sign-in at all"
if [ "$api" = 200 ]; then
    is 401 "$("${WEB_CURL[@]}" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
        "$U/api/v1/catalogs")" "a revoked token is refused by the API"
fi
is 404 "$(post "$T/adm3" /account/tokens/999999/revoke)" "revoking a missing token is 404"
lacks "$T/main.log" "$token" "the token is not in the log"

# ---- TOTP ------------------------------------------------------------------

if command -v oathtool >/dev/null; then
    is 200 "$(page "$T/adm3" /account/totp)" "the TOTP set-up page"
    secret=$(grep -o 'name="secret" value="[A-Z2-7]*"' "$T/body" | sed 's/.*value="//; s/"//')
    contains "$T/body" "otpauth://totp/apicheck:admin?secret=$secret" "it shows an otpauth URI"
    is 400 "$(post "$T/adm3" /account/totp action=enable "secret=$secret" code=000000)" \
        "a wrong code does not turn TOTP on"
    now=$(date +%s)
    is 303 "$(post "$T/adm3" /account/totp action=enable "secret=$secret" \
        "code=$(oathtool --totp -b -N "@$now" "$secret")")" "TOTP is turned on with a code"
    is 303 "$(sign_in "$T/t" admin new-password-123 /account)" "the password step"
    grep -qi '^Location: /login/totp' <(tr -d '\r' <"$T/head") && ok "… leads to the code step" ||
        notok "after the password: $(grep -i ^location "$T/head")"
    is 303 "$(page "$T/t" /account)" "pages stay closed until the code is given"
    is 200 "$(page "$T/t" /login/totp)" "the code page"
    tcsrf=$(csrf_of "$T/body")
    pending=$(cookie_of "$T/t")
    is 401 "$(post "$T/t" /login/totp code=000000 "csrf=$tcsrf" next=/account)" "a wrong code is refused"
    # The step used to turn it on is spent: a later one signs in (the next
    # step is accepted early; a slow machine may be past it already).
    t=$(date +%s)
    [ $((t / 30)) -le $((now / 30)) ] && t=$((now + 30))
    is 303 "$(post "$T/t" /login/totp "code=$(oathtool --totp -b -N "@$t" "$secret")" \
        "csrf=$tcsrf" next=/account)" "the right code completes sign-in"
    full=$(cookie_of "$T/t")
    [ -n "$full" ] && [ "$full" != "$pending" ] && ok "the second step rotates the session" ||
        notok "session after the code: '$full' vs '$pending'"
    is 200 "$(page "$T/t" /account)" "and the pages open"
    contains "$T/body" "On: every sign-in asks" "the account page says TOTP is on"
    is 403 "$(post "$T/t" /account/totp action=disable code=000000)" \
        "turning TOTP off needs a valid code"
else
    ok "# SKIP oathtool is not installed (scripts/install-deps)"
fi

# ---- language switch -------------------------------------------------------

is 303 "$("${WEB_CURL[@]}" -c "$T/lang" -D "$T/head" -o /dev/null -w '%{http_code}' \
    --data-urlencode lang=ja --data-urlencode next=/login "$U/lang")" "POST /lang"
contains "$T/head" "lang=ja" "the language is kept in a cookie"
page "$T/lang" /login >/dev/null
contains "$T/body" "ログイン名" "the sign-in page in Japanese"
is 400 "$("${WEB_CURL[@]}" -o /dev/null -w '%{http_code}' --data-urlencode lang=xx "$U/lang")" \
    "an unknown language is 400"

# ---- administration ---------------------------------------------------------

# the operator (session adm3, signed in before TOTP was turned on)
is 200 "$(page "$T/adm3" /admin)" "the operator opens /admin"
contains "$T/body" "Register an organization" "operators may register organizations"
contains "$T/body" "Import an edition" "and import editions"
is 200 "$(post "$T/adm3" /admin/orgs kind=bank name=テスト銀行 reg_no=0001)" "a bank is registered"
contains "$T/body" "organization was registered" "… and the page says so"
is 200 "$(post "$T/adm3" /admin/orgs kind=partner name=テストペイ 'reg_no=関東財務局長(電代)第1号')" \
    "a partner is registered"
is 200 "$(post "$T/adm3" /admin/orgs kind=partner 'name=<b>ヨソペイ</b>')" \
    "another partner (markup in its name)"
lacks "$T/body" "<b>ヨソペイ" "names are escaped"
contains "$T/body" "&lt;b&gt;ヨソペイ" "… and shown as text"
is 409 "$(post "$T/adm3" /admin/orgs kind=bank name=テスト銀行)" "a duplicate name is refused"
is 400 "$(post "$T/adm3" /admin/orgs kind=insurer name=保険)" "an unknown kind is refused"
bank=$(sqlite3 "$DB" "SELECT id FROM organizations WHERE name = 'テスト銀行'")
partner=$(sqlite3 "$DB" "SELECT id FROM organizations WHERE name = 'テストペイ'")
other=$(sqlite3 "$DB" "SELECT id FROM organizations WHERE name = '<b>ヨソペイ</b>'")
for spec in "ba:$bank:admin" "be:$bank:editor" "pa:$partner:admin" "pe:$partner:editor" \
    "oa:$other:admin"; do
    IFS=: read -r l o r <<<"$spec"
    is 200 "$(post "$T/adm3" /admin/users "login=$l" "display_name=user $l" "org_id=$o" \
        "role=$r" password=first-password-1)" "the operator adds $l ($r)"
done
is 409 "$(post "$T/adm3" /admin/users login=pa org_id="$partner" role=editor \
    password=first-password-1)" "a taken login is refused"
is 400 "$(post "$T/adm3" /admin/users login=BAD! org_id="$partner" role=editor \
    password=first-password-1)" "a malformed login is refused"
is 200 "$(post "$T/adm3" /admin/connections "bank_id=$bank" "partner_id=$partner" scope=write)" \
    "the operator connects the bank and the partner"
conn=$(sqlite3 "$DB" "SELECT id FROM connections WHERE bank_id = $bank AND partner_id = $partner")
contains "$T/body" "id=\"connection-$conn\"" "the connection is listed"
is 200 "$(post "$T/adm3" /admin/connections "bank_id=$bank" "partner_id=$other" scope=read)" \
    "and the bank with the other partner"
cat >"$T/ed.json" < <("$BIN" catalog export --format json)
sed -i 's/"api-checklist-2018-08-02"/"test-edition-1"/' "$T/ed.json"
is 200 "$("${WEB_CURL[@]}" -b "$T/adm3" -o "$T/body" -w '%{http_code}' \
    -F "csrf=$(csrf_of "$T/body")" -F "file=@$T/ed.json" "$U/admin/catalogs")" \
    "the operator imports an edition (JSON upload)"
contains "$T/body" "test-edition-1" "the edition is listed"
upload() { # FILE [ID]: POST /admin/catalogs as the operator; prints the status
    page "$T/adm3" /admin >/dev/null
    "${WEB_CURL[@]}" -b "$T/adm3" -o "$T/body" -w '%{http_code}' -F "csrf=$(csrf_of "$T/body")" \
        -F "file=@$1" ${2:+-F "id=$2"} "$U/admin/catalogs"
}
"$BIN" catalog export --format xlsx -o "$T/ed.xlsx" >/dev/null
"$BIN" catalog export --format csv -o "$T/ed.csv" >/dev/null
is 200 "$(upload "$T/ed.xlsx" test-edition-x)" "an XLSX edition is imported (with an id)"
is 200 "$(upload "$T/ed.csv" test-edition-c)" "a CSV edition is imported"
contains "$T/body" "test-edition-x" "both are listed"
is 200 "$(upload "$T/ed.xlsx")" "the built-in edition again (its id is in the workbook): no change"
sed -i 's/"title": *"[^"]*"/"title": "changed"/' "$T/ed.json"
is 409 "$(upload "$T/ed.json")" "editions never change: another content under a used id is 409"
seed=$(dirname "$0")/../../../shared/seed/000_f11c7a6eb96fd414.txt
if [ -r "$seed" ]; then
    cp "$seed" "$T/seed.txt"
    is 200 "$(upload "$T/seed.txt")" "the seed's text is read (the built-in edition again: no change)"
else
    ok "# SKIP the seed text is not here"
fi
printf 'not,a,catalog\n1,2\n' >"$T/bad.csv"
page "$T/adm3" /admin >/dev/null
is 400 "$("${WEB_CURL[@]}" -b "$T/adm3" -o "$T/body" -w '%{http_code}' \
    -F "csrf=$(csrf_of "$T/body")" -F "file=@$T/bad.csv" "$U/admin/catalogs")" \
    "a broken file is refused"
contains "$T/body" 'class="problems"' "… with its problems listed"

# a partner admin sees its own organization's pieces only
is 303 "$(sign_in "$T/pa" pa first-password-1)" "the partner admin signs in"
is 200 "$(page "$T/pa" /admin)" "the partner admin opens /admin"
contains "$T/body" ">pe<" "it lists its own users"
lacks "$T/body" ">ba<" "not the bank's users"
lacks "$T/body" ">oa<" "not another partner's users"
lacks "$T/body" "ヨソペイ" "nor the other partner at all"
lacks "$T/body" "Register an organization" "no organization form"
lacks "$T/body" "Add a connection" "no connection form"
lacks "$T/body" "Import an edition" "no import form"
is 403 "$(post "$T/pa" /admin/orgs kind=partner name=乗っ取り)" "it cannot register organizations"
is 404 "$(post "$T/pa" /admin/users login=intruder "org_id=$other" role=admin \
    password=first-password-1)" "a user in another tenant's organization: 404"
is 403 "$(post "$T/pa" /admin/connections "bank_id=$bank" "partner_id=$partner" scope=read)" \
    "it cannot connect"
is 200 "$(post "$T/pa" /admin/users login=pv "org_id=$partner" role=viewer \
    password=first-password-1)" "it adds a user to its own organization"
is 0 "$(sqlite3 "$DB" "SELECT count(*) FROM users WHERE login = 'intruder'")" "nobody was added elsewhere"
is 303 "$(sign_in "$T/pe" pe first-password-1)" "a partner editor signs in"
is 403 "$(page "$T/pe" /admin)" "a partner editor has no /admin"
ba_hash=$(sqlite3 "$DB" "SELECT pw_hash FROM users WHERE login = 'ba'")
is 404 "$(post "$T/pa" /admin/users/password login=ba password=taken-over-123)" \
    "a partner admin cannot reset a bank user's password (404)"
is 200 "$(post "$T/pa" /admin/users/password login=pe password=second-password-1)" \
    "it resets its own editor's password"
is 303 "$(page "$T/pe" /account)" "which ends the editor's sessions"
is 303 "$(sign_in "$T/pe" pe second-password-1)" "the editor signs in with the new one"
is "$ba_hash" "$(sqlite3 "$DB" "SELECT pw_hash FROM users WHERE login = 'ba'")" \
    "the bank user's password is unchanged"

# the bank admin manages its connections and opens an assessment
is 303 "$(sign_in "$T/ba" ba first-password-1)" "the bank admin signs in"
is 200 "$(page "$T/ba" /admin)" "the bank admin opens /admin"
contains "$T/body" "Open an assessment" "it may open assessments"
is 200 "$(post "$T/ba" "/admin/connections/$conn/state" state=suspended)" "it suspends a connection"
is suspended "$(sqlite3 "$DB" "SELECT state FROM connections WHERE id = $conn")" "the state is stored"
post "$T/ba" "/admin/connections/$conn/state" state=active >/dev/null
is 303 "$(post "$T/ba" /admin/assessments "connection_id=$conn" \
    catalog_id=api-checklist-2018-08-02 round=2026年度 due=令和9年3月31日)" "it opens an assessment"
grep -qi '^Location: /assessments/[0-9]' <(tr -d '\r' <"$T/head") && ok "… and goes to its page" ||
    notok "after opening: $(grep -i ^location "$T/head")"
is 2027-03-31 "$(sqlite3 "$DB" "SELECT due_date FROM assessments WHERE connection_id = $conn")" \
    "the 和暦 due date is stored as ISO"
is 403 "$(post "$T/pa" "/admin/connections/$conn/state" state=ended)" \
    "the partner cannot change the connection's state"

# ---- serve --demo ---------------------------------------------------------------

serve_start demo --db "$T/demo.db" --demo
demo_pid=$pid
if [ -n "$port" ]; then
    ok "serve --demo starts"
    DEMO_PW=$(sed -n "s/.*demo users' password.*: \([A-Za-z0-9]*\)$/\1/p" "$T/demo.out")
    [ -n "$DEMO_PW" ] && ok "the demo password is printed" || notok "no demo password"
    contains "$T/demo.out" "みらい銀行" "the demo bank"
    contains "$T/demo.out" "かけいぼ株式会社" "the demo partner"
    for u in demo-bank-admin demo-bank-reviewer demo-partner-editor demo-partner-viewer; do
        is 303 "$(sign_in "$T/demo-$u" "$u" "$DEMO_PW")" "demo user $u signs in"
    done
    grep -qi '^Location: /$' <(tr -d '\r' <"$T/head") && ok "demo users are not sent to change it" ||
        notok "demo redirect: $(grep -i ^location "$T/head")"
    serve_stop "$demo_pid"
    clean_exit demo
    # Idempotent: a second start adds nothing and prints a fresh password.
    serve_start demo2 --db "$T/demo.db" --demo
    if [ -n "$port" ]; then
        ok "serve --demo starts again on the same database"
        contains "$T/demo2.out" "assessment 1 " "the same assessment, not a second one"
        serve_stop "$pid"
        clean_exit demo2
    else
        notok "second --demo start: $(cat "$T/demo2.log")"
    fi
    is 1 "$(sqlite3 "$T/demo.db" "SELECT count(*) FROM organizations WHERE name = 'みらい銀行'")" \
        "one demo bank after two starts"
else
    notok "serve --demo did not start: $(cat "$T/demo.log")"
fi
port=$(grep -o '://127\.0\.0\.1:[0-9]*' "$T/main.log" | head -1 | sed 's/.*://')
U_MAIN="http://127.0.0.1:$port"
U=$U_MAIN

# ---- behind a TLS-terminating proxy (--trusted-proxy) ----------------------------

main_port=$port
serve_start proxy --db "$DB" --trusted-proxy
proxy_pid=$pid
P=$U
if [ -n "$port" ]; then
    via() { "${WEB_CURL[@]}" -H 'X-Forwarded-Proto: https' -H "Origin: https://127.0.0.1:$port" "$@"; }
    is 303 "$(via -D "$T/h" -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.7' \
        --data-urlencode login=pa --data-urlencode password=first-password-1 "$P/login")" \
        "through the proxy: sign-in over https"
    tr -d '\r' <"$T/h" | grep -i '^Set-Cookie:' >"$T/sc"
    contains "$T/sc" "__Host-sid=" "the cookie is __Host-sid under TLS"
    contains "$T/sc" "; Secure" "… and Secure"
    contains "$T/h" "Strict-Transport-Security" "HSTS under TLS"
    is 403 "$("${WEB_CURL[@]}" -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' \
        -H "Origin: http://127.0.0.1:$port" --data-urlencode login=pa \
        --data-urlencode password=first-password-1 "$P/login")" \
        "through the proxy an http Origin is another origin"
    is 403 "$("${WEB_CURL[@]}" -o /dev/null -w '%{http_code}' -H 'X-Forwarded-Proto: https' \
        -H "Origin: https://127.0.0.1:$main_port" --data-urlencode login=pa \
        --data-urlencode password=first-password-1 "$U_MAIN/login")" \
        "without --trusted-proxy X-Forwarded-Proto is ignored"
    # Throttling by the forwarded address: one address guessing does not
    # lock out another (unknown logins, so only the address counts).
    got=no
    for i in $(seq 1 12); do
        c=$(via -o "$T/body" -w '%{http_code}' -H 'X-Forwarded-For: 198.51.100.1, 203.0.113.66' \
            --data-urlencode "login=ghost$i" --data-urlencode password=nothing-at-all "$P/login")
        if [ "$c" = 429 ]; then got=yes; break; fi
    done
    is yes "$got" "one forwarded address is throttled after its failures"
    is 401 "$(via -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 198.51.100.1, 203.0.113.67' \
        --data-urlencode login=ghost-other --data-urlencode password=nothing-at-all "$P/login")" \
        "another address is not (the last X-Forwarded-For element counts)"
    serve_stop "$proxy_pid"
    clean_exit proxy
else
    notok "serve --trusted-proxy did not start: $(cat "$T/proxy.log")"
fi
U=$U_MAIN

# ---- throttling (last: the address stays throttled for a while) -----------------

# Five free failures, then waits of 1, 2, 4, 8 … s: fail until a wait of at
# least 8 s is asked for (outlasting a loaded machine), sleeping out the
# shorter ones.
got429=no
for _ in $(seq 1 20); do
    c=$(sign_in "$T/thr" admin "guess-$RANDOM-$RANDOM")
    if [ "$c" = 429 ]; then
        got429=yes
        ra=$(tr -d '\r' <"$T/head" | sed -n 's/^Retry-After: //p')
        [ "${ra:-0}" -ge 8 ] && break
        sleep "${ra:-1}"
    fi
done
is yes "$got429" "repeated failures are throttled with 429"
tr -d '\r' <"$T/head" >"$T/h"
contains "$T/h" "Retry-After:" "with Retry-After"
contains "$T/body" "Too many failed attempts" "and a clear message"
is 429 "$(sign_in "$T/thr" admin new-password-123)" "during the wait even the right password is refused"
lacks "$T/main.log" "guess-" "no guessed password is in the log"

serve_stop "$main_pid"
clean_exit main
done_testing
