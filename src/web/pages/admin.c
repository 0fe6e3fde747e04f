/*
 * admin.c — the administration page family (see pages.h): organizations,
 * users, connections, catalogs and opening assessments, on one page
 * (/admin) with a form per task under /admin/….
 *
 * Who sees what is the store's business: every list is the store's list
 * for the actor (an organization's admin sees its own users and its own
 * connections, never another tenant's), and every form calls the store as
 * the actor, whose refusal is shown as a message with its status (another
 * tenant's object answers 404, like a missing one).  The page only decides
 * which forms to offer, from the actor's kind and role:
 *   - organizations: operators list and create them;
 *   - users: operators (any organization, operators too) and organization
 *     admins (their own organization);
 *   - connections: operators and bank admins create them and change their
 *     state; other parties see them;
 *   - catalogs: everyone sees the editions; operators import one by upload
 *     (the seed's text, CSV, JSON or XLSX, through the formats readers);
 *   - opening an assessment: bank users who may (ACT_OPEN).
 * Pages of this family refuse API bearer tokens (403), like auth.c's.
 */
#include "web/pages/pages.h"

#include "core/wareki.h"
#include "formats/builtin.h"
#include "formats/csv.h"
#include "formats/json_io.h"
#include "formats/seed.h"
#include "formats/xlsx.h"
#include "util/diag.h"
#include "util/xmem.h"
#include "web/ctx.h"
#include "web/html.h"
#include "web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* What the page shows above the sections after a form was handled. */
typedef struct admin_view {
    const char *notice;
    const char *error;
    const diag_t *diag; /* problems of an uploaded catalog, or NULL */
} admin_view_t;

static bool is_operator(const web_ctx_t *c)
{
    return c->actor.operator_;
}

static bool is_org_admin(const web_ctx_t *c)
{
    return c->actor.role == ROLE_ADMIN && c->actor.org_id != 0;
}

static bool is_bank_opener(const web_ctx_t *c)
{
    return c->actor.org_id && c->actor.org_kind == ORG_BANK &&
           (c->actor.role == ROLE_ADMIN || c->actor.role == ROLE_REVIEWER ||
            c->actor.role == ROLE_EDITOR);
}

/* May the actor open /admin at all? */
static bool admin_allowed(const web_ctx_t *c)
{
    return !c->bearer && (is_operator(c) || is_org_admin(c) || is_bank_opener(c));
}

static const char *kind_label(const web_ctx_t *c, org_kind_t k)
{
    return k == ORG_BANK ? web_tr(c, "銀行", "bank")
                         : web_tr(c, "API接続先 (電子決済等代行業者)", "partner (電子決済等代行業者)");
}

static const char *role_label(const web_ctx_t *c, role_t r)
{
    switch (r) {
    case ROLE_ADMIN: return web_tr(c, "管理者", "admin");
    case ROLE_REVIEWER: return web_tr(c, "審査担当", "reviewer");
    case ROLE_EDITOR: return web_tr(c, "回答担当", "editor");
    case ROLE_VIEWER: return web_tr(c, "閲覧者", "viewer");
    }
    return "";
}

static const char *scope_label(const web_ctx_t *c, const char *scope)
{
    if (scope && strcmp(scope, "read") == 0)
        return web_tr(c, "参照系", "参照系 (read)");
    if (scope && strcmp(scope, "write") == 0)
        return web_tr(c, "更新系", "更新系 (write)");
    return scope ? scope : "";
}

static const char *const conn_states[] = { "planned", "active", "suspended", "ended" };

static const char *state_label(const web_ctx_t *c, const char *s)
{
    if (!s)
        return "";
    if (strcmp(s, "planned") == 0)
        return web_tr(c, "準備中", "planned");
    if (strcmp(s, "active") == 0)
        return web_tr(c, "接続中", "active");
    if (strcmp(s, "suspended") == 0)
        return web_tr(c, "停止中", "suspended");
    if (strcmp(s, "ended") == 0)
        return web_tr(c, "終了", "ended");
    return s;
}

/* ---- small builders ------------------------------------------------------ */

static void label_for(html_t *h, const char *id, const char *text)
{
    html_open(h, "label", "for", id, NULL);
    html_txt(h, text);
    html_close(h, "label");
}

static void text_input(html_t *h, const char *label, const char *name, const char *type,
                       const char *value, bool required)
{
    char id[64];
    snprintf(id, sizeof id, "adm-%s", name);
    label_for(h, id, label);
    if (required)
        html_open(h, "input", "type", type, "id", id, "name", name, "value", value ? value : "",
                  "required", NULL, NULL);
    else
        html_open(h, "input", "type", type, "id", id, "name", name, "value", value ? value : "",
                  NULL);
}

static void option(html_t *h, const char *value, const char *text, bool selected)
{
    if (selected)
        html_open(h, "option", "value", value, "selected", NULL, NULL);
    else
        html_open(h, "option", "value", value, NULL);
    html_txt(h, text);
    html_close(h, "option");
}

static void submit(html_t *h, const char *text)
{
    html_open(h, "p", NULL);
    html_open(h, "button", "type", "submit", NULL);
    html_txt(h, text);
    html_close(h, "button");
    html_close(h, "p");
}

static void form_open(web_ctx_t *c, html_t *h, const char *action, bool upload)
{
    if (upload)
        html_open(h, "form", "method", "post", "action", action, "enctype",
                  "multipart/form-data", "class", "admin-form", NULL);
    else
        html_open(h, "form", "method", "post", "action", action, "class", "admin-form", NULL);
    html_csrf_field(h, c->csrf);
}

/* ---- sections ------------------------------------------------------------ */

static void section_orgs(web_ctx_t *c, html_t *h, org_t *orgs, size_t norgs)
{
    html_open(h, "section", "id", "orgs", "class", "panel", NULL);
    html_el(h, "h2", web_tr(c, "組織", "Organizations"));
    html_open(h, "table", NULL);
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    html_el(h, "th", "ID");
    html_el(h, "th", web_tr(c, "名称", "Name"));
    html_el(h, "th", web_tr(c, "種類", "Kind"));
    html_el(h, "th", web_tr(c, "登録番号 / 金融機関コード", "Registration no. / bank code"));
    html_close(h, "tr");
    html_close(h, "thead");
    html_open(h, "tbody", NULL);
    for (size_t i = 0; i < norgs; i++) {
        char rid[32];
        snprintf(rid, sizeof rid, "org-%lld", (long long)orgs[i].id);
        html_open(h, "tr", "id", rid, NULL);
        html_open(h, "td", NULL);
        html_txtf(h, "%lld", (long long)orgs[i].id);
        html_close(h, "td");
        html_el(h, "td", orgs[i].name);
        html_el(h, "td", kind_label(c, orgs[i].kind));
        html_el(h, "td", orgs[i].reg_no ? orgs[i].reg_no : "-");
        html_close(h, "tr");
    }
    html_close(h, "tbody");
    html_close(h, "table");
    if (is_operator(c)) {
        html_el(h, "h3", web_tr(c, "組織を登録", "Register an organization"));
        form_open(c, h, "/admin/orgs", false);
        label_for(h, "adm-kind", web_tr(c, "種類", "Kind"));
        html_open(h, "select", "id", "adm-kind", "name", "kind", NULL);
        option(h, "bank", kind_label(c, ORG_BANK), false);
        option(h, "partner", kind_label(c, ORG_PARTNER), false);
        html_close(h, "select");
        text_input(h, web_tr(c, "名称", "Name"), "name", "text", NULL, true);
        text_input(h, web_tr(c, "登録番号 (例: 関東財務局長(電代)第1号) / 金融機関コード",
                             "Registration number (e.g. 関東財務局長(電代)第1号) / bank code"),
                   "reg_no", "text", NULL, false);
        submit(h, web_tr(c, "登録", "Register"));
        html_close(h, "form");
    }
    html_close(h, "section");
}

static const char *org_name(org_t *orgs, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (orgs[i].id == id)
            return orgs[i].name;
    return "-";
}

static void section_users(web_ctx_t *c, html_t *h, org_t *orgs, size_t norgs)
{
    if (!is_operator(c) && !is_org_admin(c))
        return;
    user_t *us = NULL;
    size_t n = 0;
    html_open(h, "section", "id", "users", "class", "panel", NULL);
    html_el(h, "h2", web_tr(c, "利用者", "Users"));
    if (store_user_list(c->st, &c->actor, &us, &n) == ST_OK) {
        html_open(h, "table", NULL);
        html_open(h, "thead", NULL);
        html_open(h, "tr", NULL);
        html_el(h, "th", web_tr(c, "ログイン名", "Login"));
        html_el(h, "th", web_tr(c, "表示名", "Display name"));
        html_el(h, "th", web_tr(c, "組織", "Organization"));
        html_el(h, "th", web_tr(c, "役割", "Role"));
        html_close(h, "tr");
        html_close(h, "thead");
        html_open(h, "tbody", NULL);
        for (size_t i = 0; i < n; i++) {
            html_open(h, "tr", NULL);
            html_el(h, "td", us[i].login);
            html_el(h, "td", us[i].display_name);
            html_el(h, "td", us[i].is_operator ? web_tr(c, "(運用者)", "(operator)")
                                               : org_name(orgs, norgs, us[i].org_id));
            html_open(h, "td", NULL);
            html_txt(h, role_label(c, us[i].role));
            if (us[i].disabled)
                html_txt(h, web_tr(c, " (無効)", " (disabled)"));
            html_close(h, "td");
            html_close(h, "tr");
        }
        html_close(h, "tbody");
        html_close(h, "table");
    }
    if (n > 0) {
        html_el(h, "h3", web_tr(c, "パスワードを再設定", "Reset a password"));
        form_open(c, h, "/admin/users/password", false);
        label_for(h, "adm-reset-login", web_tr(c, "利用者", "User"));
        html_open(h, "select", "id", "adm-reset-login", "name", "login", NULL);
        for (size_t i = 0; i < n; i++)
            if (us[i].id != c->actor.user_id)
                option(h, us[i].login, us[i].login, false);
        html_close(h, "select");
        text_input(h, web_tr(c, "新しい初期パスワード (10 文字以上。その利用者のログインはすべて終了します)",
                             "New first password (10 characters or more; signs that user out "
                             "everywhere)"),
                   "password", "password", NULL, true);
        submit(h, web_tr(c, "再設定", "Reset"));
        html_close(h, "form");
    }
    user_list_free(us, n);
    html_el(h, "h3", web_tr(c, "利用者を登録", "Add a user"));
    form_open(c, h, "/admin/users", false);
    text_input(h, web_tr(c, "ログイン名 (英小文字・数字・. - _ @)", "Login (a-z, 0-9, . - _ @)"),
               "login", "text", NULL, true);
    text_input(h, web_tr(c, "表示名", "Display name"), "display_name", "text", NULL, false);
    label_for(h, "adm-org_id", web_tr(c, "組織", "Organization"));
    html_open(h, "select", "id", "adm-org_id", "name", "org_id", NULL);
    for (size_t i = 0; i < norgs; i++) {
        if (!is_operator(c) && orgs[i].id != c->actor.org_id)
            continue;
        char v[24];
        snprintf(v, sizeof v, "%lld", (long long)orgs[i].id);
        option(h, v, orgs[i].name, orgs[i].id == c->actor.org_id);
    }
    if (is_operator(c))
        option(h, "operator", web_tr(c, "(運用者: 組織なし)", "(operator: no organization)"),
               false);
    html_close(h, "select");
    label_for(h, "adm-role", web_tr(c, "役割", "Role"));
    html_open(h, "select", "id", "adm-role", "name", "role", NULL);
    static const role_t roles[] = { ROLE_VIEWER, ROLE_EDITOR, ROLE_REVIEWER, ROLE_ADMIN };
    for (size_t i = 0; i < 4; i++)
        option(h, role_code(roles[i]), role_label(c, roles[i]), roles[i] == ROLE_EDITOR);
    html_close(h, "select");
    text_input(h, web_tr(c, "初期パスワード (10 文字以上。本人に伝え、最初のログインで変更してもらいます)",
                         "First password (10 characters or more; tell the user, who changes it "
                         "at the first sign-in)"),
               "password", "password", NULL, true);
    submit(h, web_tr(c, "登録", "Add"));
    html_close(h, "form");
    html_close(h, "section");
}

static bool may_manage_connections(const web_ctx_t *c)
{
    return is_operator(c) || (is_org_admin(c) && c->actor.org_kind == ORG_BANK);
}

static void section_connections(web_ctx_t *c, html_t *h, org_t *orgs, size_t norgs,
                                connection_t *cs, size_t ncs)
{
    html_open(h, "section", "id", "connections", "class", "panel", NULL);
    html_el(h, "h2", web_tr(c, "接続 (銀行 × API接続先)", "Connections (bank × partner)"));
    bool manage = may_manage_connections(c);
    html_open(h, "table", NULL);
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    html_el(h, "th", "ID");
    html_el(h, "th", web_tr(c, "銀行", "Bank"));
    html_el(h, "th", web_tr(c, "API接続先", "Partner"));
    html_el(h, "th", web_tr(c, "API の範囲", "API scope"));
    html_el(h, "th", web_tr(c, "状態", "State"));
    html_close(h, "tr");
    html_close(h, "thead");
    html_open(h, "tbody", NULL);
    for (size_t i = 0; i < ncs; i++) {
        char rid[32];
        snprintf(rid, sizeof rid, "connection-%lld", (long long)cs[i].id);
        html_open(h, "tr", "id", rid, NULL);
        html_open(h, "td", NULL);
        html_txtf(h, "%lld", (long long)cs[i].id);
        html_close(h, "td");
        html_el(h, "td", cs[i].bank_name);
        html_el(h, "td", cs[i].partner_name);
        html_el(h, "td", scope_label(c, cs[i].scope));
        html_open(h, "td", NULL);
        bool own_bank = is_operator(c) || cs[i].bank_id == c->actor.org_id;
        if (manage && own_bank) {
            char action[64];
            snprintf(action, sizeof action, "/admin/connections/%lld/state", (long long)cs[i].id);
            html_open(h, "form", "method", "post", "action", action, "class", "inline", NULL);
            html_csrf_field(h, c->csrf);
            html_open(h, "select", "name", "state", "aria-label", web_tr(c, "状態", "State"),
                      NULL);
            for (size_t k = 0; k < 4; k++)
                option(h, conn_states[k], state_label(c, conn_states[k]),
                       cs[i].state && strcmp(cs[i].state, conn_states[k]) == 0);
            html_close(h, "select");
            html_open(h, "button", "type", "submit", "class", "secondary", NULL);
            html_txt(h, web_tr(c, "変更", "Change"));
            html_close(h, "button");
            html_close(h, "form");
        } else {
            html_txt(h, state_label(c, cs[i].state));
        }
        html_close(h, "td");
        html_close(h, "tr");
    }
    html_close(h, "tbody");
    html_close(h, "table");
    if (manage) {
        html_el(h, "h3", web_tr(c, "接続を登録", "Add a connection"));
        form_open(c, h, "/admin/connections", false);
        label_for(h, "adm-bank_id", web_tr(c, "銀行", "Bank"));
        html_open(h, "select", "id", "adm-bank_id", "name", "bank_id", NULL);
        for (size_t i = 0; i < norgs; i++) {
            if (orgs[i].kind != ORG_BANK || (!is_operator(c) && orgs[i].id != c->actor.org_id))
                continue;
            char v[24];
            snprintf(v, sizeof v, "%lld", (long long)orgs[i].id);
            option(h, v, orgs[i].name, false);
        }
        html_close(h, "select");
        label_for(h, "adm-partner_id", web_tr(c, "API接続先", "Partner"));
        html_open(h, "select", "id", "adm-partner_id", "name", "partner_id", NULL);
        for (size_t i = 0; i < norgs; i++) {
            if (orgs[i].kind != ORG_PARTNER)
                continue;
            char v[24];
            snprintf(v, sizeof v, "%lld", (long long)orgs[i].id);
            option(h, v, orgs[i].name, false);
        }
        html_close(h, "select");
        label_for(h, "adm-scope", web_tr(c, "API の範囲", "API scope"));
        html_open(h, "select", "id", "adm-scope", "name", "scope", NULL);
        option(h, "read", scope_label(c, "read"), true);
        option(h, "write", scope_label(c, "write"), false);
        html_close(h, "select");
        submit(h, web_tr(c, "登録", "Add"));
        html_close(h, "form");
    }
    html_close(h, "section");
}

static void section_catalogs(web_ctx_t *c, html_t *h, char **ids, size_t nids)
{
    html_open(h, "section", "id", "catalogs", "class", "panel", NULL);
    html_el(h, "h2", web_tr(c, "チェックリスト様式", "Checklist editions"));
    html_open(h, "table", NULL);
    html_open(h, "thead", NULL);
    html_open(h, "tr", NULL);
    html_el(h, "th", "ID");
    html_el(h, "th", web_tr(c, "題名", "Title"));
    html_el(h, "th", web_tr(c, "日付", "Date"));
    html_el(h, "th", web_tr(c, "項目数", "Items"));
    html_close(h, "tr");
    html_close(h, "thead");
    html_open(h, "tbody", NULL);
    for (size_t i = 0; i < nids; i++) {
        catalog_t *cat = store_catalog_get(c->st, ids[i]);
        html_open(h, "tr", NULL);
        html_el(h, "td", ids[i]);
        html_el(h, "td", cat && cat->title ? cat->title : "");
        html_el(h, "td", cat && cat->date ? cat->date : "");
        html_open(h, "td", NULL);
        html_txtf(h, "%zu", cat ? cat->nitems : (size_t)0);
        html_close(h, "td");
        html_close(h, "tr");
        catalog_free(cat);
    }
    html_close(h, "tbody");
    html_close(h, "table");
    if (is_operator(c)) {
        html_el(h, "h3", web_tr(c, "様式を取り込む", "Import an edition"));
        html_el(h, "p",
                web_tr(c, "原本のテキスト (.txt)、CSV、JSON、XLSX を読めます。一度取り込んだ版は変更できません。",
                       "The seed's text (.txt), CSV, JSON and XLSX are read. An edition, once "
                       "imported, never changes."));
        form_open(c, h, "/admin/catalogs", true);
        label_for(h, "adm-file", web_tr(c, "ファイル", "File"));
        html_open(h, "input", "type", "file", "id", "adm-file", "name", "file", "required", NULL,
                  "accept", ".txt,.tsv,.csv,.json,.xlsx", NULL);
        text_input(h, web_tr(c, "様式 ID (ファイルに無いとき)", "Edition id (when the file has none)"),
                   "id", "text", NULL, false);
        text_input(h, web_tr(c, "題名 (任意)", "Title (optional)"), "title", "text", NULL, false);
        text_input(h, web_tr(c, "日付 (任意。令和8年4月1日 のような和暦も可)",
                             "Date (optional; 和暦 such as 令和8年4月1日 too)"),
                   "date", "text", NULL, false);
        submit(h, web_tr(c, "取り込む", "Import"));
        html_close(h, "form");
    }
    html_close(h, "section");
}

/* "2026年度": the fiscal year (April–March) of today. */
static void this_round(char out[32])
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    int fy = tm.tm_year + 1900 - (tm.tm_mon < 3 ? 1 : 0);
    snprintf(out, 32, "%d年度", fy);
}

static void section_open(web_ctx_t *c, html_t *h, connection_t *cs, size_t ncs, char **ids,
                         size_t nids)
{
    if (!is_bank_opener(c))
        return;
    html_open(h, "section", "id", "open", "class", "panel", NULL);
    html_el(h, "h2", web_tr(c, "チェックを開始", "Open an assessment"));
    if (ncs == 0) {
        html_el(h, "p", web_tr(c, "接続がありません。", "There is no connection yet."));
        html_close(h, "section");
        return;
    }
    form_open(c, h, "/admin/assessments", false);
    label_for(h, "adm-connection_id", web_tr(c, "接続", "Connection"));
    html_open(h, "select", "id", "adm-connection_id", "name", "connection_id", NULL);
    for (size_t i = 0; i < ncs; i++) {
        char v[24], text[512];
        snprintf(v, sizeof v, "%lld", (long long)cs[i].id);
        snprintf(text, sizeof text, "%s (%s)", cs[i].partner_name ? cs[i].partner_name : "",
                 scope_label(c, cs[i].scope));
        option(h, v, text, false);
    }
    html_close(h, "select");
    label_for(h, "adm-catalog_id", web_tr(c, "チェックリスト様式", "Checklist edition"));
    html_open(h, "select", "id", "adm-catalog_id", "name", "catalog_id", NULL);
    for (size_t i = 0; i < nids; i++)
        option(h, ids[i], ids[i], strcmp(ids[i], BUILTIN_CATALOG_ID) == 0);
    html_close(h, "select");
    char round[32];
    this_round(round);
    text_input(h, web_tr(c, "回 (年度)", "Round (fiscal year)"), "round", "text", round, true);
    text_input(h, web_tr(c, "提出期限", "Due date"), "due", "date", NULL, false);
    /* Previous rounds to start from: the actor's assessments. */
    assessment_t *as = NULL;
    size_t na = 0;
    label_for(h, "adm-previous_id", web_tr(c, "前回の回答から始める", "Start from a previous round"));
    html_open(h, "select", "id", "adm-previous_id", "name", "previous_id", NULL);
    option(h, "", web_tr(c, "(使わない)", "(no)"), true);
    if (store_assessment_list(c->st, &c->actor, &as, &na) == ST_OK)
        for (size_t i = 0; i < na; i++) {
            char v[24], text[512];
            snprintf(v, sizeof v, "%lld", (long long)as[i].id);
            snprintf(text, sizeof text, "#%lld %s %s", (long long)as[i].id,
                     as[i].partner_name ? as[i].partner_name : "", as[i].round ? as[i].round : "");
            option(h, v, text, false);
        }
    assessment_list_free(as, na);
    html_close(h, "select");
    submit(h, web_tr(c, "開始", "Open"));
    html_close(h, "form");
    html_close(h, "section");
}

/* The whole page, with the outcome of a form (v may be NULL). */
static int admin_page(web_ctx_t *c, const admin_view_t *v)
{
    org_t *orgs = NULL;
    size_t norgs = 0;
    connection_t *cs = NULL;
    size_t ncs = 0;
    char **ids = NULL;
    size_t nids = 0;
    int rc;
    if ((rc = store_org_list(c->st, &c->actor, &orgs, &norgs)) != ST_OK ||
        (rc = store_connection_list(c->st, &c->actor, &cs, &ncs)) != ST_OK ||
        (rc = store_catalog_ids(c->st, &ids, &nids)) != ST_OK) {
        org_list_free(orgs, norgs);
        connection_list_free(cs, ncs);
        return web_status(rc);
    }
    html_t h;
    html_init(&h, &c->resp->body);
    web_page_begin(c, &h, web_tr(c, "管理", "Administration"));
    if (v && v->error)
        web_notice(&h, true, v->error);
    if (v && v->diag) {
        html_open(&h, "ul", "class", "problems", NULL);
        for (size_t i = 0; i < v->diag->n && i < 50; i++) {
            char *m = diag_format(v->diag, i, c->req->lang);
            html_el(&h, "li", m);
            free(m);
        }
        html_close(&h, "ul");
    }
    if (v && v->notice)
        web_notice(&h, false, v->notice);
    html_open(&h, "nav", "class", "toc", NULL);
    html_open(&h, "p", NULL);
    html_link(&h, "#orgs", web_tr(c, "組織", "Organizations"));
    html_txt(&h, " · ");
    if (is_operator(c) || is_org_admin(c)) {
        html_link(&h, "#users", web_tr(c, "利用者", "Users"));
        html_txt(&h, " · ");
    }
    html_link(&h, "#connections", web_tr(c, "接続", "Connections"));
    html_txt(&h, " · ");
    html_link(&h, "#catalogs", web_tr(c, "様式", "Editions"));
    if (is_bank_opener(c)) {
        html_txt(&h, " · ");
        html_link(&h, "#open", web_tr(c, "チェックを開始", "Open an assessment"));
    }
    html_txt(&h, " · ");
    html_link(&h, "/account#tokens", web_tr(c, "API トークン", "API tokens"));
    html_close(&h, "p");
    html_close(&h, "nav");
    section_orgs(c, &h, orgs, norgs);
    section_users(c, &h, orgs, norgs);
    section_connections(c, &h, orgs, norgs, cs, ncs);
    section_catalogs(c, &h, ids, nids);
    section_open(c, &h, cs, ncs, ids, nids);
    web_page_end(c, &h);
    org_list_free(orgs, norgs);
    connection_list_free(cs, ncs);
    for (size_t i = 0; i < nids; i++)
        free(ids[i]);
    free(ids);
    return html_failed(&h) ? 500 : 0;
}

/* The page again after a form: status from the store's verdict (another
 * tenant's object: 404, as for a missing one), its message on top. */
static int after(web_ctx_t *c, int rc, const char *done)
{
    admin_view_t v = { 0 };
    if (rc == ST_OK) {
        v.notice = done;
    } else {
        int status = web_status(rc);
        if (status >= 500)
            return status;
        c->resp->status = status;
        v.error = store_errmsg(c->st);
    }
    return admin_page(c, &v);
}

static int refuse(web_ctx_t *c, int status, const char *ja, const char *en)
{
    admin_view_t v = { 0 };
    v.error = web_tr(c, ja, en);
    c->resp->status = status;
    return admin_page(c, &v);
}

/* A positive id from a form field; 0 when absent or malformed. */
static int64_t form_id(const http_req_t *req, const char *name)
{
    const char *s = http_form(req, name);
    if (!s || !*s || *s == '0' || strlen(s) > 18)
        return 0;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/* ---- handlers ------------------------------------------------------------ */

/* GET /admin */
static int page_admin(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                      void *ctxp)
{
    (void)req;
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (!admin_allowed(c))
        return 403;
    return admin_page(c, NULL);
}

/* POST /admin/orgs — kind, name, reg_no. */
static int post_org(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                    void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (!admin_allowed(c))
        return 403;
    org_kind_t kind;
    const char *kind_s = http_form(req, "kind");
    if (!kind_s || org_kind_parse(kind_s, &kind) != 0)
        return refuse(c, 400, "種類は銀行か API接続先です", "the kind is bank or partner");
    const char *name = http_form(req, "name");
    const char *reg = http_form(req, "reg_no");
    int64_t id = 0;
    int rc = store_org_create(c->st, &c->actor, kind, name ? name : "", reg && *reg ? reg : NULL,
                              &id);
    return after(c, rc, web_tr(c, "組織を登録しました", "The organization was registered"));
}

/* POST /admin/users — login, display_name, org_id ("operator" for an
 * operator), role, password. */
static int post_user(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                     void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (!admin_allowed(c))
        return 403;
    user_t u = { 0 };
    u.login = (char *)http_form(req, "login");
    u.display_name = (char *)http_form(req, "display_name");
    const char *org = http_form(req, "org_id");
    if (org && strcmp(org, "operator") == 0)
        u.is_operator = true;
    else
        u.org_id = form_id(req, "org_id");
    const char *role = http_form(req, "role");
    if (!role || role_parse(role, &u.role) != 0)
        return refuse(c, 400, "役割を選んでください", "choose a role");
    const char *pw = http_form(req, "password");
    if (!u.login || !pw || strlen(pw) < 10)
        return refuse(c, 400, "ログイン名と 10 文字以上の初期パスワードを入力してください",
                      "enter a login and a first password of 10 characters or more");
    web_app_login_enter(c->app);
    int rc = store_user_create(c->st, &c->actor, &u, pw, NULL);
    web_app_login_leave(c->app);
    return after(c, rc, web_tr(c, "利用者を登録しました", "The user was added"));
}

/* POST /admin/users/password — login, password: an operator or the
 * user's organization admin gives a new first password; the user's
 * sessions end. */
static int post_user_password(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                              void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (!admin_allowed(c) || (!is_operator(c) && !is_org_admin(c)))
        return 403;
    const char *login = http_form(req, "login");
    const char *pw = http_form(req, "password");
    if (!login || !*login || !pw || strlen(pw) < 10)
        return refuse(c, 400, "利用者と 10 文字以上のパスワードを指定してください",
                      "choose a user and a password of 10 characters or more");
    /* The user must be one the actor may list: anyone else looks missing. */
    user_t *us = NULL;
    size_t n = 0;
    int64_t uid = 0;
    if (store_user_list(c->st, &c->actor, &us, &n) == ST_OK)
        for (size_t i = 0; i < n; i++)
            if (strcmp(us[i].login, login) == 0)
                uid = us[i].id;
    user_list_free(us, n);
    if (!uid)
        return refuse(c, 404, "その利用者はいません", "no such user");
    web_app_login_enter(c->app);
    int rc = store_user_set_password(c->st, &c->actor, login, pw);
    web_app_login_leave(c->app);
    if (rc == ST_OK && uid != c->actor.user_id)
        rc = store_session_end_user(c->st, uid, NULL);
    return after(c, rc, web_tr(c, "パスワードを再設定しました", "The password was reset"));
}

/* POST /admin/connections — bank_id, partner_id, scope. */
static int post_connection(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                           void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (!admin_allowed(c))
        return 403;
    int64_t bank = form_id(req, "bank_id"), partner = form_id(req, "partner_id");
    if (!bank || !partner)
        return refuse(c, 400, "銀行と API接続先を選んでください", "choose a bank and a partner");
    const char *scope = http_form(req, "scope");
    int rc = store_connection_create(c->st, &c->actor, bank, partner, scope ? scope : "", NULL);
    return after(c, rc, web_tr(c, "接続を登録しました", "The connection was added"));
}

/* POST /admin/connections/{id}/state — state. */
static int post_connection_state(const http_req_t *req, http_resp_t *resp,
                                 const route_params_t *p, void *ctxp)
{
    (void)resp;
    web_ctx_t *c = ctxp;
    if (!admin_allowed(c))
        return 403;
    const char *state = http_form(req, "state");
    int rc = store_connection_set_state(c->st, &c->actor, route_int(p, "id"), state ? state : "");
    return after(c, rc, web_tr(c, "接続の状態を変更しました", "The connection's state was changed"));
}

/* The reader for an uploaded edition, by the file name's extension. */
static catalog_t *read_edition(const http_file_t *f, diag_t *d)
{
    const char *dot = strrchr(f->filename ? f->filename : "", '.');
    const char *ext = dot ? dot + 1 : "";
    if (strcasecmp(ext, "txt") == 0 || strcasecmp(ext, "tsv") == 0)
        return seed_read(f->data, f->len, d);
    if (strcasecmp(ext, "csv") == 0)
        return catalog_from_csv(f->data, f->len, CSV_UTF8_BOM, d);
    if (strcasecmp(ext, "json") == 0)
        return catalog_from_json(f->data, f->len, d);
    if (strcasecmp(ext, "xlsx") == 0)
        return xlsx_read_catalog(f->data, f->len, d);
    diag_add(d, NULL, 0, 0, "形式が分かりません (.txt, .csv, .json, .xlsx)",
             "unknown format (.txt, .csv, .json, .xlsx)%s", "");
    return NULL;
}

/* POST /admin/catalogs — file, id, title, date (operators). */
static int post_catalog(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                        void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (!admin_allowed(c))
        return 403;
    if (!is_operator(c))
        return refuse(c, 403, "様式を取り込めるのは運用者だけです",
                      "only operators import editions");
    const http_file_t *f = http_file(req, "file");
    if (!f || f->len == 0)
        return refuse(c, 400, "ファイルを選んでください", "choose a file");
    diag_t d;
    diag_init(&d, f->filename);
    catalog_t *cat = read_edition(f, &d);
    int status = 0;
    admin_view_t v = { 0 };
    if (!cat || d.n) {
        status = 400;
        v.error = web_tr(c, "ファイルを様式として読めません", "the file cannot be read as an edition");
        v.diag = &d;
    } else {
        const char *id = http_form(req, "id"), *title = http_form(req, "title");
        const char *date = http_form(req, "date");
        if (id && *id) {
            free(cat->id);
            cat->id = xstrdup(id);
        }
        if (title && *title) {
            free(cat->title);
            cat->title = xstrdup(title);
        }
        char iso[11];
        char *why = NULL;
        if (date && *date && wareki_to_iso(date, iso) < 0) {
            status = 400;
            v.error = web_tr(c, "日付が読めません", "the date cannot be read");
        } else if (!cat->id || !*cat->id) {
            status = 400;
            v.error = web_tr(c, "様式 ID がありません。ID 欄に入力してください",
                             "the edition has no id: enter one");
        } else {
            if (date && *date) {
                free(cat->date);
                cat->date = xstrdup(iso);
            }
            if (!cat->title)
                cat->title = xstrdup(cat->id);
            if (catalog_check(cat, &why) < 0) {
                status = 400;
                v.error = web_tr(c, "様式として不正です", "not a valid edition");
            }
        }
        free(why);
        if (!status) {
            int rc = store_catalog_put(c->st, &c->actor, cat, false);
            catalog_free(cat);
            diag_free(&d);
            return after(c, rc, web_tr(c, "様式を取り込みました", "The edition was imported"));
        }
    }
    catalog_free(cat);
    c->resp->status = status;
    int r = admin_page(c, &v);
    diag_free(&d);
    return r;
}

/* POST /admin/assessments — connection_id, catalog_id, round, due,
 * previous_id; on success to the new assessment's page. */
static int post_assessment(const http_req_t *req, http_resp_t *resp, const route_params_t *p,
                           void *ctxp)
{
    (void)resp;
    (void)p;
    web_ctx_t *c = ctxp;
    if (!admin_allowed(c))
        return 403;
    int64_t conn = form_id(req, "connection_id");
    const char *cat = http_form(req, "catalog_id");
    const char *round = http_form(req, "round");
    const char *due = http_form(req, "due");
    if (!conn || !cat || !*cat || !round || !*round)
        return refuse(c, 400, "接続、様式、回 (年度) を指定してください",
                      "choose a connection, an edition and a round");
    char iso[11] = "";
    if (due && *due && wareki_to_iso(due, iso) < 0)
        return refuse(c, 400, "提出期限が日付として読めません", "the due date cannot be read");
    assessment_open_opt_t o = { 0 };
    o.round = round;
    o.due = due && *due ? iso : NULL;
    o.previous_id = form_id(req, "previous_id");
    int64_t id = 0;
    int rc = store_assessment_open(c->st, &c->actor, conn, cat, &o, &id);
    if (rc != ST_OK)
        return after(c, rc, NULL);
    char loc[48];
    snprintf(loc, sizeof loc, "/assessments/%lld", (long long)id);
    return http_resp_redirect(c->resp, loc) == 0 ? 0 : 500;
}

const route_t web_admin_routes[] = {
    { HTTP_GET, "/admin", page_admin, 0, 0 },
    { HTTP_POST, "/admin/orgs", post_org, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/admin/users", post_user, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/admin/users/password", post_user_password, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/admin/connections", post_connection, ROUTE_CHANGES_STATE, 0 },
    { HTTP_POST, "/admin/connections/{id:int}/state", post_connection_state, ROUTE_CHANGES_STATE,
      0 },
    { HTTP_POST, "/admin/catalogs", post_catalog, ROUTE_CHANGES_STATE | ROUTE_UPLOAD, 0 },
    { HTTP_POST, "/admin/assessments", post_assessment, ROUTE_CHANGES_STATE, 0 },
};
const size_t web_admin_nroutes = sizeof web_admin_routes / sizeof web_admin_routes[0];
