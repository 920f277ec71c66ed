"""One sign-in, from the consent URL to verified tokens in the store.

Blocking and free of Qt: the window runs ``wait`` and ``complete`` in
workers; the command line calls them directly.  A code may arrive from
the loopback listener or be pasted by the user; the first one wins.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

import requests

from zelt_desktop import browser
from zelt_desktop.connection import (Connection, open_connection,
                                     store_tokens, token_client)
from zelt_desktop.errors import (ConsentCancelled, ConsentTimedOut,
                                 ZeltError)
from zelt_desktop.oauth import redirect as redirects
from zelt_desktop.oauth.authorization import AuthorizationRequest
from zelt_desktop.oauth.listener import LoopbackListener
from zelt_desktop.oauth.redirect import Redirect
from zelt_desktop.profiles import Profile
from zelt_desktop.store.tokens import TokenStore
from zelt_desktop.zelt.http import make_session

log = logging.getLogger(__name__)

CODE_LIFETIME = 180.0     # seconds; Zelt's docs: codes expire after 3 min
WAIT_LIMIT = 15 * 60.0    # seconds a consent may take before we give up

# The steps of a sign-in, in order, in the words the window and the
# command line both show.  SignIn.complete reports each step when it is
# done, except those of STARTED_STEPS, which it reports as they start.
STEPS = {
    "code_received": "Zelt sent the sign-in code",
    "exchanging": "Finishing the sign-in with Zelt",
    "stored": "Saved in your password store",
    "verified": "Checked with Zelt",
}
STARTED_STEPS = frozenset({"exchanging"})


class SignIn:
    """A consent for one profile.

    ``started_in_zelt`` arms the flow for a consent started with Zelt's
    own "Code flow" button: any state is taken once, for at most the
    code's lifetime, and the code is exchanged without a PKCE verifier.
    """

    def __init__(self, profile: Profile, client_secret: str,
                 store: TokenStore, *, started_in_zelt: bool = False,
                 open_browser: Callable[[str], bool] = browser.open_url,
                 session: requests.Session | None = None,
                 wait_limit: float = WAIT_LIMIT) -> None:
        self.profile = profile
        self.started_in_zelt = started_in_zelt
        self.request = AuthorizationRequest.start(profile)
        self.listener: LoopbackListener | None = None
        self._secret = client_secret
        self._store = store
        self._open_browser = open_browser
        self._session = session
        self._wait_limit = CODE_LIFETIME if started_in_zelt else wait_limit
        self._arrivals: queue.Queue = queue.Queue()
        self._cancelled = threading.Event()
        # start_listener and cancel may run in different threads (a second
        # Connect while the first still binds): one at a time.
        self._binding = threading.Lock()

    @property
    def consent_url(self) -> str:
        return self.request.url

    @property
    def listens(self) -> bool:
        return self.profile.listener_uri is not None

    def start_listener(self) -> None:
        """Bind the loopback listener, if the profile has one; blocking."""
        uri = self.profile.listener_uri
        if uri is None:
            log.info("redirect URI is not loopback: waiting for a paste")
            return
        expected = None if self.started_in_zelt else self.request.state
        with self._binding:
            # Cancelled before binding: bind nothing, or the port would
            # stay taken by an attempt nobody waits for.
            if self._cancelled.is_set():
                raise ConsentCancelled("The sign-in was cancelled.")
            self.listener = LoopbackListener(
                uri, expected_state=expected,
                started_in_zelt=self.started_in_zelt,
                issuer=self.profile.issuer or None)
            self.listener.start()
        threading.Thread(target=self._listen, name="redirect-wait",
                         daemon=True).start()

    def open_browser(self) -> bool:
        """Open the consent page in the system browser (never in Zelt mode)."""
        if self.started_in_zelt:
            return False
        opened = self._open_browser(self.consent_url)
        log.info("consent URL opened" if opened else
                 "no browser opened the consent URL")
        return opened

    def paste(self, text: str) -> bool:
        """Take an address or code the user pasted; True if it was trimmed.

        Raises UnusableRedirect or StateMismatch at once, so the window can
        say what is wrong while the wait goes on.  A whole address must
        be at the redirect URI, or at the listener address (a relay page
        may leave the browser at either).
        """
        redirect, trimmed = redirects.from_pasted(
            text, request=self.request,
            started_in_zelt=self.started_in_zelt,
            redirect_uris=(self.profile.redirect_uri,
                           self.profile.listener_uri),
            issuer=self.profile.issuer or None)
        self._arrivals.put(redirect)
        return trimmed

    def wait(self) -> Redirect:
        """Block until a redirect arrives; raise on deny, cancel, timeout."""
        try:
            item = self._arrivals.get(timeout=self._wait_limit)
        except queue.Empty:
            raise ConsentTimedOut() from None
        finally:
            self._close_listener()
        if isinstance(item, Exception):
            raise item
        log.debug("redirect arrived (state checked: %s)", item.state_checked)
        item.raise_for_error()
        return item

    def complete(self, redirect: Redirect,
                 on_step: Callable[[str], None] = lambda step: None
                 ) -> Connection:
        """Exchange the code, store the tokens, verify them; blocking."""
        on_step("code_received")
        session = self._session or make_session()
        try:
            connection = self._exchange(redirect, session, on_step)
        except BaseException:
            if session is not self._session:
                session.close()   # the connection would have owned it
            raise
        on_step("verified")
        return connection

    def _exchange(self, redirect: Redirect, session,
                  on_step: Callable[[str], None]) -> Connection:
        client = token_client(self.profile, self._secret, session)
        verifier = (self.request.code_verifier if redirect.state_checked
                    else None)
        on_step("exchanging")
        tokens = client.exchange(redirect, verifier)
        store_tokens(self._store, self.profile, tokens)
        # Saved once Zelt has accepted it: a mistyped secret must not
        # replace one that works (issue 5: nothing is lost on failure).
        self._store.save_client_secret(self.profile.id, self._secret)
        on_step("stored")
        return open_connection(self.profile, self._store,
                               client_secret=self._secret, session=session)

    def cancel(self) -> None:
        """End the wait at once, from any thread; frees the port.

        Never blocks on the listener's threads: the GUI thread calls it.
        """
        with self._binding:
            self._cancelled.set()
        self._arrivals.put(ConsentCancelled())
        if self.listener is not None:
            self.listener.cancel()

    def _listen(self) -> None:
        listener = self.listener
        try:
            self._arrivals.put(listener.wait(timeout=self._wait_limit))
        except ZeltError as e:
            if not self._cancelled.is_set():
                self._arrivals.put(e)

    def _close_listener(self) -> None:
        if self.listener is not None:
            self.listener.close()  # briefly waits for its threads


def code_deadline(redirect: Redirect) -> float:
    """The monotonic time at which the redirect's code expires."""
    return redirect.received_at + CODE_LIFETIME
