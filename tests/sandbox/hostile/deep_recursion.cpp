// expect: RE|MLE
// Unbounded recursion: stack overflow (SIGSEGV), not a hang.
#include <cstdio>
int f(int n) {
    volatile char pad[256];
    pad[0] = (char)n;
    int r = f(n + 1);
    pad[1] = (char)r;
    return pad[0] + pad[1];
}
int main() { std::printf("%d\n", f(0)); }
