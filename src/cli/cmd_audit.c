/*
 * apicheck audit log|verify, apicheck backup — the audit trail (who did
 * what to which object, chained by hash) and an online copy of a SQLite
 * database.
 */
#include "cli/cli.h"

#include "util/i18n.h"
#include "util/xmem.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help_ja[] =
    "使い方:\n"
    "  apicheck --as LOGIN audit log [--object 種類/ID] [--user LOGIN] [--since 日時]\n"
    "                                [--until 日時] [--limit 件数] [--full]\n"
    "  apicheck [--as LOGIN] audit verify [--anchor SEQ:HASH]\n"
    "\n"
    "log は監査イベント (日時、利用者、操作、対象) を古い順に表示します。運用者はすべて、\n"
    "ほかの利用者は自分の組織と自分のチェックに関するものだけを見られます。--object は\n"
    "assessment/3 のように種類と ID、--since は以後 (含む)、--until は前 (含まない) で、\n"
    "日付 (2026-04-01、令和8年4月1日) か ISO の日時。--full で変更前後の値も表示します。\n"
    "verify はハッシュの連鎖をすべて検査し、完全なら件数を表示して 0、改変・削除・挿入・\n"
    "並べ替えがあれば最初のイベントの番号を示して 1 で終わります。完全なときは末尾の\n"
    "head (番号:ハッシュ) も表示します。連鎖だけでは末尾の削除は分からないので、head を\n"
    "別の場所に記録し、後で --anchor に渡すと、その記録が残っているかも検査します。\n";
static const char help_en[] =
    "usage:\n"
    "  apicheck --as LOGIN audit log [--object TYPE/ID] [--user LOGIN] [--since TIME]\n"
    "                                [--until TIME] [--limit N] [--full]\n"
    "  apicheck [--as LOGIN] audit verify [--anchor SEQ:HASH]\n"
    "\n"
    "log lists audit events (time, user, action, object), oldest first. Operators see\n"
    "them all, other users those of their organization and their assessments. --object\n"
    "takes a type and an id such as assessment/3; --since is inclusive, --until exclusive;\n"
    "both take a date (2026-04-01, 令和8年4月1日) or an ISO time. --full adds the values\n"
    "before and after. verify walks the whole hash chain: intact, it prints the number of\n"
    "events and exits 0; otherwise it names the first event altered, removed, inserted or\n"
    "reordered and exits 1. When intact it also prints the head (SEQ:HASH): the chain\n"
    "alone cannot show that events were cut off its end, so record the head elsewhere and\n"
    "pass it later as --anchor to check that it is still there.\n";

static const char backup_help_ja[] =
    "使い方: apicheck --as LOGIN backup FILE\n"
    "\n"
    "SQLite のデータベースを、使用中のままで FILE に一貫した状態で複製します (運用者のみ)。\n"
    "PostgreSQL では pg_dump を使ってください。\n";
static const char backup_help_en[] =
    "usage: apicheck --as LOGIN backup FILE\n"
    "\n"
    "Copies a SQLite database, in use or not, consistently to FILE (operators only).\n"
    "For PostgreSQL use pg_dump.\n";

/* A date (ISO or 和暦) becomes its ISO form; anything else (an ISO time)
 * is passed on as written. */
static const char *time_arg(const char *s, char buf[11])
{
    return cli_parse_date(s, buf) == 0 ? buf : s;
}

static void print_json_line(const char *label, const char *json)
{
    if (json && *json)
        printf("      %s: %s\n", label, json);
}

static int audit_log(store_t *st, const actor_t *a, const audit_filter_t *f, bool full)
{
    audit_row_t *v = NULL;
    size_t n = 0;
    int rc = store_audit_log(st, a, f, &v, &n);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    for (size_t i = 0; i < n; i++) {
        printf("%6lld %s %-12s %-24s %s/%s\n", (long long)v[i].seq, v[i].at ? v[i].at : "-",
               v[i].user_login ? v[i].user_login : tr("(システム)", "(system)"),
               v[i].action ? v[i].action : "-", v[i].object_type ? v[i].object_type : "-",
               v[i].object_id ? v[i].object_id : "-");
        if (full) {
            print_json_line(tr("変更前", "before"), v[i].before);
            print_json_line(tr("変更後", "after"), v[i].after);
        }
    }
    if (n == 0)
        fputs(tr("該当する監査イベントはありません\n", "no matching audit events\n"), stdout);
    audit_row_list_free(v, n);
    return EXIT_OK;
}

/* --anchor SEQ:HASH — a head recorded earlier (off the machine) must
 * still be in the chain: that catches events cut off the end, which the
 * chain alone cannot. */
static int check_anchor(store_t *st, const char *anchor)
{
    char *end;
    long long seq = strtoll(anchor, &end, 10);
    if (seq <= 0 || *end != ':' || strlen(end + 1) != 64) {
        cli_error("--anchor は 番号:ハッシュ の形です (audit verify の出力の head)",
                  "--anchor takes SEQ:HASH (the head printed by audit verify)");
        return EXIT_USAGE;
    }
    char hash[65];
    int rc = store_audit_hash_at(st, seq, hash);
    if (rc != ST_OK) {
        cli_error("監査証跡が改ざんされています: %s", "the audit trail was tampered with: %s",
                  store_errmsg(st));
        return EXIT_FAIL;
    }
    if (strcmp(hash, end + 1) != 0) {
        cli_error("監査証跡が改ざんされています: 監査記録 %lld のハッシュが記録と違います",
                  "the audit trail was tampered with: event %lld no longer has the recorded hash",
                  seq);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int audit_verify(store_t *st, const char *anchor)
{
    int64_t count = 0, bad = 0;
    int rc = store_audit_verify(st, &count, &bad);
    if (rc == ST_OK) {
        if (anchor && (rc = check_anchor(st, anchor)) != EXIT_OK)
            return rc;
        int64_t head = 0;
        char hash[65];
        store_audit_head(st, &head, hash);
        printf(tr("監査証跡は完全です (イベント %lld 件)\n", "audit trail intact, %lld events\n"),
               (long long)count);
        if (head)
            printf(tr("head %lld:%s (末尾の削除に備えて別の場所に記録してください)\n",
                      "head %lld:%s (record it elsewhere to detect a cut-off end later)\n"),
                   (long long)head, hash);
        return EXIT_OK;
    }
    if (rc == ST_INVALID && bad > 0) {
        /* The store's message names the event (and, for a removal, the
         * first event missing before it). */
        cli_error("監査証跡が改ざんされています: %s", "the audit trail was tampered with: %s",
                  store_errmsg(st));
        return EXIT_FAIL;
    }
    return cli_store_fail(st, rc);
}

int cmd_audit(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { "object", required_argument, NULL, 'o' },
        { "user", required_argument, NULL, 'u' },
        { "since", required_argument, NULL, 's' },
        { "until", required_argument, NULL, 't' },
        { "limit", required_argument, NULL, 'l' },
        { "full", no_argument, NULL, 'f' },
        { "anchor", required_argument, NULL, 'a' },
        { NULL, 0, NULL, 0 },
    };
    const char *object = NULL, *user = NULL, *since = NULL, *until = NULL, *limit = NULL;
    bool full = false;
    const char *anchor = NULL;
    cli_getopt_reset();
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': return cli_help(help_ja, help_en);
        case 'o': object = optarg; break;
        case 'u': user = optarg; break;
        case 's': since = optarg; break;
        case 't': until = optarg; break;
        case 'l': limit = optarg; break;
        case 'f': full = true; break;
        case 'a': anchor = optarg; break;
        default: return cli_bad_option("audit", argv);
        }
    }
    int nargs = argc - optind;
    char **args = argv + optind;
    if (nargs != 1)
        return cli_usage("audit", "サブコマンドを 1 つ指定してください (log, verify)",
                         "name one subcommand (log, verify)");
    if (strcmp(args[0], "verify") == 0) {
        if (object || user || since || until || limit || full)
            return cli_usage("audit", "verify にオプションはありません",
                             "verify takes no options");
        store_t *st;
        actor_t a;
        int rc;
        if (cli_as()) { /* optional: when given, it must name a user */
            if ((rc = cli_store_session("audit", &st, &a)) >= 0)
                return rc;
        } else if (!(st = cli_store_open(false))) {
            return EXIT_FAIL;
        }
        rc = audit_verify(st, anchor);
        store_close(st);
        return rc;
    }
    if (strcmp(args[0], "log") != 0)
        return cli_usage("audit", "不明なサブコマンドです: %s", "unknown subcommand: %s",
                         args[0]);
    audit_filter_t f = { 0 };
    char *type = NULL;
    if (object) {
        const char *slash = strchr(object, '/');
        if (slash == object)
            return cli_usage("audit", "--object は 種類/ID (例: assessment/3) です",
                             "--object takes TYPE/ID (such as assessment/3)");
        type = slash ? xstrndup(object, (size_t)(slash - object)) : xstrdup(object);
        f.object_type = type;
        f.object_id = slash && slash[1] ? slash + 1 : NULL;
    }
    f.user_login = user;
    char b1[11], b2[11];
    if (since)
        f.since = time_arg(since, b1);
    if (until)
        f.until = time_arg(until, b2);
    if (limit) {
        int64_t l;
        if (cli_parse_id(limit, &l) < 0 || l > 1000000) {
            free(type);
            return cli_usage("audit", "--limit は正の整数です", "--limit takes a positive number");
        }
        f.limit = (int)l;
    }
    store_t *st;
    actor_t a;
    int rc = cli_store_session("audit", &st, &a);
    if (rc < 0) {
        rc = audit_log(st, &a, &f, full);
        store_close(st);
    }
    free(type);
    return rc;
}

int cmd_backup(int argc, char **argv)
{
    int rc = cli_help_only("backup", argc, argv, backup_help_ja, backup_help_en);
    if (rc >= 0)
        return rc;
    if (argc - optind != 1)
        return cli_usage("backup", "複製先のファイルを 1 つ指定してください",
                         "name one file to copy to");
    const char *path = argv[optind];
    store_t *st;
    actor_t a;
    rc = cli_store_session("backup", &st, &a);
    if (rc >= 0)
        return rc;
    int r = store_backup(st, &a, path);
    if (r == ST_OK) {
        printf(tr("%s にバックアップしました\n", "backed up to %s\n"), path);
        rc = EXIT_OK;
    } else {
        rc = cli_store_fail(st, r);
    }
    store_close(st);
    return rc;
}
