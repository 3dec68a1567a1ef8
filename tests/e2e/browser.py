"""Drive the real dashboard in Debian's headless Chromium with Playwright.

Used by the e2e tests (tests/e2e/test_dashboard.py) and meant to be imported by bench scripts
(timing an upload or a page switch), so it holds no pytest code::

    import sys; sys.path.insert(0, "tests/e2e")
    from browser import start_app, launch_browser, open_app, upload, goto_page

    with start_app() as app, launch_browser() as browser:
        page = browser.new_page()
        open_app(page, app.url)                 # returns when the first run is shown
        upload(page, "archive.zip")             # ... when the run that read it is shown
        goto_page(page, "Overview")             # ... when the Overview's run is shown

The browser is Debian's Chromium (/usr/bin/chromium, `scripts/install_browser.sh`), never a
Playwright download. All requests that are not to this machine are aborted and recorded in
``Browser.blocked``: the dashboard must work offline.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
CHROMIUM = Path(os.environ.get("DWCQA_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = REPO / "test-artifacts" / "e2e"
TIMEOUT = float(os.environ.get("DWCQA_E2E_TIMEOUT", "60"))  # seconds, for every wait
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
    # Belt and braces beside the request routing: no name but this machine's resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1",
]


# --------------------------------------------------------------------------- the app


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitApp:
    """A `streamlit run app.py` process on 127.0.0.1:port; stop() ends it (and only it)."""

    def __init__(self, port: int, process: subprocess.Popen, log_path: Path):
        self.port = port
        self.process = process
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{port}/"

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> "StreamlitApp":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_app(port: int | None = None, *, app: Path = APP, log_path: Path | None = None, timeout: float = TIMEOUT) -> StreamlitApp:
    """Start the dashboard headless on a free port and return once its health check answers."""
    port = port or free_port()
    if log_path is None:
        log_path = Path(tempfile.gettempdir()) / f"dwcqa-e2e-streamlit-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
    ]  # fmt: skip
    # A history database of its own: decisions or versions stored on this machine must not
    # change what the app shows.
    history = Path(tempfile.mkdtemp(prefix="dwcqa-e2e-history-")) / "history.sqlite"
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DWCQA_HISTORY": str(history)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=app.parent, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    started = StreamlitApp(port, process, log_path)
    deadline = time.monotonic() + timeout
    health = f"http://127.0.0.1:{port}/_stcore/health"
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode} before answering:\n{started.log()}")
        try:
            with urllib.request.urlopen(health, timeout=2) as answer:
                if answer.status == 200:
                    return started
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            started.stop()
            raise TimeoutError(f"streamlit did not answer on {health} within {timeout:.0f} s:\n{started.log()}")
        time.sleep(0.2)


# --------------------------------------------------------------------------- the browser


def chromium_or_reason() -> str | None:
    """None when the browser can be driven here, else why not (for a pytest skip)."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is absent: install it with scripts/install_browser.sh (Debian's chromium) to run the e2e tests"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


class Browser:
    """Headless Chromium with a fresh profile; every page it opens has non-local requests aborted."""

    def __init__(self, *, block_network: bool = True, viewport: tuple[int, int] = (1400, 1000)):
        from playwright.sync_api import sync_playwright

        self.blocked: list[str] = []
        self.profile = Path(tempfile.mkdtemp(prefix="dwcqa-e2e-chromium-"))
        self._playwright = sync_playwright().start()
        try:
            self.context = self._playwright.chromium.launch_persistent_context(
                str(self.profile),
                executable_path=str(CHROMIUM),
                headless=True,
                args=CHROMIUM_ARGS,
                viewport={"width": viewport[0], "height": viewport[1]},
                accept_downloads=False,
                service_workers="block",
                timeout=TIMEOUT * 1000,
            )
        except BaseException:
            self._playwright.stop()
            shutil.rmtree(self.profile, ignore_errors=True)
            raise
        self.context.set_default_timeout(TIMEOUT * 1000)
        if block_network:
            self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about", "file") or parts.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("internetdisconnected")

    def new_page(self):
        """A new tab (a new Streamlit session once it opens the app) that counts finished runs."""
        page = self.context.new_page()
        page.set_default_timeout(TIMEOUT * 1000)
        track_runs(page)
        return page

    def close(self) -> None:
        try:
            self.context.close()
        finally:
            self._playwright.stop()
            shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def launch_browser(**options) -> Browser:
    return Browser(**options)


# --------------------------------------------------------------------------- Streamlit pages
#
# Waiting for a script run: the server tells the page that a run is over with a ForwardMsg
# `script_finished` on the websocket. Every page opened by Browser.new_page() counts those
# messages, so `with app_run(page): <action>` returns only after a run that the action caused
# has finished and the page shows it idle (no sleeps, no guessing from the DOM alone).

APP_ROOT = '[data-testid="stApp"]'
IDLE = f'{APP_ROOT}[data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
EXCEPTION = '[data-testid="stException"]'
NAV_LINK = '[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]'


class RunTracker:
    """Counts the script runs that the server reports finished to one page."""

    def __init__(self, page):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._message = ForwardMsg
        self._done = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
        self.finished = 0
        page.on("websocket", self._watch)

    def _watch(self, websocket) -> None:
        if "/_stcore/stream" in websocket.url:
            websocket.on("framereceived", self._frame)

    def _frame(self, payload) -> None:
        if not isinstance(payload, (bytes, bytearray)):
            return
        try:
            message = self._message.FromString(bytes(payload))
        except Exception:  # not a ForwardMsg: not ours to judge
            return
        if message.WhichOneof("type") == "script_finished" and message.script_finished in self._done:
            self.finished += 1


_TRACKERS: dict[int, tuple[object, RunTracker]] = {}


def track_runs(page) -> RunTracker:
    """Start counting finished runs on a page (before its first goto). Browser.new_page() does it."""
    entry = _TRACKERS.get(id(page))
    if entry is None or entry[0] is not page:
        entry = (page, RunTracker(page))
        _TRACKERS[id(page)] = entry
        page.on("close", lambda _: _TRACKERS.pop(id(page), None))
    return entry[1]


def finished_runs(page) -> int:
    return track_runs(page).finished


def wait_for_app(page, after: int | None = None, timeout: float = TIMEOUT) -> None:
    """Wait until a run later than `after` finished runs (any run if None) and the page is idle."""
    tracker = track_runs(page)
    deadline = time.monotonic() + timeout
    wanted = 1 if after is None else after + 1
    while tracker.finished < wanted:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no script run finished within {timeout:.0f} s (finished runs: {tracker.finished}, waiting for {wanted})")
        page.wait_for_timeout(50)  # lets Playwright deliver the websocket events
    remaining = max(deadline - time.monotonic(), 5) * 1000
    page.wait_for_selector(IDLE, state="attached", timeout=remaining)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=remaining)
    settle(page)


def settle(page) -> None:
    """Two animation frames: React has committed and the browser has painted."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


@contextmanager
def app_run(page, timeout: float = TIMEOUT):
    """`with app_run(page): <click, upload, goto>`: returns once the run it caused is shown."""
    before = finished_runs(page)
    yield
    wait_for_app(page, after=before, timeout=timeout)


def open_app(page, url: str, timeout: float = TIMEOUT) -> None:
    with app_run(page, timeout):
        page.goto(url, timeout=timeout * 1000)


def main_area(page):
    return page.locator('[data-testid="stMain"]')


def sidebar(page):
    return page.locator('[data-testid="stSidebar"]')


def nav_links(page) -> list[str]:
    """Titles of every page in the sidebar navigation, in order (expanding "View N more")."""
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and re.match(r"View \d+ more", more.inner_text()):
        more.click()
    page.locator(NAV_LINK).first.wait_for()
    return [link.inner_text().strip().splitlines()[-1].strip() for link in page.locator(NAV_LINK).all()]


def nav_link(page, title: str):
    return page.locator(NAV_LINK).filter(has_text=re.compile(rf"^\W*{re.escape(title)}\s*$"))


def current_page(page) -> str:
    """Title of the page the sidebar marks as the one shown."""
    active = page.locator(NAV_LINK).and_(page.locator('[aria-current="page"]'))
    return active.inner_text().strip().splitlines()[-1].strip()


def goto_page(page, title: str, timeout: float = TIMEOUT) -> None:
    """Switch page through the sidebar (keeps the session, unlike page.goto) and wait for its run."""
    with app_run(page, timeout):
        nav_link(page, title).click()


def upload(page, path: str | os.PathLike, timeout: float = TIMEOUT) -> None:
    """Give a file to the Load page's archive uploader and wait for the run that reads it."""
    with app_run(page, timeout):
        # The first uploader on the page: the checklist's comes later, in the optional inputs.
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(path), timeout=timeout * 1000)


def exceptions(page) -> list[str]:
    """Texts of Streamlit's exception boxes (an uncaught error in a page) shown now."""
    return [box.inner_text() for box in page.locator(EXCEPTION).all()]


def screenshot(page, name: str, folder: Path = ARTIFACTS) -> Path:
    """A PNG of the whole page, main area unrolled (Streamlit scrolls inside stMain)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.png"
    height = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            return Math.max(main ? main.scrollHeight : 0, document.documentElement.scrollHeight);
        }"""
    )
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(int(height), size["height"]), 12000)})
    try:
        settle(page)
        page.screenshot(path=str(target), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
    return target
