/*
 * assets — the files served under /static/ (src/web/static/, embedded in
 * the binary by static_data.S): the stylesheet and the one script.  Each
 * carries its content type and a strong ETag computed from its bytes, so
 * browsers revalidate cheaply (If-None-Match → 304).
 */
#ifndef APICHECK_WEB_ASSETS_H
#define APICHECK_WEB_ASSETS_H

#include <stddef.h>

typedef struct web_asset {
    const char *name;         /* "app.css" */
    const char *content_type; /* "text/css; charset=utf-8" */
    const char *data;
    size_t len;
    char etag[24];            /* "\"0123456789abcdef\"" */
} web_asset_t;

/* The asset with this name, or NULL.  Thread-safe. */
const web_asset_t *web_asset_find(const char *name);

#endif
