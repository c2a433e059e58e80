// Kinesis Lab: the sandbox for a student's Firehose transform.
//
// This dedicated Web Worker is the ONLY place in the lab that evaluates code
// typed by a person. It has no DOM and no access to the page by construction;
// the page (app/src/pages/firehose/sandbox.rs) sends it one invocation at a
// time and terminates it when the time limit passes, so an endless loop
// cannot hang the page. The main page therefore needs no 'unsafe-eval' in
// its Content-Security-Policy; only this script's response may allow it.
//
// Message in:  { id, code, input }  where input is the Lambda event as a JSON
//              string: {invocationId, deliveryStreamArn, region, records: [...]}
// Message out: { id, ok: true, output, logs }        output = the JSON text returned
//              { id, ok: false, kind, message, logs } kind = compile | threw | shape | size
//              logs = what the code wrote with console.log (a few lines)
'use strict';

// Lambda's synchronous response payload limit.
const MAX_OUTPUT = 6 * 1024 * 1024;

const send = self.postMessage.bind(self);

// A small stand-in for Node's Buffer, enough for the Lambda idiom
// Buffer.from(data, 'base64').toString('utf8') and back.
const utf8 = { enc: new TextEncoder(), dec: new TextDecoder('utf-8') };
function bytesToB64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
function b64ToBytes(b64) {
  const s = atob(String(b64));
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
class LabBuffer {
  constructor(bytes) { this.bytes = bytes; this.length = bytes.length; }
  static from(value, encoding) {
    if (value instanceof LabBuffer) return new LabBuffer(value.bytes.slice());
    if (value instanceof Uint8Array) return new LabBuffer(value.slice());
    if (Array.isArray(value)) return new LabBuffer(Uint8Array.from(value));
    const text = String(value);
    const enc = (encoding || 'utf8').toLowerCase();
    if (enc === 'base64') return new LabBuffer(b64ToBytes(text));
    if (enc === 'utf8' || enc === 'utf-8') return new LabBuffer(utf8.enc.encode(text));
    if (enc === 'ascii' || enc === 'latin1' || enc === 'binary') {
      return new LabBuffer(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff));
    }
    throw new TypeError(`Buffer.from: unknown encoding "${encoding}" (use 'base64' or 'utf8')`);
  }
  toString(encoding) {
    const enc = (encoding || 'utf8').toLowerCase();
    if (enc === 'base64') return bytesToB64(this.bytes);
    if (enc === 'utf8' || enc === 'utf-8') return utf8.dec.decode(this.bytes);
    if (enc === 'ascii' || enc === 'latin1' || enc === 'binary') {
      let s = '';
      for (const b of this.bytes) s += String.fromCharCode(b);
      return s;
    }
    throw new TypeError(`buffer.toString: unknown encoding "${encoding}" (use 'base64' or 'utf8')`);
  }
}

// Names the student's code sees as undefined: no network, no storage, no
// loading more code, no messages of its own to the page.
const HIDDEN = [
  'fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'importScripts', 'indexedDB',
  'caches', 'BroadcastChannel', 'postMessage', 'close', 'Worker', 'SharedWorker',
  'navigator', 'location', 'self', 'globalThis', 'onmessage',
];

// console.log and friends write into the reply (at most 50 lines of 200
// characters per invocation), so the page can show them.
let logs = [];
function logLine(level, args) {
  if (logs.length >= 50) return;
  const text = args.map((a) => {
    if (typeof a === 'string') return a;
    try { return JSON.stringify(a); } catch (_) { return String(a); }
  }).join(' ');
  logs.push(`${level}: ${text}`.slice(0, 200));
}
const studentConsole = {
  log: (...a) => logLine('log', a), info: (...a) => logLine('info', a),
  warn: (...a) => logLine('warn', a), error: (...a) => logLine('error', a),
  debug: (...a) => logLine('debug', a),
};

// The student's source, compiled once per distinct text (top-level state
// lives on between invocations, like a warm Lambda container).
let compiled = { code: null, handler: null };

function compile(code) {
  if (compiled.code === code) return compiled.handler;
  const body = `${code}
;return (typeof handler === 'function') ? handler
  : (module.exports && typeof module.exports.handler === 'function') ? module.exports.handler
  : (typeof exports.handler === 'function') ? exports.handler : undefined;`;
  // eslint-disable-next-line no-new-func
  const make = new Function('exports', 'module', 'Buffer', 'console', ...HIDDEN, body);
  const exportsObj = {};
  const moduleObj = { exports: exportsObj };
  const handler = make(exportsObj, moduleObj, LabBuffer, studentConsole, ...HIDDEN.map(() => undefined));
  if (typeof handler !== 'function') {
    throw new TypeError('no function named handler (write `function handler(event) { … }` or `exports.handler = …`)');
  }
  compiled = { code, handler };
  return handler;
}

function describe(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try { return String(err); } catch (_) { return 'an unprintable value'; }
}

self.onmessage = async (event) => {
  const { id, code, input } = event.data || {};
  logs = [];
  const reply = (msg) => send({ ...msg, logs });
  let handler;
  try {
    handler = compile(String(code));
  } catch (err) {
    reply({ id, ok: false, kind: 'compile', message: describe(err) });
    return;
  }
  let result;
  try {
    const lambdaEvent = JSON.parse(String(input));
    // An async handler (a Promise) is awaited; the page's time limit covers it.
    result = await handler(lambdaEvent, { functionName: 'student-transform', awsRequestId: lambdaEvent.invocationId });
  } catch (err) {
    reply({ id, ok: false, kind: 'threw', message: describe(err) });
    return;
  }
  if (result === null || typeof result !== 'object' || !Array.isArray(result.records)) {
    let shown;
    try { shown = JSON.stringify(result); } catch (_) { shown = undefined; }
    shown = shown === undefined ? String(result) : shown;
    if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
    reply({ id, ok: false, kind: 'shape', message: shown });
    return;
  }
  let output;
  try {
    output = JSON.stringify(result);
  } catch (err) {
    reply({ id, ok: false, kind: 'shape', message: describe(err) });
    return;
  }
  if (output.length > MAX_OUTPUT) {
    reply({ id, ok: false, kind: 'size', message: String(output.length) });
    return;
  }
  reply({ id, ok: true, output });
};
