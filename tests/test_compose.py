"""compose.yaml and the Dockerfile against the code, since Docker does not run here.

The static part parses both files and checks every reference (services, programs, management
commands, settings, files). The `services` part runs the compose commands and health checks for
real: migrate against a scratch PostgreSQL database, gunicorn, a Celery worker and beat on Redis.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings

from tests.conftest import clean_environ as environ_without_test_settings

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict] = COMPOSE["services"]
APP_SERVICES = ("migrate", "web", "worker", "beat")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# What an operator exports before `docker compose up` (README, "Production with compose").
OPERATOR_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
    "POSTGRES_PASSWORD": secrets.token_hex(24),
    "ALLOWED_HOSTS": "ehrenamt.kreis-warendorf.de",
    "SITE_URL": "https://ehrenamt.kreis-warendorf.de",
}

_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_]\w*)(?:(?P<op>:-|:\?|-|\?)(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_]\w*)"
)


class MissingVariableError(Exception):
    pass


def interpolate(value: object, variables: Mapping[str, str]) -> object:
    """Compose's interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg, current = match.group("op"), match.group("arg"), variables.get(name)
        if (op == ":?" and not current) or (op == "?" and current is None):
            raise MissingVariableError(f"{name}: {arg}")
        if op == ":-":
            return current or arg
        if op == "-":
            return arg if current is None else current
        return current or ""

    return _VARIABLE.sub(replace, value)


def service(name: str, variables: Mapping[str, str] = OPERATOR_ENV) -> dict:
    return interpolate(SERVICES[name], variables)


def command_argv(name: str) -> list[str]:
    command = service(name)["command"]
    return shlex.split(command) if isinstance(command, str) else command


def healthcheck_argv(test: list[str]) -> list[str]:
    kind, *rest = test
    if kind == "CMD-SHELL":
        return ["sh", "-c", rest[0]]
    assert kind == "CMD", test
    return rest


def manage_py_commands(shell_command: str) -> list[str]:
    """Names of the `python manage.py <name>` steps of a shell command line."""
    return re.findall(r"python manage\.py ([a-z_]+)", shell_command)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    result = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, arguments = line.strip().partition(" ")
            result.append((instruction.upper(), " ".join(arguments.split())))
    return result


def docker_build_env() -> dict[str, str]:
    """The VAR=value pairs the Dockerfile sets for its collectstatic step."""
    [run] = [args for kind, args in dockerfile_instructions() if "collectstatic" in args]
    step = run.split("&&")[-1]
    assert "collectstatic" in step
    tokens = shlex.split(step)
    pairs = [token.split("=", 1) for token in tokens[: tokens.index("python")]]
    return dict(pairs)


def clean_environ(**extra: str) -> dict[str, str]:
    """This process's environment without the project's settings variables, plus `extra`,
    with the virtual environment's programs on the PATH."""
    path = f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    return environ_without_test_settings(**{"ALLOWED_HOSTS": "", "PATH": path, **extra})


def run_python(code: str, env: Mapping[str, str], timeout: int = 120):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- compose.yaml: structure ------------------------------------------------------------------


def test_every_service_has_a_healthcheck_or_says_why_not():
    for name, definition in SERVICES.items():
        check = definition.get("healthcheck") or {}
        if check.get("disable"):
            assert definition.get("x-no-healthcheck"), f"{name}: say why there is no check"
            assert definition.get("restart") == "no", f"{name}: only one-shot jobs go unchecked"
        else:
            assert check.get("test", [None])[0] in {"CMD", "CMD-SHELL"}, name
    assert set(SERVICES) == {"migrate", "web", "worker", "beat", "postgres", "redis", "mailpit"}


def test_depends_on_targets_exist_and_their_conditions_can_be_met():
    for name, definition in SERVICES.items():
        for target, rule in definition.get("depends_on", {}).items():
            assert target in SERVICES, f"{name} depends on unknown {target}"
            condition = rule["condition"]
            if condition == "service_healthy":
                assert not SERVICES[target].get("healthcheck", {}).get("disable"), target
                assert SERVICES[target].get("healthcheck", {}).get("test"), target
            else:
                # A job that is restarted after success never "completes".
                assert condition == "service_completed_successfully", (name, condition)
                assert SERVICES[target].get("restart") == "no", target
    for name in ("web", "worker", "beat"):
        depends_on = SERVICES[name]["depends_on"]
        assert depends_on["migrate"] == {"condition": "service_completed_successfully"}
        assert depends_on["postgres"] == {"condition": "service_healthy"}
        assert depends_on["redis"] == {"condition": "service_healthy"}


def test_app_services_share_image_and_environment_and_point_at_the_compose_services():
    environments = [service(name)["environment"] for name in APP_SERVICES]
    assert all(env == environments[0] for env in environments)
    assert len({(SERVICES[n]["image"], SERVICES[n]["build"]) for n in APP_SERVICES}) == 1
    env = environments[0]
    for variable in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "EMAIL_URL"):
        host = urlsplit(env[variable]).hostname
        assert host in SERVICES, f"{variable} points at {host}, which is not a service"

    # The web, worker and beat credentials are the ones PostgreSQL is created with.
    database = urlsplit(env["DATABASE_URL"])
    postgres = service("postgres")["environment"]
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"] == OPERATOR_ENV["POSTGRES_PASSWORD"]
    assert database.path == "/" + postgres["POSTGRES_DB"]

    # Uploads and documents live on named volumes, beat's schedule too.
    volumes = set(COMPOSE["volumes"])
    for name in ("web", "worker"):
        mounts = dict(v.split(":", 1) for v in SERVICES[name]["volumes"])
        assert set(mounts) <= volumes
        assert {env["MEDIA_ROOT"], env["PRIVATE_STORAGE_ROOT"]} <= set(mounts.values())
    beat_mounts = dict(v.split(":", 1) for v in SERVICES["beat"]["volumes"])
    schedule = command_argv("beat")[command_argv("beat").index("--schedule") + 1]
    assert set(beat_mounts) <= volumes
    assert any(schedule.startswith(path + "/") for path in beat_mounts.values())
    assert "postgres" in volumes and "postgres" in SERVICES["postgres"]["volumes"][0]


@pytest.mark.parametrize(
    "variable", ["SECRET_KEY", "POSTGRES_PASSWORD", "ALLOWED_HOSTS", "SITE_URL"]
)
def test_compose_refuses_to_start_without_the_required_variables(variable):
    incomplete = {k: v for k, v in OPERATOR_ENV.items() if k != variable}
    with pytest.raises(MissingVariableError, match=variable):
        interpolate(SERVICES, incomplete)


# --- compose.yaml against the code ------------------------------------------------------------


def test_commands_name_programs_and_commands_that_exist():
    web, worker, beat, migrate = (command_argv(n) for n in ("web", "worker", "beat", "migrate"))
    assert web[0] == "gunicorn" and (VENV_BIN / "gunicorn").exists()
    assert worker[:4] == ["celery", "-A", "backend", "worker"]
    assert beat[:4] == ["celery", "-A", "backend", "beat"]
    assert (VENV_BIN / "celery").exists()
    assert migrate[:2] == ["sh", "-c"]
    commands = manage_py_commands(migrate[2])
    assert commands == ["migrate", "load_reference"]
    for _, arguments in dockerfile_instructions():
        commands += manage_py_commands(arguments)
    assert {"compilemessages", "collectstatic"} <= set(commands)
    module, attribute = web[1].split(":")
    env = service("web")["environment"]
    assert (ROOT / (env["DJANGO_SETTINGS_MODULE"].replace(".", "/") + ".py")).is_file()

    result = run_python(
        f"""
import importlib
from celery import Celery
from celery.app.utils import find_app
from django.core.management import get_commands

application = getattr(importlib.import_module({module!r}), {attribute!r})
assert callable(application), application
app = find_app({worker[2]!r})  # what `celery -A {worker[2]}` loads
assert isinstance(app, Celery) and app.main == "backend", app
missing = set({commands!r}) - set(get_commands())
assert not missing, missing
print("ok")
""",
        clean_environ(**env),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_production_settings_start_with_the_compose_environment():
    env = clean_environ(**service("web")["environment"])
    result = run_python(
        """
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(db["ENGINE"], db["HOST"], settings.CACHES["default"]["LOCATION"], settings.EMAIL_HOST,
      settings.EMAIL_PORT, settings.MEDIA_ROOT, settings.PRIVATE_STORAGE_ROOT, settings.DEBUG)
""",
        env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "postgres",
        "redis://redis:6379/1",
        "mailpit",
        "1025",
        "/var/lib/komman/media",
        "/var/lib/komman/private",
        "False",
    ]

    # No database connection is needed for the deployment checks (host "postgres" does not
    # even resolve here).
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr


# --- Dockerfile -------------------------------------------------------------------------------


def test_dockerfile_builds_from_the_lock_files_and_runs_unprivileged():
    instructions = dockerfile_instructions()
    froms = [args for kind, args in instructions if kind == "FROM"]
    assert froms[0].startswith("node:") and froms[-1].startswith("python:3.11-slim")
    runs = [args for kind, args in instructions if kind == "RUN"]
    assert any("npm ci" in run for run in runs)
    [pip] = [run for run in runs if "pip install" in run]
    assert "--require-hashes" in pip and "--no-deps" in pip and "requirements.lock" in pip

    for kind, args in instructions:
        if kind == "COPY" and "--from=" not in args:
            *sources, _destination = args.split()
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: no such file"
    copied = " ".join(args for kind, args in instructions if kind == "COPY")
    for required in ("requirements.lock", "package.json", "package-lock.json"):
        assert required in copied

    # WeasyPrint's libraries and the fallback font of templates/pdf/base.html are installed.
    packages = " ".join(runs)
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz0b", "fonts-dejavu-core"):
        assert package in packages
    assert "DejaVu Sans" in (ROOT / "templates/pdf/base.html").read_text(encoding="utf-8")

    users = [args for kind, args in instructions if kind == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert ("EXPOSE", "8000") in instructions
    [cmd] = [args for kind, args in instructions if kind == "CMD"]
    assert yaml.safe_load(cmd) == command_argv("web")

    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".git", ".venv", "node_modules", "var"} <= set(ignored)


def test_dockerfile_collectstatic_step_satisfies_production_and_writes_the_manifest(tmp_path):
    """The build-time values pass the production checks, and the manifest lists the assets.

    Django's ManifestStaticFilesStorage stands in for WhiteNoise's compressed subclass: the same
    manifest and the same strict references, without 20 s of compression.
    """
    env = clean_environ(**docker_build_env())
    assert env["DJANGO_SETTINGS_MODULE"] == "backend.settings.production"
    result = run_python(
        f"""
import json
import django
django.setup()
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.management import call_command
from django.test.utils import override_settings
from django.utils.module_loading import import_string

production = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
assert issubclass(production, ManifestStaticFilesStorage), production
storages = {{**settings.STORAGES, "staticfiles": {{
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}}}
with override_settings(STATIC_ROOT={str(tmp_path)!r}, STORAGES=storages):
    call_command("collectstatic", "--noinput", "-v0")
print(json.dumps(sorted(json.load(open({str(tmp_path / "staticfiles.json")!r}))["paths"])))
""",
        env,
    )
    assert result.returncode == 0, result.stderr
    paths = set(yaml.safe_load(result.stdout))
    assert {
        "vendor/kern/fonts/fira-sans/FiraSans-Regular.woff2",
        "vendor/kern/kern.min.css",
        "vendor/htmx/htmx.min.js",
        "css/platform.css",
    } <= paths


# --- The commands and health checks, run for real ---------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _require(name: str, host: str, port: int) -> None:
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError as exc:
        message = f"{name} is not reachable at {host}:{port} ({exc})"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def _wait_for(check, what: str, timeout: float = 30) -> subprocess.CompletedProcess:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result.returncode == 0 or time.monotonic() > deadline:
            assert result.returncode == 0, f"{what}: {result.stdout}{result.stderr}"
            return result
        time.sleep(0.5)


@pytest.fixture
def local_stack(tmp_path) -> Iterator[dict]:
    """The compose environment with the service host names mapped to this machine: a scratch
    PostgreSQL database, two Redis databases of this test worker's own (not used by anything
    else), and tmp_path in place of /var/lib/komman."""
    _require("PostgreSQL", "127.0.0.1", 5432)
    _require("Redis", "127.0.0.1", 6379)
    database = f"komman_compose_{secrets.token_hex(4)}"
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-qc"]
    subprocess.run([*psql, f"CREATE DATABASE {database}"], check=True, capture_output=True)
    env = service("web")["environment"]
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
        CELERY_BROKER_URL=f"redis://127.0.0.1:6379/{settings.TEST_REDIS_DBS['compose_broker']}",
        REDIS_URL=f"redis://127.0.0.1:6379/{settings.TEST_REDIS_DBS['compose_cache']}",
        EMAIL_URL=f"smtp://127.0.0.1:{_free_port()}",
    )
    env = {k: v.replace("/var/lib/komman", str(tmp_path)) for k, v in env.items()}
    processes: list[subprocess.Popen] = []
    try:
        yield {"env": clean_environ(**env), "root": tmp_path, "processes": processes}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"], check=False)


@pytest.mark.services
def test_compose_commands_and_health_checks_work_for_real(local_stack, tmp_path):
    env, root, processes = local_stack["env"], str(local_stack["root"]), local_stack["processes"]

    def local(argv: list[str], port: int | None = None) -> list[str]:
        argv = [arg.replace("/var/lib/komman", root) for arg in argv]
        if port is not None:
            argv = [re.sub(r"(0\.0\.0\.0|127\.0\.0\.1):8000", f"127.0.0.1:{port}", a) for a in argv]
        return argv

    def start(name: str, port: int | None = None) -> None:
        with open(tmp_path / f"{name}.log", "w") as log:  # the child keeps its own copy
            processes.append(
                subprocess.Popen(
                    local(command_argv(name), port), cwd=ROOT, env=env, stdout=log, stderr=log
                )
            )

    def healthcheck(name: str, port: int | None = None, **extra: str):
        argv = local(healthcheck_argv(service(name)["healthcheck"]["test"]), port)
        return lambda: subprocess.run(
            argv, cwd=ROOT, env={**env, **extra}, capture_output=True, text=True, timeout=60
        )

    migrate = subprocess.run(
        command_argv("migrate"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr

    port = _free_port()
    start("web", port)
    start("worker")
    start("beat")

    _wait_for(healthcheck("web", port), "web health check")
    worker_check = healthcheck("worker", HOSTNAME=socket.gethostname())
    _wait_for(worker_check, "worker health check", timeout=60)
    beat_check = healthcheck("beat")
    _wait_for(beat_check, "beat health check")
    # The beat check fails once the schedule file goes stale.
    for path in Path(root).glob("celerybeat-schedule*"):
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    assert beat_check().returncode != 0
