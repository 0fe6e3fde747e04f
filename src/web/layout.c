/*
 * layout.c — what every page and API handler shares (web/ctx.h): the
 * session cookie, mapping store results to HTTP statuses, the page frame
 * and JSON errors.
 */
#include "web/ctx.h"

#include "util/buf.h"
#include "util/xmem.h"
#include "web/web.h"

#include <stdio.h>
#include <string.h>

const char *web_session_cookie(const web_ctx_t *c)
{
    return c->req->tls ? "__Host-sid" : "sid";
}

void web_set_session_cookie(web_ctx_t *c, const char *token)
{
    char v[256];
    if (token)
        snprintf(v, sizeof v, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", web_session_cookie(c),
                 token, c->req->tls ? "; Secure" : "");
    else
        snprintf(v, sizeof v, "%s=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0%s",
                 web_session_cookie(c), c->req->tls ? "; Secure" : "");
    http_resp_header(c->resp, "Set-Cookie", v);
}

int web_status(int rc)
{
    switch (rc) {
    case ST_OK: return 200;
    case ST_NOT_FOUND: return 404;
    case ST_FORBIDDEN: return 403;
    case ST_BAD_STATE:
    case ST_WRONG_SIDE:
    case ST_CONFLICT:
    case ST_EXISTS: return 409;
    case ST_INVALID: return 400;
    default: return 503;
    }
}

const char *web_tr(const web_ctx_t *c, const char *ja, const char *en)
{
    return http_tr(c->req, ja, en);
}

static void nav_link(html_t *h, const char *href, const char *text, bool current)
{
    if (current)
        html_open(h, "a", "href", href, "aria-current", "page", NULL);
    else
        html_open(h, "a", "href", href, NULL);
    html_txt(h, text);
    html_close(h, "a");
}

void web_page_begin(web_ctx_t *c, html_t *h, const char *title)
{
    const char *path = c->req->path;
    /* Most pages are tens of kilobytes: start there rather than double up. */
    buf_reserve(h->out, 32 * 1024);
    html_page_begin(h, c->req->lang, title);
    html_open(h, "header", "class", "top", NULL);
    html_open(h, "a", "href", "/", "class", "brand", NULL);
    html_txt(h, "apicheck");
    html_close(h, "a");
    if (c->authed) {
        html_open(h, "nav", NULL);
        nav_link(h, "/", web_tr(c, "ダッシュボード", "Dashboard"), strcmp(path, "/") == 0);
        nav_link(h, "/assessments", web_tr(c, "チェックリスト", "Checklists"),
                 strncmp(path, "/assessments", 12) == 0);
        nav_link(h, "/plans", web_tr(c, "対応計画", "Plans"), strncmp(path, "/plans", 6) == 0);
        if (c->actor.operator_ || c->actor.role == ROLE_ADMIN)
            nav_link(h, "/admin", web_tr(c, "管理", "Admin"), strncmp(path, "/admin", 6) == 0);
        nav_link(h, "/account", web_tr(c, "アカウント", "Account"),
                 strncmp(path, "/account", 8) == 0);
        html_close(h, "nav");
    }
    html_open(h, "div", "class", "who", NULL);
    /* Language switch: a small form, so no state changes on GET. */
    html_open(h, "form", "method", "post", "action", "/lang", "class", "inline", NULL);
    if (c->csrf[0])
        html_csrf_field(h, c->csrf);
    html_open(h, "input", "type", "hidden", "name", "next", "value", path, NULL);
    html_open(h, "button", "type", "submit", "name", "lang", "value",
              c->req->lang == LANG_EN ? "ja" : "en", "class", "link", NULL);
    html_txt(h, c->req->lang == LANG_EN ? "日本語" : "English");
    html_close(h, "button");
    html_close(h, "form");
    if (c->authed || c->totp_pending) {
        html_open(h, "span", "class", "user", NULL);
        html_txt(h, c->login);
        html_close(h, "span");
        html_open(h, "form", "method", "post", "action", "/logout", "class", "inline", NULL);
        html_csrf_field(h, c->csrf);
        html_open(h, "button", "type", "submit", "class", "link", NULL);
        html_txt(h, web_tr(c, "ログアウト", "Sign out"));
        html_close(h, "button");
        html_close(h, "form");
    }
    html_close(h, "div");
    html_close(h, "header");
    html_open(h, "main", NULL);
    html_el(h, "h1", title);
}

void web_page_end(web_ctx_t *c, html_t *h)
{
    (void)c;
    html_close(h, "main");
    html_page_end(h);
}

void web_notice(html_t *h, bool error, const char *text)
{
    html_open(h, "p", "class", error ? "error" : "notice", "role", error ? "alert" : "status",
              NULL);
    html_txt(h, text);
    html_close(h, "p");
}

static void json_str(buf_t *b, const char *s)
{
    buf_addc(b, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_printf(b, "\\%c", *p);
        else if (*p < 0x20)
            buf_printf(b, "\\u%04x", *p);
        else
            buf_addc(b, (char)*p);
    }
    buf_addc(b, '"');
}

void web_json_error(web_ctx_t *c, int status, const char *code, const char *message)
{
    buf_t b = BUF_INIT(0);
    buf_adds(&b, "{\"error\":{\"code\":");
    json_str(&b, code);
    buf_adds(&b, ",\"message\":");
    json_str(&b, message);
    buf_adds(&b, "}}\n");
    http_resp_json(c->resp, status, buf_str(&b));
    buf_free(&b);
}
