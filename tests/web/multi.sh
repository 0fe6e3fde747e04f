#!/bin/bash
# Two `apicheck serve` processes on one database (a SQLite file, and
# PostgreSQL when $APICHECK_TEST_PG is set), as behind a load balancer:
# a session started on one server carries on on the other (pages and a form
# with the same CSRF token), sign-out on the second ends it on the first,
# and failed sign-ins on one server throttle the other.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/engines.sh"
. "$(dirname "$0")/../lib/web.sh"

if ! command -v curl >/dev/null; then
    echo "1..0 # SKIP curl is not installed (scripts/install-deps)"
    exit 0
fi
trap '_web_cleanup; _engines_cleanup' EXIT
unset APICHECK_PASSWORD APICHECK_DB

two_servers() {
    new_db "$1" multi || { notok "$1: a fresh database"; return; }
    printf 'multi-pw-%s-%s\n' "$RANDOM" "$RANDOM" >"$T/pw"
    local pw
    pw=$(cat "$T/pw")
    expect 0 "$ENGINE: init" -- "$BIN" --db "$DB" init --operator root --password-file "$T/pw"
    expect 0 "$ENGINE: a partner" -- "$BIN" --db "$DB" --as root org add --kind partner マルチペイ
    printf 'user-pw-%s-%s\n' "$RANDOM" "$RANDOM" >"$T/upw"
    local upw
    upw=$(cat "$T/upw")
    expect 0 "$ENGINE: its admin" -- "$BIN" --db "$DB" --as root user add mp --org マルチペイ \
        --role admin --password-file "$T/upw"

    serve_start "a-$ENGINE" --db "$DB"
    local pa=$pid ua=$U
    serve_start "b-$ENGINE" --db "$DB"
    local pb=$pid ub=$U
    if [ -z "$ua" ] || [ -z "$ub" ]; then
        notok "$ENGINE: both servers start"
        cat "$T/a-$ENGINE.log" "$T/b-$ENGINE.log" | sed 's/^/#   /'
        return
    fi
    ok "$ENGINE: two servers on one database ($ua, $ub)"

    # Cookies are per host name, and both are 127.0.0.1: one jar serves both.
    U=$ua
    is 303 "$(sign_in "$T/j-$ENGINE" mp "$upw" /account)" "$ENGINE: sign in on the first server"
    U=$ub
    is 200 "$(page "$T/j-$ENGINE" /account)" "$ENGINE: the second server knows the session"
    contains "$T/body" "mp" "$ENGINE: … and whose it is"
    is 200 "$(page "$T/j-$ENGINE" /admin)" "$ENGINE: another signed-in page on the second"
    csrf=$(csrf_of "$T/body")
    U=$ua
    is 200 "$(post "$T/j-$ENGINE" /account/tokens name=from-a "csrf=$csrf")" \
        "$ENGINE: the second server's CSRF token is good on the first"
    tok=$(cookie_of "$T/j-$ENGINE")
    U=$ub
    is 303 "$(post "$T/j-$ENGINE" /logout)" "$ENGINE: sign out on the second server"
    # The jar dropped the cookie: present the old token by hand.
    is 303 "$("${WEB_CURL[@]}" -o /dev/null -w '%{http_code}' -H "Cookie: sid=$tok" "$ua/account")" \
        "$ENGINE: the first server refuses the session ended on the second"
    is 401 "$("${WEB_CURL[@]}" -o /dev/null -w '%{http_code}' -H "Cookie: sid=$tok" \
        --data-urlencode name=late --data-urlencode "csrf=$csrf" "$ua/account/tokens")" \
        "$ENGINE: … for forms too"

    # Throttling lives in the database too: failures on one, the wait on
    # both.  Fail on the first until it asks for a wait of 8 s or more
    # (sleeping out shorter ones), so that a loaded machine cannot outlast it.
    local c ra got=no
    U=$ua
    for _ in $(seq 1 20); do
        c=$(sign_in "$T/f-$ENGINE" root "wrong-$RANDOM")
        if [ "$c" = 429 ]; then
            ra=$(tr -d '\r' <"$T/head" | sed -n 's/^Retry-After: //p')
            [ "${ra:-0}" -ge 8 ] && { got=yes; break; }
            sleep "${ra:-1}"
        fi
    done
    is yes "$got" "$ENGINE: the first server throttles repeated failures"
    U=$ub
    is 429 "$(sign_in "$T/f-$ENGINE" root "$pw")" \
        "$ENGINE: … and so does the second, even for the right password"

    serve_stop "$pa"
    clean_exit "a-$ENGINE"
    serve_stop "$pb"
    clean_exit "b-$ENGINE"
}

for e in $ENGINES; do
    two_servers "$e"
done
done_testing
