#include "core/answer.h"
#include "util/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

answerset_t *answerset_new(const char *catalog_id)
{
    answerset_t *s = xcalloc(1, sizeof *s);
    s->catalog_id = xstrdup(catalog_id);
    return s;
}

static void answer_clear(answer_t *a)
{
    free(a->current);
    free(a->gap);
    free(a->plan);
    free(a->due);
    free(a->note);
}

void answerset_free(answerset_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        answer_clear(&s->v[i]);
    free(s->v);
    free(s->catalog_id);
    free(s);
}

static int key_cmp(int no, side_t side, const answer_t *a)
{
    if (no != a->no)
        return no < a->no ? -1 : 1;
    if (side != a->side)
        return side < a->side ? -1 : 1;
    return 0;
}

/* Index of (no, side), or of where it would be inserted (with *found false). */
static size_t locate(const answerset_t *s, int no, side_t side, bool *found)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = key_cmp(no, side, &s->v[mid]);
        if (c == 0) {
            *found = true;
            return mid;
        }
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    *found = false;
    return lo;
}

answer_t *answerset_get(answerset_t *s, int no, side_t side)
{
    bool found;
    size_t i = locate(s, no, side, &found);
    if (found)
        return &s->v[i];
    s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
    memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof *s->v);
    s->n++;
    memset(&s->v[i], 0, sizeof s->v[i]);
    s->v[i].no = no;
    s->v[i].side = side;
    return &s->v[i];
}

const answer_t *answerset_find(const answerset_t *s, int no, side_t side)
{
    bool found;
    size_t i = locate(s, no, side, &found);
    return found ? &s->v[i] : NULL;
}

static bool blank(const char *s)
{
    return !s || !*s;
}

bool answer_is_empty(const answer_t *a)
{
    return a->status == STATUS_UNSET && blank(a->current) && blank(a->gap) &&
           blank(a->plan) && blank(a->due) && blank(a->note);
}

void answer_set_text(char **field, const char *v)
{
    free(*field);
    if (blank(v)) {
        *field = NULL;
        return;
    }
    /* Line ends are stored as "\n" whatever the source wrote ("\r\n" from
     * Windows and CSV, a lone "\r" from old Mac files). */
    char *p = xstrdup(v), *w = p;
    for (const char *r = p; *r; r++) {
        if (*r == '\r') {
            *w++ = '\n';
            if (r[1] == '\n')
                r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    *field = p;
}

void answerset_keep_side(answerset_t *s, side_t side)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].side != side) {
            answer_t *x = &s->v[i];
            x->status = STATUS_UNSET;
            answer_set_text(&x->current, NULL);
            answer_set_text(&x->gap, NULL);
            answer_set_text(&x->plan, NULL);
            answer_set_text(&x->due, NULL);
            answer_set_text(&x->note, NULL);
        }
    answerset_compact(s);
}

void answerset_compact(answerset_t *s)
{
    size_t w = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (answer_is_empty(&s->v[i])) {
            answer_clear(&s->v[i]);
            continue;
        }
        s->v[w++] = s->v[i];
    }
    s->n = w;
}

static bool str_eq(const char *a, const char *b)
{
    if (blank(a))
        return blank(b);
    return b && strcmp(a, b) == 0;
}

static const char *nn(const char *s)
{
    return s ? s : "(null)";
}

bool answerset_equal(const answerset_t *a, const answerset_t *b, char **why)
{
    char *msg = NULL;
    if (!str_eq(a->catalog_id, b->catalog_id))
        msg = xasprintf("catalog '%s' != '%s'", nn(a->catalog_id), nn(b->catalog_id));
    /* Compare ignoring empty answers on either side. */
    size_t i = 0, j = 0;
    while (!msg) {
        while (i < a->n && answer_is_empty(&a->v[i]))
            i++;
        while (j < b->n && answer_is_empty(&b->v[j]))
            j++;
        if (i == a->n || j == b->n) {
            if (i != a->n || j != b->n) {
                const answer_t *x = i < a->n ? &a->v[i] : &b->v[j];
                msg = xasprintf("item %d (%s): answer only on one side of the comparison",
                                x->no, side_code(x->side));
            }
            break;
        }
        const answer_t *x = &a->v[i], *y = &b->v[j];
        if (x->no != y->no || x->side != y->side)
            msg = xasprintf("answer for item %d (%s) != answer for item %d (%s)", x->no,
                            side_code(x->side), y->no, side_code(y->side));
        else if (x->status != y->status)
            msg = xasprintf("item %d (%s): status '%s' != '%s'", x->no, side_code(x->side),
                            status_code(x->status), status_code(y->status));
#define CMP(f)                                                                          \
        else if (!str_eq(x->f, y->f))                                                   \
            msg = xasprintf("item %d (%s): " #f " '%s' != '%s'", x->no, side_code(x->side), \
                            nn(x->f), nn(y->f));
        CMP(current) CMP(gap) CMP(plan) CMP(due) CMP(note)
#undef CMP
        i++;
        j++;
    }
    if (why)
        *why = msg;
    else
        free(msg);
    return msg == NULL;
}

bool side_answers(side_t side, target_t target)
{
    if (target == TARGET_BOTH)
        return true;
    return side == SIDE_PARTNER ? target == TARGET_PARTNER : target == TARGET_BANK;
}

const char *side_label(side_t s)
{
    return s == SIDE_BANK ? "銀行" : "API接続先";
}

const char *side_code(side_t s)
{
    return s == SIDE_BANK ? "bank" : "partner";
}

int side_parse(const char *s, side_t *out)
{
    if (!s)
        return -1;
    if (strcmp(s, "partner") == 0 || strcmp(s, "API接続先") == 0) {
        *out = SIDE_PARTNER;
        return 0;
    }
    if (strcmp(s, "bank") == 0 || strcmp(s, "銀行") == 0) {
        *out = SIDE_BANK;
        return 0;
    }
    return -1;
}

static const char *const status_labels[] = { "", "対応済", "一部対応", "未対応", "該当なし" };
static const char *const status_codes[] = { "", "done", "partial", "todo", "na" };

const char *status_label(status_t s)
{
    return (unsigned)s <= STATUS_NA ? status_labels[s] : "";
}

const char *status_code(status_t s)
{
    return (unsigned)s <= STATUS_NA ? status_codes[s] : "";
}

int status_parse(const char *s, status_t *out)
{
    if (!s || !*s) {
        *out = STATUS_UNSET;
        return 0;
    }
    for (int i = STATUS_DONE; i <= STATUS_NA; i++) {
        if (strcmp(s, status_labels[i]) == 0 || strcmp(s, status_codes[i]) == 0) {
            *out = (status_t)i;
            return 0;
        }
    }
    return -1;
}

bool date_valid_iso(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}
