/*
 * bench/genscale — a large database for the scale benchmark: BANKS banks ×
 * PARTNERS partners, every bank connected to every partner (fintechs
 * connect to many banks), one assessment per connection answered on every
 * item by both sides (39 partner and 15 bank answers of the built-in
 * 45-item checklist), in a mix of workflow states.
 *
 * usage: genscale DB_URL PASSWORD BANKS PARTNERS
 * prints "first_assessment_id assessments answers audit_events seconds".
 *
 * Organizations and users go through the store API (one user per
 * organization, without a password, plus "bench_bank", admin of the first
 * bank, and "bench_partner", editor of the first partner, with PASSWORD).
 * Connections, assessments and answers are written per bank with
 * INSERT … SELECT in one transaction each (the store API would take one
 * transaction per answer: hours, not minutes), with the columns the store
 * writes (versions, updated_by, timestamps).  Every row written so gets
 * its audit event, chained with the same audit_hash as the store's, so
 * `apicheck audit verify` passes: connection.create, assessment.open, and
 * one assessment.import per side — whose JSON here is a short summary
 * ({"generated":true,"answers":N}) where the store would list every
 * answer, so the audit table is smaller than real use would make it.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "db/db.h"
#include "db/store.h"
#include "formats/builtin.h"

#define BENCH_NAME "genscale"
#include "bench.h"

typedef struct gen {
    store_t *st;
    db_t *db;
    int64_t seq;                     /* the last audit event's */
    char prev[AUDIT_HASH_HEX];       /* … and its hash */
    int64_t events;
} gen_t;

static void db_die(gen_t *g, const char *what)
{
    die(what, db_errmsg(g->db));
}

static void chain_load(gen_t *g)
{
    db_stmt_t *s = db_prepare(g->db, "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
    if (!s)
        db_die(g, "audit");
    int rc = db_step(s);
    g->seq = 0;
    snprintf(g->prev, sizeof g->prev, "%s", AUDIT_GENESIS);
    if (rc == DB_ROW) {
        g->seq = db_col_int64(s, 0);
        snprintf(g->prev, sizeof g->prev, "%s", db_col_text(s, 1));
    } else if (rc != DB_DONE) {
        db_die(g, "audit");
    }
    db_finalize(s);
}

/* Append one event to the chain, as store_audit_append does. */
static void audit(gen_t *g, const char *now, int64_t user_id, const char *login, int64_t org_id,
                  const char *action, const char *type, const char *oid, const char *after)
{
    audit_event_t e = { g->seq + 1, now, user_id, login, org_id, action, type, oid, NULL, after,
                        g->prev };
    char hash[AUDIT_HASH_HEX];
    audit_hash(&e, hash);
    db_stmt_t *s = db_prepare(g->db,
                              "INSERT INTO audit_events (seq, occurred_at, user_id, user_login,"
                              " org_id, action, object_type, object_id, before_json, after_json,"
                              " prev_hash, hash) VALUES ($1, $2, NULLIF($3, 0), $4, NULLIF($5, 0),"
                              " $6, $7, $8, NULL, $9, $10, $11)");
    if (!s)
        db_die(g, "audit insert");
    db_bind_int64(s, 1, e.seq);
    db_bind_text(s, 2, now);
    db_bind_int64(s, 3, user_id);
    db_bind_text(s, 4, login);
    db_bind_int64(s, 5, org_id);
    db_bind_text(s, 6, action);
    db_bind_text(s, 7, type);
    db_bind_text(s, 8, oid);
    db_bind_text(s, 9, after);
    db_bind_text(s, 10, g->prev);
    db_bind_text(s, 11, hash);
    if (db_step(s) != DB_DONE)
        db_die(g, "audit insert");
    db_finalize(s);
    g->seq = e.seq;
    memcpy(g->prev, hash, sizeof hash);
    g->events++;
}

typedef struct gorg {
    int64_t id, user_id;
    char login[32];
} gorg_t;

static void make_org(gen_t *g, org_kind_t kind, int i, gorg_t *o)
{
    actor_t sys = store_system_actor();
    char name[128];
    if (kind == ORG_BANK)
        snprintf(name, sizeof name, "スケール銀行%03d", i + 1);
    else
        snprintf(name, sizeof name, "スケールペイ%05d株式会社", i + 1);
    if (store_org_create(g->st, &sys, kind, name, NULL, &o->id))
        die("org create", store_errmsg(g->st));
    snprintf(o->login, sizeof o->login, "%s%05d", kind == ORG_BANK ? "sb" : "sp", i + 1);
    user_t u = { .login = o->login, .display_name = o->login,
                 .role = kind == ORG_BANK ? ROLE_ADMIN : ROLE_EDITOR, .org_id = o->id };
    if (store_user_create(g->st, &sys, &u, NULL, &o->user_id))
        die("user create", store_errmsg(g->st));
}

/* Run a statement with integer and text parameters ("i"/"s" in types). */
static int64_t run(gen_t *g, const char *what, const char *sql, const char *types, ...)
{
    db_stmt_t *s = db_prepare(g->db, sql);
    if (!s)
        db_die(g, what);
    va_list ap;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        if (types[i] == 'i')
            db_bind_int64(s, i + 1, va_arg(ap, int64_t));
        else
            db_bind_text(s, i + 1, va_arg(ap, const char *));
    }
    va_end(ap);
    if (db_step(s) != DB_DONE)
        db_die(g, what);
    int64_t n = db_changes(s);
    db_finalize(s);
    return n;
}

/* Workflow states by connection id: 40% accepted, 20% in review, 10%
 * submitted, 10% returned, 20% draft. */
#define STATE_EXPR                                                                          \
    "CASE c.id % 10 WHEN 0 THEN 'draft' WHEN 1 THEN 'draft' WHEN 2 THEN 'submitted'"      \
    " WHEN 3 THEN 'returned' WHEN 4 THEN 'in_review' WHEN 5 THEN 'in_review'"             \
    " ELSE 'accepted' END"

static const char SQL_CONNECTIONS[] =
    "INSERT INTO connections (bank_id, partner_id, scope, state, created_at, updated_at)"
    " SELECT CAST($1 AS BIGINT), p.id, CASE WHEN p.id % 2 = 0 THEN 'read' ELSE 'write' END,"
    " 'active', CAST($2 AS TEXT), CAST($2 AS TEXT)"
    " FROM organizations p WHERE p.kind = 'partner' ORDER BY p.id";

static const char SQL_ASSESSMENTS[] =
    "INSERT INTO assessments (connection_id, catalog_id, round, due_date, state, version,"
    " created_by, created_at, updated_at, submitted_at, accepted_at)"
    " SELECT c.id, CAST($2 AS TEXT), '2026年度', '2026-12-25', " STATE_EXPR ","
    " CASE c.id % 10 WHEN 0 THEN 1 WHEN 1 THEN 1 ELSE 3 END, CAST($3 AS BIGINT),"
    " CAST($4 AS TEXT), CAST($4 AS TEXT),"
    " CASE WHEN c.id % 10 < 2 THEN NULL ELSE CAST($4 AS TEXT) END,"
    " CASE WHEN c.id % 10 >= 6 THEN CAST($4 AS TEXT) ELSE NULL END"
    " FROM connections c WHERE c.bank_id = $1 ORDER BY c.id";

/* Every item the side answers; statuses spread by item and assessment,
 * with a gap, a plan and its due date where the status is todo or
 * partial.  $1 bank, $2 current text, $3 gap, $4 plan, $5 now; the bank
 * side's user is $6, the partner side's its organization's user. */
#define STATUS_KEY "((a.id + i.item_no) % 8)"
#define ANSWERS_SQL(side, targets, user)                                                   \
    "INSERT INTO answers (assessment_id, item_no, side, status, current_text, gap_text,"   \
    " plan_text, plan_due, note, version, updated_by, updated_at)"                         \
    " SELECT a.id, i.item_no, '" side "',"                                                 \
    " CASE " STATUS_KEY " WHEN 0 THEN 'todo' WHEN 1 THEN 'partial' WHEN 2 THEN 'na'"       \
    " ELSE 'done' END, CAST($2 AS TEXT),"                                                  \
    " CASE WHEN " STATUS_KEY " < 2 THEN CAST($3 AS TEXT) END,"                             \
    " CASE WHEN " STATUS_KEY " < 2 THEN CAST($4 AS TEXT) END,"                             \
    " CASE WHEN " STATUS_KEY " < 2 THEN '2027-03-31' END, NULL, 1, " user ","              \
    " CAST($5 AS TEXT)"                                                                    \
    " FROM connections c JOIN assessments a ON a.connection_id = c.id"                     \
    " JOIN catalog_items i ON i.catalog_id = a.catalog_id"                                 \
    " WHERE c.bank_id = $1 AND i.target IN " targets " ORDER BY a.id, i.item_no"

static const char SQL_ANSWERS_PARTNER[] =
    ANSWERS_SQL("partner", "('partner', 'both')",
                "(SELECT min(u.id) FROM users u WHERE u.org_id = c.partner_id)");
static const char SQL_ANSWERS_BANK[] =
    ANSWERS_SQL("bank", "('bank', 'both')", "CAST($6 AS BIGINT)");

/* The counts of one bank's new rows ($1), for both organizations of each
 * connection, added to what is there (PostgreSQL only: see the top). */
static const char SQL_COUNT_ANSWERS[] =
    "INSERT INTO answer_counts (org_id, catalog_id, selection_id, item_no, side, status, n)"
    " SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), x.item_no, x.side, x.status,"
    " count(*) FROM connections c JOIN assessments a ON a.connection_id = c.id"
    " JOIN answers x ON x.assessment_id = a.id"
    " JOIN organizations o ON o.id IN (c.bank_id, c.partner_id)"
    " WHERE c.bank_id = $1 AND x.status IS NOT NULL"
    " GROUP BY o.id, a.catalog_id, COALESCE(a.selection_id, 0), x.item_no, x.side, x.status"
    " ON CONFLICT (org_id, catalog_id, selection_id, item_no, side, status)"
    " DO UPDATE SET n = answer_counts.n + EXCLUDED.n";
static const char SQL_COUNT_ASSESSMENTS[] =
    "INSERT INTO assessment_counts (org_id, catalog_id, selection_id, state, due_date, n)"
    " SELECT o.id, a.catalog_id, COALESCE(a.selection_id, 0), a.state,"
    " COALESCE(a.due_date, ''), count(*) FROM connections c"
    " JOIN assessments a ON a.connection_id = c.id"
    " JOIN organizations o ON o.id IN (c.bank_id, c.partner_id) WHERE c.bank_id = $1"
    " GROUP BY o.id, a.catalog_id, COALESCE(a.selection_id, 0), a.state, COALESCE(a.due_date, '')"
    " ON CONFLICT (org_id, catalog_id, selection_id, state, due_date)"
    " DO UPDATE SET n = assessment_counts.n + EXCLUDED.n";

static const char CURRENT[] = "多要素認証を導入済み。利用者のログイン時にワンタイムパスワードを要求し、"
                              "アクセスログを90日間保存している。";
static const char GAP[] = "不正ログインの検知が目視に頼っている。";
static const char PLAN[] = "検知ルールを導入し、自動で通知する。";

/* The audit events of one bank's new rows, in id order. */
static void bank_audit(gen_t *g, const gorg_t *bank, const gorg_t *partners, int np,
                       int64_t first_partner_id, const char *now, int partner_answers,
                       int bank_answers)
{
    db_stmt_t *s = db_prepare(g->db,
                              "SELECT c.id, c.partner_id, c.scope, a.id FROM connections c"
                              " JOIN assessments a ON a.connection_id = c.id"
                              " WHERE c.bank_id = $1 ORDER BY c.id LIMIT 1000000");
    if (!s)
        db_die(g, "audit rows");
    db_bind_int64(s, 1, bank->id);
    typedef struct { int64_t conn, partner, asm_id; char scope[8]; } r_t;
    r_t *rows = calloc((size_t)np, sizeof *rows);
    if (!rows)
        die("memory", "calloc");
    int n = 0, rc;
    while ((rc = db_step(s)) == DB_ROW && n < np) {
        rows[n].conn = db_col_int64(s, 0);
        rows[n].partner = db_col_int64(s, 1);
        snprintf(rows[n].scope, sizeof rows[n].scope, "%s", db_col_text(s, 2));
        rows[n].asm_id = db_col_int64(s, 3);
        n++;
    }
    if (rc != DB_ROW && rc != DB_DONE)
        db_die(g, "audit rows");
    db_finalize(s);
    char oid[32], after[256];
    for (int i = 0; i < n; i++) {
        const gorg_t *p = &partners[rows[i].partner - first_partner_id];
        snprintf(oid, sizeof oid, "%" PRId64, rows[i].conn);
        snprintf(after, sizeof after,
                 "{\"bank_id\":%" PRId64 ",\"partner_id\":%" PRId64 ",\"scope\":\"%s\"}",
                 bank->id, rows[i].partner, rows[i].scope);
        audit(g, now, 0, NULL, 0, "connection.create", "connection", oid, after);
        snprintf(oid, sizeof oid, "%" PRId64, rows[i].asm_id);
        snprintf(after, sizeof after,
                 "{\"connection_id\":%" PRId64 ",\"catalog_id\":\"%s\",\"round\":\"2026年度\","
                 "\"due\":\"2026-12-25\"}",
                 rows[i].conn, BUILTIN_CATALOG_ID);
        audit(g, now, bank->user_id, bank->login, bank->id, "assessment.open", "assessment", oid,
              after);
        snprintf(after, sizeof after, "{\"generated\":true,\"answers\":%d}", partner_answers);
        audit(g, now, p->user_id, p->login, p->id, "assessment.import", "assessment", oid, after);
        snprintf(after, sizeof after, "{\"generated\":true,\"answers\":%d}", bank_answers);
        audit(g, now, bank->user_id, bank->login, bank->id, "assessment.import", "assessment", oid,
              after);
    }
    free(rows);
}

static int64_t first_assessment(gen_t *g, int64_t bank_id)
{
    db_stmt_t *s = db_prepare(g->db,
                              "SELECT min(a.id) FROM connections c JOIN assessments a"
                              " ON a.connection_id = c.id WHERE c.bank_id = $1");
    if (!s)
        db_die(g, "first assessment");
    db_bind_int64(s, 1, bank_id);
    if (db_step(s) != DB_ROW)
        db_die(g, "first assessment");
    int64_t id = db_col_int64(s, 0);
    db_finalize(s);
    return id;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: genscale DB_URL PASSWORD BANKS PARTNERS\n");
        return 2;
    }
    int nb = count_of(argv[3], 1000), np = count_of(argv[4], 100000);
    double t0 = now_s();
    char *err = NULL;
    store_open_opt_t o = { .create = true, .sync_normal = true };
    gen_t g = { 0 };
    if (!(g.st = store_open(argv[1], &o, &err)))
        die(argv[1], err);
    g.db = store_db(g.st);
    gorg_t *banks = calloc((size_t)nb, sizeof *banks), *partners = calloc((size_t)np, sizeof *partners);
    if (!banks || !partners)
        die("memory", "calloc");
    for (int i = 0; i < nb; i++)
        make_org(&g, ORG_BANK, i, &banks[i]);
    for (int i = 0; i < np; i++) {
        make_org(&g, ORG_PARTNER, i, &partners[i]);
        if (i && partners[i].id != partners[0].id + i)
            die("partners", "ids are not consecutive");
    }
    actor_t sys = store_system_actor();
    user_t bu = { .login = "bench_bank", .display_name = "銀行 管理者", .role = ROLE_ADMIN,
                  .org_id = banks[0].id };
    user_t pu = { .login = "bench_partner", .display_name = "接続先 担当者", .role = ROLE_EDITOR,
                  .org_id = partners[0].id };
    if (store_user_create(g.st, &sys, &bu, argv[2], NULL) ||
        store_user_create(g.st, &sys, &pu, argv[2], NULL))
        die("user create", store_errmsg(g.st));
    int partner_answers = 0, bank_answers = 0;
    catalog_t *cat = builtin_catalog();
    for (size_t i = 0; cat && i < cat->nitems; i++) {
        partner_answers += side_answers(SIDE_PARTNER, cat->items[i].target);
        bank_answers += side_answers(SIDE_BANK, cat->items[i].target);
    }
    catalog_free(cat);
    int64_t answers = 0, assessments = 0;
    bool pg = db_engine(g.db) == DB_ENGINE_PG;
    if (pg && db_exec(g.db, "SET session_replication_role = replica") != DB_OK)
        db_die(&g, "session_replication_role");
    for (int b = 0; b < nb; b++) {
        char now[DB_NOW_LEN];
        db_now(now);
        if (db_begin_write(g.db) != DB_OK)
            db_die(&g, "begin");
        chain_load(&g);
        run(&g, "connections", SQL_CONNECTIONS, "is", banks[b].id, now);
        assessments += run(&g, "assessments", SQL_ASSESSMENTS, "isis", banks[b].id,
                           BUILTIN_CATALOG_ID, banks[b].user_id, now);
        answers += run(&g, "partner answers", SQL_ANSWERS_PARTNER, "issss", banks[b].id, CURRENT,
                       GAP, PLAN, now);
        answers += run(&g, "bank answers", SQL_ANSWERS_BANK, "issssi", banks[b].id, CURRENT, GAP,
                       PLAN, now, banks[b].user_id);
        if (pg) {
            run(&g, "answer counts", SQL_COUNT_ANSWERS, "i", banks[b].id);
            run(&g, "assessment counts", SQL_COUNT_ASSESSMENTS, "i", banks[b].id);
        }
        bank_audit(&g, &banks[b], partners, np, partners[0].id, now, partner_answers,
                   bank_answers);
        if (db_commit(g.db) != DB_OK)
            db_die(&g, "commit");
        if ((b + 1) % 10 == 0)
            fprintf(stderr, "genscale: %d/%d banks, %.0f s\n", b + 1, nb, now_s() - t0);
    }
    printf("%" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %.1f\n",
           first_assessment(&g, banks[0].id), assessments, answers, g.seq, now_s() - t0);
    free(banks);
    free(partners);
    store_close(g.st);
    return 0;
}
