#!/bin/bash
# The whole bank–partner round in a real browser (tests/e2e/round.mjs):
# headless Debian Chromium (/usr/bin/chromium) driven by playwright-core
# from npm, against `apicheck serve` on 127.0.0.1 with a fresh SQLite
# database set up here with the CLI — a bank (みらい銀行) with a reviewer, a
# partner (かけいぼ株式会社) with an editor, a connection and two assessments,
# one for the round in Japanese and one for the round in English.
# Screenshots go to build/screenshots/ (SCREENSHOT_DIR).
#
# Skipped under the sanitizer build (SAN=1); fails, not skips, when node,
# npm or chromium is missing (scripts/install-deps installs them).  Installs
# tests/e2e/node_modules with `npm ci` when it is missing or older than the
# lock file.  Bounded: npm 120 s, the server 10 s to start, the browser run
# 240 s (E2E_LIMIT; about a minute on an idle machine); the server is
# killed on exit.
. "$(dirname "$0")/../lib/tap.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E2E=$ROOT/tests/e2e

if [ -n "${SAN:-}" ]; then
    echo "ok 1 - browser round # SKIP not run under the sanitizers (SAN=1): the normal build runs it"
    echo "1..1"
    exit 0
fi

server=
cleanup() {
    if [ -n "$server" ]; then
        kill -TERM "$server" 2>/dev/null
        for _ in $(seq 1 50); do
            kill -0 "$server" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server" 2>/dev/null
        wait "$server" 2>/dev/null
    fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- what the browser run needs ----------------------------------------------
missing=
command -v node >/dev/null || missing="$missing node"
command -v npm >/dev/null || missing="$missing npm"
[ -x /usr/bin/chromium ] || missing="$missing /usr/bin/chromium"
if [ -n "$missing" ]; then
    notok "node, npm and Chromium are installed (missing:$missing; run scripts/install-deps as root)"
    done_testing
    exit 1
fi
ok "node $(node --version), npm $(npm --version), $(/usr/bin/chromium --version 2>/dev/null | head -1)"

if [ ! -f "$E2E/node_modules/playwright-core/package.json" ] ||
    [ "$E2E/package-lock.json" -nt "$E2E/node_modules/.package-lock.json" ]; then
    if (cd "$E2E" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 120 \
        npm ci --no-audit --no-fund --loglevel=error) >"$T/npm.log" 2>&1; then
        ok "npm ci installed playwright-core into tests/e2e/node_modules"
    else
        notok "npm ci in tests/e2e"
        tail -15 "$T/npm.log" | sed 's/^/#   /'
        done_testing
        exit 1
    fi
else
    ok "playwright-core $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
        "$E2E/node_modules/playwright-core/package.json" | head -1) already installed"
fi

# ---- a fresh database ------------------------------------------------------------
DB=$T/e2e.db
printf 'e2e-%s-%s-%s\n' "$RANDOM" "$RANDOM" "$RANDOM" >"$T/pw"
PW=$(cat "$T/pw")
setup_ok=1
# as USER ARGS…: apicheck as USER on $DB; stdout only (ids with -q).
as() {
    local user=$1
    shift
    "$BIN" --db "$DB" --as "$user" "$@" 2>>"$T/setup.err"
}
{
    "$BIN" --db "$DB" init --operator op --password-file "$T/pw" >/dev/null 2>>"$T/setup.err" &&
        as op org add --kind bank みらい銀行 >/dev/null &&
        as op org add --kind partner かけいぼ株式会社 >/dev/null &&
        as op user add p_editor --org かけいぼ株式会社 --role editor --name "かけいぼ 花子" \
            --password-file "$T/pw" >/dev/null &&
        as op user add b_reviewer --org みらい銀行 --role reviewer --name "みらい 太郎" \
            --password-file "$T/pw" >/dev/null &&
        as op user add b_editor --org みらい銀行 --role editor --password-file "$T/pw" >/dev/null &&
        CONN=$(as op connection add --bank みらい銀行 --partner かけいぼ株式会社 --scope read -q) &&
        A_JA=$(as b_editor assessment open --connection "$CONN" --round 2026年度 \
            --due 2026-12-25 -q) &&
        A_EN=$(as b_editor assessment open --connection "$CONN" --round "2026 (English)" \
            --due 2026-12-25 -q) &&
        [ -n "$A_JA" ] && [ -n "$A_EN" ]
} || setup_ok=
if [ -n "$setup_ok" ]; then
    ok "a fresh database: bank, partner, users, a connection, assessments $A_JA and $A_EN"
else
    notok "a fresh database set up with the CLI"
    sed 's/^/#   /' "$T/setup.err" | head -15
    done_testing
    exit 1
fi

# ---- the server -------------------------------------------------------------------
"$BIN" --db "$DB" serve --listen 127.0.0.1:0 --quiet >"$T/serve.out" 2>"$T/serve.log" &
server=$!
port=
for _ in $(seq 1 100); do
    port=$(grep -o '://127\.0\.0\.1:[0-9]*' "$T/serve.log" | head -1 | sed 's/.*://')
    [ -n "$port" ] && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then
    notok "apicheck serve starts on a free port"
    sed 's/^/#   /' "$T/serve.log" | head -15
    done_testing
    exit 1
fi
ok "apicheck serve listens on 127.0.0.1:$port"

# ---- the browser ------------------------------------------------------------------
mkdir -p "$T/work"
# About a minute on an idle machine; the limit only stops a hang.
LIMIT=${E2E_LIMIT:-240}
BASE_URL="http://127.0.0.1:$port" BIN="$BIN" \
    ASSESSMENTS="ja:$A_JA,en:$A_EN" \
    PARTNER_LOGIN=p_editor PARTNER_PASSWORD="$PW" \
    BANK_LOGIN=b_reviewer BANK_PASSWORD="$PW" \
    SCREENSHOT_DIR="${SCREENSHOT_DIR:-$ROOT/build/screenshots}" WORK_DIR="$T/work" \
    TAP_START=$_n \
    timeout -k 5 "$LIMIT" node "$E2E/round.mjs" >"$T/round.tap" 2>"$T/round.err" </dev/null
rc=$?
cat "$T/round.tap"
lines=$(grep -cE '^(not )?ok [0-9]+' "$T/round.tap")
bad=$(grep -cE '^not ok [0-9]+' "$T/round.tap")
_n=$((_n + lines))
_failed=$((_failed + bad))
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    notok "the browser run finished within $LIMIT s (killed: the machine is slow or a page hangs)"
elif [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
    notok "the browser run (round.mjs) exited with status $rc"
fi
if [ "$rc" -ne 0 ]; then
    # Chromium's own complaints (no D-Bus here) are noise: the rest only.
    grep -v 'dbus' "$T/round.err" | tail -15 | sed 's/^/# stderr: /'
fi
if [ "$_failed" -gt 0 ]; then
    echo "# server log (tail):"
    tail -15 "$T/serve.log" | sed 's/^/#   /'
fi
if kill -0 "$server" 2>/dev/null; then
    ok "the server is still running after the browser run"
else
    notok "the server is still running after the browser run"
fi
done_testing
