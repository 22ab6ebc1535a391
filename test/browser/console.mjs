// Drives the system Chromium (Debian's `chromium`, through playwright-core pinned in
// package-lock.json) through the web console of a running `openrouter serve`; started by
// test/browser/console_browser_test.cpp, which runs the gateway in front of openrouter-mock and
// checks the mock's side afterwards.
//
//   node console.mjs --url URL --token TOKEN --bad-token TOKEN --chat-model M --failing-model M
//                    --fallback-model M --slow-model M --image-model M --artifacts DIR
//                    [--chromium /usr/bin/chromium]
//   environment: CONSOLE_TEST_SECRET  the gateway's OpenRouter key: no response body may hold it
//
// Prints "ok: CHECK" per passed check and "FAIL: WHY" then exits 1 at the first failure; screenshots
// go to --artifacts. Everything it starts (the browser) it closes, on failure and on SIGTERM too.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const need of ['url', 'token', 'bad-token', 'chat-model', 'failing-model', 'fallback-model', 'slow-model',
  'image-model', 'artifacts']) {
  if (!args[need]) {
    console.log(`FAIL: --${need} is required`);
    process.exit(2);
  }
}
const secret = process.env.CONSOLE_TEST_SECRET || '';
if (secret.length < 8) {
  console.log('FAIL: CONSOLE_TEST_SECRET (the gateway key) is required');
  process.exit(2);
}
mkdirSync(args.artifacts, { recursive: true });

class Failure extends Error {}
function check(cond, what) {
  if (!cond) throw new Failure(what);
  console.log('ok: ' + what);
}

let browser = null;
async function closeBrowser() {
  const b = browser;
  browser = null;
  if (b) await b.close().catch(() => {});
}
process.on('SIGTERM', () => { closeBrowser().finally(() => process.exit(3)); });
// The whole run's deadline (the C++ side has a longer one).
const deadline = setTimeout(() => {
  console.log('FAIL: the browser run took longer than 150 s');
  closeBrowser().finally(() => process.exit(4));
}, 150_000);

const consoleErrors = [];  // [{phase, text}]
let phase = 'load';
const bodyChecks = [];     // promises: each a response body's check
const bodiesSeen = { count: 0, withSecret: [] };

async function run() {
  browser = await chromium.launch({
    executablePath: args.chromium || '/usr/bin/chromium',
    headless: true,
    // Root in a container: no setuid sandbox. No GPU, /dev/shm may be small.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push({ phase, text: m.text() }); });
  page.on('pageerror', (e) => consoleErrors.push({ phase, text: 'uncaught: ' + e.message }));
  page.on('response', (r) => {
    bodyChecks.push((async () => {
      let body;
      try {
        body = await r.body();
      } catch (e) {
        return;  // a stream the page stopped has no complete body (checked by the gateway's tests)
      }
      bodiesSeen.count++;
      const headers = JSON.stringify(await r.allHeaders());
      if (body.includes(secret) || headers.includes(secret)) bodiesSeen.withSecret.push(r.url());
    })());
  });
  const shot = (name) => page.screenshot({ path: join(args.artifacts, name + '.png'), fullPage: true });

  // --- the page and its headers -----------------------------------------------------------
  const res = await page.goto(args.url + '/');
  const h = await res.allHeaders();
  check(res.status() === 200 && h['content-type'] === 'text/html; charset=utf-8', 'GET / is text/html');
  check((h['content-security-policy'] || '').includes("script-src 'self'"), 'the page has a Content-Security-Policy');
  check(h['x-content-type-options'] === 'nosniff', 'the page is nosniff');

  // --- a bad token: a clear message ---------------------------------------------------------
  phase = 'bad-token';
  await page.fill('#token', args['bad-token']);
  await page.click('#token-form button[type=submit]');
  await page.locator('#notice').filter({ hasText: 'refused this token' }).waitFor();
  check(await page.locator('#models-table tbody tr').count() === 0, 'a bad token: a clear message and no models');
  await shot('bad-token');

  // --- the model picker ---------------------------------------------------------------------
  phase = 'picker';
  await page.fill('#token', args.token);
  await page.click('#token-form button[type=submit]');
  const rows = page.locator('#models-table tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('#models-table tbody tr').length > 50);
  check(await page.locator('#notice').isHidden(), 'the right token clears the message');
  const total = await rows.count();
  check(total > 50, `the picker lists the catalog (${total} models)`);

  await page.fill('#model-search', 'claude');
  const ids = async () => page.$$eval('#models-table tbody tr', (trs) => trs.map((t) => t.dataset.id));
  let shown = await ids();
  check(shown.length > 0 && shown.length < total && shown.every((id) => id.includes('claude')),
    `search "claude" keeps ${shown.length} models, all claude`);
  await page.fill('#model-search', '');

  await page.check('#free-only');
  const prices = await page.$$eval('#models-table tbody tr', (trs) =>
    trs.map((t) => [t.querySelector('.price-in').textContent, t.querySelector('.price-out').textContent]));
  check(prices.length > 0 && prices.length < total && prices.every(([a, b]) => a === 'free' && b === 'free'),
    `free only keeps ${prices.length} models, all free`);
  shown = await ids();
  check(shown.includes('mistralai/mistral-7b-instruct:free'), 'free only lists mistral-7b-instruct:free');
  await page.uncheck('#free-only');

  await page.selectOption('#output-modality', 'image');
  shown = await ids();
  const modal = await page.$$eval('#models-table tbody tr .modalities', (tds) => tds.map((t) => t.textContent));
  check(shown.includes(args['image-model']) && modal.every((m) => m.split('→')[1].includes('image')),
    `output modality image keeps ${shown.length} image models`);
  await page.selectOption('#output-modality', '');
  check(await rows.count() === total, 'clearing the filters shows every model again');

  const row = (id) => page.locator(`#models-table tbody tr[data-id="${id}"]`);
  await row(args['slow-model']).locator('button.show-endpoints').click();
  await page.waitForFunction(() => document.querySelectorAll('#endpoints-rows tr').length > 0);
  check(await page.locator('#endpoints-rows tr').count() >= 2, 'a model\'s endpoints are listed');
  await shot('picker');

  // --- streaming chat: tokens appear as they arrive, then the cost --------------------------
  phase = 'chat';
  await row(args['chat-model']).locator('button.use-chat').click();
  check(await page.inputValue('#chat-model') === args['chat-model'], 'Chat on a picker row selects the model');
  await page.evaluate(() => {
    // Every change of the answer's text, with its time: the stream must show up piece by piece.
    window.__growth = [];
    new MutationObserver(() => {
      const t = document.querySelector('#transcript .msg.assistant:last-of-type .text');
      if (t) window.__growth.push([performance.now(), t.textContent.length]);
    }).observe(document.getElementById('transcript'), { subtree: true, childList: true, characterData: true });
  });
  await page.fill('#prompt', 'Tell me about streaming.');
  await page.click('#send');
  const last = page.locator('#transcript .msg.assistant').last();
  await last.and(page.locator('[data-state=done]')).waitFor();
  const growth = await page.evaluate(() => window.__growth);
  const lengths = [...new Set(growth.map(([, n]) => n))].filter((n) => n > 0);
  const span = growth.length ? growth[growth.length - 1][0] - growth[0][0] : 0;
  check(lengths.length >= 5 && span >= 300,
    `the answer grew in ${lengths.length} steps over ${Math.round(span)} ms (streamed, not buffered)`);
  const answer = await last.locator('.text').textContent();
  check(answer.length > 0, 'the streamed answer is in the page');
  await last.locator('.meta.cost').waitFor();
  const costLine = await last.locator('.meta').textContent();
  check(costLine.includes(args['chat-model']) && /\$\d+\.\d{6}/.test(costLine),
    `the cost line follows the answer: "${costLine}"`);

  // --- a 503 from the model: the fallback serves it, the page does not notice -----------------
  phase = 'fallback';
  await page.fill('#chat-model', args['failing-model']);
  await page.fill('#prompt', 'Again, please.');
  await page.click('#send');
  const second = page.locator('#transcript .msg.assistant').nth(1);
  await second.and(page.locator('[data-state=done]')).waitFor();
  check(!(await second.getAttribute('class')).includes('error') && (await second.locator('.text').textContent()).length > 0,
    'a 503 from the first model: the answer still arrives');
  await second.locator('.meta.cost').waitFor();
  const served = await second.locator('.meta').textContent();
  check(served.includes(args['fallback-model']), `the fallback served it: "${served}"`);

  // --- Stop cancels a stream ----------------------------------------------------------------
  phase = 'stop';
  await page.fill('#chat-model', args['slow-model']);
  await page.fill('#prompt', 'A long answer, please.');
  await page.click('#send');
  const third = page.locator('#transcript .msg.assistant').nth(2);
  await page.waitForFunction(() => {
    const t = document.querySelectorAll('#transcript .msg.assistant .text')[2];
    return t && t.textContent.length > 10;
  });
  check(await page.isEnabled('#stop'), 'Stop is enabled while streaming');
  await page.click('#stop');
  await third.and(page.locator('[data-state=stopped]')).waitFor();
  const stoppedAt = (await third.locator('.text').textContent()).length;
  await page.waitForTimeout(800);
  check((await third.locator('.text').textContent()).length === stoppedAt && await page.isDisabled('#stop'),
    `Stop ends the answer (${stoppedAt} characters, no more after it)`);
  await shot('chat');

  // --- image lab ----------------------------------------------------------------------------
  phase = 'images';
  await page.click('.tab[data-view=models]');
  await row(args['image-model']).locator('button.use-image').click();
  check(await page.inputValue('#image-model') === args['image-model'], 'Image on a picker row selects the model');
  await page.selectOption('#aspect-ratio', '16:9');
  await page.fill('#image-prompt', 'a lighthouse at dusk');
  await page.click('#generate');
  const img = page.locator('#gallery figure img').first();
  await img.waitFor();
  await page.waitForFunction(() => { const i = document.querySelector('#gallery img'); return i && i.complete && i.naturalWidth > 0; });
  const link = page.locator('#gallery figure a').first();
  check((await link.getAttribute('href')).startsWith('data:image/png;base64,') &&
    (await link.getAttribute('download')).endsWith('.png'), 'the generated image is shown and downloadable');
  await shot('image');

  // --- ops: the live metrics show what happened ---------------------------------------------
  phase = 'ops';
  await page.click('.tab[data-view=ops]');
  const opsRow = (model, outcome) => page.waitForFunction(([m, o]) =>
    [...document.querySelectorAll('#ops-requests-table tbody tr')].some((tr) =>
      tr.cells[0].textContent === m && tr.cells[1].textContent === o && Number(tr.cells[3].textContent) >= 1),
  [model, outcome]);
  await opsRow(args['chat-model'], 'success');
  check(true, 'the ops view lists the chat request (model, success)');
  await opsRow(args['failing-model'], 'success');
  await page.waitForFunction((m) => [...document.querySelectorAll('#ops-attempts-table tbody tr')].some((tr) =>
    tr.cells[0].textContent === m && tr.cells[1].textContent !== 'success'), args['failing-model']);
  check(Number(await page.textContent('#ops-failed-attempts')) >= 1,
    'the ops view shows the failed attempt of the first model by its class');
  await opsRow(args['slow-model'], 'caller_gone');
  check(true, 'the ops view shows the stopped stream (caller_gone)');
  await page.waitForFunction(() => document.getElementById('ops-in-flight').textContent === '0' &&
    Number(document.getElementById('ops-spend').textContent) > 0);
  check(true, 'the ops view shows nothing in flight and the spend');
  await shot('ops');

  // --- the key is nowhere -------------------------------------------------------------------
  phase = 'end';
  const html = await page.content();
  const storage = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }));
  check(!html.includes(secret) && !storage.includes(secret), 'the key is not in the page or its storage');
  await Promise.all(bodyChecks);
  check(bodiesSeen.count >= 10 && bodiesSeen.withSecret.length === 0,
    `the key is in none of the ${bodiesSeen.count} response bodies the browser received`);
  // The only console errors allowed: the browser's own log line of each refused (401) request
  // before a token was given (the page tries without one) and while the token was bad.
  const unexpected = consoleErrors.filter((e) => !((e.phase === 'load' || e.phase === 'bad-token') && e.text.includes('401')));
  check(unexpected.length === 0, 'no console errors' + (unexpected.length ? ': ' + JSON.stringify(unexpected) : ''));
}

let code = 0;
try {
  await run();
} catch (e) {
  console.log('FAIL: ' + (e instanceof Failure ? e.message : (e && e.stack) || e));
  if (consoleErrors.length) console.log('console errors: ' + JSON.stringify(consoleErrors));
  code = 1;
} finally {
  clearTimeout(deadline);
  await closeBrowser();
}
process.exit(code);
