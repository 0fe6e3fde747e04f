/*
 * catalog — the checklist itself (チェックリスト様式): an immutable, versioned
 * list of items, each with 通番, 区分, セキュリティ対応目標, 対象者, 備考 and
 * structured references to FISC・安対基準 clauses and 銀行API報告書 sections.
 * This module owns the in-memory model and the questions asked of it (find
 * an item, which items cite a clause); it does no I/O.  Readers in formats/
 * build catalogs, catalog_free() releases one with everything it holds.
 */
#ifndef APICHECK_CATALOG_H
#define APICHECK_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

/* Who answers an item (対象者). */
typedef enum target {
    TARGET_PARTNER = 1, /* API接続先 */
    TARGET_BANK = 2,    /* 銀行 */
    TARGET_BOTH = 3     /* 共通: both sides answer */
} target_t;

/* The three sources a reference may come from, exactly as written in the
 * checklist with layout spaces removed. */
#define REF_SOURCE_FISC      "FISC・安対基準"
#define REF_SOURCE_SECURITY  "銀行API報告書・セキュリティ原則"
#define REF_SOURCE_PROTECT   "銀行API報告書・利用者保護原則"

/* One reference: one clause, or one lettered point of a report section. */
typedef struct ref {
    char *source; /* one of the REF_SOURCE_* strings */
    char *clause; /* "統4", "実14", "監1", "実14-1" or a section "3.3.2" */
    char *title;  /* section title ("外部からの不正アクセス対策"), NULL for FISC */
    char *point;  /* lettered paragraph ("t"), or NULL */
} ref_t;

typedef struct item {
    int no;            /* 通番, 1-based, unique in the catalog */
    char *category;    /* 区分 */
    char *objective;   /* セキュリティ対応目標 */
    target_t target;   /* 対象者 */
    char *note;        /* 備考, or NULL */
    ref_t *refs;       /* references in the order the checklist gives them */
    size_t nrefs;
} item_t;

typedef struct catalog {
    char *id;         /* stable key, e.g. "api-checklist-2018-08-02" */
    char *title;      /* 「API接続チェックリスト原案(フォーマット)」(A3横Excel版) サンプル */
    char *date;       /* ISO date, "2018-08-02" */
    char *publisher;  /* API接続チェックリストワーキンググループ */
    item_t *items;    /* ordered by no */
    size_t nitems;
    size_t cap;       /* allocated items */
} catalog_t;

catalog_t *catalog_new(void);
void catalog_free(catalog_t *c);
/* Append a zeroed item and return it (owned by the catalog). */
item_t *catalog_add_item(catalog_t *c);
/* Append a reference to an item; the strings are copied (title, point may be NULL). */
void item_add_ref(item_t *it, const char *source, const char *clause,
                  const char *title, const char *point);
/* Free every reference of an item and leave it with none. */
void item_clear_refs(item_t *it);
/* A deep copy. */
catalog_t *catalog_dup(const catalog_t *c);

const item_t *catalog_find(const catalog_t *c, int no);

/* Does the item cite `key`?  key is a clause ("統20", matched exactly) or a
 * section ("3.3.2", matching 3.3.2 itself; "3.3" matches every 3.3.x). */
bool item_cites(const item_t *it, const char *key);

/* Structural equality (every field, every reference, in order).  On the
 * first difference, when why is not NULL, *why gets a fresh English
 * description such as "item 3: reference 2: point 'e' != 'd'". */
bool catalog_equal(const catalog_t *a, const catalog_t *b, char **why);

/* Check invariants: ids present, items numbered 1..n without gaps or
 * duplicates, targets valid, sources known.  Returns 0 or -1 with *why set. */
int catalog_check(const catalog_t *c, char **why);

/* 対象者 <-> target.  target_parse accepts the Japanese label
 * ("API接続先", "銀行", "共通") and the codes ("partner", "bank", "both");
 * returns 0 on failure. */
const char *target_label(target_t t); /* Japanese label */
const char *target_code(target_t t);  /* "partner" / "bank" / "both" */
target_t target_parse(const char *s);

/* Is the source one of the three known strings? */
bool ref_source_known(const char *source);
/* Is the clause a report section ("3.3.2") rather than a FISC clause? */
bool ref_is_section(const char *clause);

#endif
