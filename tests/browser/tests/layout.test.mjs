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
