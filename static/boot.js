// Kinesis Lab's loader. It is an external file because the lab runs under a
// strict Content-Security-Policy with no inline script (README, "Hosting").
//
// The home page needs only the shell, so a first visit to `#/` downloads the
// small landing build (`kinesis-lab-landing`, a classic no-modules script).
// Any other route needs the full lab (`kinesis-lab-app`, an ES module whose
// hashed file names trunk writes on this script's tag). When a student leaves
// the home page, the landing build unmounts itself and the full app mounts in
// its place; nothing is reloaded.

const tag = document.querySelector('script[data-app-js]');
const base = new URL('.', document.baseURI);
const APP_JS = new URL(tag.dataset.appJs, base).href;
const APP_WASM = new URL(tag.dataset.appWasm, base).href;
const LANDING_JS = new URL('kinesis-lab-landing.js', base).href;
const LANDING_WASM = new URL('kinesis-lab-landing_bg.wasm', base).href;

// The same rule as `Location::parse` in app/src/route.rs: "", "#", "#/" and
// "#/?…" are the home page.
function isHome() {
  const path = location.hash.replace(/^#/, '').split('?')[0];
  return path === '' || path === '/';
}

function savedLang() {
  try {
    return JSON.parse(localStorage.getItem('kinesis-lab.progress') || '{}').lang === 'vi' ? 'vi' : 'en';
  } catch {
    return 'en';
  }
}

const TEXT = {
  en: { loading: 'Loading the lab…', failed: 'The lab could not load. Check your connection and reload the page.', reload: 'Reload' },
  vi: { loading: 'Đang tải phòng lab…', failed: 'Không tải được phòng lab. Hãy kiểm tra kết nối rồi tải lại trang.', reload: 'Tải lại' },
};

// A status line while the full app downloads: how many megabytes so far.
function status() {
  let el = document.getElementById('boot-status');
  if (!el) {
    el = document.createElement('div');
    el.id = 'boot-status';
    el.setAttribute('role', 'status');
    document.body.prepend(el);
  }
  return el;
}

function showProgress(bytes) {
  const t = TEXT[savedLang()];
  const mb = (bytes / 1e6).toLocaleString(savedLang(), { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  status().textContent = bytes > 0 ? `${t.loading} ${mb} MB` : t.loading;
}

function showFailure(err) {
  console.error('Kinesis Lab: loading failed', err);
  // A panic during start-up has its own panel (app/src/panic.rs); a second
  // message blaming the connection would be wrong.
  if (document.getElementById('panic-panel')) {
    document.getElementById('boot-status')?.remove();
    return;
  }
  const t = TEXT[savedLang()];
  const el = status();
  el.classList.add('failed');
  el.setAttribute('role', 'alert');
  el.textContent = `${t.failed} `;
  const button = document.createElement('button');
  button.className = 'button small';
  button.textContent = t.reload;
  button.addEventListener('click', () => location.reload());
  el.append(button);
}

// Fetches the wasm and counts the bytes as they arrive.
async function fetchCounted(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  if (!res.body || typeof TransformStream === 'undefined') return res;
  let seen = 0;
  const counted = res.body.pipeThrough(new TransformStream({
    transform(chunk, out) {
      seen += chunk.byteLength;
      showProgress(seen);
      out.enqueue(chunk);
    },
  }));
  return new Response(counted, { headers: { 'content-type': 'application/wasm' } });
}

let full = null;
function startFull() {
  if (!full) {
    showProgress(0);
    full = (async () => {
      const glue = await import(APP_JS);
      await glue.default({ module_or_path: fetchCounted(APP_WASM) });
      document.getElementById('boot-status')?.remove();
      document.dispatchEvent(new CustomEvent('kinesis-lab:started', { detail: { build: 'app' } }));
    })().catch(showFailure);
  }
  return full;
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`${src}: could not load`));
    document.head.append(s);
  });
}

async function startLanding() {
  await loadScript(LANDING_JS);
  // The no-modules build declares a global `let wasm_bindgen`: a binding of
  // the global scope, not a property of `window`, so it is named bare.
  // eslint-disable-next-line no-undef
  const landing = wasm_bindgen;
  await landing({ module_or_path: LANDING_WASM });
  document.dispatchEvent(new CustomEvent('kinesis-lab:started', { detail: { build: 'landing' } }));
  const leave = () => {
    if (isHome()) return;
    removeEventListener('hashchange', leave);
    landing.unmount();
    startFull();
  };
  addEventListener('hashchange', leave);
  // A link followed while the landing build was still loading.
  leave();
}

(isHome() ? startLanding() : startFull())
  .then(() => {
    // Offline use and the update banner (static/sw-register.js), once the page
    // is up so that caching the site never competes with the first load.
    if ('serviceWorker' in navigator) import(new URL('sw-register.js', base).href);
  })
  .catch(showFailure);
