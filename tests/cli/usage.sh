#!/bin/bash
# The command line's contract: --help everywhere, exit 0/1/2, messages in
# Japanese by default and in English under an English LANG, never a crash.
. "$(dirname "$0")/../lib/tap.sh"

expect 0 "apicheck --help" -- "$BIN" --help
contains "$T/out" "catalog" "top-level help lists the commands"
expect 2 "no command is a usage error" -- "$BIN"
expect 2 "unknown command is a usage error" -- "$BIN" frobnicate
for c in catalog template convert validate; do
    expect 0 "apicheck $c --help" -- "$BIN" "$c" --help
    [ -s "$T/out" ] && ok "$c --help prints help" || notok "$c --help prints help"
done
expect 2 "unknown option" -- "$BIN" convert --bogus a.json b.json
expect 2 "missing option argument" -- "$BIN" template -o
expect 2 "template needs -o" -- "$BIN" template --side partner
expect 2 "bad --side" -- "$BIN" template --side customer -o "$T/x.xlsx"
expect 2 "convert needs two files" -- "$BIN" convert tests/fixtures/answers-both.json
expect 2 "convert refuses an unknown output format" -- "$BIN" convert tests/fixtures/answers-both.json "$T/out.pdf"
expect 2 "catalog needs a subcommand" -- "$BIN" catalog
expect 2 "unknown catalog subcommand" -- "$BIN" catalog burn
expect 2 "bad --encoding" -- "$BIN" convert tests/fixtures/answers-both.json "$T/a.csv" --encoding ebcdic
expect 1 "missing input file is a failure" -- "$BIN" convert "$T/nope.json" "$T/b.json"
absent "$T/b.json" "nothing written for a missing input"

LANG=ja_JP.UTF-8 expect 1 "Japanese error" -- "$BIN" validate "$T/nope.json"
contains "$T/err" "読み込めません" "errors are in Japanese under a Japanese LANG"
LANG=en_US.UTF-8 "$BIN" validate "$T/nope.json" 2>"$T/err.en"
contains "$T/err.en" "cannot read" "errors are in English under an English LANG"
LANG=C "$BIN" --lang en validate "$T/nope.json" 2>"$T/err.en2"
contains "$T/err.en2" "cannot read" "--lang en switches to English"
LC_ALL=en_US.UTF-8 "$BIN" template --help >"$T/help.en"
contains "$T/help.en" "usage: apicheck template" "help in English"
"$BIN" template --help >"$T/help.ja"
contains "$T/help.ja" "使い方" "help in Japanese by default"
done_testing
