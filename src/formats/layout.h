/*
 * layout — the checklist's columns, as the seed prints them and as every
 * apicheck export (XLSX, CSV) writes them: the seed's ten columns in its
 * order with its Japanese headers, then apicheck's extra columns, which
 * always come after 備考.  Readers find columns by these names (and the
 * aliases below), never by position.
 */
#ifndef APICHECK_LAYOUT_H
#define APICHECK_LAYOUT_H

typedef enum layout_col {
    LCOL_NO = 0,        /* 通番 */
    LCOL_CATEGORY,      /* 区分 */
    LCOL_OBJECTIVE,     /* セキュリティ対応目標 */
    LCOL_TARGET,        /* 対象者 */
    LCOL_CURRENT,       /* 現在の対応状況 */
    LCOL_GAP,           /* 課題認識 */
    LCOL_PLAN,          /* 課題への対応計画 */
    LCOL_REF_SOURCES,   /* 関連規定 */
    LCOL_REF_PLACES,    /* 関連規定箇所 */
    LCOL_NOTE,          /* 備考 */
    /* apicheck's extra columns, after 備考 */
    LCOL_SIDE,          /* 回答者 (API接続先 / 銀行) */
    LCOL_STATUS,        /* 対応状況 (対応済 / 一部対応 / 未対応 / 該当なし) */
    LCOL_DUE,           /* 対応予定日 (YYYY-MM-DD) */
    LCOL_COUNT
} layout_col_t;

#define LAYOUT_SEED_COLS 10 /* the seed's own columns: LCOL_NO .. LCOL_NOTE */

/* The header text of a column. */
const char *layout_header(layout_col_t c);
/* The column a header cell names (layout spaces ignored, aliases accepted),
 * or -1. */
int layout_find(const char *header);

/* The seed's title block. */
#define LAYOUT_WG "API接続チェックリストワーキンググループ"

#endif
