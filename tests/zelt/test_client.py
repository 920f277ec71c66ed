"""ZeltClient on the sandbox and small local servers: pages, limits, Cancel."""

from __future__ import annotations

import logging
import threading

import pytest

from tests.helpers import free_port
from zelt_desktop import errors
from zelt_desktop.sandbox.options import SandboxOptions
from zelt_desktop.zelt import http
from zelt_desktop.zelt.client import ZeltClient

PEOPLE = [{"userId": n, "firstName": f"Test{n}"} for n in range(1, 1051)]


def paged(records, *, shape="bare", cap=None, total_pages=False):
    """An /apiv2/users that pages ``records``, honouring pageSize to cap."""
    def answer(h):
        page, size = int(h.query["page"]), int(h.query["pageSize"])
        size = min(size, cap or size)
        items = records[(page - 1) * size:page * size]
        if shape == "bare":
            return h.send(200, items)
        body = {shape: items}
        if total_pages:
            body["totalPages"] = -(-len(records) // size)
        h.send(200, body)
    return answer


def asked_pages(server):
    return [int(path.split("page=")[1].split("&")[0])
            for _, path, _ in server.requests]


@pytest.fixture
def client_for(tokens):
    clients = []

    def make(server, **kwargs):
        client = ZeltClient(server.base_url, kwargs.pop("tokens", tokens),
                            **kwargs)
        clients.append(client)
        return client
    yield make
    for client in clients:
        client.close()


def test_short_pages_do_not_end_the_list(serve, client_for):
    server = serve(paged(PEOPLE, cap=37))
    assert client_for(server).users() == PEOPLE
    # 29 pages of 37, then the empty page that ends the list.
    assert 30 in asked_pages(server)


@pytest.mark.parametrize("shape", ["bare", "items", "data", "users"])
def test_list_shapes_without_total_pages(serve, client_for, shape):
    server = serve(paged(PEOPLE[:250], shape=shape))
    assert client_for(server).users() == PEOPLE[:250]


def test_total_pages_is_followed_exactly(serve, client_for):
    server = serve(paged(PEOPLE, shape="items", total_pages=True))
    pages = list(client_for(server).iter_user_pages())
    assert [p.number for p in pages] == list(range(1, 12))
    assert {p.total_pages for p in pages} == {11}
    assert pages[-1].total_so_far == 1050
    assert [p.total_so_far for p in pages][:2] == [100, 200]
    assert sorted(asked_pages(server)) == list(range(1, 12))


def test_a_server_that_ignores_page_stops_at_the_repeat(serve, client_for):
    server = serve(lambda h: h.send(200, PEOPLE[:40]))
    client = client_for(server)
    assert client.users() == PEOPLE[:40]
    assert len(server.requests) <= 1 + client.max_in_flight


def test_an_empty_list(serve, client_for):
    server = serve(lambda h: h.send(200, {"items": [], "totalPages": 0}))
    pages = list(client_for(server).iter_user_pages())
    assert [(p.number, p.items, p.total_so_far) for p in pages] == [
        (1, [], 0)]
    assert len(server.requests) == 1


def test_an_unknown_shape(serve, client_for):
    server = serve(lambda h: h.send(200, {"people": PEOPLE[:3]}))
    with pytest.raises(errors.ServiceUnavailable, match="cannot read"):
        client_for(server).users()


def test_requests_carry_client_headers_and_the_token(serve, client_for,
                                                     tokens):
    server = serve(lambda h: h.send(200, {"userId": 7}))
    assert client_for(server).me() == {"userId": 7}
    method, path, headers = server.requests[0]
    assert (method, path) == ("GET", "/apiv2/users/me")
    assert headers["Authorization"] == f"Bearer {tokens.access_token()}"
    assert headers["User-Agent"] == http.USER_AGENT
    assert headers["Accept"] == "application/json"


GOOD = "test-good-token-not-real"
BOGUS = "test-bogus-token-not-real"


def only_good_tokens(h):
    if h.headers["Authorization"] != f"Bearer {GOOD}":
        return h.send(401, b"", "text/plain",
                      {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    h.send(200, {"userId": 1, "displayName": "Test Person"})


def test_a_refused_token_is_refreshed_once(serve, client_for,
                                           static_tokens):
    server = serve(only_good_tokens)
    source = static_tokens(BOGUS, GOOD)
    assert client_for(server, tokens=source).me()["userId"] == 1
    assert source.refreshed == [BOGUS]
    assert len(server.requests) == 2


def test_a_token_refused_after_refresh(serve, client_for, static_tokens):
    server = serve(only_good_tokens)
    source = static_tokens(BOGUS, BOGUS + "-again")
    with pytest.raises(errors.TokenRejected) as caught:
        client_for(server, tokens=source).me()
    assert caught.value.status == 401
    assert source.refreshed == [BOGUS]
    assert len(server.requests) == 2


def limited(times, status=429, body=b"", kind="text/plain", headers=None):
    """Answers ``status`` ``times`` times, then pages PEOPLE[:250]."""
    seen = []
    pages = paged(PEOPLE[:250], shape="items", total_pages=True)

    def answer(h):
        seen.append(h.path)
        if len(seen) <= times:
            return h.send(status, body, kind, headers)
        pages(h)
    return answer


class Sleeps:
    """Records the slices a client sleeps, without sleeping."""

    def __init__(self):
        self.slices = []

    def __call__(self, seconds):
        self.slices.append(seconds)


def test_retry_after_is_waited_out_visibly(serve, client_for, expect_warning):
    expect_warning("Zelt is limiting requests")
    server = serve(limited(2, headers={"Retry-After": "2"}))
    sleeps, waits = Sleeps(), []
    client = client_for(server, sleep=sleeps)
    pages = list(client.iter_user_pages(
        on_wait=lambda s, reason: waits.append((s, reason))))
    assert pages[-1].total_so_far == 250
    assert [s for s, _ in waits] == [2.0, 2.0]
    assert "slow down" in waits[0][1]
    assert sum(sleeps.slices) == 4.0
    assert max(sleeps.slices) <= 0.25


def test_retry_after_really_waits_by_default(
        serve, client_for, expect_warning):
    expect_warning("Zelt is limiting requests")
    server = serve(limited(1, headers={"Retry-After": "1"}))
    waits = []
    client = client_for(server)
    pages = list(client.iter_user_pages(
        on_wait=lambda s, reason: waits.append(s)))
    assert pages[-1].total_so_far == 250
    assert waits == [1.0]


def test_waits_without_retry_after_back_off(serve, client_for, expect_warning):
    expect_warning("Zelt is limiting requests")
    server = serve(limited(3))
    waits = []
    client = client_for(server, sleep=Sleeps(), wait_limit=2.5)
    list(client.iter_user_pages(on_wait=lambda s, r: waits.append(s)))
    assert 1.0 <= waits[0] <= 1.5
    assert 2.0 <= waits[1] <= 2.5
    assert waits[2] == 2.5


def test_limits_that_persist(serve, client_for, expect_warning):
    expect_warning("Zelt is limiting requests")
    server = serve(limited(100, headers={"Retry-After": "5"}))
    waits = []
    with pytest.raises(errors.RateLimited,
                       match="Zelt is limiting requests") as caught:
        list(client_for(server, sleep=Sleeps()).iter_user_pages(
            on_wait=lambda s, r: waits.append(s)))
    assert waits == [5.0] * 3
    assert caught.value.status == 429
    assert len(server.requests) == 4


def test_the_edge_403_page_is_a_limit(serve, client_for, expect_warning):
    expect_warning("Zelt is limiting requests")
    server = serve(limited(100, 403, "<!DOCTYPE html><p>Blocked</p>",
                           "text/html"))
    reasons = []
    with pytest.raises(errors.RateLimited):
        list(client_for(server, sleep=Sleeps()).iter_user_pages(
            on_wait=lambda s, r: reasons.append(r)))
    assert len(reasons) == 3
    assert "edge" in reasons[0]


def test_a_permission_403_is_not_waited_out(serve, client_for):
    server = serve(limited(100, 403, {"message": "Forbidden"},
                           "application/json"))
    waits = []
    with pytest.raises(errors.PermissionDenied):
        list(client_for(server, sleep=Sleeps()).iter_user_pages(
            on_wait=lambda s, r: waits.append(s)))
    assert waits == []
    assert len(server.requests) == 1


def test_an_unreachable_port(tokens):
    url = f"http://127.0.0.1:{free_port()}"
    with ZeltClient(url, tokens) as client:
        with pytest.raises(errors.NetworkError) as caught:
            client.me()
    assert type(caught.value) is errors.NetworkError


def test_a_read_timeout(tokens, silent_port):
    with http.make_session(retries=0, timeout=(1, 0.2)) as session:
        client = ZeltClient(f"http://127.0.0.1:{silent_port}", tokens,
                            session=session)
        with pytest.raises(errors.RequestTimedOut):
            client.me()


def test_logs_name_requests_without_queries_or_tokens(serve, client_for,
                                                      tokens, caplog):
    server = serve(paged(PEOPLE[:250], shape="items", total_pages=True))
    caplog.set_level(logging.DEBUG, logger="zelt_desktop")
    client_for(server).users()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert f"GET {server.base_url}/apiv2/users 200 in" in text
    assert tokens.access_token() not in text
    assert "pageSize" not in text and "?" not in text


def test_at_most_four_requests_in_flight(serve, client_for):
    pages = paged(PEOPLE, shape="items", total_pages=True)
    lock = threading.Condition()
    flight = {"now": 0, "most": 0}

    def answer(h):
        if h.query["page"] == "1":
            return pages(h)
        with lock:
            flight["now"] += 1
            flight["most"] = max(flight["most"], flight["now"])
            lock.notify_all()
            # Hold the request a moment: a fifth one would show up now.
            lock.wait_for(lambda: flight["now"] > 4, timeout=0.3)
            flight["now"] -= 1
        pages(h)
    server = serve(answer)
    assert client_for(server).users() == PEOPLE
    assert flight["most"] == 4


def test_cancel_does_not_wait_for_requests_in_flight(serve, client_for):
    pages = paged(PEOPLE, shape="items", total_pages=True)
    held, release = threading.Event(), threading.Event()
    lock, counts = threading.Lock(), {"held": 0, "answered": 0}

    def answer(h):
        if h.query["page"] != "1":
            with lock:
                counts["held"] += 1
                if counts["held"] == 4:
                    held.set()
            release.wait(30)
            counts["answered"] += 1
        pages(h)
    server = serve(answer)
    cancel = threading.Event()
    canceller = threading.Thread(target=lambda: held.wait(30) and
                                 cancel.set())
    canceller.start()
    try:
        with pytest.raises(errors.LoadCancelled):
            client_for(server).users(cancel)
        assert counts == {"held": 4, "answered": 0}
    finally:
        release.set()
        canceller.join()


def test_a_cancelled_load_sends_nothing(serve, client_for):
    server = serve(paged(PEOPLE))
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(errors.LoadCancelled):
        client_for(server).users(cancel)
    assert server.requests == []


# -- against the sandbox, signed in through a real consent and exchange ----

def options(**kwargs):
    return pytest.mark.parametrize("sandbox_options",
                                   [SandboxOptions(**kwargs)], ids=[""])


@pytest.fixture
def zelt(sandbox, sandbox_tokens):
    clients = []

    def make(**kwargs):
        client = ZeltClient(sandbox.base_url, sandbox_tokens, **kwargs)
        clients.append(client)
        return client
    yield make
    for client in clients:
        client.close()


def ids(records):
    return [record["userId"] for record in records]


def test_me_names_the_signed_in_person(sandbox, zelt):
    assert zelt().me()["userId"] == sandbox.employees[0]["userId"]


def test_all_250_employees(sandbox, zelt):
    assert zelt().users() == sandbox.employees


@options(employees=1050, page_size_cap=37)
def test_a_capped_page_size(sandbox, zelt):
    pages = list(zelt().iter_user_pages())
    assert [p.number for p in pages] == list(range(1, 30))
    assert [len(p.items) for p in pages[-2:]] == [37, 1050 - 28 * 37]
    assert [r for p in pages for r in p.items] == sandbox.employees


@options(no_scopes=True)
def test_no_scopes_means_an_empty_list(zelt):
    client = zelt()
    assert client.users() == []
    assert isinstance(client.me(), dict)


def test_an_expired_access_token_is_refreshed_once(sandbox, zelt,
                                                   sandbox_tokens):
    first = sandbox_tokens.access_token()
    sandbox.advance_clock(3700)
    assert len(zelt().users()) == 250
    assert sandbox_tokens.refreshed == [first]


def test_a_bogus_token_is_refreshed_once(sandbox, sandbox_tokens,
                                         static_tokens):
    source = static_tokens("test-bogus-token-not-real",
                           sandbox_tokens.access_token())
    with ZeltClient(sandbox.base_url, source) as client:
        assert len(client.users()) == 250
    assert source.refreshed == ["test-bogus-token-not-real"]


# One page in flight makes the fault draws land in a fixed order: with
# fault_seed 1 at rate 0.3, pages 1 and 3 fail once each.
@options(rate_limit=0.3, retry_after=2, fault_seed=1)
def test_429_is_waited_out(sandbox, zelt, expect_warning):
    expect_warning("Zelt is limiting requests")
    waits, sleeps = [], Sleeps()
    client = zelt(max_in_flight=1, sleep=sleeps)
    pages = list(client.iter_user_pages(
        on_wait=lambda s, reason: waits.append(s)))
    assert [r for p in pages for r in p.items] == sandbox.employees
    assert waits == [2.0, 2.0]
    assert sum(sleeps.slices) == 4.0


@options(rate_limit=1.0, retry_after=30)
def test_429_that_persists(zelt, expect_warning):
    expect_warning("Zelt is limiting requests")
    waits = []
    with pytest.raises(errors.RateLimited, match="limiting requests"):
        list(zelt(sleep=Sleeps()).iter_user_pages(
            on_wait=lambda s, reason: waits.append(s)))
    assert waits == [30.0] * 3


@options(waf_burst=1, latency=0.2, employees=500)
def test_the_edge_403_is_a_limit_not_a_permission(zelt, expect_warning):
    expect_warning("Zelt is limiting requests")
    reasons = []
    try:
        list(zelt(sleep=Sleeps()).iter_user_pages(
            on_wait=lambda s, reason: reasons.append(reason)))
    except errors.RateLimited:
        pass  # whether the burst outlasts three waits is timing
    assert reasons and all("edge" in reason for reason in reasons)


@options(waf_burst=4, latency=0.05, employees=2000)
def test_four_in_flight_never_trip_the_edge(sandbox, zelt):
    waits = []
    pages = list(zelt().iter_user_pages(
        on_wait=lambda s, reason: waits.append(s)))
    assert [r for p in pages for r in p.items] == sandbox.employees
    assert waits == []


@pytest.mark.parametrize("sandbox_options, fault", [
    (SandboxOptions(server_errors=0.3, fault_seed=1), "fault: 500"),
    (SandboxOptions(drop_connections=0.3, fault_seed=1),
     "fault: connection dropped")], ids=["500", "dropped"])
def test_faults_are_retried_by_the_session(sandbox, zelt, caplog, fault):
    caplog.set_level(logging.DEBUG, logger="zelt_desktop.sandbox")
    assert zelt(max_in_flight=1).users() == sandbox.employees
    assert [r.getMessage() for r in caplog.records].count(fault) == 2


@options(malformed_json=1.0)
def test_malformed_json(zelt):
    with pytest.raises(errors.ServiceUnavailable,
                       match="answer the app cannot read"):
        zelt().users()


@options(latency=0.5, employees=2000)
def test_cancel_during_a_slow_load(zelt):
    cancel, pages = threading.Event(), []
    with pytest.raises(errors.LoadCancelled):
        for page in zelt().iter_user_pages(cancel):
            pages.append(page)
            timer = threading.Timer(0.1, cancel.set)
            timer.start()
    timer.join()
    assert [p.number for p in pages] == [1]
