"""Budgets of the contribution issue: the moderation queue with 5,000 pending proposals, and 50
concurrent anonymous proposals against the running server (none lost, none duplicated).

In-process parts run as ``python -m bench.moderation seed|count RUN`` with the bench's
environment (the same database as the served application).
"""

import http.client
import json
import re
import subprocess
import sys
import threading
import uuid
from urllib.parse import urlencode

from . import ROOT

PENDING = 5000
CONCURRENT = 50
RETRIED = 10  # of the concurrent proposals, sent twice (a double click)
MODERATOR = "bench-moderator@example.org"


def _run(env, *args):
    out = subprocess.run(
        [sys.executable, "-m", "bench.moderation", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"bench.moderation {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def seed(env):
    """5,000 pending proposals (replacing the previous run's) and a moderator's session."""
    return _run(env, "seed")


# --- over HTTP ---------------------------------------------------------------------------------


def _cookie_header(response):
    cookies = {}
    for name, value in response.getheaders():
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            cookies[key.strip()] = val.strip()
    return cookies


def _propose(port, run, number, results, repeat=1):
    """One visitor: open the form, then send it (``repeat`` times, same submission)."""
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", "/fr/contribute/new/event/")
        response = connection.getresponse()
        html = response.read().decode()
        cookies = _cookie_header(response)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        submission = re.search(r'name="submission" value="([^"]+)"', html).group(1)
        form = {
            "csrfmiddlewaretoken": token,
            "submission": submission,
            "title_fr": f"bench {run} proposal {number}",
            "day": "2030-05-01",
            "start_time": "18:00",
            "status": "scheduled",
            "proposer_email": f"visitor{number}@example.org",
            "accept_charter": "on",
            "send": "1",
        }
        statuses = []
        for _ in range(repeat):
            connection.request(
                "POST",
                "/fr/contribute/new/event/",
                body=urlencode(form),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
                    "Referer": f"http://127.0.0.1:{port}/fr/contribute/new/event/",
                },
            )
            reply = connection.getresponse()
            reply.read()
            statuses.append(reply.status)
        results[number] = statuses
        connection.close()
    except Exception as exc:  # noqa: BLE001 - reported in the table
        results[number] = [f"{type(exc).__name__}: {exc}"]


def concurrent_proposals(port, env):
    """50 visitors at once (10 of them double-click); returns (stored, distinct, errors)."""
    run = uuid.uuid4().hex[:8]
    results = {}
    threads = [
        threading.Thread(target=_propose, args=(port, run, n, results, 2 if n < RETRIED else 1))
        for n in range(CONCURRENT)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    errors = [s for statuses in results.values() for s in statuses if s != 302]
    counted = _run(env, "count", run)
    return counted["stored"], counted["distinct"], errors


# --- in-process ----------------------------------------------------------------------------------


def _seed():
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from accounts.models import MODERATORS_GROUP
    from directory.models import Actor
    from proposals.models import Proposal

    User = get_user_model()
    with transaction.atomic():
        Proposal.objects.filter(proposer_email__endswith="@bench.example.org").delete()
        Proposal.objects.filter(data__title_fr__startswith="bench ").delete()
        actors = list(Actor.objects.values_list("pk", "name_fr")[:PENDING])
        from django.contrib.contenttypes.models import ContentType

        actor_type = ContentType.objects.get_for_model(Actor)
        batch = []
        for i in range(PENDING):
            pk, name = actors[i % len(actors)]
            change = i % 3 != 0
            batch.append(
                Proposal(
                    kind="change_actor" if change else "new_actor",
                    status="pending",
                    target_type=actor_type if change else None,
                    target_id=pk if change else None,
                    target_label=name if change else f"Initiative {i}",
                    data={"name_fr": f"{name} (corrigé)", "phone": "02 123 45 67"},
                    base={"name_fr": name, "phone": ""},
                    proposer_email=f"p{i}@bench.example.org",
                    duplicates=[{"actor_id": pk, "slug": "x", "name": name, "score": 0.9, "reasons": ["name"]}]
                    if i % 10 == 0
                    else [],
                )
            )
        Proposal.objects.bulk_create(batch, batch_size=1000)
        user, _ = User.objects.get_or_create(username="bench-moderator", defaults={"email": MODERATOR})
        user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    pending = Proposal.objects.filter(status="pending").count()
    return {"session": session.session_key, "pending": pending}


def _count(run):
    import django

    django.setup()
    from proposals.models import Proposal

    titles = list(
        Proposal.objects.filter(data__title_fr__startswith=f"bench {run} ").values_list("data__title_fr", flat=True)
    )
    return {"stored": len(titles), "distinct": len(set(titles))}


if __name__ == "__main__":
    command = sys.argv[1]
    result = _seed() if command == "seed" else _count(sys.argv[2])
    print(json.dumps(result))
