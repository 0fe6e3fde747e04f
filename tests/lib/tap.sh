# TAP helpers for the shell tests (sourced).  $BIN is the apicheck binary
# (set by tests/run-all); each test file gets a fresh scratch directory $T.
set -u
: "${BIN:=$PWD/build/apicheck}"
T=$(mktemp -d "${TMPDIR:-/tmp}/apicheck-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
_n=0
_failed=0
ok() { _n=$((_n + 1)); echo "ok $_n - $*"; }
notok() { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
# expect STATUS DESCRIPTION -- CMD ARGS...: run CMD, check its exit status;
# its stdout/stderr are kept in $T/out and $T/err.
expect() {
    local want=$1 desc=$2
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" -eq "$want" ]; then
        ok "$desc"
    else
        notok "$desc (exit $got, wanted $want)"
        sed 's/^/#   /' "$T/err" | head -10
    fi
}
# contains FILE TEXT DESCRIPTION
contains() {
    if grep -qF -- "$2" "$1"; then ok "$3"; else notok "$3 ('$2' not in $1)"; sed 's/^/#   /' "$1" | head -10; fi
}
lacks() {
    if grep -qF -- "$2" "$1"; then notok "$3 ('$2' found in $1)"; else ok "$3"; fi
}
same() { # FILE1 FILE2 DESCRIPTION
    if cmp -s "$1" "$2"; then ok "$3"; else notok "$3"; diff "$1" "$2" | head -20 | sed 's/^/#   /'; fi
}
absent() { # FILE DESCRIPTION
    if [ -e "$1" ]; then notok "$2 ($1 exists)"; else ok "$2"; fi
}
done_testing() { echo "1..$_n"; [ "$_failed" -eq 0 ]; }
