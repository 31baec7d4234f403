// 动态验证码 on a phone: a committee member turns it on from the desk, scans
// (here: reads) the key, confirms with a first code and sees the recovery
// codes once; the next sign-in asks for the code after the password. The
// codes are computed here as an authenticator app would (RFC 6238).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
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
  PASSWORD,
} from './lib.mjs';

const MEMBER = 'member-tao';

/** A base32 key (spaces allowed) as bytes. */
function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/[\s=]/g, '').toUpperCase()) {
    value = ((value << 5) | alphabet.indexOf(c)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The six digits an app shows at `ms` (RFC 6238, SHA-1, 30 s). */
function totp(key, ms) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(ms / 30000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[19] & 15;
  const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1000000;
  return String(n).padStart(6, '0');
}

useBrowser();
const s = {};

after(async () => {
  await closePage(s.page);
});

step('a member turns on 动态验证码 from the desk', async (t) => {
  const page = (s.page = await openPage('phone', 'member'));
  await staffLogin(page, MEMBER);
  // The header's links and 退出 share one line at phone width.
  const bar = page.getByRole('navigation', { name: '账户' });
  const tops = await Promise.all(
    [bar.getByRole('link', { name: '我的消息' }), bar.getByRole('button', { name: '退出' })].map(
      async (l) => Math.round((await l.boundingBox()).y),
    ),
  );
  assert.equal(tops[0], tops[1], '退出 stays on the line of the other links');
  await clickAndLoad(page, page.getByRole('link', { name: '动态验证码' }));
  await assertVisible(page.getByRole('heading', { name: '动态验证码', level: 1 }));
  await clickAndLoad(page, page.getByRole('button', { name: '开启动态验证码' }));
  await assertVisible(page.getByRole('img', { name: '开启动态验证码的二维码' }));
  s.key = base32(await page.locator('code.secret').innerText());
  assert.equal(s.key.length, 20, 'a 160-bit key');
  await assertNoHorizontalScroll(page, 'the QR code page');
  await checkA11y(t, page, 'setting up 动态验证码');
}, { chain: true });

step('a wrong code is refused; the right one shows the recovery codes once', async (t) => {
  const page = s.page;
  const right = totp(s.key, Date.now());
  await page.getByLabel(/6位数字/).fill(right === '000000' ? '111111' : '000000');
  await clickAndLoad(page, page.getByRole('button', { name: '确认开启' }), { allowError: true });
  await assertVisible(page.getByRole('alert').filter({ hasText: '动态验证码不正确' }));
  await page.getByLabel(/6位数字/).fill(totp(s.key, Date.now()));
  await clickAndLoad(page, page.getByRole('button', { name: '确认开启' }));
  const codes = page.getByRole('list', { name: '恢复码' }).getByRole('listitem');
  assert.equal(await codes.count(), 10);
  assert.match(await codes.first().innerText(), /^[a-z2-9]{5}-[a-z2-9]{5}$/);
  await assertNoHorizontalScroll(page, 'the recovery codes');
  await checkA11y(t, page, 'the recovery codes');
  await clickAndLoad(page, page.getByRole('link', { name: '我已保存，继续' }));
  await assertVisible(page.getByRole('heading', { name: '工作台', level: 1 }));
}, { chain: true });

step('the next sign-in asks for the code after the password', async (t) => {
  const page = s.page;
  await page.context().clearCookies();
  await goto(page, '/login');
  const staff = page.locator('section').filter({ has: page.getByRole('heading', { name: '工作人员登录' }) });
  await staff.getByLabel('用户名').fill(MEMBER);
  await staff.getByLabel('密码').fill(PASSWORD);
  const landed = await clickAndLoad(page, staff.getByRole('button', { name: '登录' }));
  assert.equal(landed, '/login/second-factor?next=/desk');
  await assertVisible(page.getByRole('heading', { name: '输入动态验证码', level: 1 }));
  await checkA11y(t, page, 'the second step of signing in');
  // The code used to confirm is spent; the app's next one is good already.
  await page.getByLabel('动态验证码').fill(totp(s.key, Date.now() + 30000));
  assert.equal(await clickAndLoad(page, page.getByRole('button', { name: '登录' })), '/desk');
  await assertVisible(page.getByRole('heading', { name: '工作台', level: 1 }));
  assert.deepEqual(pageErrors(page).filter((e) => !/401|422/.test(e)), []);
}, { chain: true });
