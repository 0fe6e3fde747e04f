#include "web/assets.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern const char web_static_app_css[], web_static_app_css_end[];
extern const char web_static_app_js[], web_static_app_js_end[];
extern const char web_static_openapi_yaml[], web_static_openapi_yaml_end[];

static web_asset_t assets[] = {
    { "app.css", "text/css; charset=utf-8", NULL, 0, "" },
    { "app.js", "text/javascript; charset=utf-8", NULL, 0, "" },
    /* The API description (docs/openapi.yaml), also at /api/v1/openapi.yaml. */
    { "openapi.yaml", "application/yaml; charset=utf-8", NULL, 0, "" },
};

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* FNV-1a, 64 bits: enough to tell versions of our own files apart. */
static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 0x100000001b3u;
    }
    return h;
}

static void init(void)
{
    assets[0].data = web_static_app_css;
    assets[0].len = (size_t)(web_static_app_css_end - web_static_app_css);
    assets[1].data = web_static_app_js;
    assets[1].len = (size_t)(web_static_app_js_end - web_static_app_js);
    assets[2].data = web_static_openapi_yaml;
    assets[2].len = (size_t)(web_static_openapi_yaml_end - web_static_openapi_yaml);
    for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++)
        snprintf(assets[i].etag, sizeof assets[i].etag, "\"%016llx\"",
                 (unsigned long long)fnv1a(assets[i].data, assets[i].len));
}

const web_asset_t *web_asset_find(const char *name)
{
    pthread_once(&once, init);
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++)
        if (strcmp(assets[i].name, name) == 0)
            return &assets[i];
    return NULL;
}
