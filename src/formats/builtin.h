/*
 * builtin — the catalogs compiled into the binary from data/ (see
 * builtin_data.S): the 2018-08-02 draft API接続チェックリスト, 45 items.
 */
#ifndef APICHECK_BUILTIN_H
#define APICHECK_BUILTIN_H

#include "core/catalog.h"

#define BUILTIN_CATALOG_ID "api-checklist-2018-08-02"

/* A fresh copy of the built-in catalog (caller frees). Never NULL: a broken
 * embedded file is a build error caught by the tests. */
catalog_t *builtin_catalog(void);
/* The embedded JSON text. */
const char *builtin_catalog_json(size_t *len);

#endif
