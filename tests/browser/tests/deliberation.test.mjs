// 线上议事 (画出同心圆) on phones: the convener of 陈师社区 opens an online
// deliberation on a topic with seed statements; several phones vote through
// the big 赞同 / 反对 / 跳过 buttons; the results page shows the opinion map
// as an SVG with its groups and the common ground.
//
// The steps share state (the topic, the deliberation), so they run in order
// and a failure skips the rest.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import {
  useBrowser,
  openPage,
  closePage,
  step,
  goto,
  clickAndLoad,
  staffLogin,
  assertVisible,
  submitTopic,
  checkA11y,
  assertNoHorizontalScroll,
  pageErrors,
} from './lib.mjs';

useBrowser();

const ROOM = 'chenshi-sq';
const CONVENER = 'convener-chenshisq';
const RUN = Date.now().toString(36).slice(-5);
const TITLE = `陈师新苑电动车充电桩选址（${RUN}）`;
const SEEDS = [
  '充电桩应该装在小区北门空地',
  '充电桩不能靠近住户窗户',
  '充电应该按度数收费',
  '飞线充电必须坚决制止',
];
const PHONES = 6;

const chain = { chain: true };
const s = { phones: [] };

after(async () => {
  for (const p of [s.resident, s.convener, ...s.phones]) await closePage(p);
});

step('1. the convener opens an online deliberation on a topic of the room', async (t) => {
  s.resident = await openPage('phone', 'resident');
  s.no = await submitTopic(s.resident, ROOM, {
    title: TITLE,
    body: '小区电动车越来越多，楼道飞线充电很危险，希望协商确定充电桩的位置和收费办法。',
  });
  // A resident sees no form to open one.
  assert.equal(await s.resident.getByText('开启线上议事（画出同心圆）').count(), 0);

  const page = (s.convener = await openPage('phone', 'convener'));
  await staffLogin(page, CONVENER);
  await goto(page, `/t/${s.no}`);
  await page.locator('summary', { hasText: '开启线上议事（画出同心圆）' }).click();
  await page.getByLabel('初始观点，每行一条').fill(SEEDS.join('\n'));
  const landed = await clickAndLoad(page, page.getByRole('button', { name: '开启线上议事' }));
  const m = landed.match(/^\/d\/(\d+)$/);
  assert.ok(m, `opening should land on the voting page, landed on ${landed}`);
  s.id = m[1];
  await assertVisible(page.getByText(SEEDS[0]), 'the first seed statement is shown');
  await assertVisible(page.getByRole('link', { name: /审核观点/ }), 'the convener may moderate');
  await assertNoHorizontalScroll(page, 'the voting page');
  await checkA11y(t, page, 'the voting page');
}, chain);

step('2. phones vote through the buttons, two camps', async () => {
  for (let i = 0; i < PHONES; i++) {
    const page = await openPage('phone', `phone${i}`);
    s.phones.push(page);
    await goto(page, `/d/${s.id}`);
    await assertVisible(page.getByText(`已表态 0 / ${SEEDS.length} 条`));
    for (let j = 0; j < SEEDS.length; j++) {
      // Camp A agrees with the first two, camp B with the third; everyone agrees with the last.
      const agree = j === 3 || (j < 2) === (i % 2 === 0);
      const button = page.getByRole('button', { name: agree ? '赞同' : '反对', exact: true });
      await button.tap();
      await page.waitForLoadState('load');
      await assertVisible(page.getByText(`已表态 ${j + 1} / ${SEEDS.length} 条`));
    }
    await assertVisible(page.getByText('感谢您的参与'), 'all answered: a thank-you');
    assert.deepEqual(pageErrors(page), [], `phone ${i} saw errors`);
  }
  // A participant adds a statement: it waits for the convener.
  const page = s.phones[0];
  await page.getByLabel(/一句话说清您的观点/).fill('充电桩旁边要配灭火器');
  await clickAndLoad(page, page.getByRole('button', { name: '提交观点' }));
  await assertVisible(page.getByText('审核通过后会出现在这里'));
  await goto(s.convener, `/d/${s.id}/moderate`);
  await assertVisible(s.convener.getByText('充电桩旁边要配灭火器'));
}, chain);

step('3. the results page shows the opinion map as SVG', async (t) => {
  const page = s.phones[1];
  const deadline = Date.now() + 20_000;
  for (;;) {
    await goto(page, `/d/${s.id}/results`);
    if (await page.locator('.map svg[role=img]').count()) break;
    assert.ok(Date.now() < deadline, 'no opinion map within 20 s');
    await assertVisible(page.getByText('投票人数还不够，结果稍后显示'));
    await page.waitForTimeout(500);
  }
  await assertVisible(page.locator('.map svg[role=img]'), 'the map is visible');
  await assertVisible(page.getByRole('heading', { name: '共识' }));
  await assertVisible(page.getByText(/第1组/).first(), 'groups are labelled in words');
  assert.equal(await page.locator('.map svg text', { hasText: '我' }).count(), 1, 'the viewer is marked 我');
  await assertVisible(page.getByText(/结果更新于/));
  await assertNoHorizontalScroll(page, 'the results page');
  await checkA11y(t, page, 'the results page');

  // The convener attaches the result to the meeting materials.
  await goto(s.convener, `/d/${s.id}/results`);
  await clickAndLoad(s.convener, s.convener.getByRole('button', { name: /附入会议材料/ }));
  await goto(s.convener, `/t/${s.no}`);
  await assertVisible(s.convener.getByText('协商意见参考：线上议事结果已附会议材料').first());
}, chain);

step('4. the demo deliberation: common ground is what every group shares', async (t) => {
  // The demo's residents voted before the server started; it mapped them at start.
  const page = await openPage('phone', 'demo-reader');
  s.phones.push(page);
  await goto(page, '/d/1/results');
  await assertVisible(page.getByRole('heading', { name: '陈师文化广场广场舞噪音扰民' }));
  await assertVisible(page.locator('.map svg[role=img]'), 'the map is drawn');
  const common = page.locator('#consensus');
  await assertVisible(common.getByRole('heading', { name: '各组都赞同：' }));
  await assertVisible(common.getByText(/每季度开一次舞蹈队和住户的协商会（各组 \d+%–\d+% 赞同）/));
  // Most people agree with it, but one group does not: not common ground.
  assert.equal(await common.getByText('广场舞是老年人锻炼身体的正当需求').count(), 0);
  await assertNoHorizontalScroll(page, 'the demo results page');
  await checkA11y(t, page, 'the demo results page');
}, chain);
