// The whole chain, clicked through in a real browser, one topic from a
// resident's phone to the resident's rating and like:
//
//   resident (phone) submits in 陈师社区's room and looks it up by 查询码 →
//   convener accepts, researches, plans a meeting, schedules, holds it,
//   records the opinion → leader adopts and dispatches to 城管 →
//   城管 staff signs, reports progress, completes → convener verifies →
//   the same phone rates 满意 and likes it once.
//
// The steps share state (the topic, the meeting, the resident's device
// cookie), so they run in order and a failure skips the rest.
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
  topicState,
  timelineLabels,
  assertTimelineHas,
  beijingDate,
  beijingDateTime,
  checkA11y,
  pageErrors,
  openDetails,
} from './lib.mjs';

useBrowser();

const ROOM = 'chenshi-sq';
const ROOM_NAME = '陈师社区有事好商量议事室';
const DEPARTMENT = '陈师街道城市管理办公室';
const DEPARTMENT_STAFF = 'dept-chengguan';
const CONVENER = 'convener-chenshisq';
const LEADER = 'leader-chenshi';

// Unique per run, so the desk rows are ours even on a reused database.
const RUN = Date.now().toString(36).slice(-5);
const TITLE = `陈师新苑3号楼楼道灯坏了（${RUN}）`;
const BODY = '陈师新苑3号楼二单元楼道灯坏了一个多月，晚上老人上下楼看不见，已经有人摔倒。希望尽快修好，并定期检查。';
const CATEGORY = '公共设施';
const PLACE = '陈师新苑3号楼二单元';
const MEETING_TITLE = `十二月协商议事会（${RUN}）`;

const chain = { chain: true };
const s = {}; // shared across steps: pages, tracking number, meeting path

after(async () => {
  for (const p of [s.resident, s.convener, s.leader, s.dept, s.other]) await closePage(p);
});

/** The task block on a topic page (there is one task in this flow). */
function taskBlock(page) {
  return page.locator('div.task').filter({ has: page.getByRole('heading', { name: TITLE, level: 3 }) });
}

async function taskState(page) {
  return (await taskBlock(page).locator('.state').first().textContent()).trim();
}

/** Opens a closed <details> by its summary, as a user would, if it is not open yet. */

// ------------------------------------------------------------------ 1. resident

step('1. resident (phone) submits a topic from the room page and finds it by 查询码', async () => {
  const page = (s.resident = await openPage('phone', 'resident'));
  await goto(page, `/r/${ROOM}`);
  await assertVisible(page.getByRole('heading', { name: ROOM_NAME, level: 1 }));

  // The big button is a link to the form further down the page.
  await page.getByRole('link', { name: '我要提议题' }).tap();
  await page.waitForURL(/#submit$/);
  const title = page.getByLabel('标题');
  await assertVisible(title);
  const inView = await page.getByRole('heading', { name: '我要提议题', level: 2 }).evaluate((h) => {
    const r = h.getBoundingClientRect();
    return r.top >= -1 && r.top < window.innerHeight;
  });
  assert.ok(inView, 'tapping 我要提议题 should scroll the form into view');

  await title.fill(TITLE);
  await page.getByLabel('具体情况').fill(BODY);
  await page.getByLabel('类别').selectOption({ label: CATEGORY });
  await page.getByLabel('地点').fill(PLACE);
  const landed = await clickAndLoad(page, page.getByRole('button', { name: '提交议题' }));

  const m = landed.match(/^\/t\/(\d{10})\?submitted=/);
  assert.ok(m, `after 提交议题 we should be on the new topic's page, are on ${landed}`);
  s.no = m[1];
  const notice = page.getByRole('status').filter({ hasText: '提交成功' });
  await assertVisible(notice, 'the topic page should say 提交成功');
  const shown = (await notice.locator('.tracking').textContent()).trim();
  assert.match(shown, /^\d{10}$/, `the 查询码 should be 10 digits, is “${shown}”`);
  assert.equal(shown, s.no, 'the 查询码 shown is the topic’s number');
  await assertVisible(page.getByRole('heading', { name: TITLE, level: 1 }));
  assert.equal(await topicState(page), '待受理');
  assert.deepEqual(await timelineLabels(page), ['提交议题']);
  const facts = await page.locator('dl.facts').textContent();
  assert.ok(facts.includes(CATEGORY) && facts.includes(PLACE), `类别 and 地点 should be shown: ${facts}`);
  assert.equal(await page.getByRole('heading', { name: '请评价办理结果' }).count(), 0, 'nothing to rate yet');
  assert.equal(await page.getByRole('link', { name: '工作台' }).count(), 0, 'a resident has no 工作台');

  // Later, from any page: the footer's 查情 form.
  await goto(page, '/');
  await page.getByLabel('查情：输入查询码').fill(shown);
  const found = await clickAndLoad(page, page.getByRole('button', { name: '查询' }));
  assert.equal(found, `/t/${s.no}`, '查情 should lead to the same topic');
  await assertVisible(page.getByRole('heading', { name: TITLE, level: 1 }));
  assert.equal(await page.getByRole('status').filter({ hasText: '提交成功' }).count(), 0, 'no 提交成功 on a later visit');
}, chain);

step('1a. a11y: the resident’s fresh topic page, with and without the 提交成功 notice', async (t) => {
  if (!s.no) return t.skip('no topic was submitted');
  const page = s.resident;
  await goto(page, `/t/${s.no}?submitted=1`);
  await checkA11y(t, page, 'fresh topic with 提交成功 (phone)');
  await goto(page, `/t/${s.no}`);
  await checkA11y(t, page, 'fresh topic (phone)');
});

// ------------------------------------------------------------------ 2. convener

step('2a. convener finds the topic under 待受理, accepts it, plans research, records a visit and analyses', async () => {
  const page = (s.convener = await openPage('desktop', 'convener'));
  await staffLogin(page, CONVENER);

  const triage = page.locator('section').filter({ has: page.getByRole('heading', { name: /^待受理/ }) });
  await assertVisible(triage, 'the desk should have a 待受理 section');
  const row = triage.getByRole('link', { name: TITLE });
  await assertVisible(row, 'the new topic should be listed under 待受理');
  assert.equal(await clickAndLoad(page, row), `/t/${s.no}`);

  await clickAndLoad(page, page.getByRole('button', { name: '受理立项' }));
  assert.equal(await topicState(page), '已立项');
  await assertTimelineHas(page, '受理立项');

  // 调研方案, then a visit with who took part, then the four-part analysis.
  const plan = await openDetails(page.locator('#actions'), '制定调研方案');
  await plan.getByLabel('调研内容（要弄清什么）').fill('楼道灯不亮的范围、线路状况和维修责任');
  await plan.getByLabel('牵头人').fill('社区书记');
  await plan.getByLabel('实地走访').check();
  await clickAndLoad(page, plan.getByRole('button', { name: '保存调研方案' }));
  assert.equal(await topicState(page), '调研中');

  const research = await openDetails(page.locator('#actions'), '添加调研记录');
  await research.getByLabel('调研发现').fill('实地查看：3号楼二单元1至5楼楼道灯均不亮，线路老化。物业同意配合，需城管协调电工更换线路和声控灯。');
  await research.getByLabel('其他参加人员（每行一人：姓名 类别）').fill('王师傅 行家里手\n李阿姨 党员\n赵经理 群众');
  await clickAndLoad(page, research.getByRole('button', { name: '保存调研记录' }));
  await assertTimelineHas(page, '商前调研');
  const records = page.locator('section#research');
  await assertVisible(records.getByText('线路老化', { exact: false }), 'the research record is shown');
  await assertVisible(records.getByText('王师傅（专家/行家里手）', { exact: false }), 'participants carry their category');
  await assertVisible(records.getByText('还缺', { exact: false }), 'what research still lacks is said');

  const analysis = await openDetails(page.locator('#actions'), '调研分析（可行性、实施措施、风险、建议）');
  await analysis.getByLabel('可行性').fill('线路可更换，物业承担材料费。');
  await analysis.getByLabel('实施措施').fill('城管协调电工，一周内更换线路和声控灯。');
  await analysis.getByLabel('潜在问题与风险').fill('施工期间夜间照明不足，需临时照明。');
  await analysis.getByLabel('建议', { exact: true }).fill('建议提交协商议事会确定费用分摊。');
  await clickAndLoad(page, analysis.getByRole('button', { name: '保存调研分析' }));
  assert.equal(await records.getByText('还缺', { exact: false }).count(), 0, 'research is complete');
  await assertVisible(records.getByRole('link', { name: 'PDF' }), 'the 调研报告 can be downloaded');
}, chain);

step('2b. convener plans a meeting on the room page and schedules the topic', async () => {
  const page = s.convener;
  // From the topic, the room link in its header.
  assert.equal(await clickAndLoad(page, page.getByRole('link', { name: ROOM_NAME })), `/r/${ROOM}`);
  const plan = page.locator('section').filter({ has: page.getByRole('heading', { name: '安排协商议事会' }) });
  await assertVisible(plan, 'a convener sees 安排协商议事会 on the room page');
  await plan.getByLabel('会议名称').fill(MEETING_TITLE);
  const when = (s.when = beijingDateTime(3, '09:30'));
  const input = plan.getByLabel('会议时间');
  assert.equal(await input.getAttribute('type'), 'datetime-local');
  await input.fill(when);
  assert.ok((await plan.getByLabel('会议地点').inputValue()).length > 0, 'the room’s place is prefilled');
  const landed = await clickAndLoad(page, plan.getByRole('button', { name: '创建会议' }));
  assert.match(landed, /^\/m\/\d+$/, `创建会议 should lead to the meeting page, led to ${landed}`);
  s.meeting = landed;
  await assertVisible(page.getByRole('heading', { name: MEETING_TITLE, level: 1 }));
  const facts = await page.locator('dl.facts').textContent();
  assert.ok(facts.includes('筹备中'), `a new meeting is 筹备中: ${facts}`);
  assert.ok(facts.includes(when.replace('T', ' ')), `the meeting time ${when} is shown as entered (Beijing time): ${facts}`);

  await goto(page, `/t/${s.no}`);
  const schedule = await openDetails(page.locator('#actions'), '安排上会');
  // Options read “title（yyyy-mm-dd hh:mm）”; pick ours and check how it is offered.
  const select = schedule.getByLabel('协商议事会');
  const meetingId = s.meeting.split('/').pop();
  const option = (await select.locator(`option[value="${meetingId}"]`).textContent()).trim();
  assert.equal(option, `${MEETING_TITLE}（${s.when.replace('T', ' ')}）`, 'the new meeting is offered with its time');
  await select.selectOption(meetingId);
  await clickAndLoad(page, schedule.getByRole('button', { name: '列入议程' }));
  assert.equal(await topicState(page), '已排期');
  await assertTimelineHas(page, '安排上会');
}, chain);

step('2c. convener holds the meeting: 发出会议通知, 开始会议, 形成协商意见, 结束会议', async () => {
  const page = s.convener;
  await goto(page, s.meeting);
  const agenda = page.locator('section').filter({ has: page.getByRole('heading', { name: '议程' }) });
  await assertVisible(agenda.getByRole('link', { name: TITLE }), 'the topic is on the meeting’s agenda');

  await clickAndLoad(page, page.getByRole('button', { name: '发出会议通知' }));
  assert.ok((await page.locator('dl.facts').textContent()).includes('已通知'));
  // The meeting is three days off: starting now is said to be early.
  await assertVisible(page.getByText('现在开始将提前开会', { exact: false }), 'an early start is pointed out');
  await clickAndLoad(page, page.getByRole('button', { name: '提前开始会议' }));
  assert.ok((await page.locator('dl.facts').textContent()).includes('进行中'));

  // From the agenda to the topic.
  assert.equal(await clickAndLoad(page, agenda.getByRole('link', { name: TITLE })), `/t/${s.no}`);
  const opinion = await openDetails(page.locator('#actions'), '形成协商意见');
  await opinion.getByLabel('协商意见').fill('经协商，由城管办协调电工一周内更换3号楼二单元楼道线路和声控灯，物业负责日常巡查。');
  await clickAndLoad(page, opinion.getByRole('button', { name: '记录协商意见' }));
  assert.equal(await topicState(page), '已协商');
  await assertTimelineHas(page, '形成协商意见');

  await goto(page, s.meeting);
  await clickAndLoad(page, page.getByRole('button', { name: '结束会议' }));
  assert.ok((await page.locator('dl.facts').textContent()).includes('已结束'));
  assert.equal(await page.getByRole('button', { name: '结束会议' }).count(), 0);
}, chain);

// ------------------------------------------------------------------ 3. leader

step('3. leader adopts the opinion with instructions and dispatches a task to 城管', async () => {
  const page = (s.leader = await openPage('desktop', 'leader'));
  await staffLogin(page, LEADER);
  const review = page.locator('section').filter({ has: page.getByRole('heading', { name: /^待上会研究/ }) });
  const row = review.getByRole('link', { name: TITLE });
  await assertVisible(row, 'the topic waits for the leader under 待上会研究、待交办');
  assert.equal(await clickAndLoad(page, row), `/t/${s.no}`);

  // The leadership meeting is recorded first (date, who attended), then the
  // opinion is ruled on at it.
  let ruling = await openDetails(page.locator('#actions'), '上会研究');
  const session = await openDetails(ruling, '登记上会研究会议');
  await session.getByLabel('会议名称').fill('街道党工委会议（第12次）');
  assert.equal(await session.getByLabel('会议日期').inputValue(), beijingDate(0), 'the date defaults to today');
  await session.getByLabel('参会人员').fill('党工委书记、办事处主任、分管副主任');
  await clickAndLoad(page, session.getByRole('button', { name: '登记会议' }));
  ruling = await openDetails(page.locator('#actions'), '上会研究');
  const form = ruling.locator('form.ruling');
  assert.ok((await form.getByLabel('上会研究会议').textContent()).includes('街道党工委会议（第12次）'));
  await form.getByLabel('采纳', { exact: true }).check();
  await form.getByLabel('批示').fill('同意，请城管办一周内办好。');
  await clickAndLoad(page, form.getByRole('button', { name: '提交审议结果' }));
  assert.equal(await topicState(page), '已审议');
  await assertTimelineHas(page, '上会研究');
  const opinions = page.locator('section').filter({ has: page.getByRole('heading', { name: '协商意见' }) });
  const text = await opinions.textContent();
  assert.ok(text.includes('审议结果：采纳') && text.includes('批示：同意，请城管办一周内办好。'), text);

  const dispatch = await openDetails(page.locator('#actions'), '交办任务');
  assert.equal(await dispatch.getByLabel('任务名称').inputValue(), TITLE, 'the task name defaults to the title');
  await dispatch.getByLabel('承办部门').selectOption({ label: DEPARTMENT });
  s.due = beijingDate(7);
  await dispatch.getByLabel('办理期限').fill(s.due);
  await clickAndLoad(page, dispatch.getByRole('button', { name: '交办' }));
  await assertTimelineHas(page, '交办任务');
  assert.equal(await topicState(page), '落实中');
  const task = taskBlock(page);
  await assertVisible(task, 'the dispatched task is shown');
  const line = await task.locator('p').first().textContent();
  assert.ok(line.includes(DEPARTMENT) && line.includes(s.due), `task line names the department and due date: ${line}`);
  assert.equal(await taskState(page), '待签收');
}, chain);

// ------------------------------------------------------------------ 4. department

step('4. 城管 staff finds the task on the desk, signs, reports progress and completes it', async () => {
  const page = (s.dept = await openPage('desktop', 'department'));
  await staffLogin(page, DEPARTMENT_STAFF);
  const tasks = page.locator('section').filter({ has: page.getByRole('heading', { name: /^本部门任务/ }) });
  const row = tasks.getByRole('link', { name: new RegExp(TITLE.replace(/[()（）]/g, '.')) });
  await assertVisible(row, 'the task is listed under 本部门任务');
  assert.ok((await row.textContent()).includes('待签收'));
  const landed = await clickAndLoad(page, row);
  assert.equal(landed, `/t/${s.no}`);
  assert.match(page.url(), /#task-\d+$/, 'the desk links to the task on the topic page');

  const task = taskBlock(page);
  await clickAndLoad(page, task.getByRole('button', { name: '签收' }));
  assert.equal(await taskState(page), '已签收');
  await assertTimelineHas(page, '部门签收');

  let form = await openDetails(taskBlock(page), '反馈进展');
  await form.getByLabel('进展情况').fill('已安排电工现场勘查，线路材料已采购。');
  await clickAndLoad(page, form.getByRole('button', { name: '提交进展' }));
  assert.equal(await taskState(page), '办理中');
  await assertTimelineHas(page, '进展反馈');

  form = await openDetails(taskBlock(page), '办结');
  await form.getByLabel('办结情况').fill('已更换1至5楼楼道线路和10盏声控灯，经试用全部正常。');
  await clickAndLoad(page, form.getByRole('button', { name: '办结' }));
  assert.equal(await taskState(page), '已办结');
  await assertTimelineHas(page, '部门办结');
  assert.equal(await topicState(page), '落实中', 'the topic waits for the convener’s check');
}, chain);

// ------------------------------------------------------------------ 5. convener verifies

step('5. convener verifies the task and the topic shows 已办结', async () => {
  const page = s.convener;
  await goto(page, '/desk');
  const verify = page.locator('section').filter({ has: page.getByRole('heading', { name: /^待核实的任务/ }) });
  const row = verify.getByRole('link', { name: new RegExp(TITLE.replace(/[()（）]/g, '.')) });
  await assertVisible(row, 'the done task waits under 待核实的任务');
  assert.equal(await clickAndLoad(page, row), `/t/${s.no}`);

  await clickAndLoad(page, taskBlock(page).getByRole('button', { name: '核实通过' }));
  assert.equal(await taskState(page), '已核实');
  await assertTimelineHas(page, '核实通过');
  assert.equal(await topicState(page), '已办结');
  await assertTimelineHas(page, '办结');
  s.completed = true;
}, chain);

// ------------------------------------------------------------------ 6. resident rates and likes

step('6a. only the submitter’s device is asked to rate', async () => {
  const page = (s.other = await openPage('phone', 'other-resident'));
  await goto(page, `/t/${s.no}`);
  assert.equal(await topicState(page), '已办结');
  assert.equal(await page.getByRole('heading', { name: '请评价办理结果' }).count(), 0,
    'another phone must not be offered the rating form');
}, chain);

step('6a2. a11y: the completed topic with the rating form, as its submitter sees it', async (t) => {
  if (!s.completed) return t.skip('the topic was not completed');
  await goto(s.resident, `/t/${s.no}`);
  await checkA11y(t, s.resident, 'completed topic with the rating form (phone)');
});

step('6b. the resident (same phone) rates 满意, then likes once', async () => {
  const page = s.resident;
  await goto(page, `/t/${s.no}`);
  assert.equal(await topicState(page), '已办结');
  const rate = page.locator('#rate');
  await assertVisible(rate.getByRole('heading', { name: '请评价办理结果' }), 'the submitter is asked to rate');

  await rate.getByLabel('满意', { exact: true }).check();
  await rate.getByLabel('说说您的看法').fill('灯修好了，晚上上下楼方便多了，谢谢！');
  await clickAndLoad(page, rate.getByRole('button', { name: '提交评价' }));
  assert.equal(await topicState(page), '已评价');
  await assertTimelineHas(page, '群众评价');
  assert.equal(await page.getByRole('heading', { name: '请评价办理结果' }).count(), 0, 'rated once, no form again');

  const like = page.getByRole('button', { name: /点赞/ });
  await assertVisible(like);
  assert.equal((await like.textContent()).replace(/\s+/g, ' ').trim(), '点赞 · 0');
  await clickAndLoad(page, like);
  const liked = page.getByRole('button', { name: /已点赞/ });
  await assertVisible(liked, 'after pressing 点赞 the button says 已点赞');
  assert.equal((await liked.textContent()).replace(/\s+/g, ' ').trim(), '已点赞 · 1');
  assert.ok(await liked.isDisabled(), 'the 已点赞 button cannot be pressed again');

  // Even if the form is sent again (a double tap, a resubmitted page), the count stays.
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.locator(`form[action="/t/${s.no}/like"]`).evaluate((f) => f.submit()),
  ]);
  assert.equal((await page.getByRole('button', { name: /点赞/ }).textContent()).replace(/\s+/g, ' ').trim(), '已点赞 · 1',
    'a second like from the same phone is not counted');
  s.evaluated = true;
}, chain);

step('6c. the like and the evaluation are public', async () => {
  const page = s.other;
  await goto(page, `/t/${s.no}`);
  assert.equal(await topicState(page), '已评价');
  const labels = await timelineLabels(page);
  for (const l of ['提交议题', '受理立项', '商前调研', '安排上会', '形成协商意见', '上会研究', '交办任务',
    '部门签收', '进展反馈', '部门办结', '核实通过', '办结', '群众评价']) {
    assert.ok(labels.includes(l), `the public timeline shows ${l}: ${labels.join('、')}`);
  }
  const like = page.getByRole('button', { name: /点赞/ });
  assert.equal((await like.textContent()).replace(/\s+/g, ' ').trim(), '点赞 · 1', 'another phone sees 1 like and may add its own');
}, chain);

step('6d. a11y: the evaluated topic as its submitter sees it (已点赞)', async (t) => {
  if (!s.evaluated) return t.skip('the topic was not evaluated');
  await goto(s.resident, `/t/${s.no}`);
  await checkA11y(t, s.resident, 'evaluated and liked topic (phone)');
});

step('no page of the flow reported a script error or a failed request', async () => {
  for (const [who, page] of Object.entries({ resident: s.resident, convener: s.convener, leader: s.leader, department: s.dept, other: s.other })) {
    if (page) assert.deepEqual(pageErrors(page), [], `${who}'s pages reported errors`);
  }
});
