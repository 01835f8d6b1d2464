// expect: TLE
// Burn CPU forever in node.
for (;;) {}
