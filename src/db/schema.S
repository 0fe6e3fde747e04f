/* The schema migrations in src/db/schema/<engine>/NNN_name.sql, embedded at
 * build time (the build runs from the repository root, so paths are relative
 * to it).  Each script is followed by a NUL byte, so its start symbol is a C
 * string.  To add a migration: write both scripts, add one "migration" line
 * below and one line to the table in src/db/migrate.c. */
    .macro migration name
    .global db_schema_sqlite_\name
    .global db_schema_pg_\name
    .balign 16
db_schema_sqlite_\name:
    .incbin "src/db/schema/sqlite/\name\().sql"
    .byte 0
    .balign 16
db_schema_pg_\name:
    .incbin "src/db/schema/pg/\name\().sql"
    .byte 0
    .endm

    .section .rodata
    migration 001_initial
    migration 002_web_auth
    migration 003_scale
    migration 004_count_functions

    .section .note.GNU-stack,"",@progbits
