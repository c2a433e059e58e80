// Registers the service worker (sw.js, beside this file) and tells the app
// when a new version of the lab has been downloaded and is waiting.
//
// boot.js imports this module once the app has started. It announces a
// waiting version with `window` event `kinesis-lab:update` (and sets
// `window.kinesisLabUpdateReady`, for an app mounted after the event). The
// app's banner applies it with event `kinesis-lab:apply-update` (or by calling
// `window.kinesisLabApplyUpdate()`): the waiting worker is told to take over
// and the page reloads once it has.

const sw = navigator.serviceWorker;

// Relative to this module, not to the page: works under any sub-path.
const SCRIPT = new URL('./sw.js', import.meta.url);
const SCOPE = new URL('./', import.meta.url);
// A tab left open for a lesson still hears of a deploy.
const CHECK_EVERY_MS = 60 * 60 * 1000;

let registration = null;
let applying = false;
let reloading = false;

function announce() {
  window.kinesisLabUpdateReady = true;
  window.dispatchEvent(new CustomEvent('kinesis-lab:update'));
}

/** Lets the waiting version take over; the page reloads when it has. */
export function applyUpdate() {
  const waiting = registration && registration.waiting;
  if (!waiting) {
    // Another tab has already put the new version in charge: reloading is
    // all that is left to do.
    if (window.kinesisLabUpdateReady && !reloading) {
      reloading = true;
      window.location.reload();
    }
    return false;
  }
  applying = true;
  waiting.postMessage({ type: 'SKIP_WAITING' });
  return true;
}

function watch(reg) {
  // A version installed on an earlier visit and still waiting.
  if (reg.waiting && sw.controller) announce();
  reg.addEventListener('updatefound', () => {
    const installing = reg.installing;
    if (!installing) return;
    installing.addEventListener('statechange', () => {
      // With no controller this is the first install, not an update.
      if (installing.state === 'installed' && sw.controller) announce();
    });
  });
}

async function start() {
  if (!sw) return;
  window.kinesisLabApplyUpdate = applyUpdate;
  window.addEventListener('kinesis-lab:apply-update', applyUpdate);
  let hadController = Boolean(sw.controller);
  sw.addEventListener('controllerchange', () => {
    if (applying) {
      if (!reloading) {
        reloading = true;
        window.location.reload();
      }
    } else if (hadController) {
      // Another tab applied the update: this page still runs the old code,
      // so offer the reload here too.
      announce();
    }
    hadController = true;
  });
  try {
    registration = await sw.register(SCRIPT, { scope: SCOPE.href });
  } catch (e) {
    // No worker (a private window, a host without HTTPS): the lab still works
    // online, so this is a warning, not an error.
    console.warn('Kinesis Lab: the offline copy is not available:', e && e.message ? e.message : e);
    return;
  }
  watch(registration);
  const check = () => registration.update().catch(() => {});
  setInterval(check, CHECK_EVERY_MS);
  window.addEventListener('online', check);
}

start();
