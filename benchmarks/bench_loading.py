"""Loading people over the network from a sandbox in a process of its own.

The sandbox answers every request after an artificial latency; the app's
ZeltClient (at most 4 requests in flight) is measured against a serial
fetch with one session, and through the window's path into the panel.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager

import requests
from PySide6.QtCore import QEventLoop

from report import Result, ms, ratio, seconds, section
from zelt_desktop.oauth.authorization import AuthorizationRequest
from zelt_desktop.oauth.client import TokenClient
from zelt_desktop.oauth.listener import LoopbackListener
from zelt_desktop.profiles import Profile
from zelt_desktop.sandbox import robot
from zelt_desktop.sandbox.server import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from zelt_desktop.ui.directory.view import DirectoryPanel
from zelt_desktop.ui.workers import Workers
from zelt_desktop.zelt.client import USERS_PATH, ZeltClient
from zelt_desktop.zelt.pages import parse_page

PEOPLE = 10_000
PAGE_SIZE = 100
LATENCY = 0.03          # seconds the sandbox waits before each answer
IN_FLIGHT = 4
ROUNDS = 3              # each way; the median is reported
START_TIMEOUT = 30      # seconds for the sandbox to say where it listens
GOAL_IDEAL = 1.2        # the app within 1.2x of pages x latency / 4
GOAL_SERIAL = 3.0       # and at least 3x faster than a serial fetch


@contextmanager
def sandbox_process(redirect_uri: str):
    """A sandbox in its own process; yields its base URL."""
    command = [sys.executable, "-m", "zelt_desktop.sandbox", "--port", "0",
               "--employees", str(PEOPLE), "--latency", str(LATENCY),
               "--demo-redirect-uri", redirect_uri]
    process = subprocess.Popen(command, stdout=subprocess.PIPE,
                               stdin=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()     # "Zelt sandbox running at …"
        found = re.search(r"running at (http://\S+)", line)
        if found is None:
            raise RuntimeError(f"the sandbox did not start: {line!r}")
        yield found.group(1)
    finally:
        process.terminate()                  # its own PID only
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sign_in(profile: Profile) -> str:
    """An access token through a real consent, redirect and exchange."""
    request = AuthorizationRequest.start(profile)
    with LoopbackListener(profile.listener_uri,
                          expected_state=request.state) as listener:
        robot.press(request.url, "allow")
        redirect = listener.wait(timeout=START_TIMEOUT)
    with TokenClient(profile.token_endpoint, profile.client_id,
                     DEMO_CLIENT_SECRET, profile.redirect_uri) as tokens:
        return tokens.exchange(redirect, request.code_verifier).access_token


class FixedToken:
    """The token source of ZeltClient, for one short benchmark."""

    def __init__(self, access_token: str) -> None:
        self._access_token = access_token

    def access_token(self) -> str:
        return self._access_token

    def refresh(self, rejected_access_token: str) -> None:
        raise RuntimeError("the benchmark's token was refused")


# -- the three ways ----------------------------------------------------------

def load_app(base_url: str, tokens: FixedToken) -> tuple[float, float, int]:
    """ZeltClient.iter_user_pages: seconds in all, to page 1, people."""
    with ZeltClient(base_url, tokens, page_size=PAGE_SIZE,
                    max_in_flight=IN_FLIGHT) as client:
        started = time.perf_counter()
        first, people = None, 0
        for page in client.iter_user_pages():
            first = first or time.perf_counter() - started
            people += len(page.items)
        return time.perf_counter() - started, first, people


def load_serial(base_url: str, tokens: FixedToken) -> tuple[float, int]:
    """One session, one page after the other: seconds, people."""
    headers = {"Authorization": f"Bearer {tokens.access_token()}",
               "Accept": "application/json"}
    with requests.Session() as session:
        started = time.perf_counter()
        people, number, total = 0, 1, 1
        while number <= total:
            response = session.get(
                base_url + USERS_PATH, headers=headers, timeout=30,
                params={"page": number, "pageSize": PAGE_SIZE})
            items, total = parse_page(response.json())
            people += len(items)
            number += 1
        return time.perf_counter() - started, people


def load_window(bench, base_url: str, tokens: FixedToken,
                ) -> tuple[float, float, int]:
    """As the window loads: a worker, pages into the panel as signals.

    Returns seconds until the first rows are painted, until the panel
    shows everyone, and the people shown.
    """
    panel = DirectoryPanel(settings={})
    panel.resize(1000, 700)
    panel.show()
    workers = Workers()
    client = ZeltClient(base_url, tokens, page_size=PAGE_SIZE,
                        max_in_flight=IN_FLIGHT)
    marks: dict[str, float] = {}
    done = QEventLoop()

    def on_progress(page) -> None:
        panel.append_page(page.items)
        panel.set_loading_progress(page.total_so_far, page.total_pages)
        if "first" not in marks:
            panel.table.viewport().repaint()
            marks["first"] = time.perf_counter() - started

    def on_success(total: int) -> None:
        panel.finish_load(total)
        panel.repaint()
        marks["all"] = time.perf_counter() - started
        done.quit()

    def pages(job) -> int:
        total = 0
        for page in client.iter_user_pages(cancel=job.cancelled):
            total += len(page.items)
            job.report(page)
        return total

    started = time.perf_counter()
    panel.begin_load()
    workers.start("load employees", pages, with_job=True,
                  on_progress=on_progress, on_success=on_success,
                  on_failure=lambda e: done.quit())
    done.exec()
    people = panel.model.rowCount()
    workers.shutdown()
    client.close()
    panel.close()
    panel.deleteLater()
    bench.settle()
    return marks["first"], marks["all"], people


# -- the section -------------------------------------------------------------

@section("loading", "Loading {people:,} people in pages over the network")
def bench_loading(bench) -> Result:
    # Loopback only: a proxy from the environment must not see these.
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,::1"
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    with sandbox_process(redirect_uri) as base_url:
        profile = Profile(name="benchmark", client_id=DEMO_CLIENT_ID,
                          redirect_uri=redirect_uri, base_url=base_url)
        tokens = FixedToken(sign_in(profile))
        app, serial, window = [], [], []
        for _ in range(ROUNDS):
            app.append(load_app(base_url, tokens))
            serial.append(load_serial(base_url, tokens))
            window.append(load_window(bench, base_url, tokens))
    counts = {a[2] for a in app} | {s[1] for s in serial} | {
        w[2] for w in window}
    if counts != {PEOPLE}:
        raise RuntimeError(f"loaded {counts} people, expected {PEOPLE}")
    return _loading_result(app, serial, window)


def _loading_result(app, serial, window) -> Result:
    median = statistics.median
    pages = -(-PEOPLE // PAGE_SIZE)
    ideal = pages * LATENCY / IN_FLIGHT
    app_s, first_s = median(a[0] for a in app), median(a[1] for a in app)
    serial_s = median(s[0] for s in serial)
    shown_first = median(w[0] for w in window)
    shown_all = median(w[1] for w in window)

    result = Result(people=PEOPLE)
    result.add(f"ideal: {pages} pages x {LATENCY * 1000:.0f} ms / "
               f"{IN_FLIGHT}", seconds(ideal))
    result.add(f"app: ZeltClient, {IN_FLIGHT} in flight", seconds(app_s),
               seconds(serial_s), ratio(serial_s, app_s))
    result.add("app / ideal", f"{app_s / ideal:.2f}x")
    result.add("app: first page in", ms(first_s * 1000))
    result.add("window: first rows painted", ms(shown_first * 1000))
    result.add("window: everyone shown", seconds(shown_all),
               seconds(serial_s), ratio(serial_s, shown_all))
    result.notes.append(
        f"A sandbox in its own process, {PEOPLE:,} people, pageSize "
        f"{PAGE_SIZE}, {LATENCY * 1000:.0f} ms added before each answer; "
        "signed in through a real consent and code exchange. The other "
        "way is a serial fetch with one requests session. The window "
        "path runs the client in a worker and adds each page to the "
        "panel on the GUI thread, as the window does. Medians of "
        f"{ROUNDS} rounds, the ways taking turns.")
    rounds = 1 + -(-(pages - 1) // IN_FLIGHT)
    result.notes.append(
        "Page 1 is asked alone (it says how many pages there are), so "
        f"the client's own floor is {rounds} round trips, "
        f"{rounds * LATENCY:.2f} s.")
    result.notes.append(
        f"Goals: within {GOAL_IDEAL}x of the ideal: "
        f"{_met(app_s <= ideal * GOAL_IDEAL)} ({app_s / ideal:.2f}x); at "
        f"least {GOAL_SERIAL:.0f}x faster than serial: "
        f"{_met(serial_s >= app_s * GOAL_SERIAL)} "
        f"({serial_s / app_s:.1f}x).")
    return result


def _met(held: bool) -> str:
    return "met" if held else "NOT met"
