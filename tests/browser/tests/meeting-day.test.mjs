// The meeting day at the door: the convener plans a meeting that starts in
// half an hour, invites a villager by name and number, and opens the door
// screen; a phone scans the code on that screen (decoded here from a
// screenshot) and signs in as a walk-in; the door screen counts them
// without being reloaded.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import {
  useBrowser,
  openPage,
  closePage,
  step,
  goto,
  staffLogin,
  clickAndLoad,
  assertVisible,
  checkA11y,
  assertNoHorizontalScroll,
  openDetails,
} from './lib.mjs';

useBrowser();
const CONVENER = 'convener-chenshisq';
const ROOM = 'chenshi-sq';
const TITLE = '楼道照明临时议事会';
const s = {};

after(async () => {
  await closePage(s.convener);
  await closePage(s.phone);
});

const chain = { chain: true };

/** Half an hour from now in Beijing, as a datetime-local field takes it. */
function inHalfAnHour() {
  return new Date(Date.now() + 8 * 3600_000 + 30 * 60_000).toISOString().slice(0, 16);
}


step('the convener plans a meeting starting soon and invites a villager', async (t) => {
  const page = (s.convener = await openPage('desktop', 'convener'));
  await staffLogin(page, CONVENER);
  await goto(page, `/r/${ROOM}`);
  const plan = page.locator('section').filter({ has: page.getByRole('heading', { name: '安排协商议事会' }) });
  await plan.getByLabel('会议名称').fill(TITLE);
  await plan.getByLabel('会议时间').fill(inHalfAnHour());
  s.meeting = await clickAndLoad(page, plan.getByRole('button', { name: '创建会议' }));
  assert.match(s.meeting, /^\/m\/\d+$/);
  const invite = await openDetails(page.locator('#invitations'), '邀请参会人员');
  await invite.getByLabel('其他人员（每行一人：姓名 类别 手机号）').fill('赵大爷 村民代表 13900009901');
  await clickAndLoad(page, invite.getByRole('button', { name: '发出邀请' }));
  const list = page.locator('#invitations table');
  await assertVisible(list.getByText('赵大爷'), 'the invitee is on the list');
  await assertVisible(list.getByText('待答复'), 'who has not answered yet');
  await checkA11y(t, page, 'the meeting page with its list');
}, chain);

step('a phone scans the code on the door screen and signs in', async (t) => {
  const page = s.convener;
  const door = await clickAndLoad(page, page.getByRole('link', { name: '打开签到大屏（扫码签到）' }));
  assert.equal(door, `${s.meeting}/door`);
  // A marker that a reload would wipe: the screen must update in place.
  await page.evaluate(() => { window.__stayed = true; });
  const shot = PNG.sync.read(await page.locator('.door-qr').screenshot());
  const qr = jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height);
  assert.ok(qr, 'the code on the screen can be read by a phone');
  assert.match(qr.data, new RegExp(`${s.meeting}/checkin/\\d+\\.[0-9a-f]+$`), qr.data);

  const phone = (s.phone = await openPage('phone', 'attendee'));
  await goto(phone, qr.data);
  assert.equal(new URL(phone.url()).pathname, `${s.meeting}/checkin`, 'the code leads to the sign-in page');
  await phone.getByLabel('姓名').fill('钱阿姨');
  await phone.getByLabel('身份').selectOption({ label: '群众' });
  await clickAndLoad(phone, phone.getByRole('button', { name: '签到', exact: true }));
  await assertVisible(phone.getByText('签到成功：钱阿姨'), 'the phone says it is signed in');
  await assertNoHorizontalScroll(phone, 'the sign-in page');
  await checkA11y(t, phone, 'the sign-in page');

  // The door screen counts her within its refresh, without a reload.
  await page.locator('.door-count').filter({ hasText: '已签到 1 人' }).waitFor({ timeout: 20_000 });
  assert.equal(await page.evaluate(() => window.__stayed), true, 'the door screen was not reloaded');
}, chain);

step('the convener sees who came on the meeting page', async () => {
  const page = s.convener;
  await goto(page, s.meeting);
  const list = page.locator('#invitations table');
  await assertVisible(list.getByText('钱阿姨（现场登记）'), 'the walk-in is on the list');
  assert.match(await page.locator('#invitations h2').textContent(), /已签到 1 人/);
}, chain);

step('the live page on the phone follows the meeting without a reload; the phone votes once', async (t) => {
  const page = s.convener;
  await clickAndLoad(page, page.getByRole('button', { name: '开始会议' }));
  await clickAndLoad(page, page.getByRole('link', { name: /现场会议页面/ }));
  assert.equal(new URL(page.url()).pathname, `${s.meeting}/live`);

  const phone = s.phone;
  await goto(phone, `${s.meeting}/live`);
  await phone.evaluate(() => { window.__stayed = true; });
  await assertVisible(phone.getByRole('button', { name: '我要发言' }), 'someone signed in may ask to speak');

  const run = page.locator('#run');
  await run.getByLabel('发言人').fill('王主任');
  await clickAndLoad(page, run.getByRole('button', { name: '加入发言队列' }));
  await clickAndLoad(page, run.getByRole('button', { name: '请下一位发言' }));
  await phone.locator('.speaking').filter({ hasText: '正在发言：王主任' }).waitFor({ timeout: 10_000 });
  assert.equal(await phone.evaluate(() => window.__stayed), true, 'the phone was not reloaded');

  await run.getByLabel('表决事项').fill('同意在3号楼加装声控灯');
  await run.getByLabel('手机表决（已签到的人各投一票）').check();
  await clickAndLoad(page, run.getByRole('button', { name: '发起表决' }));
  const yes = phone.getByRole('button', { name: '赞成' });
  await yes.waitFor({ timeout: 10_000 });
  await clickAndLoad(phone, yes);
  await assertVisible(phone.getByText('您已投票：赞成'), 'the phone shows its ballot');
  assert.equal(await phone.getByRole('button', { name: '赞成' }).count(), 0, 'one ballot per person');
  await page.locator('#live-panel').filter({ hasText: '赞成 1 · 反对 0 · 弃权 0' }).waitFor({ timeout: 10_000 });
  await clickAndLoad(page, page.locator('#run').getByRole('button', { name: '结束表决' }));
  await assertVisible(page.locator('#live-panel').getByText('手机表决，通过', { exact: false }), 'the result is on the screen');
  await assertNoHorizontalScroll(phone, 'the live page on a phone');
  await checkA11y(t, phone, 'the live page');
}, chain);

step('the convener writes the minutes, closes the meeting and publishes them', async (t) => {
  const page = s.convener;
  await goto(page, s.meeting);
  const minutes = page.locator('#minutes');
  await assertVisible(minutes.getByText('出席：共到会1人，其中群众1人（钱阿姨）', { exact: false }), 'attendance is filled in from the sign-ins');
  await minutes.getByLabel('主持人').fill('陈玉梅');
  await minutes.getByLabel('记录人').fill('社区联络员');
  await minutes.getByLabel('其他事项').fill('会议同意在3号楼加装声控灯，由物业一周内完成。');
  await clickAndLoad(page, minutes.getByRole('button', { name: '保存纪要' }));
  await clickAndLoad(page, page.getByRole('button', { name: '结束会议' }));
  await clickAndLoad(page, page.locator('#minutes').getByRole('button', { name: '公开纪要' }));
  assert.equal(new URL(page.url()).pathname, `${s.meeting}/minutes`);
  for (const text of ['主持人', '陈玉梅', '钱阿姨', '同意在3号楼加装声控灯（手机表决）：赞成1、反对0、弃权0，通过', '由物业一周内完成']) {
    await assertVisible(page.getByText(text, { exact: false }).first(), `the minutes say ${text}`);
  }
  // Public: the phone reads them too.
  await goto(s.phone, `${s.meeting}/minutes`);
  await assertVisible(s.phone.getByText('由物业一周内完成', { exact: false }), 'published minutes are public');
  await checkA11y(t, page, 'the published minutes');
}, chain);
