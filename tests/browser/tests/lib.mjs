// Shared helpers of the browser tests: the browser, the two device profiles,
// failure artifacts, sign-in, and the axe and layout checks.
//
// Every test is written with `step()` rather than `test()`: it runs the body,
// and when the body throws it saves a screenshot and the HTML of every page
// still open to tests/browser/artifacts/ before failing. In a file whose steps
// depend on each other (flow.test.mjs), a failed step makes the later ones skip
// instead of failing for the same reason.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const PASSWORD = 'shangliang2026';
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'artifacts');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
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

/** WeChat's in-app browser on an Android phone, the residents' usual way in (QR code scan). */
export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 10; V1914A Build/QP1A.190711.020; wv) AppleWebKit/537.36 ' +
  '(KHTML, like Gecko) Version/4.0 Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 Mobile ' +
  'Safari/537.36 MMWEBID/1234 MicroMessenger/8.0.28.2240(0x28001C35) WeChat/arm64 Weixin ' +
  'NetType/WIFI Language/zh_CN ABI/arm64';

export const PROFILES = {
  phone: {
    viewport: { width: 375, height: 667 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
    userAgent: WECHAT_UA,
  },
  desktop: {
    viewport: { width: 1366, height: 768 },
  },
};

let browserPromise = null;
/** Every page opened through this module, with a label for artifact names. */
const pages = new Map();

/** Chromium, launched on first use (once per test file: each file is its own process). */
function browser() {
  browserPromise ??= chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  return browserPromise;
}

/** Closes the browser when the file's tests are done. Call once at the top of a test file. */
export function useBrowser() {
  after(async () => {
    if (browserPromise) await (await browserPromise).close();
    browserPromise = null;
  });
}

/**
 * A fresh browser context (its own cookies: a new device) in a profile, with
 * one page. `label` names the page in artifacts. Extra context options
 * (e.g. a different viewport) override the profile's.
 */
export async function openPage(profile, label, extra = {}) {
  const context = await (await browser()).newContext({
    ...PROFILES[profile],
    ...extra,
    baseURL: BASE_URL,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  const entry = { label: `${label}-${profile}`, errors: [] };
  page.on('pageerror', (e) => entry.errors.push(String(e)));
  page.on('console', (m) => {
    // Failed loads are reported below with their URL.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) entry.errors.push(m.text());
  });
  page.on('response', (r) => {
    // Chromium asks for /favicon.ico by itself; the app has none (reported separately).
    if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico') {
      entry.errors.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    }
  });
  pages.set(page, entry);
  page.on('close', () => pages.delete(page));
  return page;
}

/** Errors the page itself reported (JavaScript exceptions, console errors such as CSP refusals). */
export function pageErrors(page) {
  return pages.get(page)?.errors ?? [];
}

export async function closePage(page) {
  if (page && !page.isClosed()) await page.context().close();
}

function slug(s) {
  return s.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 80);
}

/** Saves a full-page screenshot and the HTML of every open page. */
export async function saveArtifacts(testName) {
  await mkdir(ARTIFACTS, { recursive: true });
  const saved = [];
  for (const [page, { label }] of pages) {
    if (page.isClosed()) continue;
    const base = path.join(ARTIFACTS, `${slug(testName)}--${slug(label)}`);
    try {
      await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 5_000 });
      saved.push(`${base}.png`);
    } catch (e) {
      saved.push(`(screenshot failed: ${e.message.split('\n')[0]})`);
    }
    try {
      const html = `<!-- ${page.url()} -->\n${await page.content()}`;
      await writeFile(`${base}.html`, html);
      saved.push(`${base}.html`);
    } catch (e) {
      saved.push(`(HTML failed: ${e.message.split('\n')[0]})`);
    }
  }
  return saved;
}

let chainBroken = null;

/**
 * A test that saves artifacts when it fails. With `{ chain: true }` the steps
 * of a file form a chain: once one fails, the following chained steps skip.
 */
export function step(name, fn, { chain = false } = {}) {
  test(name, async (t) => {
    if (chain && chainBroken) {
      t.skip(`skipped: an earlier step failed (${chainBroken})`);
      return;
    }
    try {
      await fn(t);
    } catch (e) {
      if (chain) chainBroken = name;
      const saved = await saveArtifacts(name);
      if (saved.length) t.diagnostic(`artifacts: ${saved.join(' ')}`);
      throw e;
    }
  });
}

// ---------------------------------------------------------------- navigation

/** The response's status of the latest navigation, asserted. */
export async function goto(page, url, status = 200) {
  const res = await page.goto(url);
  assert.ok(res, `no response for ${url}`);
  assert.equal(res.status(), status, `GET ${url} answered ${res.status()}`);
  return res;
}

/**
 * Clicks something that submits a form or follows a link and waits for the
 * resulting page to load; returns the final URL path. Fails if the page that
 * arrives is the error page.
 */
export async function clickAndLoad(page, locator, { allowError = false } = {}) {
  const before = page.url();
  const [res] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    locator.click(),
  ]);
  const url = new URL(page.url());
  if (!allowError) {
    const status = res ? res.status() : 0;
    if (status >= 400 || (await page.locator('.card.error h1', { hasText: '操作没有成功' }).count())) {
      const msg = await page.locator('.card.error .message').first().textContent().catch(() => '');
      assert.fail(`after clicking on ${before} the app answered ${status} at ${url.pathname}: ${msg?.trim()}`);
    }
  }
  return url.pathname + url.search;
}

/** Signs in on /login with the staff form, as a user would; lands on /desk. */
export async function staffLogin(page, username) {
  await goto(page, '/login');
  const staff = page.locator('section').filter({ has: page.getByRole('heading', { name: '工作人员登录' }) });
  await staff.getByLabel('用户名').fill(username);
  await staff.getByLabel('密码').fill(PASSWORD);
  const landed = await clickAndLoad(page, staff.getByRole('button', { name: '登录' }));
  assert.equal(landed, '/desk', `after signing in as ${username} we should be on the desk`);
  await assertVisible(page.getByRole('heading', { name: '工作台', level: 1 }));
}

/** Opens the <details> whose summary reads `summary` (if it is closed) and returns it. */
export async function openDetails(scope, summary) {
  const details = scope.locator('details').filter({ has: scope.page().locator('summary', { hasText: summary }) }).first();
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').first().click();
  return details;
}

// ---------------------------------------------------------------- assertions

export async function assertVisible(locator, message) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: 5_000 });
  } catch {
    assert.fail(message || `expected to see ${locator}`);
  }
}

/** The topic page's state label (the first .state in the topic's header card). */
export async function topicState(page) {
  return (await page.locator('main .card').filter({ has: page.locator('h1') }).first()
    .locator('.state').first().textContent())?.trim();
}

/** The labels of the topic's public timeline (办理过程), oldest first as shown. */
export async function timelineLabels(page) {
  return (await page.locator('ol.timeline > li strong').allTextContents()).map((s) => s.trim());
}

export async function assertTimelineHas(page, label) {
  const labels = await timelineLabels(page);
  assert.ok(labels.includes(label), `timeline should show “${label}”, shows: ${labels.join('、')}`);
}

// ---------------------------------------------------------------- dates

/** A date N days from today in China Standard Time, as yyyy-mm-dd. */
export function beijingDate(daysAhead = 0) {
  const d = new Date(Date.now() + 8 * 3600_000 + daysAhead * 86400_000);
  return d.toISOString().slice(0, 10);
}

/** A local date-time in CST N days ahead at hh:mm, as yyyy-mm-ddThh:mm (datetime-local). */
export function beijingDateTime(daysAhead, hhmm = '09:30') {
  return `${beijingDate(daysAhead)}T${hhmm}`;
}

// ---------------------------------------------------------------- axe

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

function describe(v) {
  const nodes = v.nodes
    .slice(0, 5)
    .map((n) => `      ${n.target.join(' ')}${n.failureSummary ? `\n        ${n.failureSummary.replace(/\n/g, '\n        ')}` : ''}`)
    .join('\n');
  return `  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'})\n${nodes}`;
}

/**
 * Runs axe-core on the page as it is now. Fails on violations of impact
 * serious or critical; reports the others as diagnostics of the test.
 */
export async function checkA11y(t, page, what) {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  assert.ok(results.passes.length > 0, `axe did not run on ${what} (no rule passed)`);
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = results.violations.filter((v) => !(v.impact === 'serious' || v.impact === 'critical'));
  for (const v of minor) t.diagnostic(`axe (${what}, not failing): ${describe(v).trim()}`);
  if (results.incomplete.length) {
    t.diagnostic(`axe (${what}) needs review by a person: ${results.incomplete.map((v) => `${v.id}×${v.nodes.length}`).join(', ')}`);
  }
  if (minor.length) console.log(`axe ${what}: ${minor.length} minor/moderate finding(s)\n${minor.map(describe).join('\n')}`);
  assert.equal(
    bad.length,
    0,
    `axe found serious/critical violations on ${what} (${page.url()}):\n${bad.map(describe).join('\n')}`,
  );
  return results;
}

// ---------------------------------------------------------------- layout

/** Asserts the page does not scroll sideways, naming the widest elements if it does. */
export async function assertNoHorizontalScroll(page, what) {
  const m = await page.evaluate(() => {
    const inner = window.innerWidth;
    const sw = document.scrollingElement.scrollWidth;
    const culprits = [];
    if (sw > inner) {
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.right > inner + 0.5 && r.width > 0) {
          const id = el.id ? `#${el.id}` : '';
          const cls = el.classList.length ? `.${[...el.classList].join('.')}` : '';
          culprits.push(`${el.tagName.toLowerCase()}${id}${cls} right=${Math.round(r.right)}`);
        }
      }
    }
    return { inner, sw, culprits: culprits.slice(0, 8) };
  });
  assert.ok(
    m.sw <= m.inner,
    `${what} scrolls sideways at ${m.inner}px: scrollWidth ${m.sw} > innerWidth ${m.inner}; ` +
      `elements past the right edge: ${m.culprits.join(', ')}`,
  );
}

// ---------------------------------------------------------------- residents

/**
 * Submits a topic through a room's form as a resident would and returns its
 * 10-digit tracking number; the page is left on the new topic (提交成功).
 */
export async function submitTopic(page, room, { title, body, category = '市容环境', place = '' }) {
  await goto(page, `/r/${room}`);
  const form = page.locator('#submit');
  await form.getByLabel('标题').fill(title);
  await form.getByLabel('具体情况').fill(body);
  await form.getByLabel('类别').selectOption({ label: category });
  if (place) await form.getByLabel('地点').fill(place);
  const landed = await clickAndLoad(page, form.getByRole('button', { name: '提交议题' }));
  const m = landed.match(/^\/t\/(\d{10})\?submitted=/);
  assert.ok(m, `submitting should land on the new topic, landed on ${landed}`);
  return m[1];
}

/** The tracking number of some demo topic in a state, through the public JSON API. */
export async function demoTopic(state) {
  const res = await fetch(`${BASE_URL}/api/topics?state=${state}&limit=1`);
  assert.equal(res.status, 200);
  const { items } = await res.json();
  assert.ok(items.length, `the demo has a topic in state ${state}`);
  return items[0].tracking_no;
}

/**
 * The one-time codes the server "sent" to a phone, oldest first: the demo's
 * SMS sender only logs them, so they are read from the server's log
 * (SERVER_LOG, set by ./run).
 */
export async function smsCodes(phone) {
  const file = process.env.SERVER_LOG;
  assert.ok(file, 'SERVER_LOG is not set (run the tests through tests/browser/run)');
  // eslint-disable-next-line no-control-regex
  const log = (await readFile(file, 'utf8')).replace(/\x1b\[[0-9;]*m/g, '');
  const codes = [];
  for (const line of log.split('\n')) {
    if (!line.includes(`phone="${phone}"`)) continue;
    const m = line.match(/验证码是(\d{6})/);
    if (m) codes.push(m[1]);
  }
  return codes;
}

/** Waits for a code newer than the `seen` codes already in the log and returns it. */
export async function waitForNewCode(phone, seen) {
  for (let i = 0; i < 50; i++) {
    const codes = await smsCodes(phone);
    if (codes.length > seen) return codes[codes.length - 1];
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no new code for ${phone} in the server log`);
}
