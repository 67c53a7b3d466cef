"""The password hasher: Argon2id at the cost chosen for sign-in at school scale (docs/operations.md, "Signing in")."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's first recommended setting: 19 MiB of memory, two passes, one lane.

    Memory-hard: each guess at a stolen hash costs an attacker 19 MiB of fast
    memory as well as time, which is what GPUs lack, where PBKDF2 costs time
    only. So a sign-in costs about a twelfth of the CPU of Django's default
    (PBKDF2, a million rounds) for more resistance to a GPU, and a class that
    signs in together costs the server a fraction of a second
    (benchmarks/b9_sign_in.py). Memory is bounded by the server's threads:
    19 MiB for each sign-in under way, 152 MiB for 8 threads. Django's own
    Argon2 default (100 MiB, 8 lanes) would need 800 MiB for the same 8.

    Hashes made with other settings still verify (the settings are in the
    hash) and are made again with these at the next sign-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
