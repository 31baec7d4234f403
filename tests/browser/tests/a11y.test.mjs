// axe-core on every public and resident page, in the phone profile (WeChat on
// Android, where residents arrive by scanning a room's QR code). Violations of
// impact serious or critical fail; the others are printed.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, closePage, step, goto, clickAndLoad, checkA11y, submitTopic, demoTopic, assertVisible } from './lib.mjs';

useBrowser();

const ROOM = 'chenshi-sq';
let page;
before(async () => {
  page = await openPage('phone', 'a11y');
});
after(async () => closePage(page));

step('home page /', async (t) => {
  await goto(page, '/');
  await checkA11y(t, page, 'home /');
});

step('room page /r/chenshi-sq', async (t) => {
  await goto(page, `/r/${ROOM}`);
  await checkA11y(t, page, `room /r/${ROOM}`);
});

step('a fresh topic, right after submitting (提交成功), and on a later visit', async (t) => {
  const no = await submitTopic(page, ROOM, {
    title: '惠民小区北门路面积水',
    body: '下雨天惠民小区北门口积水很深，电动车和行人都不好走，希望疏通雨水口。',
    category: '市容环境',
    place: '惠民小区北门',
  });
  await checkA11y(t, page, 'fresh topic with 提交成功');
  await goto(page, `/t/${no}`);
  await checkA11y(t, page, 'fresh topic');
});

step('an evaluated topic (demo data), with its like button and full timeline', async (t) => {
  const no = await demoTopic('evaluated');
  await goto(page, `/t/${no}`);
  await assertVisible(page.getByRole('button', { name: /点赞/ }));
  await checkA11y(t, page, 'evaluated topic');
});

step('a meeting page (public)', async (t) => {
  await goto(page, `/r/${ROOM}`);
  const meetings = page.locator('section').filter({ has: page.getByRole('heading', { name: '议事会', exact: true }) });
  const first = meetings.getByRole('link').first();
  if (!(await first.count())) return t.skip('the room has no meeting');
  await clickAndLoad(page, first);
  await checkA11y(t, page, 'meeting');
});

step('工作指标 from the home page: figures with the demo\'s numbers, a figure\'s list', async (t) => {
  await goto(page, '/');
  await clickAndLoad(page, page.getByRole('link', { name: '工作指标' }));
  await assertVisible(page.getByRole('heading', { level: 1, name: /工作指标/ }));
  const total = page.locator('ul.kpis a').filter({ hasText: '议题总数' });
  const value = Number(await total.locator('.kpi-value').innerText());
  assert.ok(value > 0, `the demo's topics are counted: ${value}`);
  await checkA11y(t, page, 'figures');
  await clickAndLoad(page, total);
  await assertVisible(page.getByRole('heading', { level: 1, name: /议题总数/ }));
  assert.ok((await page.locator('table.list tbody tr').count()) > 0, 'the topics behind the figure are listed');
  await checkA11y(t, page, 'a figure\'s topics');
});

step('搜索 from the home page on a phone: hits with the words marked, then filtered', async (t) => {
  await goto(page, '/');
  await page.getByRole('searchbox', { name: '搜索议题' }).fill('停車');
  await clickAndLoad(page, page.getByRole('button', { name: '搜索', exact: true }));
  await assertVisible(page.getByRole('heading', { level: 1, name: '搜索' }));
  const hits = page.locator('ul.hits > li');
  assert.ok((await hits.count()) > 0, 'traditional 停車 finds the demo\'s 停车 topics');
  assert.equal(await hits.first().locator('mark').first().innerText(), '停车');
  await checkA11y(t, page, 'search results');
  await page.getByText('筛选').click();
  await page.getByLabel('类型').selectOption('topic');
  await page.getByLabel('议题状态').selectOption('evaluated');
  await clickAndLoad(page, page.getByRole('button', { name: '搜索', exact: true }));
  const states = await page.locator('ul.hits > li .muted').allInnerTexts();
  assert.ok(states.length > 0 && states.every((s) => s.includes('已评价')), states.join('\n'));
  await clickAndLoad(page, page.locator('ul.hits > li a').first());
  assert.match(page.url(), /\/t\/\d+$/);
});

step('议事公开 from the home page: the map of marked topics, a room\'s square, a filter, a topic', async (t) => {
  await goto(page, '/');
  await clickAndLoad(page, page.getByRole('link', { name: '议事公开' }));
  await assertVisible(page.getByRole('heading', { level: 1, name: /议事公开/ }));
  const map = page.locator('#map figure > svg');
  await assertVisible(map);
  const rooms = map.locator('g.spot.room');
  const points = map.locator('g.spot:not(.room)');
  assert.ok((await rooms.count()) > 1, 'the demo\'s rooms are drawn');
  assert.ok((await points.count()) > 10, 'the places residents marked are drawn');
  await checkA11y(t, page, 'portal');
  // A room's square shows only its topics, on the map and in the list.
  await clickAndLoad(page, map.getByRole('link', { name: /陈师社区有事好商量议事室/ }));
  assert.equal(await map.locator('g.spot.room').count(), 1, 'only the chosen room');
  assert.equal(await page.getByLabel('议事室', { exact: true }).inputValue(), 'chenshi-sq');
  const rows = await page.locator('ul.topics .meta').allInnerTexts();
  assert.ok(rows.length > 0 && rows.every((r) => r.includes('陈师社区')), rows.join('\n'));
  const filtered = page.url();
  // A point opens its topic, which leads back to the map.
  await clickAndLoad(page, map.locator('a').filter({ has: page.locator('circle') }).first());
  assert.match(page.url(), /\/t\/\d+$/);
  await assertVisible(page.getByRole('link', { name: '在地图上看' }));
  await goto(page, filtered);
  await page.getByLabel('状态', { exact: true }).selectOption('evaluated');
  await clickAndLoad(page, page.getByRole('button', { name: '筛选', exact: true }));
  const states = await page.locator('ul.topics .state').allInnerTexts();
  assert.ok(states.length > 0 && states.every((s) => s === '已评价'), states.join(','));
  await checkA11y(t, page, 'portal, filtered');
});

step('/login, and its phone-code step', async (t) => {
  await goto(page, '/login');
  await checkA11y(t, page, '/login');
  const resident = page.locator('section').filter({ has: page.getByRole('heading', { name: '群众登录' }) });
  await resident.getByLabel('手机号').fill('13900000001');
  await clickAndLoad(page, resident.getByRole('button', { name: '获取验证码' }));
  await assertVisible(page.getByLabel('验证码'));
  await checkA11y(t, page, '/login after 获取验证码');
});

step('/login with a wrong password (error message)', async (t) => {
  await goto(page, '/login');
  const staff = page.locator('section').filter({ has: page.getByRole('heading', { name: '工作人员登录' }) });
  await staff.getByLabel('用户名').fill('nobody-here');
  await staff.getByLabel('密码').fill('wrong-password');
  const landed = await clickAndLoad(page, staff.getByRole('button', { name: '登录' }), { allowError: true });
  // The login page is shown again (401) with the reason, not a bare redirect.
  assert.equal(landed, '/login', `a wrong password should re-render /login with a message, landed on ${landed}`);
  await assertVisible(page.getByRole('alert').filter({ hasText: '用户名或密码不正确' }),
    'a wrong password should say 用户名或密码不正确');
  await checkA11y(t, page, '/login with an error');
});

step('error page: /lookup?no=123 (bad 查询码)', async (t) => {
  await goto(page, '/lookup?no=123', 400);
  await assertVisible(page.getByRole('alert').filter({ hasText: '查询码是10位数字' }));
  await checkA11y(t, page, 'error page /lookup?no=123');
});

step('error page: unknown topic /t/0000000000', async (t) => {
  await goto(page, '/t/0000000000', 404);
  await checkA11y(t, page, 'error page 404');
});
