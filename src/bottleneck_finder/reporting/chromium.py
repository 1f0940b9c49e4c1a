"""Headless Chromium driven over its DevTools pipe: print HTML to PDF, screenshot, watch the page.

No network is used: Chromium starts with a fresh profile, every background service off, and
talks to this process through two pipes (`--remote-debugging-pipe`), not a port.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import holds
from ..errors import BottleneckError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--mute-audio",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
)
TIMEOUT_S = 120.0
MAX_SCRATCH = 107 - len("/org.chromium.Chromium.XXXXXX/SingletonSocket")
"""The longest temporary folder Chromium can start in (a socket address holds 107 bytes)."""
SHORT_TMP = "/tmp"
A4_WIDTH_IN, A4_HEIGHT_IN = 8.27, 11.69
FOOTER = (
    "<div style=\"width:100%;font-family:'DejaVu Sans',sans-serif;font-size:8px;color:#555;"
    'text-align:center;"><span class="pageNumber"></span> / <span class="totalPages"></span>'
    "</div>"
)


class ChromiumError(BottleneckError):
    """Headless Chromium is missing, failed to start, or failed to render the page."""

    exit_code = 1


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable: $BOTTLENECK_CHROMIUM, else the first on the PATH."""
    given = os.environ.get("BOTTLENECK_CHROMIUM")
    if given is not None:
        return shutil.which(given) if given else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def private_folder() -> str:
    """A new folder for Chromium's profile and temporary files, in the temporary folder unless
    that path is too long for Chromium: its lock socket (`<tmp>/org.chromium.Chromium.XXXXXX/
    SingletonSocket`) must fit a Unix socket address, else Chromium stops at once."""
    folder = tempfile.mkdtemp(prefix="bottleneck-chromium-")
    if len(os.fsencode(folder)) + len("/tmp") > MAX_SCRATCH and os.access(SHORT_TMP, os.W_OK):
        os.rmdir(folder)
        folder = tempfile.mkdtemp(prefix="bottleneck-chromium-", dir=SHORT_TMP)
    return folder


def stop_group(group: int) -> None:
    """Kill what is left of Chromium's process group once the browser has exited: its helpers
    (renderer, zygote, crash handler) can outlive it by a moment and keep writing into its folder.
    A killed process writes nothing more; the zombies it leaves are not waited for."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def remove_folder(folder: str, attempts: int = 20) -> None:
    """Remove Chromium's folder; retried, since a helper finishing its last write can refill it."""
    for _ in range(attempts):
        shutil.rmtree(folder, ignore_errors=True)
        if not os.path.exists(folder):
            return
        time.sleep(0.05)


@dataclass
class PageReport:
    """What happened while a page loaded: console messages, errors and requested URLs."""

    console: list[tuple[str, str]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Console errors and uncaught exceptions."""
        return [t for level, t in self.console if level in ("error", "assert")] + self.exceptions


class Browser:
    """One headless Chromium process with one page, controlled through the DevTools protocol."""

    def __init__(self, executable: str | None = None) -> None:
        exe = executable or find_chromium()
        if exe is None:
            raise ChromiumError(
                "Chromium is not installed, so the PDF cannot be printed",
                fix="run scripts/ensure-chromium.sh or apt-get install chromium",
            )
        # one private folder holds the profile and Chromium's own temporary files (its
        # TMPDIR: `org.chromium.Chromium.*`), so removing it leaves nothing behind
        self._profile = private_folder()
        profile, scratch = Path(self._profile) / "profile", Path(self._profile) / "tmp"
        profile.mkdir()
        scratch.mkdir()
        env = {**os.environ, "TMPDIR": str(scratch), "TMP": str(scratch), "TEMP": str(scratch)}
        import fcntl

        low_r, self._to_child = os.pipe()
        self._from_child, low_w = os.pipe()
        # above 4, so that placing them on 3 and 4 in the child cannot clobber one another
        to_child_r = fcntl.fcntl(low_r, fcntl.F_DUPFD_CLOEXEC, 10)
        from_child_w = fcntl.fcntl(low_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(low_r)
        os.close(low_w)

        def wire() -> None:  # in the child: DevTools reads fd 3 and writes fd 4
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        try:
            self._proc = subprocess.Popen(
                [exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=wire,
                start_new_session=True,  # its helpers share one group, stopped together
                close_fds=False,  # Python's own descriptors are not inheritable (PEP 446)
            )
        except OSError as exc:
            remove_folder(self._profile)
            raise ChromiumError(f"Chromium could not be started ({exc})") from exc
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self.session = ""
        self.report = PageReport()
        try:
            self._attach()
            holds.reached("chromium")  # a no-op outside signal tests
        except BaseException:  # also Ctrl-C or SIGTERM: stop Chromium, remove its files
            self.close()
            raise

    def _attach(self) -> None:
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.call(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            session=False,
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop Chromium and remove its temporary profile and files (safe to call twice)."""
        for fd in (self._to_child, self._from_child):
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            stop_group(self._proc.pid)
        finally:
            remove_folder(self._profile)

    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            written = os.write(self._to_child, data)
            data = data[written:]

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise ChromiumError("Chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise ChromiumError("Chromium stopped unexpectedly")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        return message

    def _note(self, message: dict[str, Any]) -> None:
        method = message.get("method", "")
        params = message.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            self.report.console.append((params.get("type", ""), text))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.report.exceptions.append(str(details.get("text", details)))
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            self.report.console.append((entry.get("level", ""), entry.get("text", "")))
        elif method == "Network.requestWillBeSent":
            self.report.requests.append(params.get("request", {}).get("url", ""))
        elif method == "Network.loadingFailed":
            self.report.failed.append(params.get("errorText", ""))
        self._events.append(message)

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = True
    ) -> Any:
        """Send one DevTools command and return its result (events meanwhile are recorded)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise ChromiumError(f"Chromium refused {method}: {answer['error']}")
                return answer.get("result", {})
            self._note(answer)

    def wait_for(self, method: str) -> dict[str, Any]:
        """Wait for the next event named `method` (or return one already received)."""
        for i, event in enumerate(self._events):
            if event.get("method") == method:
                del self._events[: i + 1]
                return event
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            message = self._receive(deadline)
            self._note(message)
            if message.get("method") == method:
                self._events.clear()
                return message

    def open(self, path: Path, *, width: int = 1000, height: int = 1400) -> PageReport:
        """Load a local HTML file in a viewport of `width` x `height` CSS pixels."""
        return self.open_url(path.resolve().as_uri(), width=width, height=height)

    def open_url(self, url: str, *, width: int = 1000, height: int = 1400) -> PageReport:
        """Load `url` (a local file or a server on this machine) in a `width` x `height`
        viewport; the report lists what the page asked for."""
        self.report = PageReport()
        self._events.clear()
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        self.call("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")
        self.call("Runtime.evaluate", {"expression": "document.fonts.ready", "awaitPromise": True})
        return self.report

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (for checks)."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result.get("result", {}).get("value")

    def screenshot(self) -> bytes:
        """A PNG of the whole page."""
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
        return base64.b64decode(data["data"])

    def pdf(self) -> bytes:
        """The loaded page printed on A4 with page numbers in the footer."""
        data = self.call(
            "Page.printToPDF",
            {
                "paperWidth": A4_WIDTH_IN,
                "paperHeight": A4_HEIGHT_IN,
                "marginTop": 0.6,
                "marginBottom": 0.7,
                "marginLeft": 0.6,
                "marginRight": 0.6,
                "printBackground": True,
                "displayHeaderFooter": True,
                "headerTemplate": "<span></span>",
                "footerTemplate": FOOTER,
                "preferCSSPageSize": False,
            },
        )
        return base64.b64decode(data["data"])


def html_to_pdf(html: str, executable: str | None = None) -> bytes:
    """Print a self-contained HTML document to an A4 PDF with headless Chromium."""
    with tempfile.TemporaryDirectory(prefix="bottleneck-report-") as folder:
        page = Path(folder) / "report.html"
        page.write_text(html, encoding="utf-8")
        with Browser(executable) as browser:
            browser.open(page)
            pdf = browser.pdf()
    if not pdf.startswith(b"%PDF-"):
        raise ChromiumError("Chromium produced no PDF")
    return pdf
