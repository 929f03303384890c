// Loaded by VS Code as `extensionTestsPath` when runInCodeServer.mjs runs a
// suite; it runs the real suite named by $KUBECERT_E2E_SUITE (set by the runner
// on the code-server process, whose environment the extension host inherits).
//
// Why: when tests run, the extension host forwards console.* calls to the
// workbench's log service, which does NOT apply printf-style formatting and
// joins the arguments with commas (mocha's spec reporter output arrives as
// "  %d passing (%s),3,19ms"; objects as "[object Object]"). VS Code installs
// its forwarding console methods as non-configurable getters, so they cannot be
// replaced; instead the global `console` is swapped for one whose methods
// pre-format each call with util.format into a single string. Code that looks
// up `console` after this point -- the suite, mocha (captures console.log when
// loaded), the extension under test -- gets the formatted variant.
'use strict';
const util = require('util');

if (!globalThis.console.__kubecertFormatted) {
  const original = globalThis.console;
  const formatted = Object.create(original);
  for (const method of ['log', 'info', 'warn', 'error', 'debug']) {
    // defineProperty, not assignment: the inherited accessor's no-op setter
    // would swallow a plain `formatted.log = ...`
    Object.defineProperty(formatted, method, {
      value: (...args) => original[method](util.format(...args)),
      writable: true,
      configurable: true,
    });
  }
  Object.defineProperty(formatted, '__kubecertFormatted', { value: true });
  Object.defineProperty(globalThis, 'console', { value: formatted, writable: true, configurable: true, enumerable: false });
}

/** Result marker for the runner: a crashed extension host also yields exit code 0. */
function writeResult(result) {
  const dir = process.env.KUBECERT_E2E_TMPDIR;
  if (!dir) return;
  try {
    require('fs').writeFileSync(require('path').join(dir, 'suite-result.json'), JSON.stringify(result));
  } catch (err) {
    console.error(`[e2e] cannot write suite result: ${err}`);
  }
}

/**
 * VS Code calls run(testsRoot, callback): a returned promise decides the exit
 * code (resolved -> 0, rejected -> 1); old-style runners that return nothing
 * call callback(error, failures) instead. Both are passed through.
 */
exports.run = function run(_testsRoot, callback) {
  let runFn;
  const suitePath = process.env.KUBECERT_E2E_SUITE;
  try {
    if (!suitePath) throw new Error('KUBECERT_E2E_SUITE is not set (suiteWrapper.cjs is meant to be used by runInCodeServer.mjs)');
    const suite = require(suitePath);
    runFn = typeof suite.run === 'function' ? suite.run : suite.default && suite.default.run;
    if (typeof runFn !== 'function') throw new Error(`${suitePath} does not export run()`);
  } catch (err) {
    console.error(`[e2e] cannot load suite ${suitePath}: ${err && err.stack ? err.stack : err}`);
    writeResult({ status: 'failed', error: String(err) });
    return Promise.reject(err);
  }
  const wrappedCallback = (error, failures) => {
    writeResult({ status: error || failures ? 'failed' : 'passed', failures, error: error ? String(error) : undefined });
    if (typeof callback === 'function') callback(error, failures);
  };
  let result;
  try {
    result = runFn(suitePath, wrappedCallback);
  } catch (err) {
    writeResult({ status: 'failed', error: String(err) });
    throw err;
  }
  if (result && typeof result.then === 'function') {
    return result.then(
      (value) => {
        writeResult({ status: 'passed' });
        return value;
      },
      (err) => {
        writeResult({ status: 'failed', error: String(err && err.message ? err.message : err) });
        throw err;
      },
    );
  }
  return result;
};
