"""Production is the default configuration: it refuses to start without a secret key and passes
Django's deployment checks with nothing but the three variables a deployment must set."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

ROOT = settings.BASE_DIR


def production(tmp_path, **variables):
    """The environment of a deployment: none of the shell's or the test suite's variables."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "maillage.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "maillage.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.update(variables)
    return {name: value for name, value in env.items() if value is not None}


def run(env, *args):
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_in_the_production_configuration(tmp_path):
    done = run(production(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_without_a_secret_key_production_refuses_to_start_and_says_why(tmp_path):
    done = run(production(tmp_path, SECRET_KEY=None), "manage.py", "check")
    assert done.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in done.stderr
    assert "DEBUG=on" in done.stderr  # what a developer does instead


def settings_of(env, *names):
    code = f"import json; from maillage import settings as s; print(json.dumps([getattr(s, n) for n in {names!r}]))"
    done = run(env, "-c", code)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_production_is_https_only_with_a_shared_cache(tmp_path):
    debug, redirect, hsts, cookie, proxy_header, caches = settings_of(
        production(tmp_path),
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER",
        "CACHES",
    )
    assert (debug, redirect, cookie, proxy_header) == (False, True, True, None)
    assert hsts >= 365 * 24 * 3600
    # Sign-in throttling (allauth) lives in the default cache: every process must see it.
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_one_variable_tells_how_many_proxies_we_trust_to_our_limits_and_to_allauth(tmp_path):
    ours, allauths, proxy_header = settings_of(
        production(tmp_path, TRUSTED_PROXY_COUNT="1"),
        "TRUSTED_PROXY_COUNT",
        "ALLAUTH_TRUSTED_PROXY_COUNT",
        "SECURE_PROXY_SSL_HEADER",
    )
    assert ours == allauths == 1
    assert proxy_header == ["HTTP_X_FORWARDED_PROTO", "https"]  # the proxy ends TLS


def test_development_needs_no_configuration(tmp_path):
    debug, redirect, key = settings_of(
        production(tmp_path, SECRET_KEY=None, ALLOWED_HOSTS=None, DEBUG="on"),
        "DEBUG",
        "SECURE_SSL_REDIRECT",
        "SECRET_KEY",
    )
    assert debug is True and redirect is False and key
