"""var/ is private: the folder 0700, the secret key and the SQLite files (with -wal and -shm) 0600,
whatever the umask, for a fresh install and for one made before var/ was private."""

import os
import stat
import subprocess
import sys

from interviewprep.launch import prepare_var_dir
from tests.conftest import BASE_DIR

# Opens the database, writes (so SQLite makes its -wal and -shm files) and prints every mode while they exist.
PROBE = """
import os, stat, sys, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS probe (x)")
    cursor.execute("INSERT INTO probe VALUES (1)")
var = sys.argv[1]
for name in ["", "secret_key", "db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"]:
    print(name or "var", oct(stat.S_IMODE(os.stat(os.path.join(var, name)).st_mode)))
"""


def modes(var_dir) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update({"DJANGO_SETTINGS_MODULE": "tests.settings", "INTERVIEWPREP_VAR_DIR": str(var_dir)})
    result = subprocess.run([sys.executable, "-c", PROBE, str(var_dir)], env=env, cwd=BASE_DIR, check=True,
                            capture_output=True, text=True, preexec_fn=lambda: os.umask(0o022))
    return dict(line.split() for line in result.stdout.splitlines())


def test_a_fresh_var_dir_is_private(tmp_path):
    assert modes(tmp_path / "var") == {
        "var": "0o700", "secret_key": "0o600", "db.sqlite3": "0o600", "db.sqlite3-wal": "0o600",
        "db.sqlite3-shm": "0o600",
    }


def test_an_existing_world_readable_install_is_tightened(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    os.chmod(var, 0o755)
    (var / "secret_key").write_text("k" * 50)
    os.chmod(var / "secret_key", 0o600)
    for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
        (var / name).touch()
        os.chmod(var / name, 0o644)
    found = modes(var)
    assert found["var"] == "0o700"
    assert {found[name] for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm")} == {"0o600"}


def test_make_run_creates_var_and_the_broker_folders_private(tmp_path):
    old = os.umask(0o022)
    try:
        prepare_var_dir(tmp_path / "var")
    finally:
        os.umask(old)
    for folder in ("", "broker", "broker/queue", "broker/processed", "broker/control"):
        assert stat.S_IMODE((tmp_path / "var" / folder).stat().st_mode) == 0o700, folder
