"""B9: the CPU cost of one sign-in, with the password hasher Voices uses against Django's default, in the same run.

A sign-in is the whole request as a browser sends it (the allauth form, its
rate limits in Redis, the password check, the session written to PostgreSQL),
through Django's test client in this process; the figure is the process's CPU
time per sign-in (all its threads), the median of SIGN_INS. Each hasher is
measured with it as the preferred one, so no sign-in re-hashes.

- chosen: Argon2id, 19 MiB, 2 passes, 1 lane (accounts/hashers.py);
- baseline: Django's default, PBKDF2-SHA256 with a million rounds;
- Django's Argon2 default (100 MiB, 2 passes, 8 lanes), for reference.

Targets: every sign-in succeeds; the chosen hasher's sign-in costs at most a
quarter of the baseline's CPU. Also reported: the password check alone, and
what a class of 40 signing in together costs the server.

Runs in a fresh database beside DATABASE_URL's (dropped afterwards); needs PostgreSQL.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import common

ROOT = Path(__file__).resolve().parent.parent
SIGN_INS = 15
QUICK_SIGN_INS = 2
PASSWORD = "a-long-benchmark-password"
HASHERS = {
    "chosen_argon2id_19mib": "accounts.hashers.Argon2idPasswordHasher",
    "baseline_pbkdf2_django_default": "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "argon2_django_default": "django.contrib.auth.hashers.Argon2PasswordHasher",
}
RATIO_TARGET = 0.25


def run(*, quick: bool = False) -> dict:
    database_url, drop = common.fresh_database("b9")
    if database_url is None:
        return {"skipped": "B9 needs DATABASE_URL to point at PostgreSQL", "met": False}
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "AWS_"))},
        "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.base", "EMAIL_URL": "dummymail://",
    }  # fmt: skip
    try:
        result = subprocess.run(
            [sys.executable, "-m", "benchmarks.b9_sign_in", "--measure", *(["--quick"] if quick else [])], cwd=ROOT,
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            return {"error": result.stderr.strip().splitlines()[-20:], "met": False}
        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        drop()


# --- In the measuring process, with Django set up on the fresh database ---------
def _person(name: str, hasher_path: str):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.utils.module_loading import import_string

    from accounts.models import User

    user = User.objects.create_user(email=f"{name}@b9.example", password=None, full_name=name)
    user.password = make_password(PASSWORD, hasher=import_string(hasher_path)())
    user.save(update_fields=["password"])
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def _sign_ins(email: str, address: str, times: int) -> tuple[list[float], list[float], int]:
    """CPU and wall seconds of each sign-in, and how many succeeded."""
    from django.test import Client

    cpu, wall, ok = [], [], 0
    for _attempt in range(times):
        browser = Client(REMOTE_ADDR=address)
        started_cpu, started = time.process_time(), time.perf_counter()
        answer = browser.post("/en/accounts/login/", {"login": email, "password": PASSWORD, "remember": "on"})
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
        ok += answer.status_code == 302 and "_auth_user_id" in browser.session
    return cpu, wall, ok


def _check_only(hasher_path: str, rounds: int) -> float:
    """CPU seconds of the password check alone (median)."""
    from django.utils.module_loading import import_string

    hasher = import_string(hasher_path)()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    times = []
    for _attempt in range(rounds):
        started = time.process_time()
        assert hasher.verify(PASSWORD, encoded)
        times.append(time.process_time() - started)
    return statistics.median(times)


def measure(*, quick: bool = False) -> dict:
    import django

    django.setup()
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()  # the test client's host, and mail kept in memory
    sign_ins = QUICK_SIGN_INS if quick else SIGN_INS
    load_before = os.getloadavg()
    figures = {}
    for number, (name, path) in enumerate(HASHERS.items()):
        # An address of its own for each hasher: the sign-in limits per address (120 a minute) stay far off.
        address = f"192.0.2.{number + 1}"
        with override_settings(PASSWORD_HASHERS=[path]):
            person = _person(name, path)
            _sign_ins(person.email, address, times=1 if quick else 3)  # warm: templates, connections, the hasher
            cpu, wall, ok = _sign_ins(person.email, address, times=sign_ins)
            figures[name] = {
                "sign_in_cpu_ms": round(statistics.median(cpu) * 1000, 1),
                "sign_in_wall_ms": round(statistics.median(wall) * 1000, 1),
                "password_check_cpu_ms": round(_check_only(path, sign_ins) * 1000, 1),
                "signed_in": f"{ok}/{sign_ins}",
            }
    chosen, baseline = figures["chosen_argon2id_19mib"], figures["baseline_pbkdf2_django_default"]
    ratio = round(chosen["sign_in_cpu_ms"] / baseline["sign_in_cpu_ms"], 3)
    report = {
        "hashers": figures,
        "chosen_vs_baseline_sign_in_cpu": ratio,
        "class_of_40_cpu_seconds": round(40 * chosen["sign_in_cpu_ms"] / 1000, 2),
        "class_of_40_cpu_seconds_baseline": round(40 * baseline["sign_in_cpu_ms"] / 1000, 2),
        # Two cores are shared with whatever else runs: the load says how far to trust absolute times.
        "load_average_before_after": [[round(v, 2) for v in load_before],
                                      [round(v, 2) for v in os.getloadavg()]],
        "targets": {"chosen_vs_baseline_sign_in_cpu": f"<= {RATIO_TARGET}", "signed_in": "every one"},
    }
    report["checks"] = {
        "ratio_at_most_a_quarter": ratio <= RATIO_TARGET,
        "every_sign_in_succeeded": all(f["signed_in"] == f"{sign_ins}/{sign_ins}" for f in figures.values()),
    }
    report["met"] = all(report["checks"].values())
    return report


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(quick="--quick" in sys.argv)))
