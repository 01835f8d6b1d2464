// Function-mode harness for JavaScript. Runs INSIDE the box, never on the host.
// stdin: "<nonce>\n<entry point>\n<JSON array of arguments>". Loads the
// candidate's file, calls the entry point (awaiting promises) and writes
// "<nonce> <JSON value>\n" to fd 5, a pipe the host opened before the box
// started. The program's own stdout never counts as its answer.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const RESULT_FD = 5;
const header = fs.readFileSync(0, 'utf8');
const first = header.indexOf('\n');
const second = header.indexOf('\n', first + 1);
const nonce = header.slice(0, first);
const entry = header.slice(first + 1, second);
let args = JSON.parse(header.slice(second + 1));
if (!Array.isArray(args)) args = [args];

const file = path.resolve(process.argv[2]);
const source = fs.readFileSync(file, 'utf8');
const [head, method] = entry.split('.');
if (!/^[A-Za-z_$][\w$]*$/.test(head) || (method !== undefined && !/^[A-Za-z_$][\w$]*$/.test(method))) {
  console.error(`invalid entry point ${entry}`);
  process.exit(1);
}

function fail(err) {
  console.error(err && err.stack ? err.stack : String(err));
  process.exitCode = 1;
}

try {
  const module_ = { exports: {} };
  // The wrapper starts on the source's first line so stack traces keep line numbers.
  const wrapper = vm.runInThisContext(
    '(function (exports, require, module, __filename, __dirname) {' + source +
    `\n;return (typeof ${head} !== "undefined") ? ${head} : undefined;\n})`,
    { filename: file });
  let target = wrapper.call(module_.exports, module_.exports, require, module_, file, path.dirname(file));
  if (target === undefined) {
    target = module_.exports[head] !== undefined ? module_.exports[head] : (typeof module_.exports === 'function' ? module_.exports : undefined);
  }
  if (method !== undefined) {
    const instance = new target();
    target = instance[method].bind(instance);
  }
  if (typeof target !== 'function') throw new Error(`entry point ${entry} is not a function`);
  Promise.resolve(target(...args)).then((value) => {
    const payload = JSON.stringify(value === undefined ? null : value);
    fs.writeSync(RESULT_FD, `${nonce} ${payload === undefined ? 'null' : payload}\n`);
  }, fail);
} catch (err) {
  fail(err);
}
