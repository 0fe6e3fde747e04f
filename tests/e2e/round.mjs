// The whole bank–partner round of an assessment in a real browser: Debian's
// Chromium (/usr/bin/chromium), driven by playwright-core (no browser is
// ever downloaded).  Run by tests/web/e2e.sh, which sets up the database
// and the server; prints TAP on stdout.
//
// For each round (Japanese, the default, then English via the header's
// language button) on its own assessment:
//   the partner signs in, fills several items (status and text) and submits;
//   the bank reviewer signs in, rates the items, asks for a change on one
//   with a comment and returns the checklist; the partner sees the comment,
//   fixes the item and resubmits; the bank accepts; both download the
//   workbook (an XLSX, converted with `$BIN convert` to find the partner's
//   text) and sign out.  Full-page screenshots of the dashboards and the
//   assessment page go to $SCREENSHOT_DIR.
//
// Every route the flow needs is probed first, without a session (a route
// that exists answers a redirect to /login, 400, 401 or 403; a missing one
// 404 or 405).  A step whose route is missing fails, and the steps that
// depend on it are skipped; with E2E_ALLOW_MISSING=1 (while pages are still
// being written) it is reported as "ok … # SKIP TODO" instead.
//
// Environment: BASE_URL, BIN, ASSESSMENTS ("ja:ID,en:ID"), PARTNER_LOGIN,
// PARTNER_PASSWORD, BANK_LOGIN, BANK_PASSWORD, SCREENSHOT_DIR (default
// build/screenshots), WORK_DIR (downloads; default a fresh temporary
// directory), TAP_START (number of TAP lines already printed, default 0).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = process.env;
function need(name) {
  if (!env[name]) {
    console.log(`not ok ${(Number(env.TAP_START) || 0) + 1} - environment variable ${name} is set`);
    process.exit(1);
  }
  return env[name];
}
const BASE = need('BASE_URL').replace(/\/$/, '');
const BIN = need('BIN');
const PARTNER = { login: need('PARTNER_LOGIN'), password: need('PARTNER_PASSWORD') };
const BANK = { login: need('BANK_LOGIN'), password: need('BANK_PASSWORD') };
const ROUNDS = need('ASSESSMENTS').split(',').map((s) => {
  const [lang, id] = s.split(':');
  return { lang, id };
});
const SHOTS = env.SCREENSHOT_DIR || 'build/screenshots';
const WORK = env.WORK_DIR || mkdtempSync(join(tmpdir(), 'apicheck-e2e-'));
const ACTION_MS = 15000;
mkdirSync(SHOTS, { recursive: true });
// No stale picture from an earlier run left beside this run's.
for (const f of readdirSync(SHOTS)) {
  if (/^(dashboard|assessment)-.*\.png$/.test(f)) rmSync(join(SHOTS, f));
}

// The flags that keep Chromium off the network and working as root here;
// playwright gives it a fresh, empty --user-data-dir of its own.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// ---- TAP ---------------------------------------------------------------------
let n = Number(env.TAP_START) || 0;
let failures = 0;
const out = (s) => process.stdout.write(s + '\n');
const diag = (s) => String(s).split('\n').forEach((l) => out('#   ' + l));

// The routes the flow needs, probed without a session: a route that exists
// answers a redirect to /login, 400, 401 or 403; a missing one 404 or 405.
const routes = new Map();
async function probe(key, method, path) {
  let status;
  try {
    const r = await fetch(BASE + path, { method, redirect: 'manual' });
    status = r.status;
  } catch (e) {
    status = 'unreachable (' + e.message + ')';
  }
  const present = status !== 404 && status !== 405 && typeof status === 'number' && status !== 503;
  routes.set(key, { present, status, label: `${method} ${path.replace(/\/\d+/g, '/{n}')}` });
}

class Skip extends Error {}

// One round's state: once an essential step fails or is skipped, the steps
// after it are skipped (they would only fail for the same reason).
let blocked = null;

async function step(desc, needs, fn, { essential = true } = {}) {
  n++;
  const missing = needs.map((k) => routes.get(k)).filter((r) => !r || !r.present);
  if (missing.length) {
    const what = missing.map((r) => `${r.label} (${r.status})`).join(', ');
    if (env.E2E_ALLOW_MISSING === '1') {
      out(`ok ${n} - ${desc} # SKIP TODO not on the server yet: ${what}`);
    } else {
      failures++;
      out(`not ok ${n} - ${desc}: the server lacks ${what}`);
    }
    if (essential) blocked = blocked || `needs ${missing.map((r) => r.label).join(', ')}`;
    return;
  }
  if (blocked) {
    out(`ok ${n} - ${desc} # SKIP earlier step: ${blocked}`);
    return;
  }
  const t0 = Date.now();
  try {
    await fn();
    out(`ok ${n} - ${desc} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    if (e instanceof Skip) {
      out(`ok ${n} - ${desc} # SKIP ${e.message}`);
      return;
    }
    failures++;
    out(`not ok ${n} - ${desc}`);
    diag(e && e.stack ? e.stack.split('\n').slice(0, 6).join('\n') : e);
    if (essential) blocked = `"${desc}" failed`;
  }
}

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

// ---- page helpers ----------------------------------------------------------------

// Submit a form by clicking one of its buttons; waits for the page the
// server answers with (after its 303), which must not be an error.
async function submitVia(page, button, what) {
  const nav = page.waitForNavigation({ timeout: ACTION_MS });
  await button.click({ timeout: ACTION_MS });
  const resp = await nav;
  const status = resp ? resp.status() : 0;
  if (status >= 400) {
    const text = (await page.locator('body').innerText().catch(() => '')).slice(0, 400);
    throw new Error(`${what}: HTTP ${status} at ${page.url()}\n${text}`);
  }
  return resp;
}

async function open(page, path) {
  const resp = await page.goto(BASE + path, { timeout: ACTION_MS });
  const status = resp ? resp.status() : 0;
  if (status >= 400) throw new Error(`GET ${path}: HTTP ${status}`);
  return resp;
}

async function state(page) {
  const s = page.locator('.state[data-state]').first();
  return (await s.count()) ? s.getAttribute('data-state') : null;
}

// The state's label as the page words it, per language.
const STATE_LABELS = {
  ja: { draft: '下書き', submitted: '提出済', in_review: '審査中', returned: '差戻し', accepted: '承認済' },
  en: { draft: 'Draft', submitted: 'Submitted', in_review: 'In review', returned: 'Returned', accepted: 'Accepted' },
};
let curLang = 'ja';

async function expectState(page, want) {
  const got = await state(page);
  check(got === want, `assessment state is ${got}, expected ${want}`);
  const label = (await page.locator('.state[data-state]').first().innerText()).trim();
  check(label === STATE_LABELS[curLang][want], `the state reads "${label}", expected "${STATE_LABELS[curLang][want]}"`);
}

// A screenshot: the full page, or only the first screen (full = false; the
// checklist page is some 50 000 pixels tall and a full shot takes seconds).
async function shot(page, name, full = true) {
  const file = join(SHOTS, name);
  const t0 = Date.now();
  await page.screenshot({ path: file, fullPage: full, timeout: 60000 });
  out(`# screenshot ${name}${full ? ' (full page)' : ''}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return file;
}

function item(page, no) {
  return page.locator(`#item-${no}`);
}

function answerForm(page, no, side = 'partner') {
  return page.locator(`#item-${no} form.answer-form[data-side="${side}"]`);
}

async function fillAnswer(form, a) {
  if (a.status !== undefined) await form.locator('select[name="status"]').selectOption(a.status);
  for (const f of ['current', 'gap', 'plan', 'note']) {
    if (a[f] !== undefined) await form.locator(`[name="${f}"]`).fill(a[f]);
  }
  if (a.due !== undefined) await form.locator('[name="due"]').fill(a.due);
}

// Every named field of a form at once (one round trip to the browser).
async function formValues(form) {
  return form.evaluate((f) => Object.fromEntries([...f.elements].filter((e) => e.name).map((e) => [e.name, e.value])));
}

async function stepButton(page, action) {
  return page.locator(`button[type="submit"][name="action"][value="${action}"]`);
}

// Sign in through the form; the session cookie must be set and the page we
// land on must not be the sign-in page again.
async function signIn(page, who) {
  await open(page, '/login');
  const form = page.locator('form[action="/login"]');
  check((await form.locator('input[type="hidden"][name="next"]').count()) === 1,
    'the sign-in form has a hidden "next" field');
  await form.locator('[name="login"]').fill(who.login);
  await form.locator('[name="password"]').fill(who.password);
  const nav = page.waitForNavigation({ timeout: ACTION_MS });
  await form.locator('button[type="submit"], input[type="submit"]').first().click();
  await nav;
  const url = new URL(page.url());
  check(url.pathname !== '/login', `still on the sign-in page: ${url}`);
  const cookies = await page.context().cookies(BASE);
  check(cookies.some((c) => /sid$/.test(c.name) && c.httpOnly),
    'an HttpOnly session cookie is set');
}

async function switchLanguage(page, lang) {
  const btn = page.locator(`form[action="/lang"] button[name="lang"][value="${lang}"]`);
  check((await btn.count()) === 1, `the header has a button switching to ${lang}`);
  await submitVia(page, btn, 'language switch');
  const htmlLang = await page.locator('html').getAttribute('lang');
  check(htmlLang === lang, `<html lang> is ${htmlLang} after the switch, expected ${lang}`);
}

async function headerHas(page, text) {
  const t = await page.locator('header').first().innerText();
  check(t.includes(text), `the page header shows "${text}" (header: ${t.replace(/\s+/g, ' ')})`);
}

async function download(page, id, who, lang) {
  const link = page.locator(`a[href="/assessments/${id}/export/xlsx"]`);
  check((await link.count()) >= 1, 'the assessment page links to the XLSX download');
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: ACTION_MS }),
    link.first().click(),
  ]);
  const file = join(WORK, `${lang}-${who}-${dl.suggestedFilename() || 'export.xlsx'}`);
  await dl.saveAs(file);
  const head = readFileSync(file).subarray(0, 2).toString('latin1');
  check(head === 'PK', `the download ${dl.suggestedFilename()} starts with "PK" (got ${JSON.stringify(head)})`);
  check(/\.xlsx$/i.test(dl.suggestedFilename()), `the download is named *.xlsx (${dl.suggestedFilename()})`);
  const json = file.replace(/\.xlsx$/i, '') + '.json';
  const xlsx = file.endsWith('.xlsx') ? file : file + '.xlsx';
  if (xlsx !== file) execFileSync('cp', [file, xlsx]);
  execFileSync(BIN, ['convert', xlsx, json], { stdio: ['ignore', 'pipe', 'pipe'] });
  return readFileSync(json, 'utf8');
}

// ---- the round -----------------------------------------------------------------

const T = {
  ja: {
    current: (no) => `情報セキュリティ規程を整備し、年1回見直している (E2E項目${no})`,
    gap: (no) => `委託先管理の手順が未整備 (E2E項目${no})`,
    plan: (no) => `来期中に手順書を作成する (E2E項目${no})`,
    fixed: (no) => `手順書を作成し、9月に運用を開始した (E2E修正${no})`,
    review: '手順書の整備時期を具体的に記入してください',
    returnComment: '項目の記載を直してください',
    acceptComment: '承認します',
    signOut: 'ログアウト',
    english: null,
  },
  en: {
    current: (no) => `Security policy in place, reviewed yearly (E2E item ${no})`,
    gap: (no) => `No procedure for subcontractors yet (E2E item ${no})`,
    plan: (no) => `Write the procedure next term (E2E item ${no})`,
    fixed: (no) => `Procedure written and in force since September (E2E fix ${no})`,
    review: 'Please give a date for the procedure',
    returnComment: 'Please correct the item',
    acceptComment: 'Accepted',
    signOut: 'Sign out',
    english: 'Sign out',
  },
};

async function round(browser, { lang, id }) {
  blocked = null;
  curLang = lang;
  const t = T[lang];
  const sfx = lang === 'ja' ? '' : `-${lang}`;
  out(`# round in ${lang === 'ja' ? 'Japanese' : 'English'}: assessment ${id}`);
  const ctxOpts = {
    baseURL: BASE,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  };
  const consoleErrors = [];
  // Script errors, CSP reports ("Refused to …") and failed style sheets or
  // scripts; a missing page is a step's business, and Chromium's own
  // /favicon.ico request is not the application's.
  const watch = (page, who) => {
    page.on('dialog', (d) => d.accept()); // data-confirm forms ask first
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) {
        consoleErrors.push(`${who}: ${m.text()}`);
      }
    });
    page.on('pageerror', (e) => consoleErrors.push(`${who}: ${e.message}`));
    page.on('crash', () => {
      consoleErrors.push(`${who}: the page crashed`);
      out(`# ${who}: the page crashed (Chromium's renderer) at ${page.url()}`);
    });
    page.on('response', (r) => {
      const req = r.request();
      if (r.status() >= 400 && !req.isNavigationRequest() && new URL(r.url()).pathname !== '/favicon.ico') {
        consoleErrors.push(`${who}: HTTP ${r.status()} for ${req.resourceType()} ${r.url()}`);
      }
    });
    page.on('requestfailed', (req) => {
      if (!req.isNavigationRequest()) consoleErrors.push(`${who}: ${req.url()} failed: ${req.failure()?.errorText}`);
    });
  };
  const pctx = await browser.newContext(ctxOpts);
  const bctx = await browser.newContext(ctxOpts);
  const pp = await pctx.newPage();
  const bp = await bctx.newPage();
  watch(pp, 'partner');
  watch(bp, 'bank');
  const A = `/assessments/${id}`;
  let items = [];
  let back = null; // the item returned for changes

  await step(`${lang}: the partner (${PARTNER.login}) signs in`, ['GET /login', 'POST /login'],
    async () => {
      await signIn(pp, PARTNER);
      if (lang === 'ja') {
        check((await pp.locator('html').getAttribute('lang')) === 'ja', 'pages are in Japanese by default');
      }
    });

  if (t.english) {
    await step(`${lang}: the partner switches to English with the header button`, ['POST /lang'],
      async () => {
        await open(pp, A);
        await switchLanguage(pp, 'en');
        await headerHas(pp, t.english);
        check(new URL(pp.url()).pathname === A, `the switch returns to the same page (${pp.url()})`);
      });
  }

  await step(`${lang}: the partner's dashboard links to the assessment`, ['GET /'], async () => {
    await open(pp, '/');
    await headerHas(pp, PARTNER.login);
    await headerHas(pp, t.signOut);
    await shot(pp, `dashboard-partner${sfx}.png`);
    check((await pp.locator(`a[href="${A}"], a[href^="${A}?"], a[href^="${A}#"]`).count()) >= 1,
      `the dashboard links to ${A}`);
  }, { essential: false });

  await step(`${lang}: the partner fills several items (status and text) and saves each`,
    ['GET /assessments/{id}', 'POST answers'], async () => {
      await open(pp, A);
      await expectState(pp, 'draft');
      items = await pp.locator('section.item:has(form.answer-form[data-side="partner"])')
        .evaluateAll((els) => els.map((e) => Number(e.id.replace(/^item-/, ''))));
      check(items.length >= 3, `at least three items the partner may answer (found ${items.length})`);
      check((await pp.locator('form.answer-form[data-side="bank"]').count()) === 0,
        'the partner gets no form for the bank side');
      items = items.slice(0, 3);
      back = items[1];
      const answers = {
        [items[0]]: { status: 'done', current: t.current(items[0]) },
        [items[1]]: { status: 'partial', current: t.current(items[1]), gap: t.gap(items[1]),
          plan: t.plan(items[1]), due: '2027-03-31' },
        [items[2]]: { status: 'todo', gap: t.gap(items[2]), plan: t.plan(items[2]), due: '2027-06-30',
          note: '— E2E 備考 <b>not bold</b> & "quotes"' },
      };
      for (const no of items) {
        const form = answerForm(pp, no);
        check((await form.count()) === 1, `item ${no} has one partner answer form`);
        const v0 = await form.locator('input[type="hidden"][name="version"]').inputValue();
        await fillAnswer(form, answers[no]);
        await submitVia(pp, form.locator('button[type="submit"][name="save"]'), `save item ${no}`);
        check(new URL(pp.url()).pathname === A, `after saving, back on the assessment (${pp.url()})`);
        const saved = await formValues(answerForm(pp, no));
        check(Number(saved.version) > Number(v0), `item ${no}: the version went up (${v0} → ${saved.version})`);
        for (const f of ['status', 'current', 'gap', 'plan', 'note', 'due']) {
          if (answers[no][f] === undefined) continue;
          check(saved[f] === answers[no][f], `item ${no}: ${f} saved (got ${JSON.stringify(saved[f])})`);
        }
      }
      // The markup in the note came back as text, not as an element.
      check((await item(pp, items[2]).locator('b').count()) === 0, 'a note with markup is shown escaped');
      await shot(pp, `assessment-partner${sfx}.png`, lang === 'ja');
    });

  if (lang === 'ja') {
    await step(`${lang}: a save from a stale second tab shows the conflict, then saves on top`,
      ['GET /assessments/{id}', 'POST answers'], async () => {
        const no = items[0];
        const tab2 = await pctx.newPage();
        watch(tab2, 'partner tab 2');
        try {
          await open(tab2, A);
          await open(pp, A);
          await answerForm(pp, no).locator('[name="note"]').fill('一つ目のタブの備考');
          await submitVia(pp, answerForm(pp, no).locator('button[name="save"]'), `save item ${no}`);
          await answerForm(tab2, no).locator('[name="note"]').fill('二つ目のタブの備考');
          const nav = tab2.waitForNavigation({ timeout: ACTION_MS });
          await answerForm(tab2, no).locator('button[name="save"]').click();
          const resp = await nav;
          check(resp && resp.status() === 409, `the stale save answers 409 (got ${resp && resp.status()})`);
          const body = await tab2.locator('main').innerText();
          check(body.includes('一つ目のタブの備考') && body.includes('二つ目のタブの備考'),
            'the conflict page shows the stored value and the input side by side');
          await shot(tab2, 'assessment-conflict.png', false);
          await open(pp, A);
          check((await answerForm(pp, no).locator('[name="note"]').inputValue()) === '一つ目のタブの備考',
            'the stale save wrote nothing');
          const again = tab2.locator('form.answer-form button[name="save"]');
          check((await again.count()) === 1, 'the conflict page offers to save on top of the current version');
          await submitVia(tab2, again, 'save on top');
          check((await answerForm(tab2, no).locator('[name="note"]').inputValue()) === '二つ目のタブの備考',
            'saved on top of the current version');
        } finally {
          await tab2.close();
        }
      }, { essential: false });
  }

  await step(`${lang}: the partner submits`, ['POST /assessments/{id}/submit'], async () => {
    const btn = await stepButton(pp, 'submit');
    check((await btn.count()) === 1, 'a submit button is shown to the partner');
    if (lang === 'en') check((await btn.innerText()).trim() === 'Submit', 'the button reads "Submit"');
    await submitVia(pp, btn, 'submit');
    await open(pp, A);
    await expectState(pp, 'submitted');
    check((await pp.locator('form.answer-form').count()) === 0, 'no answer form once submitted');
    check((await (await stepButton(pp, 'submit')).count()) === 0, 'no submit button once submitted');
  });

  await step(`${lang}: the bank reviewer (${BANK.login}) signs in`, ['GET /login', 'POST /login'],
    async () => {
      await signIn(bp, BANK);
      if (t.english) {
        await open(bp, A);
        await switchLanguage(bp, 'en');
        await headerHas(bp, t.english);
      }
    });

  await step(`${lang}: the bank's dashboard links to the assessment`, ['GET /'], async () => {
    await open(bp, '/');
    await headerHas(bp, BANK.login);
    await shot(bp, `dashboard-bank${sfx}.png`);
    check((await bp.locator(`a[href="${A}"], a[href^="${A}?"], a[href^="${A}#"]`).count()) >= 1,
      `the dashboard links to ${A}`);
  }, { essential: false });

  await step(`${lang}: the bank starts the review and rates the items, one "improve" with a comment`,
    ['GET /assessments/{id}', 'POST review'], async () => {
      await open(bp, A);
      for (const no of items) {
        check((await item(bp, no).innerText()).includes(t.current(no)) || no === items[2],
          `the bank sees the partner's text on item ${no}`);
      }
      check((await bp.locator('form.answer-form[data-side="partner"]').count()) === 0,
        'the bank gets no form for the partner side');
      const start = await stepButton(bp, 'start-review');
      if (routes.get('POST /assessments/{id}/start-review').present && (await start.count())) {
        await submitVia(bp, start, 'start the review');
        await expectState(bp, 'in_review');
      }
      for (const no of items) {
        const form = bp.locator(`form[action="${A}/items/${no}/review"]`);
        check((await form.count()) === 1, `item ${no} has a review form`);
        const ev = no === back ? 'improve' : 'ok';
        await form.locator('select[name="evaluation"]').selectOption(ev);
        if (no === back) await form.locator('[name="comment"]').fill(t.review);
        await submitVia(bp, form.locator('button[type="submit"]').first(), `review item ${no}`);
        const got = await item(bp, no).locator('[data-evaluation]').first().getAttribute('data-evaluation');
        check(got === ev, `item ${no} shows evaluation ${ev} (got ${got})`);
      }
      await expectState(bp, 'in_review');
      check((await item(bp, back).innerText()).includes(t.review), 'the review comment is shown on the item');
      await shot(bp, `assessment-bank-review${sfx}.png`, lang === 'ja');
    });

  await step(`${lang}: the bank returns the checklist with a comment`,
    ['POST /assessments/{id}/return'], async () => {
      const btn = await stepButton(bp, 'return');
      check((await btn.count()) === 1, 'a return button is shown to the reviewer');
      check((await (await stepButton(bp, 'accept')).count()) === 1, 'an accept button too');
      const form = bp.locator(`form[action="${A}/return"]`);
      if (await form.locator('[name="comment"]').count()) await form.locator('[name="comment"]').fill(t.returnComment);
      await submitVia(bp, btn, 'return');
      await open(bp, A);
      await expectState(bp, 'returned');
      check((await bp.locator('form[action$="/review"]').count()) === 0, 'no review form once returned');
    });

  await step(`${lang}: the partner sees the comment, fixes the item and resubmits`,
    ['GET /assessments/{id}', 'POST answers', 'POST /assessments/{id}/submit'], async () => {
      await open(pp, A);
      await expectState(pp, 'returned');
      const text = await item(pp, back).innerText();
      check(text.includes(t.review), `the partner sees the bank's comment on item ${back}`);
      check((await item(pp, back).locator('[data-evaluation]').first().getAttribute('data-evaluation')) === 'improve',
        'and its evaluation');
      const page = await pp.locator('main').innerText();
      check(page.includes(t.returnComment), 'and the comment given with the return');
      const form = answerForm(pp, back);
      check((await form.count()) === 1, 'the returned checklist is editable again');
      await fillAnswer(form, { status: 'done', current: t.fixed(back), gap: '', plan: '' });
      await submitVia(pp, form.locator('button[type="submit"][name="save"]'), `save item ${back}`);
      check((await answerForm(pp, back).locator('[name="current"]').inputValue()) === t.fixed(back),
        'the fix was saved');
      await shot(pp, `assessment-partner-fixed${sfx}.png`, false);
      await submitVia(pp, await stepButton(pp, 'submit'), 'resubmit');
      await open(pp, A);
      await expectState(pp, 'submitted');
    });

  await step(`${lang}: the bank accepts`, ['GET /assessments/{id}', 'POST /assessments/{id}/accept'],
    async () => {
      await open(bp, A);
      check((await item(bp, back).innerText()).includes(t.fixed(back)), 'the bank sees the fix');
      const start = await stepButton(bp, 'start-review');
      if ((await start.count()) && (await (await stepButton(bp, 'accept')).count()) === 0) {
        await submitVia(bp, start, 'start the review');
      }
      const btn = await stepButton(bp, 'accept');
      check((await btn.count()) === 1, 'an accept button is shown to the reviewer');
      if (lang === 'en') check((await btn.innerText()).trim() === 'Accept', 'the button reads "Accept"');
      const form = bp.locator(`form[action="${A}/accept"]`);
      if (await form.locator('[name="comment"]').count()) await form.locator('[name="comment"]').fill(t.acceptComment);
      await submitVia(bp, btn, 'accept');
      await open(bp, A);
      await expectState(bp, 'accepted');
      for (const a of ['submit', 'start-review', 'return', 'accept']) {
        check((await (await stepButton(bp, a)).count()) === 0, `no ${a} button once accepted`);
      }
      await shot(bp, `assessment-bank-accepted${sfx}.png`, false);
    });

  for (const [who, page] of [['partner', pp], ['bank', bp]]) {
    await step(`${lang}: the ${who} downloads the workbook (XLSX holding the partner's answers)`,
      ['GET /assessments/{id}', 'GET /assessments/{id}/export/xlsx'], async () => {
        await open(page, A);
        const json = await download(page, id, who, lang);
        check(json.includes(t.fixed(back)), `the converted workbook holds the fixed text of item ${back}`);
        check(json.includes(t.current(items[0])), `… and the text of item ${items[0]}`);
      }, { essential: false });
  }

  await step(`${lang}: the bank's CSV (UTF-8 and Shift_JIS) and JSON downloads hold the partner's answers`,
    ['GET /assessments/{id}'], async () => {
      await open(bp, A);
      for (const [suffix, enc] of [['/export/csv', 'utf-8'], ['/export/csv?encoding=cp932', 'shift_jis'],
        ['/export/json', 'utf-8']]) {
        const link = bp.locator(`a[href="${A}${suffix}"]`);
        check((await link.count()) >= 1, `the page links to ${A}${suffix}`);
        const r = await bctx.request.get(BASE + A + suffix, { timeout: ACTION_MS });
        check(r.status() === 200, `GET ${suffix}: HTTP ${r.status()}`);
        const body = await r.body();
        const text = new TextDecoder(enc).decode(body);
        check(text.includes(t.fixed(back)), `${suffix} (${enc}) holds the fixed text of item ${back}`);
        if (suffix === '/export/json') JSON.parse(text);
      }
    }, { essential: false });

  for (const [who, page] of [['partner', pp], ['bank', bp]]) {
    await step(`${lang}: the ${who} signs out with the header button`, ['POST /logout'], async () => {
      await open(page, A);
      const btn = page.locator('form[action="/logout"] button[type="submit"]');
      check((await btn.count()) === 1, 'a sign-out button in the header');
      await submitVia(page, btn, 'sign out');
      check(new URL(page.url()).pathname === '/login', `signed out onto /login (${page.url()})`);
      const r = await page.goto(BASE + A);
      check(new URL(page.url()).pathname === '/login', `the assessment asks for sign-in again (${r && r.status()})`);
    }, { essential: false });
  }

  n++;
  if (consoleErrors.length) {
    failures++;
    out(`not ok ${n} - ${lang}: no script errors or CSP violations in the browser console`);
    diag(consoleErrors.slice(0, 10).join('\n'));
  } else {
    out(`ok ${n} - ${lang}: no script errors or CSP violations in the browser console`);
  }
  await pctx.close();
  await bctx.close();
}

// ---- main ------------------------------------------------------------------------

const firstId = ROUNDS[0].id;
await probe('GET /login', 'GET', '/login');
await probe('POST /login', 'POST', '/login');
await probe('POST /logout', 'POST', '/logout');
await probe('POST /lang', 'POST', '/lang');
await probe('GET /', 'GET', '/');
await probe('GET /assessments/{id}', 'GET', `/assessments/${firstId}`);
await probe('POST answers', 'POST', `/assessments/${firstId}/items/1/answers/partner`);
await probe('POST review', 'POST', `/assessments/${firstId}/items/1/review`);
for (const a of ['submit', 'start-review', 'return', 'accept']) {
  await probe(`POST /assessments/{id}/${a}`, 'POST', `/assessments/${firstId}/${a}`);
}
await probe('GET /assessments/{id}/export/xlsx', 'GET', `/assessments/${firstId}/export/xlsx`);
out('# routes: ' + [...routes.values()].map((r) => `${r.label} ${r.present ? 'ok' : r.status}`).join('; '));

const t0 = Date.now();
let browser;
n++;
try {
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
  out(`ok ${n} - Chromium ${browser.version()} starts headless (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
} catch (e) {
  failures++;
  out(`not ok ${n} - Chromium starts headless from /usr/bin/chromium`);
  diag(e.message);
  process.exit(1);
}
try {
  for (const r of ROUNDS) await round(browser, r);
} finally {
  await browser.close();
  if (!env.WORK_DIR) rmSync(WORK, { recursive: true, force: true });
}
out(`# browser rounds took ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${SHOTS}`);
process.exit(failures ? 1 : 0);
