// Web chat client: plain JavaScript, no framework. Talks to /chat/api; the session is an httpOnly cookie.
(() => {
  const log = document.getElementById('log');
  const form = document.getElementById('composer');
  const input = document.getElementById('text');
  const photo = document.getElementById('photo');
  const sendButton = document.getElementById('send');
  let busy = false;

  function bubble(text, who) {
    const div = document.createElement('div');
    div.className = `msg ${who}`;
    div.textContent = text;
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function render(replies) {
    for (const reply of replies) {
      const div = bubble(reply.text, 'bot');
      if (reply.choices && reply.choices.length) {
        const box = document.createElement('div');
        box.className = 'choices';
        for (const choice of reply.choices) {
          const b = document.createElement('button');
          b.type = 'button';
          b.textContent = choice.label;
          b.dataset.choice = choice.id;
          b.addEventListener('click', () => {
            box.classList.add('used');
            send({ choice: choice.id }, choice.label);
          });
          box.appendChild(b);
        }
        div.appendChild(box);
      }
      if (reply.files && reply.files.length) {
        const box = document.createElement('div');
        box.className = 'files';
        for (const file of reply.files) {
          const a = document.createElement('a');
          a.href = file.url;
          a.textContent = `Descargar ${file.name}`;
          a.setAttribute('download', file.name);
          box.appendChild(a);
        }
        div.appendChild(box);
      }
    }
    log.scrollTop = log.scrollHeight;
  }

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
    if (!res.ok)
      throw new Error(
        (data.error && data.error.message) || 'No pudimos enviar tu mensaje. Intenta de nuevo.',
      );
    return data.replies || [];
  }

  async function send(body, shown) {
    if (busy) return;
    busy = true;
    sendButton.disabled = true;
    if (shown) bubble(shown, 'me');
    const typing = document.createElement('div');
    typing.className = 'typing';
    typing.textContent = 'Escribiendo…';
    log.appendChild(typing);
    try {
      render(await post(body));
    } catch (err) {
      bubble(err.message, 'err');
    } finally {
      typing.remove();
      busy = false;
      sendButton.disabled = false;
      input.focus();
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    send({ text }, text);
  });

  photo.addEventListener('change', () => {
    const file = photo.files && photo.files[0];
    if (!file) return;
    const data = new FormData();
    data.append('image', file, file.name);
    photo.value = '';
    send(data, '📷 Foto del ticket');
  });

  async function poll() {
    if (busy) return;
    try {
      const res = await fetch('/chat/api/messages', { credentials: 'same-origin' });
      if (res.ok) render((await res.json()).replies || []);
    } catch (_) {
      /* offline: try again later */
    }
  }
  setInterval(poll, 15000);

  async function brand(code) {
    try {
      const res = await fetch(`/chat/api/branding/${encodeURIComponent(code)}`);
      if (!res.ok) return;
      const b = await res.json();
      document.getElementById('shop').textContent = b.name;
      document.title = `Factura tu ticket · ${b.name}`;
      if (b.color) {
        document.documentElement.style.setProperty('--brand', b.color);
        document.querySelector('meta[name=theme-color]').setAttribute('content', b.color);
      }
      if (b.logo) {
        const img = document.getElementById('logo');
        img.src = b.logo;
        img.hidden = false;
      }
      document.getElementById('demo').hidden = !b.demo;
    } catch (_) {
      /* branding is optional */
    }
  }

  const match = location.pathname.match(/^\/t\/([0-9A-Za-z-]{12,16})$/);
  if (match) {
    brand(match[1]);
    send({ text: match[1] }, `Código: ${match[1]}`);
  } else {
    send({ text: 'hola' });
  }
})();
