// A resident signs in with a phone number and a one-time code (the demo logs
// the SMS to the server log), in a room that does not take anonymous topics,
// submits there, and signs out.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import {
  useBrowser, openPage, closePage, step, goto, clickAndLoad, assertVisible, topicState,
  smsCodes, waitForNewCode, checkA11y,
} from './lib.mjs';

useBrowser();

const ROOM = 'liji'; // 李集村: allow_anonymous = false
const ROOM_NAME = '李集村有事好商量议事室';
const PHONE = '13900000002';
const NAME = '王德胜';
const chain = { chain: true };
const s = {};
after(async () => closePage(s.page));

function residentForm(page) {
  return page.locator('section').filter({ has: page.getByRole('heading', { name: '群众登录' }) });
}

step('a room without anonymous topics asks to sign in with a phone number', async () => {
  const page = (s.page = await openPage('phone', 'phone-login'));
  await goto(page, `/r/${ROOM}`);
  await assertVisible(page.getByRole('heading', { name: ROOM_NAME, level: 1 }));
  const submit = page.locator('#submit');
  await assertVisible(submit.getByText('本议事室需要先用手机号登录再提交'));
  assert.equal(await submit.getByRole('button', { name: '提交议题' }).count(), 0, 'no form before signing in');
  const landed = await clickAndLoad(page, submit.getByRole('link', { name: '用手机号登录' }));
  assert.equal(landed, `/login?next=/r/${ROOM}`);
}, chain);

step('获取验证码, enter the code from the SMS, and land back in the room', async () => {
  const page = s.page;
  const seen = (await smsCodes(PHONE)).length;
  await residentForm(page).getByLabel('手机号').fill(PHONE);
  await clickAndLoad(page, residentForm(page).getByRole('button', { name: '获取验证码' }));
  const form = residentForm(page);
  await assertVisible(form.getByLabel('验证码'), 'after 获取验证码 the page asks for the code');
  assert.equal(await form.getByLabel('手机号').inputValue(), PHONE, 'the phone number is kept');
  const code = await waitForNewCode(PHONE, seen);
  await form.getByLabel('验证码').fill(code);
  const landed = await clickAndLoad(page, form.getByRole('button', { name: '登录' }));
  assert.equal(landed, `/r/${ROOM}`, 'signing in returns to the room');
  const nav = page.getByRole('navigation', { name: '账户' });
  await assertVisible(nav.getByText(NAME), `the header names the resident (${NAME})`);
  await assertVisible(nav.getByRole('button', { name: '退出' }));
  assert.equal(await nav.getByRole('link', { name: '工作台' }).count(), 0, 'a resident has no 工作台');
}, chain);

step('signed in, the resident submits in that room', async () => {
  const page = s.page;
  const form = page.locator('#submit');
  await form.getByLabel('标题').fill('李集村村部门口路灯不亮');
  await form.getByLabel('具体情况').fill('村部门口两盏路灯坏了半个月，晚上到村部办事很不方便。');
  await form.getByLabel('类别').selectOption({ label: '公共设施' });
  const landed = await clickAndLoad(page, form.getByRole('button', { name: '提交议题' }));
  assert.match(landed, /^\/t\/\d{10}\?submitted=/);
  await assertVisible(page.getByRole('status').filter({ hasText: '提交成功' }));
  assert.equal(await topicState(page), '待受理');
  const facts = await page.locator('dl.facts').textContent();
  assert.ok(!facts.includes(PHONE), `the public page must not show the phone number: ${facts}`);
}, chain);

step('退出 signs out', async () => {
  const page = s.page;
  const landed = await clickAndLoad(page, page.getByRole('button', { name: '退出' }));
  assert.equal(landed, '/');
  await assertVisible(page.getByRole('navigation', { name: '账户' }).getByRole('link', { name: '登录' }));
}, chain);

step('a wrong code is refused with a message on the login page', async (t) => {
  const page = s.page;
  await goto(page, '/login');
  const seen = (await smsCodes(PHONE)).length;
  await residentForm(page).getByLabel('手机号').fill(PHONE);
  await clickAndLoad(page, residentForm(page).getByRole('button', { name: '获取验证码' }));
  const code = await waitForNewCode(PHONE, seen);
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  await residentForm(page).getByLabel('验证码').fill(wrong);
  const landed = await clickAndLoad(page, residentForm(page).getByRole('button', { name: '登录' }), { allowError: true });
  assert.equal(landed, '/login/phone', `a wrong code should re-render the login page with a message, landed on ${landed}`);
  await assertVisible(page.getByRole('alert'), 'a wrong code should be explained');
  await assertVisible(residentForm(page).getByLabel('验证码'), 'the code field stays, to try again');
  await checkA11y(t, page, '/login with a wrong code');
});
