# Helpers for the shell tests that drive `apicheck serve` over HTTP (sourced
# after tap.sh).  Servers listen on 127.0.0.1 with a free port and are killed
# at exit; every curl call has a time limit.
#
#   serve_start NAME ARGS…   start "$BIN serve --listen 127.0.0.1:0 ARGS…";
#                            sets $pid, $port and $U (empty port: it did not
#                            come up in 20 s); stdout in $T/NAME.out, the log
#                            in $T/NAME.log
#   serve_stop PID           SIGTERM, wait (bounded), SIGKILL if needed;
#                            $stop_status: the exit status, or "hung"
#   clean_exit NAME          check that exit status and NAME's log
#   page JAR PATH            GET PATH with the cookie jar; body in $T/body,
#                            headers in $T/head; prints the status
#   csrf_of FILE             the CSRF token in an HTML page
#   post JAR PATH K=V…       POST a form (the jar's CSRF token added unless
#                            a csrf= pair is given); same files; prints the status
#   sign_in JAR LOGIN PW     POST /login; prints the status (303 on success)
#   cookie_of JAR            the session token in a jar
_web_pids=()
_web_cleanup() {
    local p
    for p in "${_web_pids[@]}"; do
        kill -KILL "$p" 2>/dev/null
    done
}
# English pages (the lang cookie, when a test sets one, still wins).
WEB_CURL=(curl -s --max-time 30 -H 'Accept-Language: en')

serve_start() {
    local name=$1
    shift
    "$BIN" --lang en serve --listen 127.0.0.1:0 "$@" >"$T/$name.out" 2>"$T/$name.log" &
    pid=$!
    _web_pids+=("$pid")
    port=
    U=
    local _
    for _ in $(seq 1 200); do
        port=$(grep -o '://127\.0\.0\.1:[0-9]*' "$T/$name.log" | head -1 | sed 's/.*://')
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] && U="http://127.0.0.1:$port"
}

serve_stop() {
    local p=$1 _
    kill -TERM "$p" 2>/dev/null
    for _ in $(seq 1 150); do
        kill -0 "$p" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$p" 2>/dev/null; then
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
        stop_status=hung
    else
        wait "$p" 2>/dev/null
        stop_status=$?
    fi
    return 0
}

# clean_exit NAME: the server NAME stopped with 0 and its log holds no
# sanitizer report (ASan, LeakSanitizer, UBSan).
clean_exit() {
    is 0 "$stop_status" "$1: the server stops cleanly on SIGTERM"
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$T/$1.log"; then
        notok "$1: sanitizer report in the server log"
        grep -E -A12 'AddressSanitizer|LeakSanitizer|runtime error' "$T/$1.log" | head -30 |
            sed 's/^/#   /'
    else
        ok "$1: no sanitizer report in the server log"
    fi
}

page() {
    "${WEB_CURL[@]}" -b "$1" -c "$1" -D "$T/head" -o "$T/body" -w '%{http_code}' "$U$2"
}

csrf_of() {
    grep -o 'name="csrf" value="[^"]*"' "$1" | head -1 | sed 's/.*value="//; s/"$//'
}

post() {
    local jar=$1 path=$2
    shift 2
    local args=() kv have=no
    for kv in "$@"; do
        case $kv in csrf=*) have=yes ;; esac
        args+=(--data-urlencode "$kv")
    done
    if [ "$have" = no ]; then
        local tok
        "${WEB_CURL[@]}" -b "$jar" -c "$jar" -o "$T/csrf.html" "$U/account" >/dev/null
        tok=$(csrf_of "$T/csrf.html")
        [ -n "$tok" ] && args+=(--data-urlencode "csrf=$tok")
    fi
    "${WEB_CURL[@]}" -b "$jar" -c "$jar" -D "$T/head" -o "$T/body" -w '%{http_code}' \
        "${args[@]}" "$U$path"
}

sign_in() {
    "${WEB_CURL[@]}" -b "$1" -c "$1" -D "$T/head" -o "$T/body" -w '%{http_code}' \
        --data-urlencode "login=$2" --data-urlencode "password=$3" \
        --data-urlencode "next=${4:-/}" "$U/login"
}

cookie_of() {
    awk '$6 == "sid" || $6 == "__Host-sid" { v = $7 } END { print v }' "$1"
}

# is WANT GOT DESCRIPTION
is() {
    if [ "$1" = "$2" ]; then ok "$3"; else notok "$3 (got '$2', wanted '$1')"; fi
}
