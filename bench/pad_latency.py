"""Shared pads: keystroke -> the other person's copy, with 1 pair (the baseline) and with `--pairs` pairs
typing at once, in the same run; then the websockets one web process holds and its memory per
connection with `--rounds` paired rounds open.

The server is `make run`'s (uvicorn in one process, the embedded channel layer; interviewprep/launch.py)
on a scratch SQLite database, or, with `--redis`, production's (gunicorn with 2 uvicorn workers, the channel
layer on Redis) on a scratch PostgreSQL database (SQLite when none answers on 127.0.0.1:5432); the bundled
pack in both. Clients are real Yjs peers (pycrdt) speaking the
y-protocols wire format over real websockets, as the browser's provider does: in each pair the
candidate types a marker every 1/`--rate` s (jittered) and the interviewer types one every 2 s; a
keystroke's latency is from sending its update to the other peer holding the marker (the editor's own
paint, under a frame, is not in it). The memory part opens, for each round, both people's round socket
and pad (4 websockets a round) and reads the web process's RSS before and after.

    python bench/pad_latency.py [--pairs 20] [--seconds 30] [--rate 8] [--rounds 200] [--redis]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.harness import free_port, port_open, scratch_app, session_for  # noqa: E402
from interviewprep.launch import web_command  # noqa: E402

TARGET_P95_MS = 150
MARK = re.compile(r"<(\w)(\d+)>")


def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


class Server:
    def __init__(self, redis: bool, scratch: Path):
        self.port = free_port()
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "interviewprep.settings", "INTERVIEWPREP_VAR_DIR": str(scratch),
                    "PYTHONUNBUFFERED": "1", "AUTOSAVE_BURST": "100000", "AUTOSAVE_RATE_PER_S": "100000"}
        for name in ("CELERY_BROKER_URL", "CHANNEL_LAYER_URL", "DATABASE_URL", "CACHE_URL"):
            self.env.pop(name, None)
        self.database = None
        if redis and port_open(5432) and shutil.which("psql"):
            self.database = f"interviewprep_pad_{os.getpid()}"
            self.env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{self.database}"
        if redis:
            self.env["CHANNEL_LAYER_URL"] = "redis://127.0.0.1:6379/13"
            self.env["CHANNEL_LAYER_PREFIX"] = f"bench-{uuid.uuid4().hex[:8]}"
            self.argv = [sys.executable, "-m", "gunicorn", "interviewprep.asgi:application", "--worker-class",
                         "interviewprep.asgi_worker.Worker", "--workers", "2", "--bind", f"127.0.0.1:{self.port}"]
        else:
            self.argv = web_command(self.port)
        self.scratch = scratch
        self.process = None

    def psql(self, sql: str) -> None:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True)

    def start(self):
        if self.database:
            self.psql(f"CREATE DATABASE {self.database}")
        scratch_app(self.env, self.scratch)
        self.log = open(self.scratch / "server.log", "wb")
        self.process = subprocess.Popen(self.argv, cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not port_open(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit((self.scratch / "server.log").read_text()[-3000:])
            time.sleep(0.2)

    def web_pids(self) -> list[int]:
        """The processes holding websockets: gunicorn's workers, or the one uvicorn."""
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        return [int(pid) for pid in children] or [self.process.pid]

    def stop(self):
        if self.process is not None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.database:
            from django.db import connections

            connections.close_all()
            self.psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")


def make_rounds(count: int) -> list[dict]:
    """`count` running paired coding rounds, each with its two people's session cookies."""
    from django.contrib.auth import get_user_model

    from questions.models import Question
    from sessions.paired import services as paired_services
    from sessions.rounds import services as round_services

    question = Question.objects.filter(kind="coding").order_by("slug").first()
    stage = question.stages.first()
    users = get_user_model().objects
    rounds = []
    for i in range(count):
        tag = uuid.uuid4().hex[:6]
        interviewer = users.create_user(f"i{i}-{tag}", password=uuid.uuid4().hex)
        candidate = users.create_user(f"c{i}-{tag}", password=uuid.uuid4().hex)
        session = paired_services.paired_session_create(interviewer=interviewer, stage=stage, questions=[question])
        paired_services.invite_accept(token=paired_services.invite_create(session=session)[1], user=candidate)
        stage_round = round_services.round_start(round=session.rounds.get())
        rounds.append({"id": stage_round.pk, "candidate": session_for(candidate), "interviewer": session_for(interviewer)})
    return rounds


class Peer:
    """One person's pad: a pycrdt document synced over the websocket."""

    def __init__(self, base: str, round_id: int, cookie: str, who: str):
        self.url = f"ws://{base}/ws/pad/{round_id}/1/code/"
        self.headers = {"Cookie": f"sessionid={cookie}", "Origin": f"http://{base}"}
        self.who = who
        import pycrdt

        self.pycrdt = pycrdt
        self.doc = pycrdt.Doc()
        self.text = self.doc.get("text", type=pycrdt.Text)
        self.seen: set[tuple[str, int]] = set()
        self.on_mark = None

    async def open(self):
        import websockets

        self.socket = await websockets.connect(self.url, additional_headers=self.headers, max_size=None)
        step1 = await self.socket.recv()
        await self.socket.send(self.pycrdt.handle_sync_message(step1[1:], self.doc))
        await self.socket.send(self.pycrdt.create_sync_message(self.doc))
        self.reader = asyncio.ensure_future(self.read())

    async def read(self):
        async for message in self.socket:
            if message[0] != 0:
                continue
            self.pycrdt.handle_sync_message(message[1:], self.doc)
            if self.on_mark is not None:
                now = time.perf_counter()
                for who, seq in MARK.findall(str(self.text)):
                    if (who, int(seq)) not in self.seen:
                        self.seen.add((who, int(seq)))
                        self.on_mark(who, int(seq), now)

    async def type(self, mark: str):
        before = self.doc.get_state()
        self.text.insert(len(self.text), mark)
        await self.socket.send(self.pycrdt.create_update_message(self.doc.get_update(before)))

    async def close(self):
        self.reader.cancel()
        await self.socket.close()


async def measure_pairs(base: str, rounds: list[dict], seconds: float, rate: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    latencies: list[float] = []
    pairs = []
    for r in rounds:
        candidate = Peer(base, r["id"], r["candidate"], "c")
        interviewer = Peer(base, r["id"], r["interviewer"], "i")
        await candidate.open()
        await interviewer.open()
        pairs.append((candidate, interviewer))
    await asyncio.sleep(1)

    async def typist(sender: Peer, watcher: Peer, every: float):
        sent: dict[int, float] = {}
        watcher.on_mark = lambda who, seq, at: latencies.append((at - sent[seq]) * 1000) \
            if who == sender.who and seq in sent else None
        seq = 0
        end = time.perf_counter() + seconds
        await asyncio.sleep(rng.random() * every)
        while time.perf_counter() < end:
            seq += 1
            sent[seq] = time.perf_counter()
            await sender.type(f"<{sender.who}{seq}>")
            await asyncio.sleep(every * (0.5 + rng.random()))

    # The interviewer's typing is load; the latencies measured are the candidate's keystrokes to the interviewer.
    await asyncio.gather(*(typist(c, i, 1 / rate) for c, i in pairs),
                         *(load(i, 2.0, seconds, rng) for c, i in pairs))
    await asyncio.sleep(1)
    for c, i in pairs:
        await c.close()
        await i.close()
    return latencies


async def load(peer: Peer, every: float, seconds: float, rng: random.Random):
    end = time.perf_counter() + seconds
    seq = 0
    while time.perf_counter() < end:
        await asyncio.sleep(every * (0.5 + rng.random()))
        seq += 1
        await peer.type(f"[{seq}]")


async def hold_connections(base: str, rounds: list[dict], server: Server) -> dict:
    import websockets

    pids = server.web_pids()
    before = sum(rss_kib(pid) for pid in pids)
    sockets = []
    for r in rounds:
        for who in ("candidate", "interviewer"):
            headers = {"Cookie": f"sessionid={r[who]}", "Origin": f"http://{base}"}
            sockets.append(await websockets.connect(f"ws://{base}/ws/rounds/{r['id']}/", additional_headers=headers))
            sockets.append(await websockets.connect(f"ws://{base}/ws/pad/{r['id']}/1/code/", additional_headers=headers))
    await asyncio.sleep(2)
    after = sum(rss_kib(pid) for pid in pids)
    for socket in sockets:
        await socket.close()
    return {"sockets": len(sockets), "processes": len(pids), "before_kib": before, "after_kib": after}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rate", type=float, default=8, help="candidate keystrokes (updates) a second")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--redis", action="store_true")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-pad-"))
    server = Server(args.redis, scratch)
    try:
        server.start()
        os.environ.update(server.env)
        import django

        django.setup()
        rounds = make_rounds(max(args.pairs + 1, args.rounds))
        base = f"127.0.0.1:{server.port}"
        database = "PostgreSQL" if server.database else "SQLite"
        mode = (f"production (gunicorn, 2 uvicorn workers, Redis layer, {database})" if args.redis
                else "make run (uvicorn, embedded layer, SQLite)")
        print(f"pad_latency: {mode}; {time.strftime('%Y-%m-%d')}")
        baseline = asyncio.run(measure_pairs(base, rounds[:1], args.seconds, args.rate, 1))
        loaded = asyncio.run(measure_pairs(base, rounds[1:args.pairs + 1], args.seconds, args.rate, 2))
        for name, values in (("1 pair (baseline)", baseline), (f"{args.pairs} pairs", loaded)):
            print(f"  {name:18} keystrokes {len(values):5}  median {statistics.median(values):6.1f} ms  "
                  f"p95 {pct(values, 0.95):6.1f} ms  max {max(values):6.1f} ms")
        ratio = pct(loaded, 0.95) / pct(baseline, 0.95)
        print(f"  p95 ratio loaded/baseline: {ratio:.2f}; target p95 <= {TARGET_P95_MS} ms: "
              f"{'meets' if pct(loaded, 0.95) <= TARGET_P95_MS else 'MISSES'}")
        held = asyncio.run(hold_connections(base, rounds[:args.rounds], server))
        per = (held["after_kib"] - held["before_kib"]) / held["sockets"]
        print(f"  {args.rounds} open rounds: {held['sockets']} websockets on {held['processes']} web process(es); "
              f"RSS {held['before_kib'] / 1024:.0f} -> {held['after_kib'] / 1024:.0f} MiB, "
              f"{per:.1f} KiB per websocket")
        return 0 if pct(loaded, 0.95) <= TARGET_P95_MS else 1
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
