# expect: TLE|RE|MLE
# Start threads until the kernel refuses, then keep them all spinning.
import threading


def spin():
    while True:
        pass

threads = []
while True:
    t = threading.Thread(target=spin, daemon=True)
    t.start()
    threads.append(t)
