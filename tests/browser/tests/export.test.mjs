// 工作台账 of a large region: the browser run sets `ledger_at_once` below
// the demo's 200 topics, so a clerk asking for 陈师街道's 台账 is taken to a
// page that counts the topics written, updates itself without a reload,
// and then offers the file — on a desktop and on a phone, axe clean.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, closePage, step, goto, clickAndLoad, staffLogin, checkA11y, pageErrors, assertNoHorizontalScroll } from './lib.mjs';

useBrowser();

const pages = {};
before(async () => {
  for (const profile of ['desktop', 'phone']) pages[profile] = await openPage(profile, `export-${profile}`, { acceptDownloads: true });
});
after(async () => {
  for (const p of Object.values(pages)) await closePage(p);
});

for (const profile of ['desktop', 'phone']) {
  step(`${profile}: a large 台账 is made in the background, then downloaded`, async (t) => {
    const page = pages[profile];
    await staffLogin(page, 'convener-chenshisq');
    await goto(page, '/figures/4');
    const landed = await clickAndLoad(page, page.getByRole('link', { name: '工作台账（Excel）' }));
    assert.match(landed, /^\/exports\/\d+$/, 'the 台账 is made in the background');
    const id = landed.split('/').pop();
    await page.getByRole('heading', { name: '工作台账（Excel）', level: 1 }).waitFor();
    const first = await page.locator('#export [role=status]').innerText();
    assert.match(first, /已写入 \d+ \/ \d+ 个议题|台账已生成/, first);
    // The page updates itself (htmx polls it) until the file is made.
    const url = page.url();
    await page.getByText('台账已生成').waitFor({ timeout: 30_000 });
    assert.equal(page.url(), url, 'no reload needed');
    await assertNoHorizontalScroll(page, `export ${profile}`);
    assert.deepEqual(pageErrors(page), []);
    await checkA11y(t, page, `export ${profile}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: '下载工作台账' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^ledger-4-\d{4}\.xlsx$/);
    const path = await download.path();
    assert.ok(path, 'the file arrived');
    // Asking again soon after is answered by the same export.
    await goto(page, '/figures/4');
    const again = await clickAndLoad(page, page.getByRole('link', { name: '工作台账（Excel）' }));
    assert.equal(again, `/exports/${id}`);
  });
}
