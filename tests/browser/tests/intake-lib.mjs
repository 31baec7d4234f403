// Shared by the intake browser tests: the demo room they use, pages that
// close when the next test starts, and helpers for the submission form.
import assert from 'node:assert/strict';
import { after, beforeEach } from 'node:test';
import { deflateSync } from 'node:zlib';
import {
  BASE_URL,
  useBrowser,
  openPage,
  closePage,
  step,
  goto,
  clickAndLoad,
  staffLogin,
  assertVisible,
  topicState,
  submitTopic,
  demoTopic,
  checkA11y,
  assertNoHorizontalScroll,
  pageErrors,
} from './lib.mjs';

export const ROOM = 'chenshi-sq';
export const ROOM_NAME = '陈师社区有事好商量议事室';
export const CONVENER = 'convener-chenshisq';
export const FORM_ACTION = `/r/${ROOM}/topics`;
export const DRAFT_SLOT = `draft:${FORM_ACTION}`;
export const RUN = Date.now().toString(36).slice(-5);

// A test's pages stay open until the next test starts, so that a failing
// test's screenshots (saved by step()) show its own pages and no others.
export const opened = [];
export async function closeOpened() {
  while (opened.length) await closePage(opened.pop());
}
/** openPage, closed when the next test starts. */
export async function open(profile, label, extra) {
  const p = await openPage(profile, label, extra);
  opened.push(p);
  return p;
}

// ---------------------------------------------------------------- helpers

/** Topics of the room with exactly this title, through the public JSON API (newest 200). */
export async function topicsTitled(title) {
  const res = await fetch(`${BASE_URL}/api/topics?room=${ROOM}&limit=200`);
  assert.equal(res.status, 200);
  const { items } = await res.json();
  return items.filter((t) => t.title === title);
}

/** The tracking number of the room's topic with this exact title. */
export async function trackingOf(title) {
  const found = await topicsTitled(title);
  assert.equal(found.length, 1, `the demo has one topic titled “${title}” in ${ROOM}`);
  return found[0].tracking_no;
}

export async function draftStored(page) {
  return page.evaluate((slot) => {
    const raw = window.localStorage.getItem(slot);
    return raw ? JSON.parse(raw) : null;
  }, DRAFT_SLOT);
}

export async function fillForm(page, { title, body, place = '', category = '' }) {
  const form = page.locator('#submit');
  await form.getByLabel('标题').fill(title);
  await form.getByLabel('具体情况').fill(body);
  if (category) await form.getByLabel('类别').selectOption({ label: category });
  if (place) await form.getByLabel('地点').fill(place);
  return form;
}

/** Waits for the page to arrive on a new topic's 提交成功 page; returns the tracking number. */
export async function waitForSubmitted(page, timeout = 10_000) {
  try {
    await page.waitForURL(/\/t\/\d{10}\?submitted=1$/, { timeout, waitUntil: 'load' });
  } catch {
    const status = await page.locator('[data-draft-status]').textContent().catch(() => '(no status)');
    assert.fail(`the draft should have been sent and the page moved to the new topic; still on ${page.url()}, status “${status}”`);
  }
  const no = page.url().match(/\/t\/(\d{10})\?submitted=1$/)[1];
  await assertVisible(page.getByRole('status').filter({ hasText: '提交成功' }), 'the new topic page says 提交成功');
  return no;
}

/** Waits until an <img> has loaded with real pixels; returns its natural width. */
export async function imageLoaded(page, locator, what) {
  await locator.scrollIntoViewIfNeeded();
  const handle = await locator.elementHandle();
  try {
    await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, handle, { timeout: 5_000 });
  } catch {
    const src = await locator.getAttribute('src');
    assert.fail(`${what} (${src}) did not load: complete/naturalWidth stayed false/0`);
  }
  return handle.evaluate((img) => img.naturalWidth);
}

/** A small valid RGB PNG of one colour, made here so nothing is read from disk. */
export function png(width, height, [r, g, b]) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function photo(i) {
  return { name: `IMG_2026_${i}.png`, mimeType: 'image/png', buffer: png(64 + i, 48, [(i * 40) % 256, 120, 200 - i * 10]) };
}

/** The browser and the page bookkeeping every intake test file needs. */
export function useIntakeBrowser() {
  useBrowser();
  beforeEach(closeOpened);
  after(closeOpened);
}
