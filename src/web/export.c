/* One assessment's answers as a download, for the pages and the API. */
#include "web/ctx.h"

#include "formats/json_io.h"
#include "formats/xlsx.h"

#include <string.h>

char *web_export(const catalog_t *cat, answerset_t *set, const char *format, int side,
                 csv_encoding_t enc, size_t *len, const char **type, char **why)
{
    *len = 0;
    if (side >= 0)
        answerset_keep_side(set, (side_t)side);
    if (strcmp(format, "json") == 0) {
        *type = "application/json; charset=utf-8";
        char *data = answerset_to_json(set);
        *len = data ? strlen(data) : 0;
        return data;
    }
    if (strcmp(format, "csv") == 0) {
        *type = enc == CSV_CP932 ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8";
        return answerset_to_csv(cat, set, side, enc, len, why);
    }
    *type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    xlsx_write_opt_t xo = { .sides = side == SIDE_PARTNER ? XLSX_SIDE_PARTNER
                                     : side == SIDE_BANK  ? XLSX_SIDE_BANK
                                                          : XLSX_SIDE_PARTNER | XLSX_SIDE_BANK };
    return xlsx_write_checklist_bytes(cat, set, &xo, HTTP_MAX_RESP_BODY, len, why);
}
