// Phone layout: at the narrowest (320 px, older/small Android phones) and a
// wide phone (430 px) the pages must not scroll sideways.
import { after, before } from 'node:test';
import { useBrowser, openPage, closePage, step, goto, submitTopic, demoTopic, assertNoHorizontalScroll } from './lib.mjs';

useBrowser();

const ROOM = 'chenshi-sq';
const WIDTHS = [320, 430];
const pages = {};
let fresh;
let evaluated;

before(async () => {
  for (const w of WIDTHS) {
    pages[w] = await openPage('phone', `layout-${w}`, { viewport: { width: w, height: w === 320 ? 568 : 932 } });
  }
  // A topic with a long unbroken line, as people paste links and numbers.
  fresh = await submitTopic(pages[320], ROOM, {
    title: '陈师大道沿街商铺占道经营影响通行',
    body: '陈师大道88号至120号沿街商铺把货架摆到人行道上，行人只能走机动车道。' +
      '照片见 https://example.com/photos/chenshi-dadao-88-120-zhandao-jingying-2026-11-29.jpg ' +
      '联系电话13900000001，13900000002。',
    category: '市容环境',
    place: '陈师大道88号至120号（中国银行对面）',
  });
  evaluated = await demoTopic('evaluated');
});
after(async () => {
  for (const p of Object.values(pages)) await closePage(p);
});

for (const w of WIDTHS) {
  step(`${w}px: home /`, async () => {
    await goto(pages[w], '/');
    await assertNoHorizontalScroll(pages[w], 'home /');
  });
  step(`${w}px: 工作指标`, async () => {
    await goto(pages[w], '/figures');
    await assertNoHorizontalScroll(pages[w], '/figures');
  });
  step(`${w}px: 搜索 with hits`, async () => {
    await goto(pages[w], '/search?q=%E5%81%9C%E8%BD%A6');
    await assertNoHorizontalScroll(pages[w], '/search');
  });
  step(`${w}px: 议事公开 with its map and filters`, async () => {
    await goto(pages[w], '/open');
    await assertNoHorizontalScroll(pages[w], '/open');
  });
  step(`${w}px: room page`, async () => {
    await goto(pages[w], `/r/${ROOM}`);
    await assertNoHorizontalScroll(pages[w], `room /r/${ROOM}`);
  });
  step(`${w}px: a fresh topic with 提交成功`, async () => {
    await goto(pages[w], `/t/${fresh}?submitted=1`);
    await assertNoHorizontalScroll(pages[w], 'fresh topic');
  });
  step(`${w}px: an evaluated topic with its timeline`, async () => {
    await goto(pages[w], `/t/${evaluated}`);
    await assertNoHorizontalScroll(pages[w], 'evaluated topic');
  });
  step(`${w}px: /login`, async () => {
    await goto(pages[w], '/login');
    await assertNoHorizontalScroll(pages[w], '/login');
  });
}

// A phone's text-size setting (Android WebView's textZoom, WeChat's 字体大小)
// scales every font. The stylesheet sizes text and spacing in rem from a
// root size in percent, so raising the root size is what that setting does
// to these pages; at 150% and 200% they must still fit 360 px without
// sideways scrolling and keep their buttons whole.
for (const zoom of [150, 200]) {
  step(`text at ${zoom}% on a 360 px phone`, async () => {
    const p = pages[320];
    await p.setViewportSize({ width: 360, height: 740 });
    for (const path of ['/', `/r/${ROOM}`, `/t/${fresh}?submitted=1`, `/t/${evaluated}`]) {
      await goto(p, path);
      await p.evaluate((z) => { document.documentElement.style.fontSize = `${1.125 * z}%`; }, zoom);
      const root = await p.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
      if (Math.abs(root - 18 * zoom / 100) > 0.5) throw new Error(`root font ${root}px at ${zoom}%`);
      await assertNoHorizontalScroll(p, `${path} at ${zoom}% text`);
    }
    await p.setViewportSize({ width: 320, height: 568 });
  });
}
