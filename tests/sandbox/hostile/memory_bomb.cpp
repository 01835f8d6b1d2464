// expect: MLE
// Allocate and touch memory until the limit.
#include <cstring>
#include <vector>
int main() {
    std::vector<char*> blocks;
    while (true) {
        char* p = new char[8 << 20];
        std::memset(p, 1, 8 << 20);
        blocks.push_back(p);
    }
}
