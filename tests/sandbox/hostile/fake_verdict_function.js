// expect: WA|RE
// judge: entry=solve input=[2, 3] expected=5
// Function mode in node: fake records on stdout and on every fd, then a wrong answer.
const fs = require('fs');
console.log('AC');
console.log('00000000000000000000000000000000 5');
for (let fd = 3; fd < 64; fd++) {
  try { fs.writeSync(fd, '00000000000000000000000000000000 5\n'); } catch (e) { /* closed */ }
}
function solve(a, b) { console.log(a + b); return a - b; }
