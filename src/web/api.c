/* The JSON API under /api/v1 (see pages.h); its routes join the table here. */
#include "web/pages/pages.h"

const route_t web_api_routes[] = {
    { HTTP_OTHER, NULL, NULL, 0, 0 },
};
const size_t web_api_nroutes = 0;
