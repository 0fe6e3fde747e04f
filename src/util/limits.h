/*
 * limits — every bound apicheck puts on untrusted input, in one place and by
 * name.  docs/formats.md lists them for users.  A file or request that breaks
 * one is refused with a clear message and changes nothing.
 */
#ifndef APICHECK_LIMITS_H
#define APICHECK_LIMITS_H

/* Any input file (xlsx, csv, json, seed text) read whole into memory. */
#define LIMIT_FILE_BYTES          (32u * 1024u * 1024u)
/* One cell / one text field, in bytes of UTF-8 (Excel itself stops at
 * 32,767 characters, which is at most 98,301 bytes). */
#define LIMIT_CELL_BYTES          (100u * 1024u)
/* Rows of one sheet or CSV file, and columns of one row. */
#define LIMIT_ROWS                10000
#define LIMIT_COLS                256
/* Items in one catalog, references per item. */
#define LIMIT_CATALOG_ITEMS       1000
#define LIMIT_REFS_PER_ITEM       64
/* XLSX (zip) containers: entries, decompressed bytes per part and in all,
 * shared strings and their total size, XML nesting depth. */
#define LIMIT_ZIP_ENTRIES         2000
#define LIMIT_XLSX_PART_BYTES     (32u * 1024u * 1024u)
#define LIMIT_XLSX_TOTAL_BYTES    (64u * 1024u * 1024u)
#define LIMIT_SHARED_STRINGS      200000
#define LIMIT_XML_DEPTH           64
/* JSON nesting depth of any document read. */
#define LIMIT_JSON_DEPTH          32
/* Sheets looked at in one workbook; rows searched for the header row. */
#define LIMIT_SHEETS              64
#define LIMIT_HEADER_SEARCH_ROWS  30

#endif
