// expect: OK
// Daemonises (fork, setsid, fork) and exits: the grandchild must not outlive the run.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main() {
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            for (int i = 0; i < 600; i++) {
                sleep(1);
                FILE *f = fopen("/tmp/hostile-daemon-alive", "w");
                if (f) fclose(f);
            }
            _exit(0);
        }
        _exit(0);
    }
    printf("parent exits\n");
    return 0;
}
