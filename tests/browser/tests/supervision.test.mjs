// The leader's 督办 page at desktop size: every late or carded task below
// the leader's region, by department, with counts; accessible, no errors.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import {
  useBrowser,
  openPage,
  closePage,
  step,
  goto,
  staffLogin,
  assertVisible,
  checkA11y,
  pageErrors,
  assertNoHorizontalScroll,
} from './lib.mjs';

useBrowser();
const LEADER = 'leader-chenshi';
const s = {};

after(async () => {
  await closePage(s.leader);
});

step('the leader opens 督办 from the desk and reads it by department', async (t) => {
  const page = (s.leader = await openPage('desktop', 'leader'));
  await staffLogin(page, LEADER);
  await goto(page, '/desk');
  await page.getByRole('link', { name: /督办/ }).click();
  await page.waitForURL('**/supervision');
  await assertVisible(page.getByRole('heading', { name: '督办', level: 1 }));
  const groups = page.locator('section.card h2');
  if ((await groups.count()) > 0) {
    // Each department lists its tasks, each saying how late it is or its card.
    const first = page.locator('section.card').nth(1);
    await assertVisible(first.locator('ul.topics li').first(), 'a department lists its tasks');
    const line = await first.locator('ul.topics li').first().textContent();
    assert.match(line, /超期|黄牌|红牌|已到期/, `a line says how late: ${line}`);
  } else {
    await assertVisible(page.getByText('本辖区没有超期、亮牌或督办待答复的任务'));
  }
  await assertNoHorizontalScroll(page, 'the 督办 page');
  await checkA11y(t, page, 'the 督办 page');
  assert.deepEqual(pageErrors(page), []);
});
