/*
 * store.c — opening the store, error reporting, actors, organizations,
 * users, connections and catalogs.  See store.h for the contract.
 */
#include "db/store_impl.h"

#include "db/migrate.h"
#include "formats/builtin.h"
#include "util/i18n.h"
#include "util/limits.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared helpers (store_impl.h) ----------------------------------- */

static char *vfmt(const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    char *p = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    if (n > 0)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    else
        p[0] = '\0';
    return p;
}

int st_fail(store_t *st, int code, const char *ja_fmt, const char *en_fmt, ...)
{
    va_list ap;
    va_start(ap, en_fmt);
    free(st->errmsg);
    st->errmsg = vfmt(tr(ja_fmt, en_fmt), ap);
    va_end(ap);
    return code;
}

int st_db_fail(store_t *st, int rc)
{
    const char *msg = db_errmsg(st->db);
    switch (rc) {
    case DB_ERR_UNIQUE:
        return st_fail(st, ST_EXISTS, "既に登録されています (%s)", "already exists (%s)", msg);
    case DB_ERR_BUSY:
        return st_fail(st, ST_BUSY,
                       "データベースが使用中です。少し待ってからやり直してください (%s)",
                       "the database is busy; try again shortly (%s)", msg);
    case DB_ERR_FK:
        return st_fail(st, ST_INVALID, "参照先がありません (%s)", "a referenced object is missing (%s)",
                       msg);
    case DB_ERR_CHECK:
        return st_fail(st, ST_INVALID, "値が不正です (%s)", "invalid value (%s)", msg);
    default:
        return st_fail(st, ST_DB, "データベースのエラー: %s", "database error: %s", msg);
    }
}

int st_wf_fail(store_t *st, wf_result_t r)
{
    switch (r) {
    case WF_OK: return ST_OK;
    case WF_NOT_FOUND: return st_fail(st, ST_NOT_FOUND, "%s", "%s", wf_result_message(r));
    case WF_FORBIDDEN: return st_fail(st, ST_FORBIDDEN, "%s", "%s", wf_result_message(r));
    case WF_BAD_STATE: return st_fail(st, ST_BAD_STATE, "%s", "%s", wf_result_message(r));
    case WF_WRONG_SIDE: return st_fail(st, ST_WRONG_SIDE, "%s", "%s", wf_result_message(r));
    }
    return ST_FORBIDDEN;
}

int st_abort(store_t *st, int rc)
{
    if (db_in_transaction(st->db))
        db_rollback(st->db);
    return rc;
}

int st_commit(store_t *st)
{
    int rc = db_commit(st->db);
    return rc == DB_OK ? ST_OK : st_db_fail(st, rc);
}

int st_begin_write(store_t *st)
{
    int rc = db_begin_write(st->db);
    return rc == DB_OK ? ST_OK : st_db_fail(st, rc);
}

static int bind_list(db_stmt_t *s, const char *types, va_list ap)
{
    int rc = DB_OK;
    for (int i = 0; types[i]; i++) {
        int n = i + 1;
        switch (types[i]) {
        case 's': rc = db_bind_text(s, n, va_arg(ap, const char *)); break;
        case 'i': rc = db_bind_int64(s, n, va_arg(ap, int64_t)); break;
        case 'n': rc = db_bind_int64(s, n, (int64_t)va_arg(ap, int)); break;
        default: abort();
        }
        if (rc < 0)
            return rc;
    }
    return DB_OK;
}

static db_stmt_t *vquery(store_t *st, int *step_rc, const char *sql, const char *types,
                         va_list ap)
{
    db_stmt_t *s = db_prepare(st->db, sql);
    if (!s) {
        st_db_fail(st, db_errcode(st->db));
        return NULL;
    }
    int rc = bind_list(s, types, ap);
    if (rc >= 0)
        rc = db_step(s);
    if (rc < 0) {
        st_db_fail(st, rc);
        db_finalize(s);
        return NULL;
    }
    *step_rc = rc;
    return s;
}

db_stmt_t *st_query(store_t *st, int *step_rc, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    db_stmt_t *s = vquery(st, step_rc, sql, types, ap);
    va_end(ap);
    return s;
}

int st_exec(store_t *st, int64_t *changes, const char *sql, const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    int step;
    db_stmt_t *s = vquery(st, &step, sql, types, ap);
    va_end(ap);
    if (!s)
        return st->errmsg ? ST_DB : ST_DB;
    if (changes)
        *changes = db_changes(s);
    db_finalize(s);
    return ST_OK;
}

char *st_col_dup(db_stmt_t *s, int col)
{
    return xstrdup(db_col_text(s, col));
}

void st_json_str(buf_t *b, const char *s)
{
    if (!s) {
        buf_adds(b, "null");
        return;
    }
    buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': buf_adds(b, "\\\""); break;
        case '\\': buf_adds(b, "\\\\"); break;
        case '\n': buf_adds(b, "\\n"); break;
        case '\r': buf_adds(b, "\\r"); break;
        case '\t': buf_adds(b, "\\t"); break;
        default:
            if (*p < 0x20)
                buf_printf(b, "\\u%04x", *p);
            else
                buf_addc(b, (char)*p);
        }
    }
    buf_addc(b, '"');
}

char *st_answer_json(const answer_t *a, int64_t version)
{
    buf_t b = BUF_INIT(0);
    buf_printf(&b, "{\"no\":%d,\"side\":\"%s\",\"version\":%lld,\"status\":", a->no,
               side_code(a->side), (long long)version);
    st_json_str(&b, a->status == STATUS_UNSET ? NULL : status_code(a->status));
    buf_adds(&b, ",\"current\":");
    st_json_str(&b, a->current);
    buf_adds(&b, ",\"gap\":");
    st_json_str(&b, a->gap);
    buf_adds(&b, ",\"plan\":");
    st_json_str(&b, a->plan);
    buf_adds(&b, ",\"due\":");
    st_json_str(&b, a->due);
    buf_adds(&b, ",\"note\":");
    st_json_str(&b, a->note);
    buf_addc(&b, '}');
    return buf_take(&b);
}

int st_assessment_target(store_t *st, int64_t assessment_id, wf_target_t *t, char **catalog_id)
{
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT c.bank_id, c.partner_id, a.state, a.catalog_id "
                            "FROM assessments a JOIN connections c ON c.id = a.connection_id "
                            "WHERE a.id = $1",
                            "i", assessment_id);
    if (!s)
        return ST_DB;
    if (step != DB_ROW) {
        db_finalize(s);
        return st_wf_fail(st, WF_NOT_FOUND);
    }
    t->bank_org_id = db_col_int64(s, 0);
    t->partner_org_id = db_col_int64(s, 1);
    if (wf_state_parse(db_col_text(s, 2), &t->state) < 0)
        t->state = WF_DRAFT;
    if (catalog_id)
        *catalog_id = st_col_dup(s, 3);
    db_finalize(s);
    return ST_OK;
}

/* ---- opening ----------------------------------------------------------- */

store_t *store_open(const char *url, const store_open_opt_t *opt, char **err)
{
    store_open_opt_t none = { 0 };
    if (!opt)
        opt = &none;
    if (sodium_init() < 0) {
        *err = xstrdup(tr("libsodium を初期化できません", "cannot initialise libsodium"));
        return NULL;
    }
    db_open_opt_t dopt = { 0 };
    dopt.busy_timeout_ms = opt->busy_timeout_ms;
    dopt.sync_normal = opt->sync_normal;
    dopt.must_exist = !opt->create;
    db_t *db = db_open(url, &dopt, err);
    if (!db)
        return NULL;
    store_t *st = xcalloc(1, sizeof *st);
    st->db = db;
    if (opt->create) {
        if (db_migrate(db, &st->from_version, &st->to_version, err) != DB_OK) {
            store_close(st);
            return NULL;
        }
        catalog_t *b = builtin_catalog();
        actor_t sys = store_system_actor();
        int rc = store_catalog_put(st, &sys, b, true);
        catalog_free(b);
        if (rc != ST_OK) {
            *err = xstrdup(st->errmsg ? st->errmsg : "?");
            store_close(st);
            return NULL;
        }
    } else if (db_schema_check(db, err) != DB_OK) {
        store_close(st);
        return NULL;
    }
    return st;
}

void store_close(store_t *st)
{
    if (!st)
        return;
    db_close(st->db);
    free(st->errmsg);
    free(st);
}

db_t *store_db(store_t *st)
{
    return st->db;
}

const char *store_errmsg(const store_t *st)
{
    return st->errmsg ? st->errmsg : "";
}

void store_migrated(const store_t *st, int *from, int *to)
{
    if (from)
        *from = st->from_version;
    if (to)
        *to = st->to_version;
}

/* ---- actors ----------------------------------------------------------- */

actor_t store_system_actor(void)
{
    actor_t a = { 0, 0, 0, ROLE_ADMIN, true };
    return a;
}

#define USER_COLS "u.id, u.org_id, o.kind, u.role, u.is_operator"

static void actor_from_row(db_stmt_t *s, actor_t *a)
{
    memset(a, 0, sizeof *a);
    a->user_id = db_col_int64(s, 0);
    a->org_id = db_col_int64(s, 1);
    org_kind_t k = 0;
    if (!db_col_is_null(s, 2))
        org_kind_parse(db_col_text(s, 2), &k);
    a->org_kind = k;
    role_t r = ROLE_VIEWER;
    role_parse(db_col_text(s, 3), &r);
    a->role = r;
    a->operator_ = db_col_int64(s, 4) != 0;
}

int store_actor(store_t *st, const char *login, actor_t *out)
{
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT " USER_COLS " FROM users u LEFT JOIN organizations o "
                            "ON o.id = u.org_id WHERE u.login = $1 AND u.disabled = 0 "
                            "AND (o.id IS NULL OR o.disabled = 0)",
                            "s", login);
    if (!s)
        return ST_DB;
    int rc = ST_OK;
    if (step == DB_ROW)
        actor_from_row(s, out);
    else
        rc = st_fail(st, ST_NOT_FOUND, "利用者 %s はいません", "no user %s", login);
    db_finalize(s);
    return rc;
}

int store_login(store_t *st, const char *login, const char *password, actor_t *out)
{
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT " USER_COLS ", u.pw_hash FROM users u LEFT JOIN "
                            "organizations o ON o.id = u.org_id WHERE u.login = $1 AND "
                            "u.disabled = 0 AND (o.id IS NULL OR o.disabled = 0)",
                            "s", login);
    if (!s)
        return ST_DB;
    bool ok = false;
    if (step == DB_ROW && !db_col_is_null(s, 5)) {
        const char *hash = db_col_text(s, 5);
        ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
        if (ok)
            actor_from_row(s, out);
    } else {
        /* Spend the same effort for an unknown login. */
        char dummy[crypto_pwhash_STRBYTES];
        crypto_pwhash_str(dummy, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE);
    }
    db_finalize(s);
    if (!ok)
        return st_fail(st, ST_NOT_FOUND, "ログイン名またはパスワードが違います",
                       "wrong login or password");
    return ST_OK;
}

static int hash_password(store_t *st, const char *password, char out[crypto_pwhash_STRBYTES])
{
    size_t n = strlen(password);
    if (n < 10 || n > 1024)
        return st_fail(st, ST_INVALID, "パスワードは 10 文字以上 1024 バイト以下にしてください",
                       "passwords have 10 to 1024 characters");
    if (!utf8_valid(password, n, NULL))
        return st_fail(st, ST_INVALID, "パスワードが UTF-8 ではありません",
                       "the password is not UTF-8");
    if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return st_fail(st, ST_DB, "パスワードを処理できません (メモリ不足)",
                       "cannot hash the password (out of memory)");
    return ST_OK;
}

/* ---- validation --------------------------------------------------------- */

static int check_text(store_t *st, const char *what, const char *v, size_t max, bool required)
{
    if (!v || !*v) {
        if (required)
            return st_fail(st, ST_INVALID, "%s を指定してください", "%s is required", what);
        return ST_OK;
    }
    size_t n = strlen(v);
    if (n > max)
        return st_fail(st, ST_INVALID, "%s が長すぎます (%zu バイトまで)",
                       "%s is too long (at most %zu bytes)", what, max);
    if (!utf8_valid(v, n, NULL))
        return st_fail(st, ST_INVALID, "%s が UTF-8 ではありません", "%s is not UTF-8", what);
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p < 0x20)
            return st_fail(st, ST_INVALID, "%s に制御文字があります",
                           "%s holds a control character", what);
    return ST_OK;
}

/* ---- organizations ---------------------------------------------------- */

int store_org_create(store_t *st, const actor_t *a, org_kind_t kind, const char *name,
                     const char *reg_no, int64_t *id)
{
    if (!a->operator_)
        return st_wf_fail(st, WF_FORBIDDEN);
    int rc;
    if ((rc = check_text(st, tr("組織名", "organization name"), name, 200, true)) ||
        (rc = check_text(st, tr("登録番号", "registration number"), reg_no, 100, false)))
        return rc;
    if (kind != ORG_BANK && kind != ORG_PARTNER)
        return st_fail(st, ST_INVALID, "組織の種類は bank か partner です",
                       "the kind is bank or partner");
    if ((rc = st_begin_write(st)))
        return rc;
    char now[DB_NOW_LEN];
    db_now(now);
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "INSERT INTO organizations (kind, name, reg_no, created_at, "
                            "updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
                            "ssss", org_kind_code(kind), name, reg_no && *reg_no ? reg_no : NULL,
                            now);
    if (!s)
        return st_abort(st, st->errmsg ? (db_errcode(st->db) == DB_ERR_UNIQUE ? ST_EXISTS : ST_DB)
                                       : ST_DB);
    int64_t oid = db_col_int64(s, 0);
    db_finalize(s);
    buf_t after = BUF_INIT(0);
    buf_printf(&after, "{\"kind\":\"%s\",\"name\":", org_kind_code(kind));
    st_json_str(&after, name);
    buf_adds(&after, ",\"reg_no\":");
    st_json_str(&after, reg_no);
    buf_addc(&after, '}');
    char oid_s[24];
    snprintf(oid_s, sizeof oid_s, "%lld", (long long)oid);
    rc = store_audit_append(st, a, "org.create", "org", oid_s, NULL, buf_str(&after));
    buf_free(&after);
    if (rc)
        return st_abort(st, rc);
    if ((rc = st_commit(st)))
        return rc;
    if (id)
        *id = oid;
    return ST_OK;
}

static void org_from_row(db_stmt_t *s, org_t *o)
{
    o->id = db_col_int64(s, 0);
    org_kind_t k = ORG_BANK;
    org_kind_parse(db_col_text(s, 1), &k);
    o->kind = k;
    o->name = st_col_dup(s, 2);
    o->reg_no = st_col_dup(s, 3);
    o->disabled = db_col_int64(s, 4) != 0;
}

/* May the actor see organization oid?  Operators, members, and the other
 * party of one of the actor's connections. */
static bool org_visible(store_t *st, const actor_t *a, int64_t oid)
{
    if (a->operator_ || (a->org_id && a->org_id == oid))
        return true;
    if (!a->org_id)
        return false;
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT 1 FROM connections WHERE (bank_id = $1 AND partner_id = $2) "
                            "OR (bank_id = $2 AND partner_id = $1)",
                            "ii", a->org_id, oid);
    if (!s)
        return false;
    bool ok = step == DB_ROW;
    db_finalize(s);
    return ok;
}

#define ORG_COLS "id, kind, name, reg_no, disabled"

int store_org_get(store_t *st, const actor_t *a, const char *key, org_t *out)
{
    memset(out, 0, sizeof *out);
    char *end;
    long long id = strtoll(key, &end, 10);
    int step;
    db_stmt_t *s = *key && !*end
                       ? st_query(st, &step, "SELECT " ORG_COLS " FROM organizations WHERE id = $1",
                                  "i", (int64_t)id)
                       : st_query(st, &step,
                                  "SELECT " ORG_COLS " FROM organizations WHERE name = $1", "s",
                                  key);
    if (!s)
        return ST_DB;
    int rc = ST_OK;
    if (step == DB_ROW)
        org_from_row(s, out);
    db_finalize(s);
    if (step != DB_ROW || !org_visible(st, a, out->id)) {
        org_clear(out);
        rc = st_fail(st, ST_NOT_FOUND, "組織 %s はありません", "no organization %s", key);
    }
    return rc;
}

int store_org_list(store_t *st, const actor_t *a, org_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int step;
    db_stmt_t *s = st_query(st, &step, "SELECT " ORG_COLS " FROM organizations ORDER BY id", "");
    if (!s)
        return ST_DB;
    size_t cap = 0;
    org_t *v = NULL;
    size_t cnt = 0;
    for (; step == DB_ROW; step = db_step(s)) {
        org_t o;
        org_from_row(s, &o);
        v = xgrow(v, &cap, cnt + 1, sizeof *v);
        v[cnt++] = o;
    }
    db_finalize(s);
    if (step < 0) {
        org_list_free(v, cnt);
        return st_db_fail(st, step);
    }
    /* Filter by visibility (few organizations per actor; clear code over a
     * clever query). */
    size_t w = 0;
    for (size_t i = 0; i < cnt; i++) {
        if (org_visible(st, a, v[i].id))
            v[w++] = v[i];
        else
            org_clear(&v[i]);
    }
    *out = v;
    *n = w;
    return ST_OK;
}

void org_clear(org_t *o)
{
    free(o->name);
    free(o->reg_no);
    memset(o, 0, sizeof *o);
}

void org_list_free(org_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        org_clear(&v[i]);
    free(v);
}
