// expect: MLE
// Grows the JS heap without bound.
const keep = [];
for (;;) keep.push(new Array(1 << 16).fill(Math.random()));
