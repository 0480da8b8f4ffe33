// Web chat client: plain JavaScript, no framework, nothing inline (the CSP allows only this file).
// Talks to /chat/api; the session is an httpOnly cookie. The transcript is kept in sessionStorage,
// so a reloaded or restored tab shows it again and a ticket link does not send its code twice.
(() => {
  const log = document.getElementById('log');
  const form = document.getElementById('composer');
  const input = document.getElementById('text');
  const photo = document.getElementById('photo');
  const sendButton = document.getElementById('send');
  const STORE = 'autofactura-chat-v1';
  /** Lists longer than this show their first COLLAPSED_SHOWN options and a "show all" button. */
  const LONG_LIST = 8;
  const COLLAPSED_SHOWN = 6;
  const GENERIC_ERROR = 'No pudimos enviar tu mensaje. Revisa tu conexión e intenta de nuevo.';
  let busy = false;

  const state = load();

  function load() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORE) || 'null');
      if (saved && Array.isArray(saved.items) && Array.isArray(saved.codes)) return saved;
    } catch (_) {
      /* storage disabled or corrupt: start afresh */
    }
    return { items: [], codes: [], brand: null };
  }

  function save() {
    try {
      state.items = state.items.slice(-150);
      sessionStorage.setItem(STORE, JSON.stringify(state));
    } catch (_) {
      /* private mode without storage: the chat still works */
    }
  }

  // ---- rendering -------------------------------------------------------------------------

  /** "*bold*" becomes <strong>; everything else stays text (never HTML). */
  function inline(parent, text) {
    text.split(/\*([^*\n]+)\*/).forEach((part, i) => {
      if (!part) return;
      if (i % 2 === 1) {
        const strong = document.createElement('strong');
        strong.textContent = part;
        parent.appendChild(strong);
      } else {
        parent.appendChild(document.createTextNode(part));
      }
    });
  }

  /** One line per block; "Label: value" lines (the invoice summary) get a muted label. */
  function richText(parent, text) {
    for (const line of text.split('\n')) {
      const row = document.createElement('div');
      const kv = /^([A-ZÁÉÍÓÚÑ][\p{L} ]{0,23}): (.+)$/u.exec(line);
      if (kv) {
        row.className = 'kv';
        const key = document.createElement('span');
        key.className = 'k';
        key.textContent = `${kv[1]}: `;
        row.appendChild(key);
        inline(row, kv[2]);
      } else if (line.trim() === '') {
        row.className = 'gap';
      } else {
        inline(row, line);
      }
      parent.appendChild(row);
    }
  }

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  function bubble(item) {
    const div = document.createElement('div');
    div.className = `msg ${item.who}`;
    if (item.who === 'bot') richText(div, item.text);
    else div.textContent = item.text;
    if (item.files?.length) div.appendChild(filesBox(item.files));
    log.appendChild(div);
    return div;
  }

  function filesBox(files) {
    const box = document.createElement('div');
    box.className = 'files';
    for (const file of files) {
      const kind = /pdf/i.test(file.mime) ? 'PDF' : /xml/i.test(file.mime) ? 'XML' : 'archivo';
      const a = document.createElement('a');
      a.className = 'file';
      a.href = file.url;
      // A new tab: the download starts there (and it closes), or it explains why the link no longer works.
      a.target = '_blank';
      a.rel = 'noopener';
      a.dataset.file = file.name;
      const title = document.createElement('span');
      title.className = 'file-title';
      title.textContent = `Descargar ${kind}`;
      const name = document.createElement('span');
      name.className = 'file-name';
      name.textContent = file.name;
      a.append(title, name);
      box.appendChild(a);
    }
    return box;
  }

  function choicesBox(choices) {
    const box = document.createElement('div');
    box.className = choices.length > 3 ? 'choices list' : 'choices';
    box.setAttribute('role', 'group');
    const collapse = choices.length > LONG_LIST;
    choices.forEach((choice, i) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = choice.label;
      b.dataset.choice = choice.id;
      if (collapse && i >= COLLAPSED_SHOWN) b.hidden = true;
      b.addEventListener('click', () => {
        if (busy || box.classList.contains('used')) return;
        b.classList.add('chosen');
        send({ choice: choice.id }, choice.label);
      });
      box.appendChild(b);
    });
    if (collapse) {
      const more = document.createElement('button');
      more.type = 'button';
      more.className = 'more';
      more.textContent = `Ver las ${choices.length} opciones`;
      more.addEventListener('click', () => {
        for (const b of box.querySelectorAll('button[hidden]')) b.hidden = false;
        more.remove();
      });
      box.appendChild(more);
    }
    log.appendChild(box);
    return box;
  }

  /** Shows a message (and remembers it); returns its bubble. */
  function show(item, remember = true) {
    const div = bubble(item);
    if (item.choices?.length) choicesBox(item.choices);
    if (remember) {
      state.items.push(item);
      save();
    }
    scrollDown();
    return div;
  }

  /**
   * Shows the bot's replies. When they are taller than the screen (the invoice summary with its
   * options), the first one is scrolled to the top so it is read first; otherwise to the bottom.
   */
  function render(replies) {
    let first = null;
    for (const reply of replies) {
      const div = show({
        who: 'bot',
        text: reply.text || '',
        choices: reply.choices || [],
        files: reply.files || [],
      });
      first = first || div;
    }
    if (!first) return;
    const offset = first.getBoundingClientRect().top - log.getBoundingClientRect().top;
    if (log.scrollHeight - (log.scrollTop + offset) > log.clientHeight) log.scrollTop += offset - 8;
  }

  function restore() {
    const items = state.items;
    items.forEach((item, i) => {
      const last = i === items.length - 1;
      show(last ? item : { ...item, choices: [] }, false);
    });
  }

  /** Options already answered (or left behind by typing) go away; the answer bubble says what was chosen. */
  function retireChoices() {
    for (const box of log.querySelectorAll('.choices:not(.used)')) box.classList.add('used');
  }

  function settleChoices(ok) {
    for (const box of log.querySelectorAll('.choices.used')) {
      if (ok) box.remove();
      else {
        box.classList.remove('used');
        for (const b of box.querySelectorAll('.chosen')) b.classList.remove('chosen');
      }
    }
  }

  // ---- talking to the server ---------------------------------------------------------------

  async function post(body) {
    const options =
      body instanceof FormData
        ? { method: 'POST', body, credentials: 'same-origin' }
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            credentials: 'same-origin',
          };
    const res = await fetch('/chat/api/messages', options);
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const message = res.status === 429 && data.error?.message;
      throw new Error(message || GENERIC_ERROR);
    }
    return data.replies || [];
  }

  /** Sends one message; `shown` is what the person's bubble says; `typed` refocuses the input after. */
  async function send(body, shown, options = {}) {
    if (busy) return false;
    busy = true;
    sendButton.disabled = true;
    retireChoices();
    if (shown) show({ who: 'me', text: shown });
    if (options.thumbnail) log.lastElementChild.appendChild(options.thumbnail);
    const typing = document.createElement('div');
    typing.className = 'typing';
    typing.textContent = 'Escribiendo…';
    log.appendChild(typing);
    scrollDown();
    let ok = false;
    try {
      const replies = await post(body);
      typing.remove();
      settleChoices(true);
      render(replies);
      ok = true;
    } catch (err) {
      typing.remove();
      settleChoices(false);
      show({ who: 'err', text: err.message || GENERIC_ERROR }, false);
    } finally {
      busy = false;
      sendButton.disabled = false;
      if (options.typed) input.focus();
    }
    return ok;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text || busy) return;
    input.value = '';
    send({ text }, text, { typed: true });
  });

  photo.addEventListener('change', () => {
    const file = photo.files?.[0];
    photo.value = '';
    if (!file) return;
    const data = new FormData();
    data.append('image', file, file.name || 'ticket.jpg');
    let thumbnail;
    if (/^image\//.test(file.type)) {
      thumbnail = document.createElement('img');
      thumbnail.className = 'thumb';
      thumbnail.alt = '';
      thumbnail.src = URL.createObjectURL(file);
      thumbnail.addEventListener('load', () => URL.revokeObjectURL(thumbnail.src), { once: true });
      thumbnail.addEventListener('error', () => thumbnail.remove(), { once: true });
    }
    send(data, 'Foto del ticket', { thumbnail });
  });

  /** Replies that arrive later (an invoice stamped after a delay). */
  async function poll() {
    if (busy || document.hidden) return;
    try {
      const res = await fetch('/chat/api/messages', { credentials: 'same-origin' });
      if (res.ok) render((await res.json()).replies || []);
    } catch (_) {
      /* offline: try again later */
    }
  }
  setInterval(poll, 15000);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) poll();
  });

  // ---- branding and start ------------------------------------------------------------------

  function applyBrand(b) {
    if (!b) return;
    document.getElementById('shop').textContent = b.name;
    document.title = `Factura tu ticket · ${b.name}`;
    if (b.color && /^#[0-9A-Fa-f]{6}$/.test(b.color)) {
      document.documentElement.style.setProperty('--brand', b.color);
      document.querySelector('meta[name=theme-color]').setAttribute('content', b.color);
    }
    const img = document.getElementById('logo');
    if (b.logo) {
      img.src = b.logo;
      img.hidden = false;
    }
    document.getElementById('demo').hidden = !b.demo;
  }

  async function brand(code) {
    try {
      const res = await fetch(`/chat/api/branding/${encodeURIComponent(code)}`);
      if (!res.ok) return;
      state.brand = await res.json();
      save();
      applyBrand(state.brand);
    } catch (_) {
      /* branding is optional */
    }
  }

  function pretty(code) {
    const compact = code.replace(/-/g, '').toUpperCase();
    return compact.length === 12 ? compact.replace(/^(.{4})(.{4})(.{4})$/, '$1-$2-$3') : code;
  }

  async function start() {
    applyBrand(state.brand);
    restore();
    const match = location.pathname.match(/^\/t\/([0-9A-Za-z-]{12,16})\/?$/);
    if (match) {
      const code = match[1];
      brand(code);
      if (!state.codes.includes(code) && (await send({ text: code }, `Código: ${pretty(code)}`))) {
        state.codes.push(code);
        save();
      }
    } else if (state.items.length === 0) {
      await send({ text: 'hola' });
    }
  }

  start();
})();
