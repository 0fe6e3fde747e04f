#!/bin/bash
# apicheck serve against real sockets on 127.0.0.1: health check, static
# files, security headers on every response, keep-alive, 404/405, 413
# without reading the body, 400 for path tricks and a missing Host, 431 for
# a header flood, 411 for chunked bodies, a log without query strings or
# cookies, TLS with HSTS, usage errors, and a clean exit 0 on SIGTERM and
# SIGINT.  Every wait is bounded; the servers are killed on exit.
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
    rm -rf "$T"
}
trap cleanup EXIT

# start NAME ARGS...: start a server on a free port; sets $pid and $port
# (empty when it did not come up within 10 s).  Log in $T/NAME.log.
start() {
    local name=$1
    shift
    "$BIN" --lang en serve --listen 127.0.0.1:0 "$@" 2>"$T/$name.log" &
    pid=$!
    pids+=("$pid")
    port=
    for _ in $(seq 1 100); do
        port=$(grep -o '://127\.0\.0\.1:[0-9]*' "$T/$name.log" | head -1 | sed 's/.*://')
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
}

# stop_with SIGNAL: signal the server and wait at most 10 s; sets $st to
# its exit status ("hung" when it had to be killed).
stop_with() {
    kill "-$1" "$pid" 2>/dev/null
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        wait "$pid" 2>/dev/null
        st=hung
    else
        wait "$pid"
        st=$?
    fi
}

C=(curl -s --max-time 10)

# code URL [CURL ARGS...]: the status code only.
code() {
    local url=$1
    shift
    "${C[@]}" -o /dev/null -w '%{http_code}' "$@" "$url"
}

# raw TEXT: send TEXT (printf escapes) on a fresh connection, response to stdout.
raw() {
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf "$1" >&3
    timeout 5 cat <&3
    exec 3<&-
}

check_code() { # WANT DESCRIPTION URL [CURL ARGS...]
    local want=$1 desc=$2 url=$3
    shift 3
    local got
    got=$(code "$url" "$@")
    if [ "$got" = "$want" ]; then ok "$desc"; else notok "$desc (got $got, wanted $want)"; fi
}

# ---- the server comes up ----------------------------------------------------

start main
if [ -z "$port" ]; then
    notok "server did not start"
    sed 's/^/#   /' "$T/main.log"
    done_testing
    exit 1
fi
ok "server listens on port $port"
U="http://127.0.0.1:$port"

up=no
for _ in $(seq 1 50); do
    if [ "$(code "$U/healthz")" = 200 ]; then up=yes; break; fi
    sleep 0.1
done
[ "$up" = yes ] && ok "/healthz answers" || notok "/healthz never answered"

"${C[@]}" -D "$T/h" -o "$T/b" "$U/healthz"
contains "$T/b" '{"status":"ok"}' "/healthz says ok"
contains "$T/h" "Content-Type: application/json" "/healthz is JSON"

# ---- security headers on every response --------------------------------------

csp="Content-Security-Policy: default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
for path in /healthz /static/app.css /nothing; do
    "${C[@]}" -D "$T/h" -o /dev/null "$U$path"
    tr -d '\r' <"$T/h" >"$T/h2"
    contains "$T/h2" "$csp" "$path: Content-Security-Policy"
    contains "$T/h2" "X-Content-Type-Options: nosniff" "$path: nosniff"
    contains "$T/h2" "X-Frame-Options: DENY" "$path: X-Frame-Options"
    contains "$T/h2" "Referrer-Policy: same-origin" "$path: Referrer-Policy"
    lacks "$T/h2" "Strict-Transport-Security" "$path: no HSTS without TLS"
done
"${C[@]}" -D "$T/h" -o /dev/null "$U/healthz"
contains "$T/h" "Cache-Control: no-store" "dynamic responses are not stored"
"${C[@]}" -X POST -D "$T/h" -o /dev/null "$U/healthz"
tr -d '\r' <"$T/h" >"$T/h2"
contains "$T/h2" "$csp" "a 405 carries the CSP too"

# ---- static files ----------------------------------------------------------

"${C[@]}" -D "$T/h" -o "$T/css" "$U/static/app.css"
contains "$T/h" "Content-Type: text/css; charset=utf-8" "app.css is CSS"
same "$T/css" "$(dirname "$0")/../../src/web/static/app.css" "app.css is the embedded file"
etag=$(tr -d '\r' <"$T/h" | sed -n 's/^ETag: //p')
check_code 304 "If-None-Match gives 304" "$U/static/app.css" -H "If-None-Match: $etag"
check_code 200 "app.js is served" "$U/static/app.js"
check_code 404 "unknown static file is 404" "$U/static/secret.txt"
check_code 404 "dot files are 404" "$U/static/.htaccess"

# ---- routing ---------------------------------------------------------------

check_code 404 "unknown path is 404" "$U/nothing/here"
"${C[@]}" -o "$T/b" -H 'Accept-Language: en-US,en;q=0.9' "$U/nothing"
contains "$T/b" "404 Not Found" "404 page in English by Accept-Language"
"${C[@]}" -o "$T/b" "$U/nothing"
contains "$T/b" "ページが見つかりません" "404 page in Japanese by default"
contains "$T/b" '<script src="/static/app.js" defer></script>' "error page loads the script by src"
check_code 405 "POST to a GET route is 405" "$U/healthz" -X POST
"${C[@]}" -X DELETE -D "$T/h" -o /dev/null "$U/healthz"
contains "$T/h" "Allow: GET, HEAD" "405 names the allowed methods"
"${C[@]}" -I -o "$T/b" -w '%{http_code}' "$U/healthz" >"$T/code"
contains "$T/code" 200 "HEAD works"

# ---- keep-alive ------------------------------------------------------------

curl -sv --max-time 10 -o /dev/null -o /dev/null "$U/healthz" "$U/static/app.js" 2>"$T/v"
if grep -q "Re-using existing connection" "$T/v"; then
    ok "two requests share one connection (keep-alive)"
else
    notok "keep-alive: second request did not reuse the connection"
    grep -i "connect\|close" "$T/v" | head -5 | sed 's/^/#   /'
fi

# ---- limits ----------------------------------------------------------------

head -c 2000000 /dev/zero >"$T/big"
check_code 413 "a 2 MB body is 413" "$U/healthz" -X POST --data-binary "@$T/big" \
    -H 'Content-Type: application/octet-stream'
# A huge Content-Length with no body: answered at once, not after a read.
start_ns=$(date +%s%N)
raw "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n" >"$T/r"
ms=$((($(date +%s%N) - start_ns) / 1000000))
head -1 "$T/r" | tr -d '\r' >"$T/r1"
contains "$T/r1" "HTTP/1.1 413" "an announced 1 GB body is 413 without waiting for it"
[ "$ms" -lt 4000 ] && ok "413 came in ${ms} ms" || notok "413 took ${ms} ms"
check_code 411 "a chunked request body is 411" "$U/healthz" -X POST \
    -H 'Transfer-Encoding: chunked' --data-binary 'abc'

flood=()
for i in $(seq 1 100); do flood+=(-H "X-Flood-$i: $i"); done
check_code 431 "100 header fields are 431" "$U/healthz" "${flood[@]}"
check_code 431 "a 70 kB header is 431" "$U/healthz" -H "X-Big: $(head -c 70000 /dev/zero | tr '\0' a)"
raw "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n" >"$T/r"
head -1 "$T/r" | tr -d '\r' >"$T/r1"
contains "$T/r1" "HTTP/1.1 400" "two Host headers are 400"
raw "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n" >"$T/r"
head -1 "$T/r" | tr -d '\r' >"$T/r1"
contains "$T/r1" "HTTP/1.1 400" "HTTP/1.1 without Host is 400"

# ---- path tricks -----------------------------------------------------------

for p in '/static/../healthz' '/static/%2e%2e/healthz' '/static/.%2E/healthz' '//healthz' \
    '/static//app.css' '/healthz%00' '/static/..%5capp.css' '/static/%5c' '/static/a%2fb' \
    '/%c0%ae%c0%ae/healthz' '/static/%ff' '/static/%e3%81' '/static/%zz' '/static/./app.css'; do
    check_code 400 "path trick $p is 400" "$U$p" --path-as-is
done

# ---- the log ---------------------------------------------------------------

"${C[@]}" -o /dev/null -H 'Cookie: sid=SECRET-COOKIE-42' -H 'Authorization: Bearer SECRET-TOKEN-42' \
    "$U/healthz?password=SECRET-QUERY-42"
sleep 0.2
lacks "$T/main.log" "SECRET-" "no query string, cookie or token in the log"
contains "$T/main.log" "GET /healthz status=200 bytes=16" "the log line has method, path, status, bytes"
if grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z GET /healthz status=200 bytes=16 us=[0-9]+ client=127\.0\.0\.1$' "$T/main.log"; then
    ok "log lines are structured"
else
    notok "log line format"
    grep healthz "$T/main.log" | head -3 | sed 's/^/#   /'
fi

# ---- usage -----------------------------------------------------------------

expect 2 "bad --listen is a usage error" -- "$BIN" serve --listen bogus
expect 2 "--threads 0 is a usage error" -- "$BIN" serve --threads 0
expect 2 "--tls-cert alone is a usage error" -- "$BIN" serve --tls-cert x.pem
expect 2 "extra arguments are a usage error" -- "$BIN" serve extra
expect 0 "serve --help" -- "$BIN" serve --help
contains "$T/out" "--listen" "help mentions --listen"
expect 1 "a busy port fails" -- timeout 10 "$BIN" serve --listen "127.0.0.1:$port"

# ---- one request without a socket ------------------------------------------

printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' >"$T/req"
expect 0 "serve --request answers one request from a file" -- "$BIN" serve --request "$T/req"
contains "$T/out" '{"status":"ok"}' "--request prints the response"
printf 'GET /../x HTTP/1.1\r\nHost: x\r\n\r\n' | "$BIN" serve --request - >"$T/out"
head -1 "$T/out" | tr -d '\r' >"$T/r1"
contains "$T/r1" "HTTP/1.1 400 Bad Request" "--request - reads standard input"
expect 1 "--request with a missing file fails" -- "$BIN" serve --request "$T/none"

# ---- SIGTERM with a request in flight -----------------------------------------

# Half a body, then SIGTERM: the server stops accepting but answers the
# request once its body is complete, then exits 0.
exec 4<>"/dev/tcp/127.0.0.1/$port"
printf 'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nContent-Type: text/plain\r\n\r\n01234' >&4
sleep 0.3
kill -TERM "$pid"
sleep 0.5
check_code 000 "no new connections once stopping" "$U/healthz"
printf '56789' >&4
timeout 5 head -1 <&4 | tr -d '\r' >"$T/r1"
exec 4<&-
contains "$T/r1" "HTTP/1.1 405" "the request in flight is answered"

stop_with TERM # a second SIGTERM while stopping changes nothing
[ "$st" = 0 ] && ok "SIGTERM stops the server with exit 0" || notok "SIGTERM: exit $st"
contains "$T/main.log" "stopped" "the server says it stopped"
check_code 000 "nothing listens after the stop" "$U/healthz"

# ---- connections: limits, a port in use ------------------------------------

# The server accepts on its own thread and hands connections to its workers:
# the per-address limit holds there too, a refused connection is closed at
# once, and the ones it kept still work.  A second server cannot take the
# same port.
start limits --threads 2 --max-conn-per-ip 2
if [ -n "$port" ]; then
    exec 5<>"/dev/tcp/127.0.0.1/$port" 6<>"/dev/tcp/127.0.0.1/$port"
    sleep 0.3
    exec 7<>"/dev/tcp/127.0.0.1/$port"
    start_ns=$(date +%s%N)
    timeout 5 cat <&7 >/dev/null
    ms=$((($(date +%s%N) - start_ns) / 1000000))
    [ "$ms" -lt 4000 ] && ok "a third connection from one address is closed at once (${ms} ms)" ||
        notok "a third connection from one address was kept open (${ms} ms)"
    exec 7<&-
    for fd in 5 6; do
        printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&"$fd"
        timeout 5 head -1 <&"$fd" | tr -d '\r' >"$T/r1"
        contains "$T/r1" "HTTP/1.1 200" "connection $((fd - 4)) of the two allowed is served"
    done
    exec 5<&- 6<&-
    sleep 0.3
    check_code 200 "a new connection once they are closed" "http://127.0.0.1:$port/healthz"
    expect 1 "a second server on the same port fails" -- "$BIN" --lang en serve \
        --listen "127.0.0.1:$port"
    contains "$T/err" "cannot listen" "… saying it cannot listen there"
    check_code 200 "the first server still answers" "http://127.0.0.1:$port/healthz"
    stop_with TERM
    [ "$st" = 0 ] && ok "it stops with exit 0" || notok "it stops: exit $st"
else
    notok "a server with --max-conn-per-ip 2 did not start"
fi

# ---- TLS, and SIGINT -------------------------------------------------------

if command -v openssl >/dev/null &&
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
        -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1; then
    start tls --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" --threads 1
    if [ -n "$port" ]; then
        ok "TLS server starts"
        up=no
        for _ in $(seq 1 50); do
            [ "$(code "https://127.0.0.1:$port/healthz" -k)" = 200 ] && { up=yes; break; }
            sleep 0.1
        done
        [ "$up" = yes ] && ok "/healthz over TLS" || notok "/healthz over TLS"
        "${C[@]}" -k -D "$T/h" -o /dev/null "https://127.0.0.1:$port/healthz"
        contains "$T/h" "Strict-Transport-Security: max-age=" "HSTS under TLS"
        check_code 000 "plain HTTP on the TLS port fails" "http://127.0.0.1:$port/healthz"
        stop_with INT
        [ "$st" = 0 ] && ok "SIGINT stops the server with exit 0" || notok "SIGINT: exit $st"
    else
        notok "TLS server did not start"
        sed 's/^/#   /' "$T/tls.log"
    fi
    expect 1 "an unreadable key file fails" -- "$BIN" serve --listen 127.0.0.1:0 \
        --tls-cert "$T/cert.pem" --tls-key "$T/missing.pem"
else
    ok "# SKIP openssl cannot make a test certificate"
fi

done_testing
