"""Mutation testing of the rule modules with mutmut: `make mutation MODULE=<name>` runs one,
`make mutation` runs all. Each module is a small file mutation/<name>.toml naming the source files
to mutate and the tests that cover them (only those run, so one module takes minutes):

    mutate = ["cooperation/roles.py"]
    tests = ["cooperation/tests/test_lib.py"]

mutmut copies the project into a work folder, var/mutation/<name>/mutants/, makes every mutant
of the named files at once (a switch picks which one runs) and runs, for each mutant, only the
tests that called the mutated function in a first clean run. Tests run on PostgreSQL: the
database named by DATABASE_URL with "_mut_<name>" added, one test database per parallel worker
(mutation/db_slot.py). Results are written to var/mutation/<name>/report.md with every survivor's
diff; docs/TESTING.md records the figures and a verdict for each survivor.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import dj_database_url
import psycopg2

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from mutation.db_slot import template_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = ROOT / "mutation"
WORK_ROOT = ROOT / "var" / "mutation"
# What the tests need besides the Python packages (settings find these beside them).
PACKAGES = ["cooperation", "agreements", "partners", "mobility"]
ALSO_COPY = ["templates", "locale", "static", "manage.py", "conftest.py", "pytest.ini", "mutation"]
KILLED = {1, 3}
STATUS = {0: "survived", 5: "no tests", 33: "no tests", 34: "skipped", 36: "timeout", 24: "timeout", -24: "timeout"}


def module_names() -> list[str]:
    return sorted(path.stem for path in CONFIG_DIR.glob("*.toml"))


def load(name: str) -> dict:
    path = CONFIG_DIR / f"{name}.toml"
    if not path.exists():
        sys.exit(f"No mutation/{name}.toml; modules: {', '.join(module_names())}")
    config = tomllib.loads(path.read_text())
    for key in ("mutate", "tests"):
        if not config.get(key):
            sys.exit(f"mutation/{name}.toml needs a non-empty '{key}' list")
    return config


def setup_cfg(config: dict) -> str:
    def lines(values):
        return "".join(f"\n    {value}" for value in values)

    return (
        "[mutmut]\n"
        f"source_paths ={lines(PACKAGES)}\n"
        f"only_mutate ={lines(config['mutate'])}\n"
        f"also_copy ={lines(ALSO_COPY)}\n"
        f"pytest_add_cli_args_test_selection ={lines(config['tests'])}\n"
        # One test database per worker, migrated once (mutation/db_slot.py).
        # mutmut times each mutant itself; pytest-timeout's limit (pytest.ini) would end the whole
        # run from inside its one process when a slow test passes the limit under load.
        f"pytest_add_cli_args ={lines(['-p', 'mutation.db_slot', '-p', 'no:cacheprovider', '--timeout', '0'])}\n"
        # mutmut learns which tests reach which function from the trampolines it adds;
        # following the import graph for cache invalidation is not needed on fresh runs.
        "track_dependencies = false\n"
        "use_git_change_detection = false\n"
    )


def prepare(name: str, config: dict) -> Path:
    work = WORK_ROOT / name
    # A fresh run each time: a cached verdict would hide a test added since.
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for entry in PACKAGES + ALSO_COPY:
        (work / entry).symlink_to(ROOT / entry)
    (work / "setup.cfg").write_text(setup_cfg(config))
    return work


def environment(work: Path, children: int) -> dict:
    """The tests' environment: databases of this module's own (two modules may run at once)."""
    env = dict(os.environ)
    url = env.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL=postgres://user@host:port/name (the tests need PostgreSQL)")
    env["DATABASE_URL"] = f"{url.rstrip('/')}_mut_{work.name}"
    env["REQUIRE_SERVICES"] = "1"
    env["MUTATION_LOCK_DIR"] = str(work)
    env["MUTATION_DB_NAME"] = dj_database_url.parse(env["DATABASE_URL"])["NAME"]
    # The workers, and mutmut's own process for its first runs.
    env["MUTATION_DB_SLOTS"] = str(children + 1)
    return env


def prepare_databases(env: dict) -> None:
    """The migrated template every slot's database is copied from when a test process takes the
    slot (mutation/db_slot.py); kept from run to run (migrating it again is quick when it is up
    to date)."""
    settings = dj_database_url.parse(env["DATABASE_URL"])
    template = template_database(env["MUTATION_DB_NAME"])
    server = psycopg2.connect(
        dbname="postgres",
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
    )
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{template}"')
    server.close()
    url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + template
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "--settings=cooperation.test_settings"]
    subprocess.run(migrate, cwd=ROOT, env={**env, "DATABASE_URL": url}, check=True, stdout=subprocess.DEVNULL)


def results(work: Path, config: dict) -> dict[str, tuple[str, int | None]]:
    """Each mutant's source file and mutmut's exit code for it (1 or 3: a test failed)."""
    found: dict[str, tuple[str, int | None]] = {}
    for source in config["mutate"]:
        meta = work / "mutants" / f"{source}.meta"
        if meta.exists():
            for mutant, code in json.loads(meta.read_text())["exit_code_by_key"].items():
                found[mutant] = (source, code)
    return found


# `mutmut show` for many mutants in one process (each `mutmut show` costs seconds to start).
SHOW = """
import json, sys
from mutmut.mutation.diff_apply import get_diff_for_mutant
wanted = json.loads(sys.stdin.read())
print(json.dumps({mutant: get_diff_for_mutant(mutant, path=path) for mutant, path in wanted.items()}))
"""


def diffs(work: Path, env: dict, mutants: dict[str, str]) -> dict[str, str]:
    if not mutants:
        return {}
    shown = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=work, env=env, input=json.dumps(mutants), capture_output=True, text=True
    )
    if shown.returncode != 0:
        return {mutant: f"(no diff: {shown.stderr.strip()[-300:]})" for mutant in mutants}
    return json.loads(shown.stdout)


def refresh_tests(work: Path, config: dict) -> None:
    """Copy the module's test files, the shared conftest.py and this harness's plugin into the
    work folder again (mutmut copies only what is missing)."""
    shutil.copytree(CONFIG_DIR, work / "mutants" / CONFIG_DIR.name, dirs_exist_ok=True)
    shutil.copy2(ROOT / "conftest.py", work / "mutants" / "conftest.py")
    for entry in config["tests"]:
        source = ROOT / entry.split("::")[0]
        if source.is_file():
            shutil.copy2(source, work / "mutants" / entry.split("::")[0])
        elif source.is_dir():
            shutil.copytree(source, work / "mutants" / entry, dirs_exist_ok=True)


def run(
    name: str,
    children: int,
    again: bool = False,
    resume: bool = False,
    report_only: bool = False,
    only: list[str] | None = None,
) -> dict:
    config = load(name)
    mutmut = Path(sys.executable).with_name("mutmut")
    command = ["nice", "-n", "19", str(mutmut), "run", "--max-children", str(children)]
    work = WORK_ROOT / name
    if report_only:
        if not (work / "mutants").exists():
            sys.exit(f"{name} has not been run (no {work / 'mutants'})")
    elif only and (work / "mutants").exists():
        # Some mutants (mutmut's names, * allowed) in the last run's folder, the others' verdicts
        # kept: mutmut tests the mutants with the quickest tests first, so a run stopped for
        # lack of time never reached those whose tests are the slowest (a whole file's, at times).
        command += only
        refresh_tests(work, config)
    elif again and (work / "summary.json").exists():
        # Only the last run's survivors, against the tests as they are now (new tests included).
        command += list(json.loads((work / "summary.json").read_text())["survivors"])
        refresh_tests(work, config)
        (work / "setup.cfg").write_text(setup_cfg(config))  # the tests listed now
        # mutmut runs for a mutant the tests its first run saw reach the function: new tests
        # count only once that mapping is made again.
        (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
    elif resume and (work / "mutants").exists():
        # A stopped run goes on: mutmut keeps every verdict it recorded and tests the rest,
        # with the tests as they are now (it maps new tests to the functions they reach).
        refresh_tests(work, config)
        (work / "setup.cfg").write_text(setup_cfg(config))
    else:
        work = prepare(name, config)
    env = environment(work, children)
    minutes = 0.0
    if not report_only:
        prepare_databases(env)
        print(f"== {name}: {' '.join(config['mutate'])}", flush=True)
        started = time.monotonic()
        with open(work / "mutmut.log", "w") as log:
            finished = subprocess.run(command, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
        minutes = (time.monotonic() - started) / 60
        if finished.returncode != 0:
            print((work / "mutmut.log").read_text()[-4000:])
            sys.exit(f"mutmut failed for {name} (log: {work / 'mutmut.log'})")
    found = results(work, config)
    # A run stopped before the end leaves mutants with no verdict: not tested, not survivors.
    exit_codes = {mutant: code for mutant, (_, code) in found.items() if code is not None}
    untested = len(found) - len(exit_codes)
    if not exit_codes:
        sys.exit(f"no mutant of {name} has been tested (log: {work / 'mutmut.log'})")
    killed = sum(1 for code in exit_codes.values() if code in KILLED)
    survivors = sorted(mutant for mutant, code in exit_codes.items() if code not in KILLED)
    score = 100 * killed / len(found)
    summary = {
        "module": name,
        "mutants": len(found),
        "untested": untested,
        "killed": killed,
        "score": round(score, 1),
        "score_of_tested": round(100 * killed / len(exit_codes), 1),
        "minutes": round(minutes, 1),
        "survivors_only": again,
        "resumed": resume,
        "only": only or [],
        "survivors": {mutant: STATUS.get(exit_codes[mutant], f"exit {exit_codes[mutant]}") for mutant in survivors},
    }
    report = [
        f"# Mutation run: {name}",
        "",
        f"{len(found)} mutants, {killed} killed, score {score:.1f}%, {minutes:.1f} minutes"
        + (f"; {untested} not tested (score of the tested {summary['score_of_tested']}%)" if untested else "")
        + (" (the last run's survivors tested again)" if again else "")
        + (f" (tested again: {' '.join(only)})" if only else "")
        + (" (recorded verdicts only, no run)" if report_only else "")
        + (" (a stopped run resumed: these minutes are the resumed part's)" if resume else ""),
        "",
    ]
    shown = diffs(work, env, {mutant: found[mutant][0] for mutant in survivors})
    for mutant in survivors:
        report += [f"## {mutant} ({summary['survivors'][mutant]})", "", "```diff", shown[mutant], "```", ""]
    (work / "report.md").write_text("\n".join(report))
    (work / "summary.json").write_text(json.dumps(summary, indent=2))
    print(
        f"{name}: {summary['mutants']} mutants, {untested} not tested, {killed} killed, {summary['score']}%, "
        f"{summary['minutes']} min, {len(survivors)} survivors (var/mutation/{name}/report.md)",
        flush=True,
    )
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"default: all ({', '.join(module_names())})")
    parser.add_argument("--children", type=int, default=2, help="mutants tested at once (default 2)")
    parser.add_argument("--again", action="store_true", help="test only the last run's survivors again")
    parser.add_argument("--resume", action="store_true", help="go on with a stopped run's untested mutants")
    parser.add_argument("--report", action="store_true", help="only report the verdicts recorded so far")
    parser.add_argument(
        "--only",
        action="append",
        metavar="MUTANT",
        help="test this mutant again (mutmut's name, * allowed; repeatable), e.g. 'agreements.ewp.iia_hash.*'",
    )
    arguments = parser.parse_args()
    summaries = [
        run(name, arguments.children, arguments.again, arguments.resume, arguments.report, arguments.only)
        for name in arguments.modules or module_names()
    ]
    below = [summary["module"] for summary in summaries if summary["score"] < 90]
    if below:
        print(f"Below 90%: {', '.join(below)}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
