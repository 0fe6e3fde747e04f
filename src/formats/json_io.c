/*
 * json_io — catalogs and answer sets as JSON (jansson), both ways.
 *
 * Readers are strict: the text is checked for size and nesting depth before
 * jansson sees it, parsed with duplicate keys rejected, and then every member
 * is type-checked against the documented shape.  Every problem is added to
 * the diag_t with its JSON path ("answers[3].status") and the reader goes on
 * looking for more; a reader that found any problem returns NULL.
 */
#include "formats/json_io.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/utf8.h"
#include "util/xmem.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Our documents nest five deep (root, items, item, references, reference);
 * anything deeper than LIMIT_JSON_DEPTH is refused before jansson recurses
 * into it. */

#define ANSWERS_FORMAT  "apicheck-answers"
#define ANSWERS_VERSION 1
/* An answer set holds at most one answer per item and side. */
#define LIMIT_ANSWERS   (2 * LIMIT_CATALOG_ITEMS)

/* ---------------------------------------------------------------- helpers */

/* "items[3]" + "note" -> "items[3].note" (path may be ""). */
static char *path_key(const char *path, const char *key)
{
    return *path ? xasprintf("%s.%s", path, key) : xstrdup(key);
}

/* The JSON type of v, in English and in Japanese. */
static const char *json_type_name(const json_t *v, bool ja)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return ja ? "オブジェクト" : "an object";
    case JSON_ARRAY: return ja ? "配列" : "an array";
    case JSON_STRING: return ja ? "文字列" : "a string";
    case JSON_INTEGER: return ja ? "整数" : "an integer";
    case JSON_REAL: return ja ? "小数" : "a number";
    case JSON_TRUE:
    case JSON_FALSE: return ja ? "真偽値" : "a boolean";
    case JSON_NULL: return "null";
    }
    return "?";
}

/* Both formats of a diag take the same arguments in the same order; a
 * "%.0s" consumes an argument meant for the other language. */
static void report_type(diag_t *d, const char *path, const char *want_ja, const char *want_en,
                        const json_t *v)
{
    diag_add(d, NULL, 0, 0, "%s: %s%.0sであるべきところが%s%.0sです",
             "%s: %.0s%s expected, found %.0s%s", path, want_ja, want_en,
             json_type_name(v, true), json_type_name(v, false));
}

static void report_missing(diag_t *d, const char *path)
{
    diag_add(d, NULL, 0, 0, "%s: 必須の項目がありません", "%s: required member is missing",
             path);
}

/* Report every member of obj whose key is not in known (NULL-terminated). */
static void check_keys(json_t *obj, const char *path, const char *const *known, diag_t *d)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(key, known[i]) == 0;
        if (!ok) {
            char *k = diag_clip(key);
            diag_add(d, NULL, 0, 0, "%s%s不明なキー「%s」があります", "%s%sunknown key '%s'",
                     path, *path ? ": " : "", k);
            free(k);
        }
    }
}

/* Check a string value: valid UTF-8, no longer than LIMIT_CELL_BYTES. */
static bool text_ok(json_t *v, const char *path, diag_t *d)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v), bad = 0;
    if (n > LIMIT_CELL_BYTES) {
        diag_add(d, NULL, 0, 0, "%s: 文字列が長すぎます（%zu バイト、上限 %u バイト）",
                 "%s: text too long (%zu bytes, at most %u)", path, n, LIMIT_CELL_BYTES);
        return false;
    }
    if (!utf8_valid(s, n, &bad) || strlen(s) != n) {
        diag_add(d, NULL, 0, 0, "%s: 不正な UTF-8 です（%zu バイト目）",
                 "%s: invalid UTF-8 (byte %zu)", path, bad);
        return false;
    }
    return true;
}

enum { OPTIONAL = 0, REQUIRED = 1 };

/* Read member key of obj as text into *out (fresh; NULL for null, missing or
 * ""), reporting problems.  A required member must be a non-empty string.
 * Returns 0 or -1 after reporting. */
static int get_text(json_t *obj, const char *path, const char *key, int required, char **out,
                    diag_t *d)
{
    *out = NULL;
    json_t *v = json_object_get(obj, key);
    char *p = path_key(path, key);
    int rc = 0;
    if (!v || json_is_null(v)) {
        if (required) {
            report_missing(d, p);
            rc = -1;
        }
    } else if (!json_is_string(v)) {
        report_type(d, p, "文字列", "a string", v);
        rc = -1;
    } else if (!text_ok(v, p, d)) {
        rc = -1;
    } else if (json_string_length(v) == 0) {
        if (required) {
            diag_add(d, NULL, 0, 0, "%s: 空の文字列は使えません", "%s: must not be empty", p);
            rc = -1;
        }
    } else {
        *out = xstrdup(json_string_value(v));
    }
    free(p);
    return rc;
}

/* Read member key of obj as an integer in [lo, hi]. Returns 0 or -1. */
static int get_int(json_t *obj, const char *path, const char *key, long lo, long hi, long *out,
                   diag_t *d)
{
    json_t *v = json_object_get(obj, key);
    char *p = path_key(path, key);
    int rc = -1;
    if (!v) {
        report_missing(d, p);
    } else if (!json_is_integer(v)) {
        report_type(d, p, "整数", "an integer", v);
    } else if (json_integer_value(v) < lo || json_integer_value(v) > hi) {
        diag_add(d, NULL, 0, 0, "%s: %lld は範囲外です（%ld〜%ld）",
                 "%s: %lld is out of range (%ld to %ld)", p,
                 (long long)json_integer_value(v), lo, hi);
    } else {
        *out = (long)json_integer_value(v);
        rc = 0;
    }
    free(p);
    return rc;
}

/* Refuse nesting deeper than LIMIT_JSON_DEPTH before parsing. */
static bool depth_ok(const char *s, size_t n)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (++depth > LIMIT_JSON_DEPTH)
                return false;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return true;
}

/* Parse text into a JSON value, reporting size, depth and syntax problems. */
static json_t *load(const char *text, size_t len, diag_t *d)
{
    if (len > LIMIT_FILE_BYTES) {
        diag_add(d, NULL, 0, 0, "ファイルが大きすぎます（%zu バイト、上限 %u バイト）",
                 "file too large (%zu bytes, at most %u)", len, LIMIT_FILE_BYTES);
        return NULL;
    }
    /* A UTF-8 byte-order mark, as Windows editors write, is not JSON. */
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }
    if (!depth_ok(text, len)) {
        diag_add(d, NULL, 0, 0, "入れ子が深すぎます（上限 %d 段）",
                 "nesting too deep (at most %d levels)", LIMIT_JSON_DEPTH);
        return NULL;
    }
    json_error_t err;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        char *msg = diag_clip(err.text);
        diag_add(d, NULL, err.line > 0 ? err.line : 0, 0,
                 "JSON として読めません（%d 文字目）: %s", "not valid JSON (column %d): %s",
                 err.column, msg);
        free(msg);
    }
    return root;
}

/* ---------------------------------------------------------------- catalog */

static const char *const root_keys[] = { "catalog", "items", NULL };
static const char *const meta_keys[] = { "id", "title", "date", "publisher", NULL };
static const char *const item_keys[] = { "no",         "category", "objective", "target",
                                         "references", "note",     NULL };
static const char *const ref_keys[] = { "source", "clause", "title", "point", NULL };

static void read_meta(json_t *meta, catalog_t *c, diag_t *d)
{
    if (!json_is_object(meta)) {
        report_type(d, "catalog", "オブジェクト", "an object", meta);
        return;
    }
    check_keys(meta, "catalog", meta_keys, d);
    if (get_text(meta, "catalog", "id", REQUIRED, &c->id, d) == 0) {
        for (const char *p = c->id; *p; p++) {
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
                  *p == '_' || *p == '.')) {
                char *v = diag_clip(c->id);
                diag_add(d, NULL, 0, 0,
                         "catalog.id: 「%s」には a-z、0-9、-、_、. 以外の文字は使えません",
                         "catalog.id: '%s' may hold only a-z, 0-9, '-', '_' and '.'", v);
                free(v);
                break;
            }
        }
    }
    get_text(meta, "catalog", "title", REQUIRED, &c->title, d);
    if (get_text(meta, "catalog", "date", OPTIONAL, &c->date, d) == 0 && c->date &&
        !date_valid_iso(c->date)) {
        char *v = diag_clip(c->date);
        diag_add(d, NULL, 0, 0, "catalog.date: 「%s」は YYYY-MM-DD 形式の日付ではありません",
                 "catalog.date: '%s' is not a date of the form YYYY-MM-DD", v);
        free(v);
    }
    get_text(meta, "catalog", "publisher", OPTIONAL, &c->publisher, d);
}

static void read_ref(json_t *r, const char *path, item_t *it, diag_t *d)
{
    if (!json_is_object(r)) {
        report_type(d, path, "オブジェクト", "an object", r);
        return;
    }
    check_keys(r, path, ref_keys, d);
    char *source = NULL, *clause = NULL, *title = NULL, *point = NULL;
    int bad = 0;
    bad |= get_text(r, path, "source", REQUIRED, &source, d);
    bad |= get_text(r, path, "clause", REQUIRED, &clause, d);
    bad |= get_text(r, path, "title", OPTIONAL, &title, d);
    bad |= get_text(r, path, "point", OPTIONAL, &point, d);
    if (source && !ref_source_known(source)) {
        char *v = diag_clip(source);
        diag_add(d, NULL, 0, 0,
                 "%s.source: 「%s」は既知の関連規定ではありません（%s、%s、%s のいずれか）",
                 "%s.source: '%s' is not a known source (one of %s, %s, %s)", path, v,
                 REF_SOURCE_FISC, REF_SOURCE_SECURITY, REF_SOURCE_PROTECT);
        free(v);
        bad = -1;
    }
    if (!bad)
        item_add_ref(it, source, clause, title, point);
    free(source);
    free(clause);
    free(title);
    free(point);
}

static void read_item(json_t *o, const char *path, catalog_t *c, diag_t *d)
{
    if (!json_is_object(o)) {
        report_type(d, path, "オブジェクト", "an object", o);
        return;
    }
    check_keys(o, path, item_keys, d);
    item_t *it = catalog_add_item(c);
    long no = 0;
    if (get_int(o, path, "no", 1, LIMIT_CATALOG_ITEMS, &no, d) == 0) {
        it->no = (int)no;
        if (no != (long)c->nitems)
            diag_add(d, NULL, 0, 0,
                     "%s.no: 通番は %zu であるべきです（項目は 1 から順に番号を振ります）",
                     "%s.no: should be %zu (items are numbered 1, 2, 3 … in order)", path,
                     c->nitems);
    }
    get_text(o, path, "category", REQUIRED, &it->category, d);
    get_text(o, path, "objective", REQUIRED, &it->objective, d);
    char *target = NULL;
    if (get_text(o, path, "target", REQUIRED, &target, d) == 0) {
        it->target = target_parse(target);
        if (!it->target) {
            char *v = diag_clip(target);
            diag_add(d, NULL, 0, 0,
                     "%s.target: 「%s」は対象者として不正です（partner、bank、both のいずれか）",
                     "%s.target: '%s' is not a valid target (partner, bank or both)", path, v);
            free(v);
        }
    }
    free(target);
    json_t *refs = json_object_get(o, "references");
    char *rp = path_key(path, "references");
    if (refs && !json_is_null(refs)) {
        if (!json_is_array(refs)) {
            report_type(d, rp, "配列", "an array", refs);
        } else if (json_array_size(refs) > LIMIT_REFS_PER_ITEM) {
            diag_add(d, NULL, 0, 0, "%s: 関連規定が多すぎます（%zu 件、上限 %d 件）",
                     "%s: too many references (%zu, at most %d)", rp, json_array_size(refs),
                     LIMIT_REFS_PER_ITEM);
        } else {
            size_t i;
            json_t *r;
            json_array_foreach(refs, i, r) {
                char *p = xasprintf("%s[%zu]", rp, i);
                read_ref(r, p, it, d);
                free(p);
            }
        }
    }
    free(rp);
    get_text(o, path, "note", OPTIONAL, &it->note, d);
}

catalog_t *catalog_from_json(const char *text, size_t len, diag_t *d)
{
    size_t before = diag_count(d);
    json_t *root = load(text, len, d);
    if (!root)
        return NULL;
    catalog_t *c = catalog_new();
    if (!json_is_object(root)) {
        report_type(d, "(root)", "オブジェクト", "an object", root);
        goto done;
    }
    check_keys(root, "", root_keys, d);
    json_t *meta = json_object_get(root, "catalog");
    if (!meta)
        report_missing(d, "catalog");
    else
        read_meta(meta, c, d);
    json_t *items = json_object_get(root, "items");
    if (!items) {
        report_missing(d, "items");
    } else if (!json_is_array(items)) {
        report_type(d, "items", "配列", "an array", items);
    } else if (json_array_size(items) == 0) {
        diag_add(d, NULL, 0, 0, "items: 項目がひとつもありません", "items: no items");
    } else if (json_array_size(items) > LIMIT_CATALOG_ITEMS) {
        diag_add(d, NULL, 0, 0, "items: 項目が多すぎます（%zu 件、上限 %d 件）",
                 "items: too many items (%zu, at most %d)", json_array_size(items),
                 LIMIT_CATALOG_ITEMS);
    } else {
        size_t i;
        json_t *o;
        json_array_foreach(items, i, o) {
            char *p = xasprintf("items[%zu]", i);
            read_item(o, p, c, d);
            free(p);
        }
    }
    if (diag_count(d) == before) {
        /* Everything above was checked member by member; this is the model's
         * own invariant check, kept as a safety net. */
        char *why = NULL;
        if (catalog_check(c, &why) < 0) {
            diag_add(d, NULL, 0, 0, "チェックリストが不正です: %s", "invalid catalog: %s", why);
            free(why);
        }
    }
done:
    json_decref(root);
    if (diag_count(d) != before) {
        catalog_free(c);
        return NULL;
    }
    return c;
}

/* ---------------------------------------------------------------- answers */

static const char *const ans_root_keys[] = { "format", "version", "catalog", "answers", NULL };
static const char *const answer_keys[] = { "no",   "side", "status", "current", "gap",
                                           "plan", "due",  "note",   NULL };

/* Read one answer entry; on any problem nothing is added to s. */
static void read_answer(json_t *o, const char *path, const catalog_t *cat, answerset_t *s,
                        diag_t *d)
{
    if (!json_is_object(o)) {
        report_type(d, path, "オブジェクト", "an object", o);
        return;
    }
    size_t before = diag_count(d);
    check_keys(o, path, answer_keys, d);
    long no = 0;
    int have_no = get_int(o, path, "no", 1, LIMIT_CATALOG_ITEMS, &no, d) == 0;
    const item_t *it = NULL;
    if (have_no && cat) {
        it = catalog_find(cat, (int)no);
        if (!it)
            diag_add(d, NULL, 0, 0, "%s.no: 通番 %ld はチェックリスト「%s」にありません",
                     "%s.no: item %ld is not in catalog '%s'", path, no, cat->id);
    }
    char *side_s = NULL;
    side_t side = SIDE_PARTNER;
    bool have_side = false;
    if (get_text(o, path, "side", REQUIRED, &side_s, d) == 0) {
        if (side_parse(side_s, &side) == 0) {
            have_side = true;
        } else {
            char *v = diag_clip(side_s);
            diag_add(d, NULL, 0, 0,
                     "%s.side: 「%s」は回答者として不正です（partner または bank）",
                     "%s.side: '%s' is not a valid side (partner or bank)", path, v);
            free(v);
        }
    }
    free(side_s);
    if (it && have_side && !side_answers(side, it->target))
        diag_add(d, NULL, 0, 0, "%s.side: 通番 %ld（対象者: %s%.0s）は%s%.0sが回答する項目ではありません",
                 "%s.side: item %ld (target: %.0s%s) is not answered by the %.0s%s side", path, no,
                 target_label(it->target), target_code(it->target), side_label(side),
                 side_code(side));
    status_t status = STATUS_UNSET;
    json_t *st = json_object_get(o, "status");
    if (st && !json_is_null(st)) {
        char *p = path_key(path, "status");
        if (!json_is_string(st)) {
            report_type(d, p, "文字列", "a string", st);
        } else if (text_ok(st, p, d) && status_parse(json_string_value(st), &status) < 0) {
            char *v = diag_clip(json_string_value(st));
            diag_add(d, NULL, 0, 0,
                     "%s: 「%s」は対応状況として不正です（done、partial、todo、na または "
                     "対応済、一部対応、未対応、該当なし）",
                     "%s: '%s' is not a valid status (done, partial, todo, na or 対応済, "
                     "一部対応, 未対応, 該当なし)",
                     p, v);
            free(v);
        }
        free(p);
    }
    char *current = NULL, *gap = NULL, *plan = NULL, *due = NULL, *note = NULL;
    get_text(o, path, "current", OPTIONAL, &current, d);
    get_text(o, path, "gap", OPTIONAL, &gap, d);
    get_text(o, path, "plan", OPTIONAL, &plan, d);
    if (get_text(o, path, "due", OPTIONAL, &due, d) == 0 && due && !date_valid_iso(due)) {
        char *v = diag_clip(due);
        diag_add(d, NULL, 0, 0, "%s.due: 「%s」は YYYY-MM-DD 形式の正しい日付ではありません",
                 "%s.due: '%s' is not a valid date of the form YYYY-MM-DD", path, v);
        free(v);
    }
    get_text(o, path, "note", OPTIONAL, &note, d);
    if (have_no && have_side && answerset_find(s, (int)no, side))
        diag_add(d, NULL, 0, 0, "%s: 通番 %ld（%s%.0s）の回答が重複しています",
                 "%s: duplicate answer for item %ld (%.0s%s)", path, no, side_label(side),
                 side_code(side));
    if (diag_count(d) == before) {
        answer_t *a = answerset_get(s, (int)no, side);
        a->status = status;
        answer_set_text(&a->current, current);
        answer_set_text(&a->gap, gap);
        answer_set_text(&a->plan, plan);
        answer_set_text(&a->due, due);
        answer_set_text(&a->note, note);
    }
    free(current);
    free(gap);
    free(plan);
    free(due);
    free(note);
}

answerset_t *answerset_from_json(const char *text, size_t len, const catalog_t *cat,
                                 diag_t *d)
{
    size_t before = diag_count(d);
    json_t *root = load(text, len, d);
    if (!root)
        return NULL;
    answerset_t *s = answerset_new(NULL);
    if (!json_is_object(root)) {
        report_type(d, "(root)", "オブジェクト", "an object", root);
        goto done;
    }
    check_keys(root, "", ans_root_keys, d);
    char *format = NULL;
    if (get_text(root, "", "format", REQUIRED, &format, d) == 0 &&
        strcmp(format, ANSWERS_FORMAT) != 0) {
        char *v = diag_clip(format);
        diag_add(d, NULL, 0, 0, "format: 「%s」ではなく「%s」であるべきです",
                 "format: '%s' should be '%s'", v, ANSWERS_FORMAT);
        free(v);
    }
    free(format);
    long version = 0;
    if (get_int(root, "", "version", 0, INT32_MAX, &version, d) == 0 &&
        version != ANSWERS_VERSION)
        diag_add(d, NULL, 0, 0, "version: 版 %ld には対応していません（対応するのは %d）",
                 "version: version %ld is not supported (only %d is)", version,
                 ANSWERS_VERSION);
    if (get_text(root, "", "catalog", REQUIRED, &s->catalog_id, d) == 0 && cat && cat->id &&
        strcmp(s->catalog_id, cat->id) != 0) {
        char *v = diag_clip(s->catalog_id);
        diag_add(d, NULL, 0, 0, "catalog: 回答のチェックリスト「%s」は「%s」と異なります",
                 "catalog: the answers are for catalog '%s', not '%s'", v, cat->id);
        free(v);
    }
    json_t *answers = json_object_get(root, "answers");
    if (!answers) {
        report_missing(d, "answers");
    } else if (!json_is_array(answers)) {
        report_type(d, "answers", "配列", "an array", answers);
    } else if (json_array_size(answers) > LIMIT_ANSWERS) {
        diag_add(d, NULL, 0, 0, "answers: 回答が多すぎます（%zu 件、上限 %d 件）",
                 "answers: too many answers (%zu, at most %d)", json_array_size(answers),
                 LIMIT_ANSWERS);
    } else {
        size_t i;
        json_t *o;
        json_array_foreach(answers, i, o) {
            char *p = xasprintf("answers[%zu]", i);
            read_answer(o, p, cat, s, d);
            free(p);
        }
    }
done:
    json_decref(root);
    if (diag_count(d) != before) {
        answerset_free(s);
        return NULL;
    }
    return s;
}

/* ---------------------------------------------------------------- writers */

/* Builders keep going after a failure and remember it in *ok, so the
 * callers stay linear; a failure means a model string was not UTF-8. */
static json_t *jtext(const char *s, bool *ok)
{
    if (!s || !*s)
        return json_null();
    json_t *v = json_string(s);
    if (!v) {
        *ok = false;
        return json_null();
    }
    return v;
}

static void jset(json_t *obj, const char *key, json_t *v, bool *ok)
{
    if (json_object_set_new(obj, key, v) < 0)
        *ok = false;
}

/* Serialise root (which is released) with the house layout: UTF-8, 2-space
 * indent, keys in insertion order, trailing newline.  NULL when !ok. */
static char *dump(json_t *root, bool ok)
{
    char *text = ok ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(root);
    if (!text)
        return NULL;
    char *out = xasprintf("%s\n", text);
    free(text);
    return out;
}

char *catalog_to_json(const catalog_t *c)
{
    bool ok = true;
    json_t *root = json_object();
    json_t *meta = json_object();
    jset(meta, "id", jtext(c->id, &ok), &ok);
    jset(meta, "title", jtext(c->title, &ok), &ok);
    jset(meta, "date", jtext(c->date, &ok), &ok);
    jset(meta, "publisher", jtext(c->publisher, &ok), &ok);
    jset(root, "catalog", meta, &ok);
    json_t *items = json_array();
    for (size_t i = 0; i < c->nitems; i++) {
        const item_t *it = &c->items[i];
        json_t *o = json_object();
        jset(o, "no", json_integer(it->no), &ok);
        jset(o, "category", jtext(it->category, &ok), &ok);
        jset(o, "objective", jtext(it->objective, &ok), &ok);
        jset(o, "target", jtext(target_code(it->target), &ok), &ok);
        json_t *refs = json_array();
        for (size_t k = 0; k < it->nrefs; k++) {
            const ref_t *r = &it->refs[k];
            json_t *ro = json_object();
            jset(ro, "source", jtext(r->source, &ok), &ok);
            jset(ro, "clause", jtext(r->clause, &ok), &ok);
            jset(ro, "title", jtext(r->title, &ok), &ok);
            jset(ro, "point", jtext(r->point, &ok), &ok);
            if (json_array_append_new(refs, ro) < 0)
                ok = false;
        }
        jset(o, "references", refs, &ok);
        jset(o, "note", jtext(it->note, &ok), &ok);
        if (json_array_append_new(items, o) < 0)
            ok = false;
    }
    jset(root, "items", items, &ok);
    return dump(root, ok);
}

char *answerset_to_json(const answerset_t *s)
{
    bool ok = true;
    json_t *root = json_object();
    jset(root, "format", json_string(ANSWERS_FORMAT), &ok);
    jset(root, "version", json_integer(ANSWERS_VERSION), &ok);
    jset(root, "catalog", jtext(s->catalog_id, &ok), &ok);
    json_t *answers = json_array();
    for (size_t i = 0; i < s->n; i++) {
        const answer_t *a = &s->v[i];
        json_t *o = json_object();
        jset(o, "no", json_integer(a->no), &ok);
        jset(o, "side", json_string(side_code(a->side)), &ok);
        jset(o, "status", jtext(status_code(a->status), &ok), &ok);
        jset(o, "current", jtext(a->current, &ok), &ok);
        jset(o, "gap", jtext(a->gap, &ok), &ok);
        jset(o, "plan", jtext(a->plan, &ok), &ok);
        jset(o, "due", jtext(a->due, &ok), &ok);
        jset(o, "note", jtext(a->note, &ok), &ok);
        if (json_array_append_new(answers, o) < 0)
            ok = false;
    }
    jset(root, "answers", answers, &ok);
    return dump(root, ok);
}
