/* The catalogs shipped in data/, embedded at build time (the build runs from
 * the repository root, so the path is relative to it). */
    .section .rodata
    .global builtin_catalog_2018_json
    .global builtin_catalog_2018_json_end
    .balign 16
builtin_catalog_2018_json:
    .incbin "data/api-checklist-2018-08-02.json"
builtin_catalog_2018_json_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
