// 码上议 intake on a phone, clicked through as residents do after scanning a
// room's QR code in WeChat: drafts that survive a lost connection and are
// stored once, photos, duplicate suggestions while typing, and 附议 without
// a page reload (适老化 mode, the inbox and triage: intake-care.test.mjs).
// Each test has its own browser contexts (its own phones) and its own topic
// titles, so they do not depend on each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  step,
  goto,
  clickAndLoad,
  assertVisible,
  submitTopic,
  pageErrors,
} from './lib.mjs';
import {
  ROOM,
  FORM_ACTION,
  DRAFT_SLOT,
  RUN,
  open,
  topicsTitled,
  trackingOf,
  draftStored,
  fillForm,
  waitForSubmitted,
  imageLoaded,
  photo,
  useIntakeBrowser,
} from './intake-lib.mjs';

useIntakeBrowser();

// ------------------------------------------------------------ 1. offline drafts

step('1a. offline: 提交议题 keeps the draft on the phone, and it is sent by itself once back online', async () => {
  const page = await open('phone', 'offline-draft');
  const context = page.context();
  const title = `陈师新苑5号楼门口下水道堵了（${RUN}a）`;
  await goto(page, `/r/${ROOM}`);
  // The title field asks for similar topics as one types; let that finish before the network goes.
  const suggested = page.waitForResponse((r) => r.url().includes(`/r/${ROOM}/similar`));
  await fillForm(page, {
    title,
    body: '5号楼门口的下水道堵了三天，污水漫到路上，老人孩子出门要踩水，请尽快疏通。',
    place: '陈师新苑5号楼门口',
  });
  await suggested;

  await context.setOffline(true);
  assert.equal(await page.evaluate(() => navigator.onLine), false, 'the browser knows it is offline');
  const before = page.url();
  await page.getByRole('button', { name: '提交议题' }).click();
  const status = page.locator('[data-draft-status]');
  await assertVisible(status, 'a status line appears after 提交议题 offline');
  assert.match(await status.textContent(), /网络断开/, 'the status says the network is down');
  assert.equal(page.url(), before, 'the page stays on the form');
  const draft = await draftStored(page);
  assert.ok(draft, `the draft is kept in localStorage under ${DRAFT_SLOT}`);
  assert.equal(draft.values.title, title, 'the stored draft holds the title');
  assert.equal(draft.values.place, '陈师新苑5号楼门口', 'the stored draft holds the place');
  assert.match(draft.key, /^[0-9a-f]{32}$/, 'the draft carries its client key');
  assert.equal(await page.locator('input[name="client_key"]').inputValue(), draft.key, 'the form sends the draft’s key');
  assert.equal((await topicsTitled(title)).length, 0, 'nothing reached the server while offline');

  await context.setOffline(false);
  const no = await waitForSubmitted(page);
  await assertVisible(page.getByRole('heading', { name: title, level: 1 }));
  assert.equal((await page.locator('.tracking').textContent()).trim(), no, 'the 查询码 shown is the topic’s');
  const qrWidth = await imageLoaded(page, page.locator('img.qr'), 'the QR code');
  assert.ok(qrWidth > 0);
  assert.equal(await draftStored(page), null, 'the draft is removed once the topic is stored');

  // Exactly one topic with that title, even after a moment for any late resend.
  await page.waitForTimeout(500);
  const stored = await topicsTitled(title);
  assert.equal(stored.length, 1, `the draft was stored exactly once, found ${stored.length}: ${stored.map((t) => t.tracking_no).join(', ')}`);
  assert.equal(stored[0].tracking_no, no);
});

step('1b. offline: tapping 提交议题 twice, then coming back online, still makes one topic', async () => {
  const page = await open('phone', 'offline-double');
  const context = page.context();
  const title = `惠民小区2号楼楼顶漏水（${RUN}b）`;
  await goto(page, `/r/${ROOM}`);
  const suggested = page.waitForResponse((r) => r.url().includes(`/r/${ROOM}/similar`));
  await fillForm(page, { title, body: '一下雨2号楼六楼就漏水，墙皮都掉了，请物业和社区协调维修楼顶防水。' });
  await suggested;
  await context.setOffline(true);
  const button = page.getByRole('button', { name: '提交议题' });
  await button.click();
  await button.click();
  await assertVisible(page.locator('[data-draft-status]'));
  assert.match(await page.locator('[data-draft-status]').textContent(), /网络断开/);

  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === FORM_ACTION) posts.push(r); });
  await context.setOffline(false);
  const no = await waitForSubmitted(page);
  await page.waitForTimeout(800);
  const stored = await topicsTitled(title);
  assert.equal(stored.length, 1, `two taps offline must store one topic, found ${stored.length}`);
  assert.equal(stored[0].tracking_no, no);
  assert.equal(posts.length, 1, `the page sent the draft ${posts.length} times after coming back online`);
});

step('1b2. online: a double tap on 提交议题 sends once and makes one topic', async () => {
  const page = await open('phone', 'online-double');
  const title = `陈师社区活动室空调坏了（${RUN}）`;
  await goto(page, `/r/${ROOM}`);
  await fillForm(page, { title, body: '活动室空调不制冷，夏天老人在里面下棋打牌热得受不了，请修一修。' });
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === FORM_ACTION) posts.push(r); });
  await page.getByRole('button', { name: '提交议题' }).dblclick();
  const no = await waitForSubmitted(page);
  await page.waitForTimeout(500);
  const stored = await topicsTitled(title);
  assert.equal(stored.length, 1, `a double tap must store one topic, found ${stored.length}`);
  assert.equal(stored[0].tracking_no, no);
  assert.equal(posts.length, 1, `a double tap sent the form ${posts.length} times`);
});

step('1c. the connection drops after the server stored the topic: the resent draft gets the same topic back', async () => {
  const page = await open('phone', 'lost-answer');
  const context = page.context();
  const title = `陈师大道公交站牌被撞歪了（${RUN}c）`;
  await goto(page, `/r/${ROOM}`);
  const suggested = page.waitForResponse((r) => r.url().includes(`/r/${ROOM}/similar`));
  await fillForm(page, { title, body: '陈师大道中段公交站牌被车撞歪，随时可能倒下砸到等车的人。' });
  await suggested;

  // The first POST reaches the server, but its answer never reaches the phone.
  let firstLocation = null;
  await page.route(`**${FORM_ACTION}`, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const res = await route.fetch({ maxRedirects: 0 });
    firstLocation = res.headers().location ?? `(status ${res.status()})`;
    await route.abort('internetdisconnected');
  }, { times: 1 });
  await page.getByRole('button', { name: '提交议题' }).click();
  const status = page.locator('[data-draft-status]');
  await page.waitForFunction(() => /网络断开/.test(document.querySelector('[data-draft-status]')?.textContent || ''));
  assert.match(firstLocation ?? '', /^\/t\/\d{10}\?submitted=1$/, `the server stored the first copy (answered ${firstLocation})`);
  assert.match(await status.textContent(), /网络断开/);
  assert.equal((await topicsTitled(title)).length, 1, 'the first copy is stored');

  // The signal comes back.
  await context.setOffline(true);
  await context.setOffline(false);
  const no = await waitForSubmitted(page);
  assert.equal(`/t/${no}?submitted=1`, firstLocation, 'the resent draft lands on the topic the first copy made');
  await page.waitForTimeout(500);
  assert.equal((await topicsTitled(title)).length, 1, 'still one topic after the resend');
});

step('1d. a draft typed but not sent is restored after a reload (已恢复), with its key', async () => {
  const page = await open('phone', 'draft-restore');
  const title = `陈师新苑北门路灯不亮（${RUN}d）`;
  const body = '北门两盏路灯一直不亮，晚上进出小区很黑。';
  await goto(page, `/r/${ROOM}`);
  const form = await fillForm(page, { title, body, place: '陈师新苑北门' });
  await form.getByLabel(/匿名提交/).check();
  const draft = await draftStored(page);
  assert.ok(draft && draft.values.title === title, 'typing saves the draft as one goes');

  await page.reload({ waitUntil: 'load' });
  const status = page.locator('[data-draft-status]');
  await assertVisible(status, 'a status line tells the resident the draft came back');
  assert.match(await status.textContent(), /已恢复/);
  assert.equal(await form.getByLabel('标题').inputValue(), title, '标题 is refilled');
  assert.equal(await form.getByLabel('具体情况').inputValue(), body, '具体情况 is refilled');
  assert.equal(await form.getByLabel('地点').inputValue(), '陈师新苑北门', '地点 is refilled');
  assert.ok(await form.getByLabel(/匿名提交/).isChecked(), '匿名提交 stays ticked');
  assert.equal(await page.locator('input[name="client_key"]').inputValue(), draft.key,
    'the restored draft keeps its key, so a copy sent before the reload is not stored twice');
  assert.equal((await topicsTitled(title)).length, 0, 'nothing was sent');
  assert.deepEqual(pageErrors(page), []);
});

step('1e. a restored draft keeps the 类别 the resident chose', async () => {
  const page = await open('phone', 'draft-category');
  const title = `陈师社区卫生室周末不开门（${RUN}e）`;
  await goto(page, `/r/${ROOM}`);
  const form = await fillForm(page, { title, body: '周末老人头疼脑热要跑到街道医院，希望卫生室周末也有人值班。', category: '教育卫生' });
  const chosen = await form.getByLabel('类别').inputValue();
  const first = await form.getByLabel('类别').locator('option').first().getAttribute('value');
  assert.notEqual(chosen, first, 'the test picks a 类别 other than the first');
  assert.equal((await draftStored(page)).values.category, chosen, 'the draft stores the chosen 类别');
  await page.reload({ waitUntil: 'load' });
  await assertVisible(page.locator('[data-draft-status]'));
  assert.equal(await form.getByLabel('标题').inputValue(), title, '标题 is refilled');
  assert.equal(await form.getByLabel('类别').inputValue(), chosen,
    `类别 should come back as “${chosen}”, the form shows “${await form.getByLabel('类别').inputValue()}” ` +
    '(app.js restore() only refills fields whose value is empty, and a <select> always has one)');
});

// ------------------------------------------------------------------ 2. photos

step('2a. choosing 10 photos is refused on the phone (最多选择9张) and the choice is cleared', async () => {
  const page = await open('phone', 'photos-too-many');
  await goto(page, `/r/${ROOM}`);
  const input = page.getByLabel(/现场照片/);
  await input.setInputFiles(Array.from({ length: 10 }, (_, i) => photo(i)));
  const status = page.locator('[data-photo-status]');
  await page.waitForFunction(() => (document.querySelector('[data-photo-status]')?.textContent || '') !== '');
  assert.match(await status.textContent(), /最多选择9张/, 'the resident is told the limit');
  assert.equal(await input.evaluate((el) => el.files.length), 0, 'the 10 files are not kept');
});

step('2b. two photos: 已选择2张照片, submitted, and the topic shows two thumbnails that load', async () => {
  const page = await open('phone', 'photos');
  const title = `陈师农贸市场东门路面塌陷（${RUN}）`;
  await goto(page, `/r/${ROOM}`);
  const form = await fillForm(page, { title, body: '东门进口路面塌了一个坑，三轮车经过容易翻，附现场照片。', category: '公共设施', place: '陈师农贸市场东门' });
  await form.getByLabel(/现场照片/).setInputFiles([photo(1), photo(2)]);
  const status = page.locator('[data-photo-status]');
  await page.waitForFunction(() => (document.querySelector('[data-photo-status]')?.textContent || '') !== '');
  assert.equal((await status.textContent()).trim(), '已选择2张照片');

  const landed = await clickAndLoad(page, form.getByRole('button', { name: '提交议题' }));
  assert.match(landed, /^\/t\/\d{10}\?submitted=1$/, `submitting lands on the new topic, landed on ${landed}`);
  await assertVisible(page.getByRole('heading', { name: title, level: 1 }));
  const thumbs = page.getByRole('list', { name: '现场照片' }).locator('img');
  assert.equal(await thumbs.count(), 2, 'two thumbnails are shown to the submitter');
  for (let i = 0; i < 2; i++) {
    const w = await imageLoaded(page, thumbs.nth(i), `thumbnail ${i + 1}`);
    assert.ok(w > 0);
    assert.equal(await thumbs.nth(i).getAttribute('alt'), `现场照片${i + 1}`);
    const href = await page.getByRole('list', { name: '现场照片' }).locator('a').nth(i).getAttribute('href');
    const full = await page.request.get(href);
    assert.equal(full.status(), 200, `the full photo ${href} is served`);
    assert.equal(full.headers()['content-type'], 'image/jpeg', 'photos are re-encoded as JPEG');
  }
  assert.deepEqual(pageErrors(page), []);
});

// ------------------------------------------------------- 3. duplicate suggestions

step('3. typing a title like an existing topic suggests it (htmx), an unrelated title suggests nothing', async () => {
  const existing = '陈师新苑小区电动车充电桩增设';
  const no = await trackingOf(existing);
  const page = await open('phone', 'similar');
  await goto(page, `/r/${ROOM}`);
  const title = page.locator('#submit').getByLabel('标题');
  const similar = page.locator('#similar');
  assert.equal(await similar.getAttribute('aria-live'), 'polite', 'suggestions are announced politely');

  await title.pressSequentially('新苑电动车充电桩不够用', { delay: 40 });
  const typed = Date.now();
  const link = similar.locator(`a[href="/t/${no}"]`);
  try {
    await link.waitFor({ state: 'visible', timeout: 2_500 });
  } catch {
    assert.fail(`within 2 s of typing, #similar should link to “${existing}” (/t/${no}); it shows: “${(await similar.textContent()).trim()}”`);
  }
  const took = Date.now() - typed;
  assert.equal((await link.textContent()).trim(), existing);
  await assertVisible(similar.getByText('如果是同一件事', { exact: false }), 'the hint explains to 附议 instead of resubmitting');

  // A different problem: the suggestion goes away and nothing replaces it.
  const unrelated = '社区图书室开放时间太短';
  const answered = page.waitForResponse((r) => r.url().includes('/similar') && decodeURIComponent(r.url()).includes(unrelated));
  await title.fill('');
  await title.pressSequentially(unrelated, { delay: 40 });
  await answered;
  try {
    await page.waitForFunction(() => document.querySelectorAll('#similar a').length === 0, null, { timeout: 2_000 });
  } catch {
    assert.fail(`an unrelated title should suggest nothing; #similar shows: “${(await similar.textContent()).trim()}”`);
  }
  assert.equal((await similar.textContent()).trim(), '', '#similar is empty');
  console.log(`suggestion shown ${took} ms after the last keystroke`);
  assert.deepEqual(pageErrors(page), []);
});

// ------------------------------------------------------------------ 4. 附议

step('4. 附议 on another resident’s topic: 已附议 with the count +1, no page reload, kept after reload', async () => {
  const author = await open('phone', 'support-author');
  const title = `惠民小区健身器材损坏（${RUN}）`;
  const no = await submitTopic(author, ROOM, { title, body: '小区健身角的漫步机和单杠坏了，螺丝松动，老人用着很危险。', category: '公共设施' });

  const page = await open('phone', 'supporter');
  await goto(page, `/t/${no}`);
  const support = page.locator('#support');
  const button = support.getByRole('button', { name: /附议/ });
  assert.equal((await button.textContent()).trim(), '我也遇到了（附议）· 0人');
  assert.ok(await button.isEnabled());

  const url = page.url();
  let navigations = 0;
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations++; });
  await page.evaluate(() => { window.__noReload = 'still here'; });
  const answered = page.waitForResponse((r) => r.url().endsWith(`/t/${no}/support`) && r.request().method() === 'POST');
  await button.click();
  const res = await answered;
  assert.equal(res.request().headers()['hx-request'], 'true', 'the 附议 is sent by htmx');
  const done = page.locator('#support').getByRole('button', { name: /已附议/ });
  await assertVisible(done, 'the button turns into 已附议');
  assert.equal((await done.textContent()).trim(), '已附议 · 1人', 'the count goes up by one');
  assert.ok(await done.isDisabled(), '已附议 cannot be pressed again');
  assert.equal(page.url(), url, 'the address does not change');
  assert.equal(navigations, 0, 'the page did not navigate');
  assert.equal(await page.evaluate(() => window.__noReload), 'still here', 'the page was not reloaded');

  await page.reload({ waitUntil: 'load' });
  const after = page.locator('#support').getByRole('button', { name: /附议/ });
  assert.equal((await after.textContent()).trim(), '已附议 · 1人', 'after a reload the phone still shows 已附议');
  assert.ok(await after.isDisabled());

  // The author's phone sees the count, without a button: nobody supports their own topic.
  await goto(author, `/t/${no}`);
  assert.equal((await author.locator('#support').textContent()).trim(), '已有 1 人附议（我也遇到了）');
  assert.equal(await author.locator('#support button').count(), 0, 'no 附议 on one’s own topic');
  assert.deepEqual(pageErrors(page), []);
});
