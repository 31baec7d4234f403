// Stored text carrying script is shown as text: in real Chromium, no payload runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useBrowser, openPage, closePage, BASE_URL, pageErrors } from './lib.mjs';

useBrowser();

const corpus = JSON.parse(readFileSync(new URL('../../../crates/web/tests/data/hostile.json', import.meta.url)));

test('stored XSS payloads stay inert on the topic page', async () => {
  const page = await openPage('phone', 'xss');
  try {
    let dialogs = 0;
    page.on('dialog', (d) => { dialogs += 1; d.dismiss(); });
    let shown = 0;
    for (const payload of corpus.xss) {
      const title = ('路灯' + payload).slice(0, 60);
      const res = await page.request.post(`${BASE_URL}/api/rooms/chenshi-sq/topics`, {
        data: { title, body: payload, place: payload.slice(0, 100) },
      });
      if (res.status() !== 201) continue; // refused outright is also safe
      const { tracking_no } = await res.json();
      await page.goto(`/t/${tracking_no}`);
      const ran = await page.evaluate(() => window.__xss === 1 || document.title === 'XSS');
      assert.equal(ran, false, `payload ran: ${payload}`);
      assert.ok((await page.textContent('h1')).startsWith('路灯'), 'the title is shown as text');
      shown += 1;
    }
    assert.ok(shown >= corpus.xss.length / 2, `only ${shown} payloads were stored and shown`);
    assert.equal(dialogs, 0, 'no alert, confirm or prompt opened');
    assert.deepEqual(pageErrors(page).filter((e) => !e.includes('Content Security Policy')), []);
  } finally {
    await closePage(page);
  }
});
