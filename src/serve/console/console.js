// openrouter serve console: plain JavaScript, no dependencies, no build step. It talks only to
// the gateway that served it (/api/openrouter/*, /metrics) with the caller's gateway token (kept
// in this tab's sessionStorage); the OpenRouter key stays in the gateway. Everything the
// gateway or a model sends is put into the page as text (textContent), never as markup.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = 'openrouter-serve-token';
  let token = sessionStorage.getItem(TOKEN_KEY) || '';

  // --- talking to the gateway ---------------------------------------------------------------

  class GatewayError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function requestHeaders(json) {
    const h = {};
    if (token) h.Authorization = 'Bearer ' + token;
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }

  // The error of a failed answer, as a sentence for the page. Both error shapes are read: the
  // skill routes' {"error":"message"} and OpenRouter's {"error":{"message"}}.
  async function errorOf(res) {
    if (res.status === 401) {
      return new GatewayError(401, token
        ? 'The gateway refused this token (401). Enter a valid gateway token above.'
        : 'This gateway needs a gateway token (401). Enter it above.');
    }
    let message = '';
    try {
      const body = await res.json();
      if (typeof body.error === 'string') message = body.error;
      else if (body.error && typeof body.error.message === 'string') message = body.error.message;
    } catch (e) {
      message = '';
    }
    return new GatewayError(res.status, `${res.status} ${message || res.statusText || 'error'}`);
  }

  async function getJSON(path) {
    const res = await fetch(path, { headers: requestHeaders(false), cache: 'no-store' });
    if (!res.ok) throw await errorOf(res);
    return res.json();
  }

  function notice(text) {
    const n = $('notice');
    n.textContent = text || '';
    n.hidden = !text;
  }

  // A failure the user should see: 401s and failures outside a chat bubble go to the banner.
  function report(err) {
    notice(err instanceof GatewayError ? err.message : `The gateway could not be reached (${err.message}).`);
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  // --- views --------------------------------------------------------------------------------

  let opsTimer = null;
  function show(view) {
    for (const b of document.querySelectorAll('.tab')) b.setAttribute('aria-selected', String(b.dataset.view === view));
    for (const s of document.querySelectorAll('.view')) s.hidden = s.id !== 'view-' + view;
    if (opsTimer) {
      clearInterval(opsTimer);
      opsTimer = null;
    }
    if (view === 'ops') {
      refreshOps();
      opsTimer = setInterval(refreshOps, 1000);
    }
  }

  // --- model picker -------------------------------------------------------------------------

  let models = [];
  let freeIds = new Set();
  let sortKey = 'provider';
  let sortDir = 1;

  // $ per million tokens from a per-token price string; null when the price is variable (-1).
  function perMillion(p) {
    const v = Number(p);
    if (!Number.isFinite(v) || v < 0) return null;
    return v * 1e6;
  }
  function priceText(p) {
    const v = perMillion(p);
    if (v === null) return 'varies';
    if (v === 0) return 'free';
    return v < 0.01 ? v.toPrecision(2) : v.toFixed(2);
  }
  function sortValue(m, key) {
    if (key === 'prompt' || key === 'completion') return perMillion(m.pricing[key]) ?? Infinity;
    if (key === 'contextLength') return m.contextLength || 0;
    return String(m[key] || '').toLowerCase();
  }

  async function loadModels() {
    const [all, free] = await Promise.all([getJSON('/api/openrouter/models'), getJSON('/api/openrouter/free-models')]);
    models = all.models || [];
    freeIds = new Set((free.models || []).map((m) => m.id));
    fillModalities($('input-modality'), models.flatMap((m) => m.inputModalities || []));
    fillModalities($('output-modality'), models.flatMap((m) => m.outputModalities || []));
    const ids = $('model-ids');
    ids.replaceChildren(...models.map((m) => { const o = el('option'); o.value = m.id; return o; }));
    const imageModels = models.filter((m) => (m.outputModalities || []).includes('image'));
    const sel = $('image-model');
    const keep = sel.value;
    sel.replaceChildren(...imageModels.map((m) => { const o = el('option', m.name); o.value = m.id; return o; }));
    if (keep) sel.value = keep;
    renderModels();
    notice('');
  }

  function fillModalities(select, values) {
    const keep = select.value;
    const any = el('option', 'any');
    any.value = '';
    const opts = [...new Set(values)].sort().map((v) => { const o = el('option', v); o.value = v; return o; });
    select.replaceChildren(any, ...opts);
    select.value = keep;
  }

  function renderModels() {
    const q = $('model-search').value.trim().toLowerCase();
    const freeOnly = $('free-only').checked;
    const inMod = $('input-modality').value;
    const outMod = $('output-modality').value;
    const shown = models.filter((m) =>
      (!q || m.id.toLowerCase().includes(q) || m.name.toLowerCase().includes(q) ||
        (m.description || '').toLowerCase().includes(q)) &&
      (!freeOnly || freeIds.has(m.id)) &&
      (!inMod || (m.inputModalities || []).includes(inMod)) &&
      (!outMod || (m.outputModalities || []).includes(outMod)));
    shown.sort((a, b) => {
      const x = sortValue(a, sortKey);
      const y = sortValue(b, sortKey);
      return (x < y ? -1 : x > y ? 1 : 0) * sortDir;
    });
    const rows = shown.map((m) => {
      const tr = el('tr');
      tr.dataset.id = m.id;
      const name = el('td');
      name.append(el('div', m.name), el('div', m.id, 'id'));
      const modal = `${(m.inputModalities || []).join('+')} → ${(m.outputModalities || []).join('+')}`;
      tr.append(name, el('td', m.provider), el('td', (m.contextLength || 0).toLocaleString('en-US'), 'num'),
        el('td', priceText(m.pricing.prompt), 'num price-in'), el('td', priceText(m.pricing.completion), 'num price-out'),
        el('td', modal, 'modalities'));
      const actions = el('td');
      const chat = el('button', 'Chat', 'use-chat');
      chat.type = 'button';
      chat.addEventListener('click', () => {
        $('chat-model').value = m.id;
        show('chat');
        $('prompt').focus();
      });
      actions.append(chat);
      if ((m.outputModalities || []).includes('image')) {
        const img = el('button', 'Image', 'use-image');
        img.type = 'button';
        img.addEventListener('click', () => {
          $('image-model').value = m.id;
          show('images');
        });
        actions.append(img);
      }
      const ep = el('button', 'Endpoints', 'show-endpoints');
      ep.type = 'button';
      ep.addEventListener('click', () => showEndpoints(m.id).catch(report));
      actions.append(ep);
      tr.append(actions);
      return tr;
    });
    $('models-table').tBodies[0].replaceChildren(...rows);
    $('model-count').textContent = `${shown.length} of ${models.length} models`;
  }

  async function showEndpoints(id) {
    const data = await getJSON('/api/openrouter/model-endpoints?model=' + encodeURIComponent(id));
    $('endpoints-model').textContent = data.name || id;
    const rows = (data.endpoints || []).map((e) => {
      const tr = el('tr');
      const pricing = e.pricing || {};
      const up = typeof e.uptime_last_30m === 'number' ? e.uptime_last_30m.toFixed(1) + ' %' : '–';
      tr.append(el('td', e.provider_name || e.name), el('td', e.quantization || '–'),
        el('td', (e.context_length || 0).toLocaleString('en-US'), 'num'), el('td', priceText(pricing.prompt), 'num'),
        el('td', priceText(pricing.completion), 'num'), el('td', up, 'num'), el('td', e.status ?? '–'));
      return tr;
    });
    $('endpoints-rows').replaceChildren(...rows);
    $('endpoints').hidden = false;
  }

  // --- streaming chat -----------------------------------------------------------------------

  let history = [];
  let running = null;  // the AbortController of the answer being streamed

  function bubble(role, text) {
    const div = el('div', null, 'msg ' + role);
    const body = el('span', text, 'text');
    div.append(body);
    $('transcript').append(div);
    return { div, body };
  }

  // Reads a server-sent event stream, calling onData for each event's data.
  async function readEvents(res, onData) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buf.search(/\r?\n\r?\n/)) >= 0) {
        const block = buf.slice(0, cut);
        buf = buf.slice(cut + (buf[cut] === '\r' ? 4 : 2));
        const data = block.split(/\r?\n/).filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(l[5] === ' ' ? 6 : 5)).join('\n');
        if (data && onData(data) === false) return;
      }
    }
  }

  async function send(prompt) {
    const model = $('chat-model').value.trim();
    history.push({ role: 'user', content: prompt });
    bubble('user', prompt);
    const answer = bubble('assistant', '');
    answer.div.dataset.state = 'streaming';
    const meta = el('span', 'waiting for the first token…', 'meta');
    answer.div.append(meta);
    const controller = new AbortController();
    running = controller;
    $('send').disabled = true;
    $('stop').disabled = false;
    $('chat-status').textContent = 'streaming…';
    let text = '';
    let id = '';
    let servedBy = '';
    let failure = '';
    let finished = false;
    try {
      const res = await fetch('/api/openrouter/chat', {
        method: 'POST',
        headers: requestHeaders(true),
        body: JSON.stringify({ model, messages: history, stream: true }),
        signal: controller.signal,
      });
      if (!res.ok) throw await errorOf(res);
      await readEvents(res, (data) => {
        if (data === '[DONE]') {
          finished = true;
          return false;
        }
        let chunk;
        try {
          chunk = JSON.parse(data);
        } catch (e) {
          return true;  // not JSON: a comment-like line, ignored
        }
        if (chunk.id) id = chunk.id;
        if (chunk.model) servedBy = chunk.model;
        if (chunk.error) {
          failure = chunk.error.message || 'the stream failed';
          return false;
        }
        for (const c of chunk.choices || []) {
          const piece = c.delta && c.delta.content;
          if (piece) {
            text += piece;
            answer.body.textContent = text;
            meta.textContent = 'streaming…';
          }
        }
        return true;
      });
      if (!finished && !failure) failure = 'the stream ended before it was complete';
    } catch (err) {
      if (err.name === 'AbortError') {
        answer.div.dataset.state = 'stopped';
        meta.textContent = 'stopped';
      } else {
        failure = err.message;
        if (err instanceof GatewayError && err.status === 401) report(err);
      }
    } finally {
      running = null;
      $('send').disabled = false;
      $('stop').disabled = true;
      $('chat-status').textContent = '';
    }
    if (text) history.push({ role: 'assistant', content: text });
    if (failure) {
      answer.div.classList.add('error');
      answer.div.dataset.state = 'error';
      if (!text) answer.body.textContent = failure;
      meta.textContent = text ? 'error: ' + failure : '';
      return;
    }
    if (answer.div.dataset.state === 'stopped') return;
    answer.div.dataset.state = 'done';
    meta.textContent = `${servedBy || model} · looking up the cost…`;
    if (id) await showCost(meta, id, servedBy || model);
    else meta.textContent = `${servedBy || model} · no generation id: cost unknown`;
  }

  // The answer's model and cost from GET /api/openrouter/generation/:id (the gateway waits out
  // the record's lag).
  async function showCost(meta, id, model) {
    try {
      const { generation: g } = await getJSON('/api/openrouter/generation/' + encodeURIComponent(id));
      const parts = [g.model || model];
      if (g.provider_name) parts.push(g.provider_name);
      if (typeof g.total_cost === 'number') parts.push('$' + g.total_cost.toFixed(6));
      if (typeof g.tokens_prompt === 'number' && typeof g.tokens_completion === 'number')
        parts.push(`${g.tokens_prompt} in / ${g.tokens_completion} out tokens`);
      if (typeof g.latency === 'number') parts.push(`${Math.round(g.latency)} ms`);
      meta.textContent = parts.join(' · ');
      meta.classList.add('cost');
    } catch (err) {
      meta.textContent = `${model} · cost unavailable: ${err.message}`;
    }
  }

  // --- image lab ----------------------------------------------------------------------------

  const imageUrl = /^data:image\/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/=]+$/;

  async function generate() {
    const model = $('image-model').value;
    const prompt = $('image-prompt').value.trim();
    const entry = models.find((m) => m.id === model);
    const out = (entry && entry.outputModalities) || ['image'];
    $('generate').disabled = true;
    $('image-status').textContent = 'generating…';
    try {
      const res = await fetch('/api/openrouter/chat', {
        method: 'POST',
        headers: requestHeaders(true),
        body: JSON.stringify({
          model,
          messages: [{ role: 'user', content: prompt }],
          modalities: out.includes('text') ? ['image', 'text'] : ['image'],
          image_config: { aspect_ratio: $('aspect-ratio').value },
        }),
      });
      if (!res.ok) throw await errorOf(res);
      const body = await res.json();
      const message = (body.choices && body.choices[0] && body.choices[0].message) || {};
      const urls = (message.images || []).map((i) => i.image_url && i.image_url.url).filter((u) => imageUrl.test(u || ''));
      if (!urls.length) throw new GatewayError(200, `${body.model || model} answered without an image`);
      urls.forEach((url, i) => {
        const fig = el('figure');
        const img = el('img');
        img.alt = prompt;
        img.src = url;
        const link = el('a', 'Download');
        link.href = url;
        link.download = `image-${Date.now()}-${i + 1}.${url.slice(11, url.indexOf(';'))}`;
        const caption = el('figcaption', `${body.model || model} · ${$('aspect-ratio').value} · `);
        caption.append(link);
        fig.append(img, caption);
        $('gallery').prepend(fig);
      });
      $('image-status').textContent = '';
    } catch (err) {
      $('image-status').textContent = err.message;
      if (err instanceof GatewayError && err.status === 401) report(err);
    } finally {
      $('generate').disabled = false;
    }
  }

  // --- ops: the gateway's /metrics, live --------------------------------------------------

  // Prometheus text exposition -> [{name, labels, value}].
  function parseMetrics(text) {
    const out = [];
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const m = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!m) continue;
      const labels = {};
      const re = /(\w+)="((?:[^"\\]|\\.)*)"/g;
      let l;
      while ((l = re.exec(m[2] || '')) !== null)
        labels[l[1]] = l[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
      out.push({ name: m[1], labels, value: Number(m[3]) });
    }
    return out;
  }

  // Upper bound of the bucket holding quantile q of a cumulative histogram.
  function quantile(samples, name, q) {
    const buckets = samples.filter((s) => s.name === name + '_bucket')
      .map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), n: s.value }))
      .sort((a, b) => a.le - b.le);
    const total = buckets.length ? buckets[buckets.length - 1].n : 0;
    if (!total) return null;
    const b = buckets.find((x) => x.n >= q * total);
    return b ? b.le : null;
  }
  function seconds(v) {
    if (v === null) return '–';
    if (v === Infinity) return '> 120 s';
    return v < 1 ? `≤ ${Math.round(v * 1000)} ms` : `≤ ${v} s`;
  }

  function fillTable(id, rows) {
    $(id).tBodies[0].replaceChildren(...rows.map((cells) => {
      const tr = el('tr');
      for (const c of cells) tr.append(typeof c === 'object' ? c : el('td', c));
      return tr;
    }));
  }

  let opsBusy = false;
  async function refreshOps() {
    if (opsBusy) return;
    opsBusy = true;
    try {
      const res = await fetch('/metrics', { headers: requestHeaders(false), cache: 'no-store' });
      if (!res.ok) throw await errorOf(res);
      const s = parseMetrics(await res.text());
      const one = (name) => { const x = s.find((v) => v.name === name); return x ? x.value : 0; };
      const requests = s.filter((v) => v.name === 'openrouter_gateway_requests_total');
      const attempts = s.filter((v) => v.name === 'openrouter_gateway_attempts_total');
      const spend = s.filter((v) => v.name === 'openrouter_gateway_spend_usd_total');
      const sum = (list) => list.reduce((a, v) => a + v.value, 0);
      $('ops-in-flight').textContent = one('openrouter_gateway_in_flight');
      $('ops-connections').textContent = one('openrouter_gateway_connections');
      $('ops-requests').textContent = sum(requests);
      $('ops-errors').textContent = sum(requests.filter((v) => v.labels.outcome !== 'success'));
      $('ops-failed-attempts').textContent = sum(attempts.filter((v) => v.labels.class !== 'success'));
      $('ops-spend').textContent = sum(spend).toFixed(6);
      $('ops-ttft').textContent = `${seconds(quantile(s, 'openrouter_gateway_ttft_seconds', 0.5))} / ${seconds(quantile(s, 'openrouter_gateway_ttft_seconds', 0.99))}`;
      fillTable('ops-requests-table', requests.map((v) =>
        [v.labels.model, v.labels.outcome, v.labels.stream === 'true' ? 'stream' : 'json', el('td', v.value, 'num')]));
      fillTable('ops-attempts-table', attempts.map((v) => [v.labels.model, v.labels.class, el('td', v.value, 'num')]));
      fillTable('ops-breakers-table', s.filter((v) => v.name === 'openrouter_gateway_breaker_state' && v.value === 1)
        .map((v) => [v.labels.model, el('td', v.labels.state, 'state-' + v.labels.state)]));
      fillTable('ops-spend-table', spend.map((v) => [v.labels.caller, el('td', v.value.toFixed(6), 'num')]));
      fillTable('ops-pool-table', s.filter((v) => v.name === 'openrouter_upstream_pool')
        .map((v) => [v.labels.stat, el('td', v.value, 'num')]));
      $('ops-updated').textContent = 'updated ' + new Date().toLocaleTimeString('en-GB');
    } catch (err) {
      $('ops-updated').textContent = 'not updated: ' + err.message;
      if (err instanceof GatewayError && err.status === 401) report(err);
    } finally {
      opsBusy = false;
    }
  }

  // --- wiring -------------------------------------------------------------------------------

  function start() {
    for (const b of document.querySelectorAll('.tab')) b.addEventListener('click', () => show(b.dataset.view));
    $('token').value = token;
    $('token-form').addEventListener('submit', (e) => {
      e.preventDefault();
      token = $('token').value.trim();
      if (token) sessionStorage.setItem(TOKEN_KEY, token);
      else sessionStorage.removeItem(TOKEN_KEY);
      loadModels().catch(report);
    });
    for (const id of ['model-search', 'free-only', 'input-modality', 'output-modality'])
      $(id).addEventListener('input', renderModels);
    for (const th of document.querySelectorAll('th[data-sort]'))
      th.addEventListener('click', () => {
        sortDir = sortKey === th.dataset.sort ? -sortDir : 1;
        sortKey = th.dataset.sort;
        renderModels();
      });
    $('chat-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const prompt = $('prompt').value.trim();
      if (!prompt || running) return;
      $('prompt').value = '';
      send(prompt).catch(report);
    });
    $('stop').addEventListener('click', () => { if (running) running.abort(); });
    $('chat-clear').addEventListener('click', () => {
      if (running) running.abort();
      history = [];
      $('transcript').replaceChildren();
    });
    $('image-form').addEventListener('submit', (e) => {
      e.preventDefault();
      generate().catch(report);
    });
    loadModels().catch(report);
  }

  start();
})();
