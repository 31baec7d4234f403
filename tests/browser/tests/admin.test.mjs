// The administrator's console at desktop size: a new room, a new person
// with a temporary password, named the room's convener; the convener signs
// in, must choose a password first, and then convenes that room only. The
// audit log shows what happened and its chain checks out.
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
} from './lib.mjs';

useBrowser();
const s = {};

after(async () => {
  await closePage(s.admin);
  await closePage(s.convener);
});

step('the administrator opens the console from the desk', async (t) => {
  const page = (s.admin = await openPage('desktop', 'admin'));
  await staffLogin(page, 'admin-chenshi');
  await clickAndLoad(page, page.getByRole('link', { name: '管理后台' }));
  await assertVisible(page.getByRole('heading', { name: '管理后台', level: 1 }));
  // The tree: the subdistrict, its communities, their rooms.
  await assertVisible(page.getByRole('link', { name: '陈师社区有事好商量议事室' }));
  await assertNoHorizontalScroll(page, 'the console');
  await checkA11y(t, page, 'the console');
}, { chain: true });

step('a new room is added in a community', async (t) => {
  const page = s.admin;
  const form = page.locator('form[action="/admin/rooms"]');
  const option = await form.getByLabel('所在地区').locator('option', { hasText: '陈师社区' }).first().getAttribute('value');
  await form.getByLabel('所在地区').selectOption(option);
  await form.getByLabel(/议事室代码/).fill('sanli-zu');
  await form.getByLabel('名称').fill('三里组议事点');
  await form.getByLabel('地点').fill('三里组文化广场');
  const landed = await clickAndLoad(page, form.getByRole('button', { name: '新增议事室' }));
  assert.match(landed, /^\/admin\/rooms\/\d+$/);
  s.room = landed;
  await assertVisible(page.getByRole('heading', { name: '三里组议事点', level: 1 }));
  await assertVisible(page.getByRole('link', { name: /海报（PDF）/ }));
  await checkA11y(t, page, 'a room in the console');
}, { chain: true });

step('a new person gets a temporary password shown once', async (t) => {
  const page = s.admin;
  await goto(page, '/admin/people');
  const form = page.locator('form[action="/admin/people"]');
  await form.getByLabel(/登录名/).fill('sanli-zuzhang');
  await form.getByLabel('姓名').fill('沈三里');
  await form.getByLabel('职务').fill('三里组组长');
  await form.getByLabel(/手机号/).fill('13800002222');
  await form.getByLabel('党员').check();
  await clickAndLoad(page, form.getByRole('button', { name: '新增人员' }));
  await assertVisible(page.getByRole('heading', { name: '沈三里', level: 1 }));
  s.password = (await page.locator('#temporary-password').textContent()).trim();
  assert.match(s.password, /^[a-z0-9]{10}$/);
  await checkA11y(t, page, 'a person in the console');
}, { chain: true });

step('the new person is named the room\'s convener', async () => {
  const page = s.admin;
  await goto(page, s.room);
  const form = page.locator('form[action$="/conveners"]');
  await form.getByLabel('指定召集人').selectOption({ label: '沈三里 三里组组长' });
  await clickAndLoad(page, form.getByRole('button', { name: '指定' }));
  await assertVisible(page.getByRole('link', { name: '沈三里' }));
  assert.deepEqual(pageErrors(page), []);
}, { chain: true });

step('the convener must choose a password, then convenes that room only', async (t) => {
  const page = (s.convener = await openPage('desktop', 'new convener'));
  await goto(page, '/login');
  const staff = page.locator('section').filter({ has: page.getByRole('heading', { name: '工作人员登录' }) });
  await staff.getByLabel('用户名').fill('sanli-zuzhang');
  await staff.getByLabel('密码').fill(s.password);
  const landed = await clickAndLoad(page, staff.getByRole('button', { name: '登录' }));
  assert.equal(landed, '/account/password', 'a reset account goes to choose a password');
  await assertVisible(page.getByText('请先设置您自己的新密码'));
  await checkA11y(t, page, 'choosing a password');
  await page.getByLabel(/原密码/).fill(s.password);
  await page.getByLabel('新密码', { exact: true }).fill('12345678');
  await page.getByLabel('再次输入新密码').fill('12345678');
  await clickAndLoad(page, page.getByRole('button', { name: '保存新密码' }), { allowError: true });
  await assertVisible(page.getByRole('alert').filter({ hasText: '太常见' }));
  await page.getByLabel(/原密码/).fill(s.password);
  await page.getByLabel('新密码', { exact: true }).fill('sanli-zu-2027');
  await page.getByLabel('再次输入新密码').fill('sanli-zu-2027');
  assert.equal(await clickAndLoad(page, page.getByRole('button', { name: '保存新密码' })), '/desk');
  await goto(page, '/r/sanli-zu');
  await assertVisible(page.getByRole('heading', { name: '安排协商议事会' }));
  await goto(page, '/r/chenshi-sq');
  assert.equal(await page.getByRole('heading', { name: '安排协商议事会' }).count(), 0, 'not a convener of another room');
  await goto(page, '/admin', 403);
}, { chain: true });

step('people are imported from a CSV: previewed, refused while wrong, then written', async (t) => {
  const page = s.admin;
  await goto(page, '/admin/import');
  await checkA11y(t, page, 'the import page');
  const csv = (rows) => ({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n'), 'utf8') });
  const header = '登录名,姓名,职务,手机号,所属地区,人员类别,角色';
  const good = 'wu-sanli,吴三里,三里组委员,13800005555,陈师街道/陈师社区,党员,召集人:sanli-zu';
  await page.getByLabel(/选择文件/).setInputFiles(csv([header, good, 'bad name,吴,,,陈师社区,,']));
  await clickAndLoad(page, page.getByRole('button', { name: '预览导入' }), { allowError: true });
  await assertVisible(page.getByRole('alert').filter({ hasText: '「人员」第3行「登录名」' }));
  assert.equal(await page.getByRole('button', { name: '确认导入' }).count(), 0, 'no import while a row is wrong');
  await goto(page, '/admin/import');
  await page.getByLabel(/选择文件/).setInputFiles(csv([header, good]));
  await clickAndLoad(page, page.getByRole('button', { name: '预览导入' }));
  await assertVisible(page.getByRole('cell', { name: 'wu-sanli' }));
  await assertVisible(page.getByRole('cell', { name: '新增' }));
  await clickAndLoad(page, page.getByRole('button', { name: '确认导入' }));
  await assertVisible(page.getByRole('status').filter({ hasText: '已导入' }));
  assert.match((await page.locator('td.code').first().textContent()).trim(), /^[a-z0-9]{10}$/);
  await goto(page, s.room);
  await assertVisible(page.getByRole('link', { name: '吴三里' }), 'the imported person convenes the room');
  // The one error on this page is the refused file's 422.
  assert.deepEqual(pageErrors(page).filter((e) => !e.startsWith('422 POST')), []);
}, { chain: true });

step('a community names its own topic categories, and its rooms offer them', async (t) => {
  const page = s.admin;
  await goto(page, '/admin');
  const region = await clickAndLoad(page, page.getByRole('link', { name: '陈师社区', exact: true }).first());
  const form = page.locator('form[action$="/categories"]').first();
  await form.getByLabel(/每行一个/).fill('停车秩序整治\n破损井盖修缮\n移风易俗');
  await clickAndLoad(page, form.getByRole('button', { name: '保存类别' }));
  await assertVisible(page.getByText('本地区自定的类别'));
  await assertNoHorizontalScroll(page, 'a region page');
  await checkA11y(t, page, 'a region page');
  await goto(page, '/r/sanli-zu');
  const offered = await page.getByLabel('类别', { exact: true }).locator('option').allTextContents();
  assert.deepEqual(offered, ['停车秩序整治', '破损井盖修缮', '移风易俗', '其他']);
  // Back to the subdistrict's list, so other walks see the usual one.
  await goto(page, region);
  await clickAndLoad(page, page.getByRole('button', { name: '改为沿用上级的类别' }));
  await assertVisible(page.getByText('沿用上级地区'));
}, { chain: true });

step('a hotline\'s address is registered for webhooks, its key shown once', async (t) => {
  const page = s.admin;
  await goto(page, '/admin/webhooks');
  await assertVisible(page.getByText('尚未登记推送地址'));
  await page.getByLabel('推送地址').fill('https://12345.example.gov.cn/hook');
  await page.getByLabel('提交议题').check();
  await page.getByLabel('部门办结').check();
  await clickAndLoad(page, page.getByRole('button', { name: '登记' }));
  const key = (await page.locator('#webhook-secret').textContent()).trim();
  assert.match(key, /^[0-9a-f]{64}$/);
  await assertVisible(page.getByRole('cell', { name: '提交议题、部门办结' }));
  await assertNoHorizontalScroll(page, 'the webhooks page');
  await checkA11y(t, page, 'the webhooks page');
  await clickAndLoad(page, page.getByRole('link', { name: /^\d+$/ }).first());
  await assertVisible(page.getByText('还没有推送'));
  assert.equal(await page.getByText(key).count(), 0, 'the key is not shown again');
  await assertNoHorizontalScroll(page, 'a webhook page');
  await checkA11y(t, page, 'a webhook page');
}, { chain: true });

step('the administrator chooses e-mail for notices beyond the inbox', async (t) => {
  const page = s.admin;
  await goto(page, '/desk');
  await clickAndLoad(page, page.getByRole('link', { name: '提醒方式' }));
  await page.getByLabel('电子邮件').check();
  await clickAndLoad(page, page.getByRole('button', { name: '保存' }), { allowError: true });
  await assertVisible(page.getByText('请先填写电子邮箱'));
  await goto(page, '/account/notices');
  await page.getByLabel('电子邮件').check();
  await page.getByLabel('电子邮箱').fill('tian.xiaoyu@lianshui.gov.cn');
  await clickAndLoad(page, page.getByRole('button', { name: '保存' }));
  assert.equal(await page.getByLabel('电子邮箱').inputValue(), 'tian.xiaoyu@lianshui.gov.cn');
  assert.ok(await page.getByLabel('电子邮件').isChecked());
  await assertNoHorizontalScroll(page, 'the notices page');
  await checkA11y(t, page, 'the notices page');
  assert.deepEqual(pageErrors(page).filter((e) => !e.startsWith('422 POST')), []);
}, { chain: true });

step('the audit log tells what happened, and its chain checks out', async (t) => {
  const page = s.admin;
  await goto(page, '/admin/audit');
  const rows = page.locator('table.audit tbody tr');
  for (const what of ['新增议事室', '新增人员', '授予角色', '修改密码', '修改设置', '新增Webhook']) {
    await assertVisible(rows.filter({ hasText: what }).first(), `${what} is in the log`);
  }
  await clickAndLoad(page, page.getByRole('link', { name: '核验日志链' }));
  await assertVisible(page.getByRole('status').filter({ hasText: '日志链完好' }));
  await page.getByLabel('操作', { exact: true }).selectOption('room_created');
  await clickAndLoad(page, page.getByRole('button', { name: '筛选' }));
  assert.ok((await rows.count()) >= 1);
  assert.equal(await rows.filter({ hasText: '新增人员' }).count(), 0, 'the filter keeps to one kind');
  await assertNoHorizontalScroll(page, 'the audit log');
  await checkA11y(t, page, 'the audit log');
}, { chain: true });
