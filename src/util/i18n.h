/*
 * i18n — the product speaks Japanese first, English second.  Messages are
 * written in pairs at the point of use (tr("日本語", "English")); the
 * language is per thread: chosen once from LC_ALL / LC_MESSAGES / LANG by the
 * command line (Japanese unless the locale names another language), and for
 * each request by the web layer.
 */
#ifndef APICHECK_I18N_H
#define APICHECK_I18N_H

typedef enum { LANG_JA = 0, LANG_EN = 1 } lang_t;

/* Pick the language from the environment (call once at start-up). */
void i18n_init_from_env(void);
void i18n_set(lang_t l);
lang_t i18n_get(void);
/* Language named by a locale string such as "ja_JP.UTF-8", "en_US", "C". */
lang_t i18n_from_locale(const char *locale);
/* The message in the current language. */
const char *tr(const char *ja, const char *en);

#endif
