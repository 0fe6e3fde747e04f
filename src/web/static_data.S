/* The static files served under /static/, embedded at build time (the build
 * runs from the repository root, so the paths are relative to it).  Each is
 * followed by a NUL so it can also be read as a string. */
    .section .rodata
    .global web_static_app_css
    .global web_static_app_css_end
    .global web_static_app_js
    .global web_static_app_js_end
    .global web_static_openapi_yaml
    .global web_static_openapi_yaml_end
    .balign 16
web_static_app_css:
    .incbin "src/web/static/app.css"
web_static_app_css_end:
    .byte 0
    .balign 16
web_static_app_js:
    .incbin "src/web/static/app.js"
web_static_app_js_end:
    .byte 0
    .balign 16
web_static_openapi_yaml:
    .incbin "docs/openapi.yaml"
web_static_openapi_yaml_end:
    .byte 0
    .section .note.GNU-stack,"",@progbits
