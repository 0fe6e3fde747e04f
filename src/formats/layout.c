#include "formats/layout.h"
#include "util/utf8.h"

#include <stdlib.h>
#include <string.h>

static const char *const headers[LCOL_COUNT] = {
    "通番", "区分", "セキュリティ対応目標", "対象者", "現在の対応状況", "課題認識",
    "課題への対応計画", "関連規定", "関連規定箇所", "備考", "回答者", "対応状況", "対応予定日",
};

static const struct {
    const char *name;
    layout_col_t col;
} aliases[] = {
    { "No", LCOL_NO },         { "No.", LCOL_NO },         { "項番", LCOL_NO },
    { "番号", LCOL_NO },        { "対応目標", LCOL_OBJECTIVE }, { "回答区分", LCOL_SIDE },
    { "回答状況", LCOL_STATUS }, { "ステータス", LCOL_STATUS },  { "対応期限", LCOL_DUE },
    { "期限", LCOL_DUE },       { "対応予定時期", LCOL_DUE },
};

const char *layout_header(layout_col_t c)
{
    return (unsigned)c < LCOL_COUNT ? headers[c] : "";
}

int layout_find(const char *header)
{
    char *h = utf8_squeeze(header);
    int found = -1;
    for (int i = 0; i < LCOL_COUNT && found < 0; i++)
        if (strcmp(h, headers[i]) == 0)
            found = i;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0] && found < 0; i++)
        if (strcmp(h, aliases[i].name) == 0)
            found = (int)aliases[i].col;
    free(h);
    return found;
}
