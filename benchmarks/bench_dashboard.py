"""Dashboard benchmark: how long a learner waits for a usable catalogue, and what a session costs.

Run it from the project root (needs Debian's chromium, like the browser tests)::

    .venv/bin/python benchmarks/bench_dashboard.py           # full run; rewrites dashboard.md
    .venv/bin/python benchmarks/bench_dashboard.py --quick   # fewer page opens; prints only

In one run, side by side, it starts a real ``appraise serve`` on the demo workbook (preheated
kernels, as learners get it) and a bare Voila notebook holding one button, served with exactly
the same Voila options; then, in headless Chromium:

1. page opens, one at a time, each after the kernel pool has refilled: time to an interactive
   catalogue for a returning learner (remembered sign-in), to the sign-in form on a first
   visit, and to the bare button; then the first round trip (a search; a click);
2. a burst: several learners open the page at the same moment (more than the pool holds);
3. memory: resident and proportional set size of every kernel of each server;
4. 2,000 resources and 10,000 reviews: building the catalogue's table and answering a query in
   process, and a page open through the browser.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import nbformat
from playwright.sync_api import Browser, Page, sync_playwright

from reviews.io.demo import create_demo
from reviews.io.importer import import_resources, import_reviews
from reviews.serving.voila import DEFAULT_POOL, voila_command
from reviews.workbook import Workbook
from widgets.catalogue import Catalogue
from widgets.listing import Listing
from widgets.sign_in import cookie_name, remember_token

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "benchmarks" / "dashboard.md"
TARGET_S = 3.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]
QUIET_S = 0.5  # a kernel using at most QUIET_TICKS clock ticks in this long is idle
QUIET_TICKS = 2
BARE_SOURCE = """import ipywidgets as W

button = W.Button(description="Click me")
button.add_class("bench-button")
button.on_click(lambda b: setattr(b, "description", "Clicked"))
button"""


# -- servers -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    url: str
    proc: subprocess.Popen[str]
    log: list[str] = field(default_factory=list)
    lines: queue.Queue[str] = field(default_factory=queue.Queue)

    def wait_for(self, done: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
        """Read server output until ``done()``; fail loudly with the log if it never is."""
        deadline = time.monotonic() + timeout
        while not done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                sys.exit(f"{self.name}: {what} did not happen:\n" + "".join(self.log[-40:]))
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line == "":
                sys.exit(f"{self.name} exited:\n" + "".join(self.log[-40:]))
            self.log.append(line)

    def wait_until_warm(self, kernels: int, timeout: float = 180.0) -> None:
        """Until ``kernels`` kernels run and none of them is busy. Voila logs a full pool when
        its kernels have *started*, not when they have run the notebook up to
        ``wait_for_request``; a preheated kernel is warm when it stops using CPU."""
        deadline = time.monotonic() + timeout
        last = -1
        while time.monotonic() < deadline:
            pids = self.kernels()
            ticks = cpu_ticks(pids)
            if len(pids) >= kernels and 0 <= ticks - last <= QUIET_TICKS:
                return
            last = ticks
            time.sleep(QUIET_S)  # CPU counters are sampled over an interval: nothing to await
        sys.exit(f"{self.name}: {kernels} kernels never became idle")

    def kernels(self) -> list[int]:
        """Process ids of this server's kernels (its child processes running ipykernel)."""
        out = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                cmd = (stat.parent / "cmdline").read_bytes()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid and b"ipykernel_launcher" in cmd:
                out.append(int(stat.parent.name))
        return out


@contextmanager
def serving(name: str, command: list[str], env: dict[str, str], port: int) -> Iterator[Server]:
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
    )
    server = Server(name, f"http://127.0.0.1:{port}/", proc)

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            server.lines.put(line)
        server.lines.put("")

    threading.Thread(target=pump, daemon=True).start()
    try:
        server.wait_for(lambda: any("running at" in line for line in server.log), "start")
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def appraise_server(workbook: Path, pool: int = DEFAULT_POOL) -> tuple[list[str], dict, int]:
    port = free_port()
    appraise = Path(sys.executable).with_name("appraise")
    command = [str(appraise), "serve", "--workbook", str(workbook), "--port", str(port)]
    env = {k: v for k, v in os.environ.items() if k != "APPRAISE_WORKBOOK"}
    env["APPRAISE_KERNEL_POOL"] = str(pool)
    return command, env, port


def bare_server(folder: Path, pool: int = DEFAULT_POOL) -> tuple[list[str], dict, int]:
    """A one-button notebook under exactly the Voila options `appraise serve` uses."""
    notebook = folder / "bare.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(BARE_SOURCE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, notebook)
    port = free_port()
    command = voila_command("127.0.0.1", port, 900, pool)
    command[1:4] = ["-m", "voila", str(notebook)]  # [python, -m, server, <folder>, options...]
    command = [c.replace('"learner.ipynb"', '"bare.ipynb"') for c in command]
    return command, dict(os.environ), port


def cpu_ticks(pids: list[int]) -> int:
    """User + system clock ticks used so far by these processes."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total


# -- page opens ----------------------------------------------------------------------------------


@dataclass
class Open:
    visible: float  # navigation start -> the thing is on screen
    round_trip: float | None = None  # first action -> the kernel's answer on screen


def open_catalogue(browser: Browser, server: Server, cookie: str | None) -> Open:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    if cookie:
        name, value = cookie.split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": server.url}])
    page = context.new_page()
    page.set_default_timeout(120_000)
    start = time.perf_counter()
    page.goto(server.url, wait_until="commit")
    if cookie is None:
        page.wait_for_selector(".appraise-sign-in")
        result = Open(time.perf_counter() - start)
    else:
        page.wait_for_selector(".appraise-open")
        result = Open(time.perf_counter() - start, search_round_trip(page))
    context.close()
    return result


def search_round_trip(page: Page) -> float:
    before = page.inner_text(".appraise-count")
    start = time.perf_counter()
    search = page.get_by_label("Search")
    search.fill("ecg")
    search.press("Enter")
    page.wait_for_function(
        "b => document.querySelector('.appraise-count').innerText !== b", arg=before
    )
    return time.perf_counter() - start


def open_bare(browser: Browser, server: Server) -> Open:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(120_000)
    start = time.perf_counter()
    page.goto(server.url, wait_until="commit")
    page.wait_for_selector(".bench-button")
    visible = time.perf_counter() - start
    start = time.perf_counter()
    page.click(".bench-button")
    page.wait_for_selector(".bench-button:has-text('Clicked')")
    result = Open(visible, time.perf_counter() - start)
    context.close()
    return result


def burst(browser: Browser, server: Server, cookie: str, learners: int) -> list[float]:
    """``learners`` pages requested at the same moment; each one's time to its catalogue."""
    contexts, pages = [], []
    for _ in range(learners):
        context = browser.new_context(viewport={"width": 390, "height": 844})
        name, value = cookie.split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": server.url}])
        contexts.append(context)
        pages.append(context.new_page())
    start = time.perf_counter()
    for page in pages:
        page.goto(server.url, wait_until="commit")
    times = []
    for page in pages:
        page.wait_for_selector(".appraise-open", timeout=180_000)
        times.append(time.perf_counter() - start)
    for context in contexts:
        context.close()
    return times


# -- memory --------------------------------------------------------------------------------------


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB: PSS shares common pages fairly between kernels."""
    rss = pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


IMPORT_STEPS = """
import json, os, sys
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
steps = [("python", rss())]
import ipywidgets
steps.append(("+ ipywidgets", rss()))
from widgets.app import LearnerApp
from widgets.listing import Query
steps.append(("+ widgets.app (reviews, pydantic, tinydb)", rss()))
app = LearnerApp.from_environment()
steps.append(("+ open the workbook, first summary (pandas, numpy)", rss()))
app.enter("bench-learner", remember=False)
steps.append(("+ sign in: the catalogue's widgets built", rss()))
app.open(app.listing.page(Query()).rows[0]["id"])
steps.append(("+ a resource's page with its forms built", rss()))
print(json.dumps(steps))
"""


def import_memory(workbook: Path) -> list[tuple[str, float]]:
    """RSS after each step of building the app, in a plain Python process (no kernel)."""
    env = dict(os.environ, APPRAISE_WORKBOOK=str(workbook))
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_STEPS], capture_output=True, text=True, env=env, check=True
    )
    return [(label, mb) for label, mb in json.loads(done.stdout.strip().splitlines()[-1])]


# -- a large workbook ----------------------------------------------------------------------------


def large_workbook(path: Path, resources: int, learners: int, per_learner: int) -> Workbook:
    wb = Workbook.create(path, title="Large block", tutors=["tutor"])
    csv = path / "resources.csv"
    rows = [
        f"https://example.org/topic-{i % 40}/page-{i},Handout {i} on topic {i % 40},"
        f"{('article', 'video', 'blog', 'podcast')[i % 4]},topic {i % 40}"
        for i in range(resources)
    ]
    csv.write_text("url,title,kind,topics\n" + "\n".join(rows) + "\n")
    import_resources(wb, csv, added_by="tutor")
    reviews = path / "reviews.csv"
    lines = [
        f"https://example.org/topic-{r % 40}/page-{r},learner-{j:04d},{1 + (j + r) % 5}"
        for j in range(learners)
        for r in ((j * 37 + k * 11) % resources for k in range(per_learner))
    ]
    reviews.write_text("resource,reviewer,overall\n" + "\n".join(lines) + "\n")
    import_reviews(wb, reviews, rubric="stars", actor="tutor")
    return Workbook.open(path)


def timed(fn: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- the report ----------------------------------------------------------------------------------


def stats(values: list[float]) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    return (
        f"{statistics.median(ordered):.2f} | {ordered[0]:.2f} | {ordered[-1]:.2f} | {len(ordered)}"
    )


def machine() -> list[tuple[str, str]]:
    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    versions = ", ".join(
        f"{p} {metadata.version(p)}" for p in ("voila", "ipywidgets", "ipykernel", "pandas")
    )
    chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout
    return [
        ("date", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("cpu", f"{cpu}, {os.cpu_count()} logical CPUs"),
        ("os", platform.platform()),
        ("python", platform.python_version()),
        ("libraries", versions),
        ("browser", chromium.strip() or "chromium"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 opens each; print only")
    parser.add_argument("--runs", type=int, default=10, help="page opens per kind (default 10)")
    parser.add_argument("--burst", type=int, default=6, help="learners in the burst (default 6)")
    parser.add_argument("--out", type=Path, default=REPORT, help="where to write the report")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    load_before = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    started = time.monotonic()
    out: dict[str, object] = {}

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        folder = Path(tmp)
        demo = create_demo(folder / "demo")
        cookie = f"{cookie_name(demo)}={remember_token(demo, 'bench-learner')}"
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        with (
            serving("appraise serve", *appraise_server(demo.path)) as app,
            serving("bare voila", *bare_server(folder)) as bare,
        ):
            returning, first, button = [], [], []
            opened = {app.name: 0, bare.name: 0}
            for _ in range(runs):  # interleaved, each open on a warm, full pool
                for server, measure, into in (
                    (app, lambda: open_catalogue(browser, app, cookie), returning),
                    (app, lambda: open_catalogue(browser, app, None), first),
                    (bare, lambda: open_bare(browser, bare), button),
                ):
                    server.wait_until_warm(DEFAULT_POOL + opened[server.name])
                    into.append(measure())
                    opened[server.name] += 1
            out["returning"], out["first"], out["button"] = returning, first, button
            app.wait_until_warm(DEFAULT_POOL + opened[app.name])
            out["burst"] = burst(browser, app, cookie, args.burst)
            out["app_memory"] = [memory_mb(pid) for pid in app.kernels()]
            out["bare_memory"] = [memory_mb(pid) for pid in bare.kernels()]
        out["steps"] = import_memory(demo.path)

        large = large_workbook(folder / "large", resources=2_000, learners=250, per_learner=40)
        listing: list[Listing] = []
        out["large_build"] = timed(lambda: listing.append(Listing(large, "learner-0001")), 3)
        catalogue = Catalogue(listing[-1], lambda _: None, lambda: None)

        def search() -> None:
            catalogue.search.value = "topic 7" if catalogue.search.value != "topic 7" else "page"

        out["large_query"] = timed(search, 9)
        out["large_page"] = timed(lambda: catalogue.go(catalogue.page + 1), 9)
        big_cookie = f"{cookie_name(large)}={remember_token(large, 'learner-0001')}"
        large_opens = []
        with serving("appraise serve (2,000)", *appraise_server(large.path)) as big:
            for i in range(2):
                big.wait_until_warm(DEFAULT_POOL + i)
                large_opens.append(open_catalogue(browser, big, big_cookie))
        out["large_open"] = large_opens
        browser.close()

    report = render(out, runs, args.burst, load_before, time.monotonic() - started)
    print(report)
    if not args.quick:
        args.out.write_text(report)
        print(f"wrote {args.out.relative_to(ROOT)}")


def render(out: dict, runs: int, n_burst: int, load_before: str, seconds: float) -> str:
    returning: list[Open] = out["returning"]
    first: list[Open] = out["first"]
    button: list[Open] = out["button"]
    large_open: list[Open] = out["large_open"]
    load_after = " / ".join(f"{v:.1f}" for v in os.getloadavg())
    median_open = statistics.median(o.visible for o in returning)
    verdict = "meets" if median_open <= TARGET_S else "misses"
    rows = [f"| {k} | {v} |" for k, v in machine()]
    rows.append(f"| load average | {load_before} before, {load_after} after |")
    rows.append(f"| run time | {seconds / 60:.1f} min, {runs} page opens of each kind |")
    app_mem, bare_mem = out["app_memory"], out["bare_memory"]

    steps = "\n".join(
        f"| {label} | {mb:.0f} | {mb - prev:+.0f} |"
        for (label, mb), prev in zip(
            out["steps"], [out["steps"][0][1]] + [mb for _, mb in out["steps"]], strict=False
        )
    )

    def mem(values: list[tuple[float, float]]) -> str:
        rss = [v[0] for v in values]
        pss = [v[1] for v in values]
        return (
            f"{statistics.median(rss):.0f} | {max(rss):.0f} | {statistics.median(pss):.0f} | "
            f"{len(values)}"
        )

    return f"""# Dashboard benchmark

Generated by `benchmarks/bench_dashboard.py`: do not edit by hand, run it again
(`.venv/bin/python benchmarks/bench_dashboard.py`, or `--quick` to print a shorter run).

## Machine

| | |
|---|---|
{chr(10).join(rows)}

## Page open to a usable catalogue

Headless Chromium on the same machine as the servers (no network latency), one page open at a
time, each after the kernel pool had refilled and its kernels had gone idle. The machine is
shared: the load average above says how busy it was with other work (above 2 means the two
cores were oversubscribed), which makes the slowest opens slower than on a quiet machine. Both
servers run in the same run with the same Voila options (`reviews.serving.voila.voila_command`:
preheated pool of {DEFAULT_POOL}, culling, `Cookie` forwarded); the bare notebook holds one
`ipywidgets.Button`. *Visible* is navigation start to the catalogue's first title button (or
the sign-in form, or the button) on screen, which needs the page, its JavaScript, the kernel's
connection and the widgets' state; *round trip* is the first action to its answer on screen: a
search typed and Enter pressed (the catalogue's count changes), or the button clicked (its
label changes).

| seconds | median | min | max | n |
|---|---|---|---|---|
| learner, returning (remembered): catalogue visible | {stats([o.visible for o in returning])} |
| learner, returning: first search answered | {stats([o.round_trip or 0 for o in returning])} |
| learner, first visit: sign-in form visible | {stats([o.visible for o in first])} |
| bare notebook: button visible | {stats([o.visible for o in button])} |
| bare notebook: first click answered | {stats([o.round_trip or 0 for o in button])} |

Target: the catalogue interactive within {TARGET_S:.0f} s. The median above **{verdict}** it
({median_open:.2f} s); the difference from the bare notebook is what the learner app itself
costs on top of Voila (its larger widget tree, the summary refreshed after the request).

### A burst: {n_burst} learners at the same moment

Time to each learner's catalogue when {n_burst} pages are requested together (the pool holds
{DEFAULT_POOL}: the others wait for a kernel being preheated or for a cold one):
{", ".join(f"{t:.1f}" for t in sorted(out["burst"]))} s. A kernel needs a few seconds of CPU to
start Python, import the dashboard and compute the summary; several at once on two cores
queue behind each other. This is the weak spot: raise the pool before a lecture
(`APPRAISE_KERNEL_POOL`, see docs/deployment.md) if a class opens the link all at once, and
give the server more cores for a large class.

## Memory per learner session

Every kernel of each server at the end of the page opens (used ones and the preheated pool);
RSS counts shared library pages in full, PSS shares them between processes.

| MB | RSS median | RSS max | PSS median | kernels |
|---|---|---|---|---|
| learner dashboard | {mem(app_mem)} |
| bare notebook | {mem(bare_mem)} |

Where a learner kernel's memory goes, step by step in a plain Python process (no kernel, so
the numbers are lower than a kernel's; the differences are what each step adds):

| step | RSS MB | added |
|---|---|---|
{steps}

Closed tabs' kernels stay until culled (`--cull-idle-timeout`, 900 s by default): plan memory
for the learners of the last quarter of an hour, not only those on the page now.

## 2,000 resources, 10,000 reviews

In process (no browser): building the catalogue's table (`Listing`: the workbook's summary
plus each learner's columns) takes **{out["large_build"]:.2f} s** (median of 3); answering a
search and drawing its first page **{out["large_query"] * 1000:.0f} ms**; turning a page
**{out["large_page"] * 1000:.0f} ms** (medians of 9). Through `appraise serve` and the browser,
a returning learner's catalogue was visible after
{", ".join(f"{o.visible:.2f}" for o in large_open)} s and the first search answered after
{", ".join(f"{(o.round_trip or 0):.2f}" for o in large_open)} s.
"""


if __name__ == "__main__":
    main()
