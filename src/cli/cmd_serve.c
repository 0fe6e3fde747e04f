/*
 * apicheck serve — the web application (src/web).  For now it answers
 * /healthz and /static/; the pages, the API and --db join later.
 */
#include "cli/cli.h"

#include "util/file.h"
#include "web/server.h"
#include "web/web.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help_ja[] =
    "使い方: apicheck serve [--listen ADDR:PORT] [--threads N] [--tls-cert FILE --tls-key FILE]\n"
    "                       [--max-conn N] [--max-conn-per-ip N] [--quiet]\n"
    "       apicheck serve --request FILE\n"
    "\n"
    "Web アプリケーションを起動します (既定 127.0.0.1:8080)。\n"
    "  --listen ADDR:PORT   待ち受けるアドレス (127.0.0.1:8080、[::1]:8080、0.0.0.0:8080)。\n"
    "                       ポート 0 なら空いているポートを選びます\n"
    "  --threads N          処理スレッド数 (1〜16、既定 2)\n"
    "  --tls-cert FILE      TLS のサーバー証明書 (PEM)。--tls-key と一緒に指定します\n"
    "  --tls-key FILE       TLS の秘密鍵 (PEM)\n"
    "  --max-conn N         同時接続数の上限 (既定 512)\n"
    "  --max-conn-per-ip N  一つのクライアントアドレスからの同時接続数の上限 (既定 128)\n"
    "  --quiet              要求ごとのログを出さない\n"
    "  --request FILE       FILE (- は標準入力) の HTTP 要求を一つだけ処理し、応答を標準出力に\n"
    "                       書いて終わります (試験用。ソケットを使いません)\n"
    "\n"
    "要求ごとに一行のログを標準エラーに書きます (時刻、メソッド、パス、状態、バイト数、\n"
    "所要時間)。クエリ文字列、Cookie、パスワードは書きません。\n"
    "SIGTERM または SIGINT (Ctrl-C) で処理中の要求を終えてから停止し、終了コード 0 を返します。\n";
static const char help_en[] =
    "usage: apicheck serve [--listen ADDR:PORT] [--threads N] [--tls-cert FILE --tls-key FILE]\n"
    "                      [--max-conn N] [--max-conn-per-ip N] [--quiet]\n"
    "       apicheck serve --request FILE\n"
    "\n"
    "Runs the web application (default 127.0.0.1:8080).\n"
    "  --listen ADDR:PORT   address to listen on (127.0.0.1:8080, [::1]:8080, 0.0.0.0:8080);\n"
    "                       port 0 picks a free port\n"
    "  --threads N          worker threads (1 to 16, default 2)\n"
    "  --tls-cert FILE      TLS server certificate (PEM), together with --tls-key\n"
    "  --tls-key FILE       TLS private key (PEM)\n"
    "  --max-conn N         limit on simultaneous connections (default 512)\n"
    "  --max-conn-per-ip N  limit per client address (default 128)\n"
    "  --quiet              no log line per request\n"
    "  --request FILE       answer the one raw HTTP request in FILE (- for standard input)\n"
    "                       on standard output and exit (for tests; no socket)\n"
    "\n"
    "Writes one log line per request to standard error (time, method, path, status, bytes,\n"
    "duration); never the query string, cookies or passwords.\n"
    "SIGTERM or SIGINT (Ctrl-C) finish the requests in flight, stop, and exit with 0.\n";

static int parse_count(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || s[0] == '-' || v < lo || v > hi)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* --request: one raw request from a file, the response on stdout (Fossil's
 * `http` mode).  Exit 0 whatever the HTTP status: the status is in the
 * output. */
static int answer_one(web_app_t *app, const char *path)
{
    size_t len = 0;
    char *raw = file_read(path, HTTP_MAX_UPLOAD + 64u * 1024u, &len);
    if (!raw) {
        cli_error("%s を読めません: %s", "cannot read %s: %s", path, strerror(errno));
        return EXIT_FAIL;
    }
    buf_t out = BUF_INIT(0);
    web_handle_buffer(app, raw, len, &out);
    free(raw);
    bool ok = fwrite(out.p, 1, out.len, stdout) == out.len && fflush(stdout) == 0;
    buf_free(&out);
    return ok ? EXIT_OK : EXIT_FAIL;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "listen", required_argument, NULL, 'l' },
        { "threads", required_argument, NULL, 't' },
        { "tls-cert", required_argument, NULL, 'c' },
        { "tls-key", required_argument, NULL, 'k' },
        { "max-conn", required_argument, NULL, 'm' },
        { "max-conn-per-ip", required_argument, NULL, 'p' },
        { "quiet", no_argument, NULL, 'q' },
        { "request", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    web_server_opt_t opt = { .listen = "127.0.0.1:8080", .threads = 2 };
    const char *request = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            opt.listen = optarg;
            break;
        case 't':
            if (parse_count(optarg, 1, 16, &opt.threads) != 0)
                return cli_usage("serve", "--threads は 1 から 16 です", "--threads takes 1 to 16");
            break;
        case 'c':
            opt.tls_cert = optarg;
            break;
        case 'k':
            opt.tls_key = optarg;
            break;
        case 'm':
            if (parse_count(optarg, 1, 100000, &opt.max_conn) != 0)
                return cli_usage("serve", "--max-conn は 1 から 100000 です",
                                 "--max-conn takes 1 to 100000");
            break;
        case 'p':
            if (parse_count(optarg, 1, 100000, &opt.max_conn_per_ip) != 0)
                return cli_usage("serve", "--max-conn-per-ip は 1 から 100000 です",
                                 "--max-conn-per-ip takes 1 to 100000");
            break;
        case 'q':
            opt.quiet = true;
            break;
        case 'r':
            request = optarg;
            break;
        case 'h':
            return cli_help(help_ja, help_en);
        default:
            return cli_bad_option("serve", argv);
        }
    }
    if (optind < argc)
        return cli_usage("serve", "余分な引数があります: %s", "unexpected argument: %s",
                         argv[optind]);
    if (!opt.tls_cert != !opt.tls_key)
        return cli_usage("serve", "--tls-cert と --tls-key は両方指定してください",
                         "--tls-cert and --tls-key go together");
    struct sockaddr_storage ss;
    unsigned salen;
    if (web_parse_listen(opt.listen, &ss, &salen) != 0)
        return cli_usage("serve", "待受けアドレスが正しくありません: %s",
                         "bad listen address: %s", opt.listen);
    web_app_t app;
    char *err = NULL;
    if (web_app_init(&app, &err) != 0) {
        cli_error("Web アプリケーションを準備できません: %s", "cannot set up the web application: %s",
                  err);
        free(err);
        return EXIT_FAIL;
    }
    int rc = request ? answer_one(&app, request) : web_serve(&opt, &app) == 0 ? EXIT_OK : EXIT_FAIL;
    web_app_free(&app);
    return rc;
}
