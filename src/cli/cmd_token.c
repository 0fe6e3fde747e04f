/*
 * apicheck token add|list|revoke — per-user API tokens for programs
 * (Authorization: Bearer on /api/v1).  The store keeps only a hash; the
 * token is printed once, when it is made.  A user manages their own tokens;
 * an operator may also make and revoke them for anyone.
 */
#include "cli/cli.h"

#include "util/i18n.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help_ja[] =
    "使い方: apicheck --as LOGIN token add 利用者 名前\n"
    "       apicheck --as LOGIN token list 利用者\n"
    "       apicheck --as LOGIN token revoke 利用者 ID\n"
    "\n"
    "API (/api/v1) を使うプログラムのためのトークンを扱います。\n"
    "  add     利用者のトークンを作り、一度だけ標準出力に表示します\n"
    "          (Authorization: Bearer トークン で使います)\n"
    "  list    利用者のトークン (ID、名前、作成日時、最終使用日時、失効)\n"
    "  revoke  トークンを失効させます\n"
    "自分のトークンは誰でも、ほかの利用者のトークンは運用者だけが扱えます。\n";
static const char help_en[] =
    "usage: apicheck --as LOGIN token add USER NAME\n"
    "       apicheck --as LOGIN token list USER\n"
    "       apicheck --as LOGIN token revoke USER ID\n"
    "\n"
    "API tokens for programs that use the API (/api/v1).\n"
    "  add     make a token for USER and print it once on standard output\n"
    "          (send it as Authorization: Bearer TOKEN)\n"
    "  list    USER's tokens (id, name, created, last used, revoked)\n"
    "  revoke  revoke a token\n"
    "Anyone manages their own tokens; operators those of any user.\n";

/* The actor to act for: USER itself, when --as is USER or an operator. */
static int token_owner(store_t *st, const actor_t *as, const char *login, actor_t *owner)
{
    int rc = store_actor(st, login, owner);
    if (rc != ST_OK)
        return cli_store_fail(st, rc);
    if (owner->user_id != as->user_id && !as->operator_) {
        cli_error("ほかの利用者のトークンは運用者だけが扱えます",
                  "only operators manage other users' tokens");
        return EXIT_FAIL;
    }
    return -1;
}

int cmd_token(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
        return cli_help(help_ja, help_en);
    if (argc < 3)
        return cli_usage("token", "token add|list|revoke 利用者 … と指定してください",
                         "give token add|list|revoke USER …");
    const char *sub = argv[1], *login = argv[2];
    int want = strcmp(sub, "add") == 0 ? 4 : strcmp(sub, "list") == 0 ? 3
                                         : strcmp(sub, "revoke") == 0 ? 4
                                                                      : 0;
    if (!want)
        return cli_usage("token", "不明なサブコマンドです: %s", "unknown subcommand: %s", sub);
    if (argc != want)
        return cli_usage("token", "引数の数が違います", "wrong number of arguments");
    int64_t tid = 0;
    if (strcmp(sub, "revoke") == 0 && cli_parse_id(argv[3], &tid) != 0)
        return cli_usage("token", "トークンの ID が正しくありません: %s", "bad token id: %s",
                         argv[3]);
    store_t *st;
    actor_t as, owner;
    int rc = cli_store_session("token", &st, &as);
    if (rc >= 0)
        return rc;
    int ret = token_owner(st, &as, login, &owner);
    if (ret >= 0)
        goto out;
    ret = EXIT_OK;
    if (strcmp(sub, "add") == 0) {
        char token[STORE_TOKEN_LEN];
        int64_t id;
        if ((rc = store_token_create(st, &owner, argv[3], token, &id)) != ST_OK)
            ret = cli_store_fail(st, rc);
        else
            printf("%s\n", token);
        memset(token, 0, sizeof token);
    } else if (strcmp(sub, "list") == 0) {
        api_token_t *v = NULL;
        size_t n = 0;
        if ((rc = store_token_list(st, &owner, &v, &n)) != ST_OK) {
            ret = cli_store_fail(st, rc);
        } else {
            for (size_t i = 0; i < n; i++)
                printf("%lld\t%s\t%s\t%s\t%s\n", (long long)v[i].id, v[i].name,
                       v[i].created_at ? v[i].created_at : "-",
                       v[i].last_used_at ? v[i].last_used_at : "-",
                       v[i].revoked ? tr("失効", "revoked") : tr("有効", "active"));
            api_token_list_free(v, n);
        }
    } else {
        /* The token must be USER's; the store lets a user revoke only their
         * own, operators any. */
        api_token_t *v = NULL;
        size_t n = 0;
        bool mine = false;
        if ((rc = store_token_list(st, &owner, &v, &n)) == ST_OK)
            for (size_t i = 0; i < n; i++)
                mine = mine || v[i].id == tid;
        api_token_list_free(v, n);
        if (rc == ST_OK && !mine) {
            cli_error("%s にトークン %lld はありません", "%s has no token %lld", login,
                      (long long)tid);
            ret = EXIT_FAIL;
        } else if (rc != ST_OK ||
                   (rc = store_token_revoke(st, as.operator_ ? &as : &owner, tid)) != ST_OK)
            ret = cli_store_fail(st, rc);
        else
            printf(tr("トークン %lld を失効させました\n", "revoked token %lld\n"), (long long)tid);
    }
out:
    store_close(st);
    return ret;
}
