// expect: TLE|RE|MLE
// Fork bomb in C++: no error handling, forks forever.
#include <unistd.h>
int main() {
    while (true) fork();
}
