"""Classroom benchmark: a class opening the link at once, against one small server.

Run it from the project root (needs Debian's chromium, like the browser tests)::

    .venv/bin/python benchmarks/bench_classroom.py                 # bursts of 10, 30, 60
    .venv/bin/python benchmarks/bench_classroom.py --sizes 10 30   # fewer; --quick prints only

For each burst size N, in the same run and one after the other:

1. ``appraise serve --expect N`` on the demo workbook; once its pool is warm, N first-visit
   learners open the page at the same moment, in real Chromium at a phone's viewport, spread
   over browser processes of at most 5 pages each (so no single browser's per-host connection
   limit serialises them). Each page records, with ``performance.now()`` (time since its own
   navigation started), when the sign-in form appeared; every learner then signs in and the
   page records when the catalogue appeared (open-to-catalogue, sign-in included).
2. The same burst against a bare Voila (stock options, ``--VoilaConfiguration.preheat_kernel``
   with a pool of N) serving a one-button notebook: when the button appeared.

During each burst the CPU time of the server's process tree (Voila, kernels, summariser) and of
the browsers' processes is read from psutil, so readers can tell what a real classroom (with
the browsers on the learners' phones) would leave to the server. It also measures the learner
kernels' memory (demo workbook, and a 100,000-resource catalogue) and how long a resource with
1,000 corrections and 1,000 comments takes to show its first corrections.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import nbformat
import psutil
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dashboard import (
    BARE_SOURCE,
    Server,
    free_port,
    machine,
    memory_mb,
    serving,
)

from reviews.domain.model import Comment, Correction, new_id
from reviews.io.demo import create_demo
from reviews.io.importer import import_resources
from reviews.workbook import Workbook
from widgets.sign_in import cookie_name, remember_token

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "benchmarks" / "classroom.md"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PAGES_PER_BROWSER = 5
DEADLINE_MS = 300_000
# Records, in the page itself, when the sign-in form, the catalogue and the bare button appear.
MARKS = """
(() => {
  const marks = window.__marks = {};
  const seen = {signin: '.appraise-sign-in-form', catalogue: '.appraise-open',
                button: '.bench-button', corrections: '.appraise-corrections .appraise-correction'};
  const look = () => {
    for (const [k, sel] of Object.entries(seen)) {
      if (!(k in marks) && document.querySelector(sel)) { marks[k] = performance.now(); }
    }
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true});
})();
"""


def appraise_command(workbook: Path, expect: int) -> tuple[list[str], dict[str, str], int]:
    port = free_port()
    appraise = Path(sys.executable).with_name("appraise")
    command = [str(appraise), "serve", "--workbook", str(workbook), "--port", str(port),
               "--expect", str(expect)]  # fmt: skip
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("APPRAISE_WORKBOOK", "APPRAISE_KERNEL_POOL")
    }
    return command, env, port


def bare_command(folder: Path, pool: int) -> tuple[list[str], dict[str, str], int]:
    """A one-button notebook under a stock preheated Voila (a pool of ``pool``)."""
    notebook = folder / "bare.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(BARE_SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, notebook)
    port = free_port()
    command = [
        sys.executable, "-m", "voila", str(notebook), "--Voila.ip=127.0.0.1", f"--port={port}",
        "--no-browser", "--theme=light", "--VoilaConfiguration.preheat_kernel=True",
        f"--VoilaConfiguration.default_pool_size={pool}",
    ]  # fmt: skip
    return command, dict(os.environ), port


def wait_warm(server: Server, kernels: int, timeout: float = 600.0) -> None:
    """Until ``kernels`` kernels run and they have stopped using CPU (preheated and waiting)."""
    deadline = time.monotonic() + timeout
    last = -1.0
    while time.monotonic() < deadline:
        pids = server.kernels()
        used = cpu_seconds(pids)
        if len(pids) >= kernels and 0 <= used - last <= 0.05 * len(pids):
            return
        last = used
        time.sleep(1.0)  # CPU counters are sampled over an interval
    sys.exit(f"{server.name}: {kernels} kernels never became idle")


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


def tree(pid: int) -> list[int]:
    try:
        proc = psutil.Process(pid)
        return [pid, *(c.pid for c in proc.children(recursive=True))]
    except psutil.Error:
        return []


def browsers_pids() -> list[int]:
    me = psutil.Process()
    out = []
    for child in me.children(recursive=True):
        try:
            if "chrom" in child.name().lower():
                out.append(child.pid)
        except psutil.Error:
            continue
    return out


def launch(p: Playwright, n: int) -> list[Browser]:
    return [
        p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(-(-n // PAGES_PER_BROWSER))
    ]


def pages_for(
    browsers: list[Browser], n: int, cookie: tuple[str, str, str] | None = None
) -> list[Page]:
    pages = []
    for i in range(n):
        context = browsers[i // PAGES_PER_BROWSER].new_context(
            viewport={"width": 390, "height": 844}
        )
        if cookie:
            context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": cookie[2]}])
        context.add_init_script(MARKS)
        context.set_default_timeout(DEADLINE_MS)
        pages.append(context.new_page())
    return pages


def mark(page: Page, name: str) -> float | None:
    try:
        value = page.evaluate(f"window.__marks && window.__marks[{name!r}]")
    except Exception:
        return None
    return None if value is None else float(value) / 1000


def wait_mark(page: Page, name: str, deadline: float) -> float | None:
    while time.monotonic() < deadline:
        got = mark(page, name)
        if got is not None:
            return got
        page.wait_for_timeout(200)  # the page's own clock recorded it; we only collect it
    return None


def burst_appraise(p: Playwright, server: Server, n: int, join_code: str) -> dict[str, Any]:
    browsers = launch(p, n)
    pages = pages_for(browsers, n)
    server_pids = tree(server.proc.pid)
    cpu0 = (cpu_seconds(server_pids), cpu_seconds(browsers_pids()))
    start = time.monotonic()
    for page in pages:
        page.goto(server.url, wait_until="commit")
    deadline = start + DEADLINE_MS / 1000
    signin = [wait_mark(page, "signin", deadline) for page in pages]
    for i, page in enumerate(pages):
        if signin[i] is None:
            continue
        page.get_by_label("Your name").fill(f"learner-{n}-{i}")
        page.get_by_label("Join code").fill(join_code)
        page.get_by_label("Remember me on this device").uncheck()
        page.get_by_role("button", name="Sign in").click()
    catalogue = [wait_mark(page, "catalogue", deadline) for page in pages]
    wall = time.monotonic() - start
    server_pids = tree(server.proc.pid)
    cpu1 = (cpu_seconds(server_pids), cpu_seconds(browsers_pids()))
    rss = [memory_mb(pid)[0] for pid in server.kernels()]
    for b in browsers:
        b.close()
    return {
        "signin": signin, "catalogue": catalogue, "wall": wall,
        "cpu_server": cpu1[0] - cpu0[0], "cpu_browsers": cpu1[1] - cpu0[1], "rss": rss,
    }  # fmt: skip


def burst_bare(p: Playwright, server: Server, n: int) -> dict[str, Any]:
    browsers = launch(p, n)
    pages = pages_for(browsers, n)
    start = time.monotonic()
    for page in pages:
        page.goto(server.url, wait_until="commit")
    deadline = start + DEADLINE_MS / 1000
    button = [wait_mark(page, "button", deadline) for page in pages]
    rss = [memory_mb(pid)[0] for pid in server.kernels()]
    for b in browsers:
        b.close()
    return {"button": button, "rss": rss}


def crowded(wb: Workbook, resource_id: str, n: int, authors: int = 50) -> None:
    for a in range(authors):
        author = f"crowd-{a:02d}"
        mine = range(a, n, authors)
        corrections = [
            Correction(id=new_id("cor"), resource_id=resource_id, author=author, claim=f"Claim {i}",
                       correction="Right", evidence="https://doi.org/1").model_dump(mode="json")
            for i in mine
        ]  # fmt: skip
        comments = [
            Comment(id=new_id("com"), target_id=resource_id, author=author, text=f"Comment {i}")
            .model_dump(mode="json")
            for i in mine
        ]  # fmt: skip
        with wb.store.transaction(author) as shard:
            shard.put_many("corrections", corrections)
            shard.put_many("comments", comments)
    wb.register([f"crowd-{a:02d}" for a in range(authors)])


def crowded_open(p: Playwright, wb: Workbook, resource_id: str, runs: int) -> list[float | None]:
    out = []
    with serving("appraise serve (crowded)", *appraise_command(wb.path, 2)) as server:
        cookie = (cookie_name(wb), remember_token(wb, "bench-learner"), server.url)
        for i in range(runs):
            wait_warm(server, 2 + i)
            browsers = launch(p, 1)
            page = pages_for(browsers, 1, cookie)[0]
            page.goto(f"{server.url}?resource={resource_id}", wait_until="commit")
            out.append(wait_mark(page, "corrections", time.monotonic() + 120))
            browsers[0].close()
    return out


def large_kernel(p: Playwright, folder: Path, resources: int) -> dict[str, Any]:
    wb = Workbook.create(folder / "large", title="Large block", tutors=["tutor"])
    csv = folder / "large.csv"
    rows = [
        f"https://example.org/t{i % 40}/p{i},Handout {i} on topic {i % 40},"
        f"{('article', 'video', 'blog', 'podcast')[i % 4]},topic {i % 40}"
        for i in range(resources)
    ]
    csv.write_text("url,title,kind,topics\n" + "\n".join(rows) + "\n")
    started = time.monotonic()
    import_resources(wb, csv, added_by="tutor")
    imported = time.monotonic() - started
    wb = Workbook.open(wb.path)
    with serving("appraise serve (large)", *appraise_command(wb.path, 2)) as server:
        wait_warm(server, 2)
        cookie = (cookie_name(wb), remember_token(wb, "bench-learner"), server.url)
        browsers = launch(p, 1)
        page = pages_for(browsers, 1, cookie)[0]
        page.goto(server.url, wait_until="commit")
        shown = wait_mark(page, "catalogue", time.monotonic() + 300)
        rss = [memory_mb(pid)[0] for pid in server.kernels()]
        browsers[0].close()
    snapshot = (wb.path / ".cache" / "catalogue.sqlite").stat().st_size / 1e6
    return {"resources": resources, "catalogue": shown, "rss": rss, "import_s": imported,
            "snapshot_mb": snapshot}  # fmt: skip


# -- the report ----------------------------------------------------------------------------


def pct(values: list[float | None], q: float) -> str:
    got = sorted(v for v in values if v is not None)
    if not got:
        return "none"
    return f"{got[min(len(got) - 1, round(q * (len(got) - 1)))]:.1f}"


def missing(values: list[float | None]) -> str:
    lost = sum(v is None for v in values)
    return f", {lost} never" if lost else ""


def render(out: dict[str, Any], load: tuple[str, str], seconds: float) -> str:
    lines = [
        "# Classroom benchmark",
        "",
        "A class opening the learner dashboard at once. Written by `benchmarks/bench_classroom.py`"
        " (see its docstring for the method); numbers from one run on a shared machine.",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine()),
        f"| load average (1/5/15 min) before / after | {load[0]} / {load[1]} |",
        f"| run time | {seconds / 60:.1f} min |",
        "",
        "## Bursts: first-visit learners opening the page at the same moment",
        "",
        "Seconds from each page's navigation start (its own `performance.now()`); p50 / p95. "
        "Sign-in is typed by the script as soon as the form appears, so open-to-catalogue is "
        "server time plus a few milliseconds of typing.",
        "",
        "| learners | sign-in form, appraise `--expect N` | bare Voila button (pool N) | ratio p95 "
        "| open to catalogue, incl. sign-in | CPU s: server / browsers | kernel RSS median, MB "
        "(appraise / bare) |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, b in sorted(out["bursts"].items()):
        app, bare = b["appraise"], b["bare"]
        try:
            ratio = f"{float(pct(app['signin'], 0.95)) / float(pct(bare['button'], 0.95)):.2f}x"
        except ValueError:
            ratio = "–"
        signin, button = app["signin"], bare["button"]
        lines.append(
            f"| {n} | {pct(signin, 0.5)} / {pct(signin, 0.95)}{missing(signin)}"
            f" | {pct(button, 0.5)} / {pct(button, 0.95)}{missing(button)}"
            f" | {ratio} | {pct(app['catalogue'], 0.5)} / {pct(app['catalogue'], 0.95)}"
            f"{missing(app['catalogue'])} | {app['cpu_server']:.0f} / {app['cpu_browsers']:.0f} | "
            f"{statistics.median(app['rss']):.0f} / {statistics.median(bare['rss']):.0f} |"
        )
    crowd = out.get("crowded", [])
    large = out.get("large")
    lines += ["", "## A crowded resource and a large catalogue", ""]
    if crowd:
        lines.append(
            "- A resource with 1,000 corrections and 1,000 comments, opened by a remembered "
            "learner: first corrections on screen after "
            f"{', '.join(pct([c], 0.5) for c in crowd)} s "
            "(each open on a warm pool)."
        )
    if large:
        lines.append(
            f"- A {large['resources']:,}-resource catalogue: learner kernel RSS "
            f"{statistics.median(large['rss']):.0f} MB median ({len(large['rss'])} kernels); a "
            f"remembered learner's catalogue on screen after {pct([large['catalogue']], 0.5)} s; "
            f"the snapshot file is {large['snapshot_mb']:.0f} MB."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 30, 60])
    parser.add_argument("--large", type=int, default=100_000, help="resources (0: skip)")
    parser.add_argument("--quick", action="store_true", help="print the report only")
    args = parser.parse_args()
    before = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    started = time.monotonic()
    out: dict[str, Any] = {"bursts": {}}
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        folder = Path(tmp)
        demo = create_demo(folder / "demo")
        for n in args.sizes:
            result: dict[str, Any] = {}
            with ExitStack() as stack:
                app = stack.enter_context(serving(f"appraise {n}", *appraise_command(demo.path, n)))
                wait_warm(app, n)
                result["appraise"] = burst_appraise(p, app, n, demo.config.join_code)
            with ExitStack() as stack:
                bare = stack.enter_context(serving(f"bare {n}", *bare_command(folder, n)))
                wait_warm(bare, n)
                result["bare"] = burst_bare(p, bare, n)
            out["bursts"][n] = result
            print(n, render(out, (before, "…"), 0).splitlines()[-1], flush=True)
        target = demo.resources()[0].id
        crowded(demo, target, 1_000)
        out["crowded"] = crowded_open(p, demo, target, 3)
        if args.large:
            out["large"] = large_kernel(p, folder, args.large)
    after = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    report = render(out, (before, after), time.monotonic() - started)
    print(report)
    if not args.quick:
        REPORT.write_text(report)
        print(f"wrote {REPORT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
