// 数据大屏: a region's figures as charts on a 1920×1080 screen and on a
// desktop — every chart drawn from the demo's data, the tables filled, no
// JavaScript or CSP error, axe clean, nothing scrolling sideways.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, closePage, step, goto, clickAndLoad, checkA11y, pageErrors, assertNoHorizontalScroll } from './lib.mjs';

useBrowser();

const LAYOUTS = {
  'big screen 1920×1080': { viewport: { width: 1920, height: 1080 } },
  desktop: {},
};
const pages = {};
before(async () => {
  for (const [name, extra] of Object.entries(LAYOUTS)) pages[name] = await openPage('desktop', `screen-${name}`, extra);
});
after(async () => {
  for (const p of Object.values(pages)) await closePage(p);
});

for (const name of Object.keys(LAYOUTS)) {
  step(`${name}: every chart drawn from the demo's figures`, async (t) => {
    const page = pages[name];
    await goto(page, '/figures');
    await clickAndLoad(page, page.getByRole('link', { name: '数据大屏' }));
    // Six charts, each with its canvas once the data has arrived.
    for (const id of ['funnel', 'trend', 'channels', 'categories', 'map', 'satisfaction']) {
      await page.locator(`#${id} canvas`).first().waitFor({ state: 'attached' });
    }
    const tiles = await page.locator('#tiles li').allInnerTexts();
    assert.ok(tiles.some((x) => x.includes('议题总数')), tiles.join(' | '));
    const total = Number((await page.locator('#tiles li strong').first().innerText()).trim());
    assert.ok(total > 0, `the demo's topics are counted: ${total}`);
    assert.ok((await page.locator('#departments tr').count()) > 0, 'departments ranked');
    assert.notEqual((await page.locator('#updated').innerText()).trim(), '—', 'the data arrived');
    await assertNoHorizontalScroll(page, `screen ${name}`);
    if (name.startsWith('big')) {
      // The big screen fits one screen: no scrolling down either.
      const fits = await page.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 2);
      assert.ok(fits, 'the big screen fits 1080 pixels');
    }
    assert.deepEqual(pageErrors(page), []);
    await checkA11y(t, page, `screen ${name}`);
  });
}
