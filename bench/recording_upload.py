"""Recording uploads and playback through make run's server (or production's with --redis).

While a call is recorded each browser POSTs a chunk of audio every 2 s. This measures that request, with
`--recorders` browsers uploading at once, against the cheapest write a round page makes, an autosave of a
short answer, sent the same way in the same run (the baseline). Then it plays back one long recording
(`--minutes` of chunks) and reports time to the first byte and to the last, and the web process's memory
before and after (the audio is streamed chunk by chunk, never read whole).

    python bench/recording_upload.py [--recorders 20] [--chunks 30] [--minutes 60] [--redis]

Loopback only; starts and stops its own server on a scratch database.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.harness import HtmxClient  # noqa: E402
from bench.pad_latency import Server, make_rounds, pct, rss_kib  # noqa: E402

CHUNK = b"\x1a\x45\xdf\xa3" + os.urandom(8 * 1024 - 4)  # 2 s of Opus at 32 kbit/s is about 8 KB
CHUNK_SECONDS = 2


def start_recordings(server: Server, rounds: list[dict]) -> list[tuple[HtmxClient, str]]:
    """Both people of each round agree to record; each starts a recording. Returns (client, chunk URL) pairs."""
    base = f"http://127.0.0.1:{server.port}"
    recorders = []
    for stage_round in rounds:
        clients = [HtmxClient(base, stage_round[who]) for who in ("interviewer", "candidate")]
        for client in clients:
            client.request(f"/practice/rounds/{stage_round['id']}/")  # the CSRF cookie
            client.request(f"/practice/rounds/{stage_round['id']}/call/consent/", {"action": "agree"})
        for client in clients:
            status, body, _, _ = client.request(f"/practice/rounds/{stage_round['id']}/recordings/",
                                                {"kind": "call", "mime": "audio/webm"})
            if status != 201:
                raise SystemExit(f"could not start a recording: {status} {body[:200]}")
            recorders.append((client, json.loads(body)["chunk_url"]))
    return recorders


def post_raw(client: HtmxClient, url: str, body: bytes, headers: dict) -> tuple[int, float]:
    request = urllib.request.Request(client.base + url, body, {
        "Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
        "X-CSRFToken": client.cookies.get("csrftoken", ""), **headers})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, (time.perf_counter() - started) * 1000


def upload_all(recorders, chunks: int, spread_s: float) -> list[float]:
    """Every recorder sends `chunks` chunks, one every `spread_s` seconds (staggered), in its own thread."""
    timings, lock, failures = [], threading.Lock(), []

    def recorder(index: int, client: HtmxClient, url: str):
        time.sleep(spread_s * index / len(recorders))
        for seq in range(chunks):
            body = CHUNK if seq == 0 else CHUNK[4:] + b"\0\0\0\0"
            # Sent faster than real time, so each chunk claims only the time that passed (the server checks it).
            status, ms = post_raw(client, f"{url}{seq}/", body, {"Content-Type": "audio/webm",
                                                                  "X-Audio-Ms": str(int(seq * spread_s * 1000))})
            with lock:
                (timings if status == 200 else failures).append(ms if status == 200 else status)
            time.sleep(spread_s)

    threads = [threading.Thread(target=recorder, args=(i, c, u)) for i, (c, u) in enumerate(recorders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{len(failures)} chunks refused: {failures[:5]}")
    return timings


def autosaves(rounds: list[dict], server: Server, count: int, spread_s: float) -> list[float]:
    """The baseline: the candidates' autosaves of a short answer, as many and as spread as the chunks."""
    base = f"http://127.0.0.1:{server.port}"
    timings, lock = [], threading.Lock()

    def candidate(index: int, stage_round: dict):
        client = HtmxClient(base, stage_round["candidate"])
        client.request(f"/practice/rounds/{stage_round['id']}/")
        time.sleep(spread_s * index / len(rounds))
        for i in range(count):
            status, _, ms, _ = client.request(f"/practice/rounds/{stage_round['id']}/q/1/save/",
                                              {"code": f"print({i})", "language": "python"})
            if status == 200:
                with lock:
                    timings.append(ms)
            time.sleep(spread_s)

    threads = [threading.Thread(target=candidate, args=(i, r)) for i, r in enumerate(rounds)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def long_recording(server: Server, rounds: list[dict], minutes: int) -> dict:
    """A recording of `minutes` minutes made straight through the services, then fetched over HTTP."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sessions.access import Role
    from sessions.calls import recordings as services
    from sessions.models import Round

    stage_round = Round.objects.select_related("session").get(pk=rounds[0]["id"])
    stage_round.role = Role.CANDIDATE
    user = get_user_model().objects.get(pk=stage_round.candidate_id)
    started = timezone.now() - timedelta(minutes=minutes)
    recording = services.recording_start(round=stage_round, user=user, kind="call", mime="audio/webm", now=started)
    count = minutes * 60 // CHUNK_SECONDS
    for seq in range(count):
        services.chunk_append(recording=recording, seq=seq, data=CHUNK if seq == 0 else CHUNK[4:] + b"\0\0\0\0",
                              content_type="audio/webm", audio_ms=seq * CHUNK_SECONDS * 1000, now=timezone.now())
    client = HtmxClient(f"http://127.0.0.1:{server.port}", rounds[0]["candidate"])
    pid = server.web_pids()[0]
    before = rss_kib(pid)
    request = urllib.request.Request(f"{client.base}/practice/recordings/{recording.pk}/audio/",
                                     headers={"Cookie": f"sessionid={client.cookies['sessionid']}"})
    started_at = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        first = response.read(1)
        first_ms = (time.perf_counter() - started_at) * 1000
        size = len(first) + len(response.read())
    total_ms = (time.perf_counter() - started_at) * 1000
    return {"chunks": count, "bytes": size, "first_ms": first_ms, "total_ms": total_ms,
            "rss_before": before, "rss_after": rss_kib(pid)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recorders", type=int, default=20, help="browsers recording at once (pairs x 2)")
    parser.add_argument("--chunks", type=int, default=30, help="chunks each sends")
    parser.add_argument("--spread", type=float, default=0.5, help="seconds between one recorder's chunks")
    parser.add_argument("--minutes", type=int, default=60, help="length of the recording played back")
    parser.add_argument("--redis", action="store_true")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-recording-"))
    server = Server(args.redis, scratch)
    server.env["RECORDINGS_DIR"] = str(scratch / "recordings")
    try:
        server.start()
        os.environ.update(server.env)
        import django

        django.setup()
        rounds = make_rounds(max(1, args.recorders // 2))
        mode = "production (gunicorn, 2 uvicorn workers, Redis)" if args.redis else "make run (uvicorn, SQLite)"
        print(f"recording_upload: {mode}; {time.strftime('%Y-%m-%d')}")
        recorders = start_recordings(server, rounds)
        baseline = autosaves(rounds, server, args.chunks, args.spread)
        uploads = upload_all(recorders, args.chunks, args.spread)
        for name, values in (("autosave (baseline)", baseline), (f"8 KB chunk, {len(recorders)} recording", uploads)):
            print(f"  {name:28} requests {len(values):5}  median {statistics.median(values):6.1f} ms  "
                  f"p95 {pct(values, 0.95):6.1f} ms")
        print(f"  ratio chunk/autosave: median {statistics.median(uploads) / statistics.median(baseline):.2f}x, "
              f"p95 {pct(uploads, 0.95) / pct(baseline, 0.95):.2f}x")
        played = long_recording(server, rounds, args.minutes)
        print(f"  playback of {args.minutes} min ({played['chunks']} chunks, {played['bytes'] / 1e6:.1f} MB): first byte "
              f"{played['first_ms']:.0f} ms, all {played['total_ms']:.0f} ms; web RSS "
              f"{played['rss_before'] / 1024:.0f} -> {played['rss_after'] / 1024:.0f} MiB")
        return 0
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
