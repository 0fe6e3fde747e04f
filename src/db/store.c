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
    st->last_rc = code;
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

int st_end_create(store_t *st, int rc, int64_t *id, int64_t new_id)
{
    if (rc)
        return st_abort(st, rc);
    if ((rc = st_commit(st)))
        return rc;
    if (id)
        *id = new_id;
    return ST_OK;
}

int st_begin_write(store_t *st)
{
    st->head_valid = false;
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

/* The highest $N in sql: every query must bind exactly that many values. */
static int max_param(const char *sql)
{
    int max = 0;
    for (const char *p = sql; *p; p++) {
        if (*p != '$')
            continue;
        int n = 0;
        while (p[1] >= '0' && p[1] <= '9')
            n = n * 10 + (*++p - '0');
        if (n > max)
            max = n;
    }
    return max;
}

static db_stmt_t *vquery(store_t *st, int *step_rc, const char *sql, const char *types,
                         va_list ap)
{
    if (max_param(sql) != (int)strlen(types)) {
        /* A programming error, caught by any test that runs the query. */
        fprintf(stderr, "apicheck: query binds %zu values for %d parameters: %s\n",
                strlen(types), max_param(sql), sql);
        abort();
    }
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
        return st->last_rc;
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
        return st->last_rc;
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
    dopt.pg_schema = opt->pg_schema;
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
    for (size_t i = 0; i < ST_CATALOG_CACHE; i++) {
        free(st->catalogs[i].catalog_id);
        catalog_free(st->catalogs[i].cat);
    }
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

void st_actor_from_row(db_stmt_t *s, actor_t *a)
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
        return st->last_rc;
    int rc = ST_OK;
    if (step == DB_ROW)
        st_actor_from_row(s, out);
    else
        rc = st_fail(st, ST_NOT_FOUND, "利用者 %s はいません", "no user %s", login);
    db_finalize(s);
    return rc;
}

int store_actor_by_id(store_t *st, int64_t user_id, actor_t *out)
{
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT " USER_COLS " FROM users u LEFT JOIN organizations o "
                            "ON o.id = u.org_id WHERE u.id = $1 AND u.disabled = 0 "
                            "AND (o.id IS NULL OR o.disabled = 0)",
                            "i", user_id);
    if (!s)
        return st->last_rc;
    int rc = ST_OK;
    if (step == DB_ROW)
        st_actor_from_row(s, out);
    else
        rc = st_fail(st, ST_NOT_FOUND, "ログインしてください", "please sign in");
    db_finalize(s);
    return rc;
}

int store_read_begin(store_t *st)
{
    if (st->read_depth > 0) {
        st->read_depth++;
        return ST_OK;
    }
    st->head_valid = false;
    int rc = db_begin_read(st->db);
    if (rc != DB_OK)
        return st_db_fail(st, rc);
    st->read_depth = 1;
    return ST_OK;
}

void store_read_end(store_t *st)
{
    if (st->read_depth <= 0 || --st->read_depth > 0)
        return;
    db_rollback(st->db); /* nothing to keep: it only read */
    st->head_valid = false;
    if (st->touch_what != ST_TOUCH_NONE) {
        st_touch_t what = st->touch_what;
        st->touch_what = ST_TOUCH_NONE;
        st_touch(st, what, st->touch_hash, st->touch_at);
    }
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
        return st->last_rc;
    bool ok = false;
    if (step == DB_ROW && !db_col_is_null(s, 5)) {
        const char *hash = db_col_text(s, 5);
        ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
        if (ok)
            st_actor_from_row(s, out);
    } else {
        /* Spend the same effort for an unknown login. */
        char dummy[crypto_pwhash_STRBYTES];
        int spent = crypto_pwhash_str(dummy, password, strlen(password),
                                      crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                      crypto_pwhash_MEMLIMIT_INTERACTIVE);
        (void)spent;
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
        return st_abort(st, st->last_rc);
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
    return st_end_create(st, rc, id, oid);
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

/* May the actor see organization oid (of the given kind)?  Operators,
 * members, the other party of one of the actor's connections, and — so
 * that a bank can connect one — any partner for a bank's users: registered
 * 電子決済等代行業者 are public record, a bank's customers are not. */
static bool org_visible(store_t *st, const actor_t *a, int64_t oid, org_kind_t kind)
{
    if (a->operator_ || (a->org_id && a->org_id == oid))
        return true;
    if (a->org_id && a->org_kind == ORG_BANK && kind == ORG_PARTNER)
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
        return st->last_rc;
    int rc = ST_OK;
    if (step == DB_ROW)
        org_from_row(s, out);
    db_finalize(s);
    if (step != DB_ROW || !org_visible(st, a, out->id, out->kind)) {
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
        return st->last_rc;
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
        if (org_visible(st, a, v[i].id, v[i].kind))
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

/* ---- users ------------------------------------------------------------ */

static bool login_valid(const char *login)
{
    size_t n = strlen(login);
    if (n < 2 || n > 64)
        return false;
    for (const char *p = login; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
              *p == '_' || *p == '@'))
            return false;
    return true;
}

static int64_t user_org(store_t *st, const char *login, bool *found)
{
    int step;
    db_stmt_t *s = st_query(st, &step, "SELECT org_id FROM users WHERE login = $1", "s", login);
    *found = false;
    if (!s)
        return 0;
    int64_t org = 0;
    if (step == DB_ROW) {
        *found = true;
        org = db_col_int64(s, 0);
    }
    db_finalize(s);
    return org;
}

int store_user_create(store_t *st, const actor_t *a, const user_t *u, const char *password,
                      int64_t *id)
{
    bool own_admin = a->role == ROLE_ADMIN && a->org_id && a->org_id == u->org_id &&
                     !u->is_operator;
    if (!a->operator_ && !own_admin)
        return st_wf_fail(st, a->org_id && a->org_id != u->org_id ? WF_NOT_FOUND : WF_FORBIDDEN);
    if (!u->login || !login_valid(u->login))
        return st_fail(st, ST_INVALID,
                       "ログイン名は英小文字・数字・. - _ @ の 2〜64 文字です",
                       "a login has 2 to 64 of a-z, 0-9, . - _ @");
    int rc;
    if ((rc = check_text(st, tr("表示名", "display name"), u->display_name, 200, false)))
        return rc;
    if (!u->is_operator && !u->org_id)
        return st_fail(st, ST_INVALID, "利用者は組織に属します (--org)",
                       "a user belongs to an organization (--org)");
    if (u->role < ROLE_VIEWER || u->role > ROLE_ADMIN)
        return st_fail(st, ST_INVALID, "役割が不正です", "invalid role");
    char hash[crypto_pwhash_STRBYTES];
    if (password && (rc = hash_password(st, password, hash)))
        return rc;
    if ((rc = st_begin_write(st)))
        return rc;
    char now[DB_NOW_LEN];
    db_now(now);
    int step;
    db_stmt_t *s = st_query(
        st, &step,
        "INSERT INTO users (login, display_name, pw_hash, role, org_id, is_operator, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6, $7, $7) RETURNING id",
        "ssssiis", u->login, u->display_name && *u->display_name ? u->display_name : u->login,
        password ? hash : NULL, role_code(u->role), u->org_id, (int64_t)(u->is_operator ? 1 : 0),
        now);
    if (!s)
        return st_abort(st, st->last_rc);
    int64_t uid = db_col_int64(s, 0);
    db_finalize(s);
    buf_t after = BUF_INIT(0);
    buf_adds(&after, "{\"login\":");
    st_json_str(&after, u->login);
    buf_printf(&after, ",\"role\":\"%s\",\"org_id\":%lld,\"operator\":%s}", role_code(u->role),
               (long long)u->org_id, u->is_operator ? "true" : "false");
    char uid_s[24];
    snprintf(uid_s, sizeof uid_s, "%lld", (long long)uid);
    rc = store_audit_append(st, a, "user.create", "user", uid_s, NULL, buf_str(&after));
    buf_free(&after);
    sodium_memzero(hash, sizeof hash);
    return st_end_create(st, rc, id, uid);
}

int store_user_set_password(store_t *st, const actor_t *a, const char *login,
                            const char *password)
{
    bool found;
    int64_t org = user_org(st, login, &found);
    if (!found)
        return st_fail(st, ST_NOT_FOUND, "利用者 %s はいません", "no user %s", login);
    actor_t target;
    bool self = store_actor(st, login, &target) == ST_OK && target.user_id == a->user_id &&
                a->user_id != 0;
    bool admin = a->role == ROLE_ADMIN && a->org_id && a->org_id == org;
    if (!a->operator_ && !self && !admin)
        return st_fail(st, ST_NOT_FOUND, "利用者 %s はいません", "no user %s", login);
    char hash[crypto_pwhash_STRBYTES];
    int rc = hash_password(st, password, hash);
    if (rc)
        return rc;
    if ((rc = st_begin_write(st)))
        return rc;
    char now[DB_NOW_LEN];
    db_now(now);
    rc = st_exec(st, NULL, "UPDATE users SET pw_hash = $1, updated_at = $2 WHERE login = $3",
                 "sss", hash, now, login);
    sodium_memzero(hash, sizeof hash);
    if (rc)
        return st_abort(st, rc);
    /* The audit event says that the password changed, never what to. */
    rc = store_audit_append(st, a, "user.password", "user", login, NULL, NULL);
    if (rc)
        return st_abort(st, rc);
    return st_commit(st);
}

int store_user_list(store_t *st, const actor_t *a, user_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT id, login, display_name, role, org_id, is_operator, disabled "
                            "FROM users WHERE $1 = 1 OR org_id = $2 ORDER BY id",
                            "ii", (int64_t)(a->operator_ ? 1 : 0), a->org_id);
    if (!s)
        return st->last_rc;
    user_t *v = NULL;
    size_t cnt = 0, cap = 0;
    for (; step == DB_ROW; step = db_step(s)) {
        v = xgrow(v, &cap, cnt + 1, sizeof *v);
        user_t *u = &v[cnt++];
        memset(u, 0, sizeof *u);
        u->id = db_col_int64(s, 0);
        u->login = st_col_dup(s, 1);
        u->display_name = st_col_dup(s, 2);
        role_t r = ROLE_VIEWER;
        role_parse(db_col_text(s, 3), &r);
        u->role = r;
        u->org_id = db_col_int64(s, 4);
        u->is_operator = db_col_int64(s, 5) != 0;
        u->disabled = db_col_int64(s, 6) != 0;
    }
    db_finalize(s);
    if (step < 0) {
        user_list_free(v, cnt);
        return st_db_fail(st, step);
    }
    *out = v;
    *n = cnt;
    return ST_OK;
}

void user_clear(user_t *u)
{
    free(u->login);
    free(u->display_name);
    memset(u, 0, sizeof *u);
}

void user_list_free(user_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        user_clear(&v[i]);
    free(v);
}

/* ---- connections ------------------------------------------------------ */

static int scope_norm(const char *in, const char **out)
{
    if (in && (strcmp(in, "read") == 0 || strcmp(in, "参照系") == 0)) {
        *out = "read";
        return 0;
    }
    if (in && (strcmp(in, "write") == 0 || strcmp(in, "更新系") == 0)) {
        *out = "write";
        return 0;
    }
    return -1;
}

int store_connection_create(store_t *st, const actor_t *a, int64_t bank_id,
                            int64_t partner_id, const char *scope, int64_t *id)
{
    bool bank_admin = a->role == ROLE_ADMIN && a->org_kind == ORG_BANK && a->org_id == bank_id;
    if (!a->operator_ && !bank_admin)
        return st_wf_fail(st, WF_FORBIDDEN);
    const char *sc;
    if (scope_norm(scope, &sc) < 0)
        return st_fail(st, ST_INVALID, "API の範囲は read (参照系) か write (更新系) です",
                       "the API scope is read (参照系) or write (更新系)");
    int rc;
    if ((rc = st_begin_write(st)))
        return rc;
    char now[DB_NOW_LEN];
    db_now(now);
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "INSERT INTO connections (bank_id, partner_id, scope, state, "
                            "created_at, updated_at) VALUES ($1, $2, $3, 'active', $4, $4) "
                            "RETURNING id",
                            "iiss", bank_id, partner_id, sc, now);
    if (!s) {
        if (st->last_rc == ST_INVALID)
            st_fail(st, ST_INVALID, "銀行と API接続先を指定してください (組織の種類を確認してください)",
                    "name a bank and a partner (check the organizations' kinds)");
        return st_abort(st, st->last_rc);
    }
    int64_t cid = db_col_int64(s, 0);
    db_finalize(s);
    char cid_s[24], after[160];
    snprintf(cid_s, sizeof cid_s, "%lld", (long long)cid);
    snprintf(after, sizeof after, "{\"bank_id\":%lld,\"partner_id\":%lld,\"scope\":\"%s\"}",
             (long long)bank_id, (long long)partner_id, sc);
    if ((rc = store_audit_append(st, a, "connection.create", "connection", cid_s, NULL, after)))
        return st_abort(st, rc);
    if ((rc = st_commit(st)))
        return rc;
    if (id)
        *id = cid;
    return ST_OK;
}

int store_connection_set_state(store_t *st, const actor_t *a, int64_t id, const char *state)
{
    static const char *const states[] = { "planned", "active", "suspended", "ended" };
    bool ok = false;
    for (size_t i = 0; i < 4; i++)
        ok = ok || (state && strcmp(state, states[i]) == 0);
    if (!ok)
        return st_fail(st, ST_INVALID, "状態は planned, active, suspended, ended のいずれかです",
                       "the state is planned, active, suspended or ended");
    int step;
    db_stmt_t *s = st_query(st, &step, "SELECT bank_id, partner_id, state FROM connections "
                                       "WHERE id = $1", "i", id);
    if (!s)
        return st->last_rc;
    int64_t bank = 0, partner = 0;
    char *before = NULL;
    if (step == DB_ROW) {
        bank = db_col_int64(s, 0);
        partner = db_col_int64(s, 1);
        before = st_col_dup(s, 2);
    }
    db_finalize(s);
    bool visible = a->operator_ || (a->org_id && (a->org_id == bank || a->org_id == partner));
    if (step != DB_ROW || !visible) {
        free(before);
        return st_fail(st, ST_NOT_FOUND, "接続 %lld はありません", "no connection %lld",
                       (long long)id);
    }
    if (!a->operator_ && !(a->org_id == bank && a->role == ROLE_ADMIN)) {
        free(before);
        return st_wf_fail(st, WF_FORBIDDEN);
    }
    int rc = st_begin_write(st);
    if (rc) {
        free(before);
        return rc;
    }
    char now[DB_NOW_LEN], id_s[24], b[64], af[64];
    db_now(now);
    snprintf(id_s, sizeof id_s, "%lld", (long long)id);
    snprintf(b, sizeof b, "{\"state\":\"%s\"}", before);
    snprintf(af, sizeof af, "{\"state\":\"%s\"}", state);
    free(before);
    if ((rc = st_exec(st, NULL, "UPDATE connections SET state = $1, updated_at = $2 WHERE id = $3",
                      "ssi", state, now, id)) ||
        (rc = store_audit_append(st, a, "connection.state", "connection", id_s, b, af)))
        return st_abort(st, rc);
    return st_commit(st);
}

int store_connection_list(store_t *st, const actor_t *a, connection_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT c.id, c.bank_id, c.partner_id, b.name, p.name, c.scope, "
                            "c.state FROM connections c JOIN organizations b ON b.id = c.bank_id "
                            "JOIN organizations p ON p.id = c.partner_id "
                            "WHERE $1 = 1 OR c.bank_id = $2 OR c.partner_id = $2 ORDER BY c.id",
                            "ii", (int64_t)(a->operator_ ? 1 : 0), a->org_id);
    if (!s)
        return st->last_rc;
    connection_t *v = NULL;
    size_t cnt = 0, cap = 0;
    for (; step == DB_ROW; step = db_step(s)) {
        v = xgrow(v, &cap, cnt + 1, sizeof *v);
        connection_t *c = &v[cnt++];
        c->id = db_col_int64(s, 0);
        c->bank_id = db_col_int64(s, 1);
        c->partner_id = db_col_int64(s, 2);
        c->bank_name = st_col_dup(s, 3);
        c->partner_name = st_col_dup(s, 4);
        c->scope = st_col_dup(s, 5);
        c->state = st_col_dup(s, 6);
    }
    db_finalize(s);
    if (step < 0) {
        connection_list_free(v, cnt);
        return st_db_fail(st, step);
    }
    *out = v;
    *n = cnt;
    return ST_OK;
}

void connection_clear(connection_t *c)
{
    free(c->bank_name);
    free(c->partner_name);
    free(c->scope);
    free(c->state);
    memset(c, 0, sizeof *c);
}

void connection_list_free(connection_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        connection_clear(&v[i]);
    free(v);
}

/* ---- catalogs --------------------------------------------------------- */

catalog_t *store_catalog_get(store_t *st, const char *id)
{
    int step;
    db_stmt_t *s = st_query(st, &step,
                            "SELECT id, title, edition_date, publisher FROM catalogs WHERE id = $1",
                            "s", id);
    if (!s)
        return NULL;
    if (step != DB_ROW) {
        db_finalize(s);
        st_fail(st, ST_NOT_FOUND, "チェックリスト様式 %s はありません", "no catalog %s", id);
        return NULL;
    }
    catalog_t *c = catalog_new();
    c->id = st_col_dup(s, 0);
    c->title = st_col_dup(s, 1);
    c->date = st_col_dup(s, 2);
    c->publisher = st_col_dup(s, 3);
    db_finalize(s);
    s = st_query(st, &step,
                 "SELECT item_no, category, objective, target, note FROM catalog_items "
                 "WHERE catalog_id = $1 ORDER BY item_no",
                 "s", id);
    if (!s) {
        catalog_free(c);
        return NULL;
    }
    for (; step == DB_ROW; step = db_step(s)) {
        item_t *it = catalog_add_item(c);
        it->no = (int)db_col_int64(s, 0);
        it->category = st_col_dup(s, 1);
        it->objective = st_col_dup(s, 2);
        it->target = target_parse(db_col_text(s, 3));
        it->note = st_col_dup(s, 4);
    }
    db_finalize(s);
    s = st_query(st, &step,
                 "SELECT item_no, source, clause, title, point FROM catalog_item_refs "
                 "WHERE catalog_id = $1 ORDER BY item_no, seq",
                 "s", id);
    if (!s) {
        catalog_free(c);
        return NULL;
    }
    for (; step == DB_ROW; step = db_step(s)) {
        item_t *it = (item_t *)catalog_find(c, (int)db_col_int64(s, 0));
        if (it)
            item_add_ref(it, db_col_text(s, 1), db_col_text(s, 2), db_col_text(s, 3),
                         db_col_text(s, 4));
    }
    db_finalize(s);
    if (step < 0) {
        st_db_fail(st, step);
        catalog_free(c);
        return NULL;
    }
    return c;
}

int store_catalog_ids(store_t *st, char ***ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    int step;
    db_stmt_t *s = st_query(st, &step, "SELECT id FROM catalogs ORDER BY id", "");
    if (!s)
        return st->last_rc;
    size_t cap = 0;
    for (; step == DB_ROW; step = db_step(s)) {
        *ids = xgrow(*ids, &cap, *n + 1, sizeof **ids);
        (*ids)[(*n)++] = st_col_dup(s, 0);
    }
    db_finalize(s);
    return step < 0 ? st_db_fail(st, step) : ST_OK;
}

int store_catalog_put(store_t *st, const actor_t *a, const catalog_t *c, bool builtin)
{
    if (!a->operator_)
        return st_wf_fail(st, WF_FORBIDDEN);
    char *why = NULL;
    if (catalog_check(c, &why) < 0) {
        int rc = st_fail(st, ST_INVALID, "様式として不正です: %s", "not a valid catalog: %s", why);
        free(why);
        return rc;
    }
    if (c->nitems > LIMIT_CATALOG_ITEMS)
        return st_fail(st, ST_INVALID, "項目が多すぎます", "too many items");
    catalog_t *old = store_catalog_get(st, c->id);
    if (old) {
        bool same = catalog_equal(old, c, NULL);
        catalog_free(old);
        if (same)
            return ST_OK;
        return st_fail(st, ST_EXISTS,
                       "様式 %s は既にあり、内容が異なります (版は変更できません)",
                       "catalog %s exists with different content (editions never change)", c->id);
    }
    int rc = st_begin_write(st);
    if (rc)
        return rc;
    char now[DB_NOW_LEN];
    db_now(now);
    rc = st_exec(st, NULL,
                 "INSERT INTO catalogs (id, title, edition_date, publisher, builtin, created_at) "
                 "VALUES ($1, $2, $3, $4, $5, $6)",
                 "ssssis", c->id, c->title, c->date, c->publisher, (int64_t)(builtin ? 1 : 0), now);
    for (size_t i = 0; rc == ST_OK && i < c->nitems; i++) {
        const item_t *it = &c->items[i];
        rc = st_exec(st, NULL,
                     "INSERT INTO catalog_items (catalog_id, item_no, category, objective, "
                     "target, note) VALUES ($1, $2, $3, $4, $5, $6)",
                     "snssss", c->id, it->no, it->category, it->objective,
                     target_code(it->target), it->note);
        for (size_t k = 0; rc == ST_OK && k < it->nrefs; k++) {
            const ref_t *r = &it->refs[k];
            rc = st_exec(st, NULL,
                         "INSERT INTO catalog_item_refs (catalog_id, item_no, seq, source, "
                         "clause, title, point) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                         "snnssss", c->id, it->no, (int)k + 1, r->source, r->clause, r->title,
                         r->point);
        }
    }
    if (rc == ST_OK) {
        char after[200];
        snprintf(after, sizeof after, "{\"items\":%zu,\"builtin\":%s}", c->nitems,
                 builtin ? "true" : "false");
        rc = store_audit_append(st, a, "catalog.import", "catalog", c->id, NULL, after);
    }
    if (rc)
        return st_abort(st, rc);
    return st_commit(st);
}
