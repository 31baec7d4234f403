// The department clerk's workbench (filters with counts) and a 督办单 at
// desktop size: the leader issues a formal order on one of 城管's tasks
// from its topic page, the clerk finds it flagged on the desk and answers
// it, the leader reads the answer. Accessible, no horizontal scroll, no
// script errors.
import assert from 'node:assert/strict';
import { after } from 'node:test';
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
  pageErrors,
  assertNoHorizontalScroll,
  beijingDate,
  openDetails,
} from './lib.mjs';

useBrowser();
const CLERK = 'dept-chengguan';
const LEADER = 'leader-chenshi';
const ORDER = '请于三日内报告整改进度和完工时间。';
const ANSWER = '施工队已进场，预计本周五完工，完工后上传照片。';
const s = {};

after(async () => {
  await closePage(s.clerk);
  await closePage(s.leader);
});


step('the clerk reads the workbench: tasks by urgency, each with its village and deadline', async (t) => {
  const page = (s.clerk = await openPage('desktop', 'clerk'));
  await staffLogin(page, CLERK);
  const tasks = page.locator('section').filter({ has: page.getByRole('heading', { name: /^本部门任务/ }) });
  const first = tasks.locator('ul.topics li a').first();
  await assertVisible(first, 'the department has tasks');
  const line = await first.textContent();
  assert.match(line, /期限/, `a line shows its deadline: ${line}`);
  s.task = await first.getAttribute('href');
  assert.match(s.task, /^\/t\/\d+#task-\d+$/);
  // Filters with counts; 全部 is the one shown.
  const filters = page.getByRole('navigation', { name: '筛选任务' });
  await assertVisible(filters, 'the workbench has filters');
  assert.match(await filters.locator('[aria-current]').textContent(), /^全部 \d+$/);
  await assertNoHorizontalScroll(page, 'the workbench');
  await checkA11y(t, page, 'the workbench');
});

step('the leader issues a 督办单 on the task from its topic page', async (t) => {
  const page = (s.leader = await openPage('desktop', 'leader'));
  await staffLogin(page, LEADER);
  await goto(page, s.task.split('#')[0]);
  const id = s.task.split('#')[1];
  const task = page.locator(`#${id}`);
  const form = await openDetails(task, '下发督办单');
  await form.getByLabel('督办事项').fill(ORDER);
  await form.getByLabel('答复期限').fill(beijingDate(3));
  await clickAndLoad(page, form.getByRole('button', { name: '下发督办单' }));
  const order = page.locator(`#${id} .order`).last();
  await assertVisible(order, 'the order is on the task');
  assert.ok((await order.textContent()).includes(ORDER));
  assert.ok((await order.textContent()).includes('待部门答复'));
  await checkA11y(t, page, 'a task with a 督办单');
});

step('the clerk finds it flagged and answers it', async () => {
  const page = s.clerk;
  await goto(page, '/desk');
  const flagged = page.locator('ul.topics li', { hasText: '督办待答复' }).first();
  await assertVisible(flagged, 'the desk flags the task');
  await goto(page, s.task.split('#')[0]);
  const id = s.task.split('#')[1];
  const order = page.locator(`#${id} .order.open`).last();
  await order.getByLabel('答复督办').fill(ANSWER);
  await clickAndLoad(page, order.getByRole('button', { name: '提交答复' }));
  assert.ok((await page.locator(`#${id}`).textContent()).includes(`部门答复`));
});

step('the leader reads the answer', async () => {
  const page = s.leader;
  await goto(page, s.task.split('#')[0]);
  const id = s.task.split('#')[1];
  assert.ok((await page.locator(`#${id}`).textContent()).includes(ANSWER));
  assert.deepEqual(pageErrors(page), []);
  assert.deepEqual(pageErrors(s.clerk), []);
});
