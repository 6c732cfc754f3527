"""The pytest plugin: markers, machine fixtures, failure reports, scores.

Loaded with `-p grader.plugin` (the runner in __main__.py does that). It

  * prepares the run on the controller (build under a lock, snapshot
    images; see context.py) before pytest-xdist starts its workers;
  * reads each test's points, title, hidden and passes_on_stub marks into
    the test's user_properties, which travel with every report, so the
    controller can score tests run by any worker;
  * gives tests the `boot` factory and the `machine` fixture;
  * rewrites every failure into one screen: what was expected, what was
    seen, the tail of the serial log, the log and pcap paths, and the one
    command that reproduces the run;
  * collects results for the score line and results.json, and scores
    them: a test skipped with platform_skip() leaves the total, any other
    skip scores 0 of its points (see "Scoring" in README.md).
"""

import json
import os
import re
import secrets
import time

import pytest

from . import context
from . import platform as plat
from .machine import GradeFailure, Machine

# nodeid -> result dict; filled on the controller, read by the runner.
RESULTS = {}
SESSION = {"start": None, "end": None}


def nonce(nbytes=8):
    """A fresh random hex string for a test to send and look for."""
    return secrets.token_hex(nbytes)


class PlatformSkip(pytest.skip.Exception):
    """pytest's skip, raised by platform_skip(): the plugin tells it from
    any other skip by its type, so that only this one leaves the total."""


def platform_skip(reason):
    """Skip this test because the platform it runs on cannot judge it
    (under BitVisor QEMU's gdbstub sees the hypervisor's CPU). Its points
    leave the total instead of being lost; reason is shown beside the
    score and in results.json. Every other skip scores 0 of the points."""
    raise PlatformSkip(msg=reason)


# ---------------------------------------------------------------- setup

def pytest_addoption(parser):
    parser.addoption("--bvlab-only", default=None, metavar="NAMES",
                     help="run only tests whose function name or title "
                     "contains one of these comma-separated words")

def pytest_configure(config):
    config.addinivalue_line("markers", "points(n, title=None): the test's "
                            "worth and its name in the grade report")
    config.addinivalue_line("markers", "passes_on_stub: the test passes "
                            "on the lab's stub tree too (< 10% of points)")
    config.addinivalue_line("markers", "hidden: report as hidden in "
                            "results.json (automatic for GRADER_EXTRA tests)")
    if not hasattr(config, "workerinput"):
        SESSION["controller"] = True
        context.prepare(log=lambda s: print(s, flush=True))


def _is_hidden(item):
    if item.get_closest_marker("hidden"):
        return True
    extra = os.environ.get("GRADER_EXTRA")
    if extra:
        extra = os.path.abspath(extra) + os.sep
        return str(item.path).startswith(extra)
    return False


def _select(config, items):
    only = config.getoption("--bvlab-only")
    if not only:
        return
    words = [w.strip().lower() for w in only.split(",") if w.strip()]
    keep, drop = [], []
    for item in items:
        mark = item.get_closest_marker("points")
        title = str(mark.args[1]) if mark and len(mark.args) > 1 else ""
        text = (item.name + " " + title).lower()
        (keep if any(w in text for w in words) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_collection_modifyitems(session, config, items):
    _select(config, items)
    missing = []
    for item in items:
        mark = item.get_closest_marker("points")
        if mark is None:
            missing.append(item.nodeid)
            continue
        pts = mark.args[0] if mark.args else mark.kwargs.get("n", 0)
        title = (mark.args[1] if len(mark.args) > 1
                 else mark.kwargs.get("title")) or item.name
        item.user_properties += [
            ("points", pts), ("title", title),
            ("lab", context.lab_of_path(str(item.path))
             or int(os.environ.get("BVLAB_LAB", "0")) or None),
            ("where", f"{item.path}:{item.location[1]:06d}"),
            ("hidden", _is_hidden(item)),
            ("passes_on_stub", item.get_closest_marker("passes_on_stub")
             is not None),
        ]
    if missing:
        raise pytest.UsageError("grader: tests without @points(n, title): "
                                + ", ".join(missing))


# ---------------------------------------------------------------- fixtures

def _test_dir_name(item):
    props = dict(item.user_properties)
    base = os.path.basename(os.path.dirname(str(item.path)))
    name = f"{'hidden.' if props.get('hidden') else ''}{base}.{item.name}"
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", name)[:120]


@pytest.fixture
def test_dir(request):
    """This test's directory under build/grade/<run-id>/."""
    _, run_dir, _, _ = context.current()
    d = os.path.join(run_dir, _test_dir_name(request.node))
    os.makedirs(d, exist_ok=True)
    return d


@pytest.fixture
def tree():
    """The root of the tree under test."""
    return context.current()[0]


@pytest.fixture
def image():
    """The run's snapshot of the built images (plat.Image)."""
    return plat.Image(context.current()[2])


@pytest.fixture
def boot(request, test_dir):
    """boot(spec=None, wait=True, boot_timeout=120, **BootSpec fields):
    start a fresh machine for this test; by default wait for the shell's
    first prompt. Machines are stopped when the test ends."""
    root, _, image_dir, build_error = context.current()
    machines = []
    request.node._bvlab_machines = machines

    def start(spec=None, wait=True, boot_timeout=120, **kw):
        if build_error:
            raise GradeFailure("the tree does not build",
                               "`make all ide-image` to succeed", build_error)
        if spec is None:
            spec = plat.BootSpec(**kw)
        elif kw:
            raise TypeError("boot(): give a BootSpec or keywords, not both")
        name = "serial" if not machines else f"serial-{len(machines) + 1}"
        m = Machine(spec, test_dir, plat.Image(image_dir), name=name,
                    nodeid=request.node.nodeid, tree=root)
        machines.append(m)
        if wait:
            m.wait_boot(boot_timeout)
        return m

    yield start
    for m in machines:
        m.close()


@pytest.fixture
def machine(boot):
    """A machine booted with the default BootSpec, at its first prompt."""
    return boot()


# ---------------------------------------------------------------- reports

def _rel(path, root):
    try:
        rel = os.path.relpath(path, os.getcwd())
    except ValueError:
        return path
    return rel if not rel.startswith("../..") else path


def _failure_text(item, call, report):
    props = dict(item.user_properties)
    lab = props.get("lab")
    exc = call.excinfo.value if call.excinfo else None
    root = os.environ.get("BVLAB_TREE", os.getcwd())
    lines = [f"FAILED lab {lab}: {props.get('title', item.name)} "
             f"(0/{props.get('points', 0)} points)"]
    if isinstance(exc, GradeFailure):
        lines.append(f"  what:      {exc.what}")
        if exc.expected is not None:
            lines.append(f"  expected:  {exc.expected}")
        if exc.seen is not None:
            seen = str(exc.seen)
            if "\n" in seen:
                lines.append("  seen:")
                lines += ["    | " + s for s in seen.rstrip("\n").split("\n")[-25:]]
            else:
                lines.append(f"  seen:      {seen}")
    else:
        text = str(report.longrepr).rstrip().split("\n")
        lines.append("  check failed:")
        lines += ["    " + s for s in text[-25:]]
    machines = getattr(item, "_bvlab_machines", [])
    for m in machines:
        tag = "" if len(machines) == 1 else f" ({os.path.basename(m.serial_log)})"
        if os.path.exists(m.serial_log):
            lines.append(f"  last lines of the serial log{tag}:")
            lines += ["    | " + s for s in m.tail(20).split("\n")]
        dump = m.debug_dump()
        if dump:
            lines.append(f"  the guest's state when the test failed (^P: processes, NIC counters){tag}:")
            lines += ["    | " + s for s in dump.split("\n")[-20:]]
        lines.append(f"  serial log: {_rel(m.serial_log, root)}")
        pcaps = [_rel(p, root) for p in m.pcaps]
        lines.append(f"  pcap:       {', '.join(pcaps) if pcaps else 'none (no NIC in this test)'}")
        lines.append(f"  reproduce:  sh {_rel(m.repro, root)}")
    if not machines:
        lines.append("  serial log: none (no machine was started)")
    test_name = item.name.split("[")[0]
    lab_arg = f" LAB={lab}" if lab else ""
    if os.environ.get("GRADER_RERUN"):
        rerun = f"{os.environ['GRADER_RERUN']} TEST={test_name}"
    elif os.environ.get("BVLAB_PLATFORM") == "bitvisor":
        elf = os.environ.get("BITVISOR_ELF", "path/to/bitvisor.elf")
        rerun = f"make grade-bitvisor BITVISOR_ELF={elf}{lab_arg} TEST={test_name}"
    else:
        rerun = f"make grade{lab_arg} TEST={test_name}"
    lines.append(f"  rerun:      {rerun}")
    return "\n".join(lines)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and call.excinfo is not None:
        report.longrepr = _failure_text(item, call, report)
    elif report.skipped and call.excinfo is not None and \
            isinstance(call.excinfo.value, PlatformSkip):
        # The report (not the exception) is what reaches the controller
        # from an xdist worker, so the mark travels in its properties.
        report.user_properties.append(
            ("platform_skip", call.excinfo.value.msg or "no reason given"))


# ---------------------------------------------------------------- results

def pytest_sessionstart(session):
    SESSION["start"] = time.monotonic()


def pytest_runtest_logreport(report):
    props = dict(report.user_properties)
    if "points" not in props:
        return
    r = RESULTS.setdefault(report.nodeid, {
        "nodeid": report.nodeid, "name": props["title"],
        "points": props["points"], "lab": props.get("lab"),
        "hidden": props.get("hidden", False),
        "passes_on_stub": props.get("passes_on_stub", False),
        "passed": True, "output": "", "duration": 0.0,
        "order": (props.get("hidden", False), props.get("where", ""),
                  report.nodeid)})
    r["duration"] += report.duration
    if report.failed:
        r["passed"] = False
        r["failed"] = True
        r["output"] += str(report.longrepr) + "\n"
    elif report.skipped and "platform_skip" in props:
        # Not judged on this platform: out of the total (see tally()).
        r["passed"] = False
        r["platform_skip"] = props["platform_skip"]
        r["output"] += (f"not run on this platform, left out of the total "
                        f"({r['points']} points): {props['platform_skip']}\n")
    elif report.skipped:
        # Skipped for any other reason: the points stay in the total and
        # are lost, so a skip cannot make a score look full.
        r["passed"] = False
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) \
            else str(report.longrepr)
        reason = reason.removeprefix("Skipped: ")
        r["skipped"] = reason
        r["output"] += f"skipped: {reason}\n"
    if report.when == "teardown":
        write_progress()


def write_progress():
    """With GRADER_PROGRESS=FILE, the controller rewrites FILE (Gradescope's
    format) after every test, so a run stopped from outside (trusted
    grading's time limit) still tells which tests finished and how."""
    path = os.environ.get("GRADER_PROGRESS")
    if not path or not SESSION.get("controller"):
        return
    elapsed = time.monotonic() - (SESSION["start"] or time.monotonic())
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(gradescope(ordered_results(), elapsed,
                             os.environ.get("BVLAB_LAB", "?")), f, indent=2)
    os.replace(tmp, path)


def pytest_sessionfinish(session):
    SESSION["end"] = time.monotonic()


def ordered_results():
    return sorted(RESULTS.values(), key=lambda r: r["order"])


def left_out(r):
    """True for a test that platform_skip() took out of the total (unless
    it failed as well, e.g. in its teardown: then it counts and is lost)."""
    return bool(r.get("platform_skip")) and not r.get("failed")


def tally(results):
    """(score, total) of results: every test's points count in the total
    except those left_out(); a test earns its points only by passing."""
    score = sum(r["points"] for r in results if r["passed"])
    total = sum(r["points"] for r in results if not left_out(r))
    return score, total


def left_out_note(results):
    """One line naming the tests left out of the total, or None."""
    out = [r for r in results if left_out(r)]
    if not out:
        return None
    pts = sum(r["points"] for r in out)
    return (f"not run on platform {plat.platform_name()}, left out of the "
            f"total: {len(out)} test{'s' if len(out) > 1 else ''}, "
            f"{pts} points ("
            + "; ".join(f"lab {r['lab']}: {r['name']}" for r in out) + ")")


def _gradescope_test(r, number, hidden_vis):
    tags = [f"lab{r['lab']}"] + (["passes_on_stub"] if r["passes_on_stub"] else [])
    test = {
        "name": f"Lab {r['lab']}: {r['name']}",
        "number": number,
        "score": r["points"] if r["passed"] else 0,
        "max_score": r["points"],
        "status": "passed" if r["passed"] else "failed",
        "output": r["output"].strip() or ("passed" if r["passed"] else "failed"),
        "visibility": hidden_vis if r["hidden"] else "visible",
        "tags": tags,
    }
    if left_out(r):
        # Gradescope knows only passed and failed; a test worth 0 of 0
        # that did not fail is "passed", and its output and tag say why.
        test.update(max_score=0, status="passed")
        tags.append("platform_skip")
        test["extra_data"] = {"platform_skip": r["platform_skip"],
                              "points": r["points"]}
    elif r.get("skipped"):
        tags.append("skipped")
    return test


def gradescope(results, elapsed, lab):
    """Gradescope's results.json (autograder specification) for results
    in order; the top-level score is the sum of the tests' scores."""
    hidden_vis = os.environ.get("GRADER_HIDDEN_VISIBILITY", "after_published")
    tests = [_gradescope_test(r, f"{r['lab']}.{i}", hidden_vis)
             for i, r in enumerate(results, 1)]
    score, total = tally(results)
    note = left_out_note(results)
    return {
        "score": score,
        "execution_time": round(elapsed, 3),
        "output": f"Lab {lab}: {score}/{total} points" + (f"; {note}" if note else ""),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "extra_data": {
            "platform": plat.platform_name(),
            "left_out_of_total": [
                {"name": t["name"], "points": r["points"], "reason": r["platform_skip"]}
                for t, r in zip(tests, results) if left_out(r)],
        },
        "tests": tests,
    }


def pytest_terminal_summary(terminalreporter):
    if hasattr(terminalreporter.config, "workerinput") or not RESULTS:
        return
    tr = terminalreporter
    tr.section("bvlab grade")
    for r in ordered_results():
        if left_out(r):
            flag, pts = "n/a ", f"{'-':>3}/{r['points']}"
            why = f"not run on this platform, left out of the total: {r['platform_skip']}"
        else:
            flag = "ok  " if r["passed"] else "SKIP" if r.get("skipped") else "FAIL"
            pts = f"{r['points'] if r['passed'] else 0:>3}/{r['points']}"
            why = f"skipped, 0 points: {r['skipped']}" if r.get("skipped") else None
        tr.write_line(f"  {flag} lab {r['lab']}: {r['name']:<66} {pts}")
        if why:
            tr.write_line(f"         ({why})")
