"""Steps the OAuth tests share: a consent through the real listener."""

from __future__ import annotations

from zelt_desktop.oauth.authorization import AuthorizationRequest
from zelt_desktop.oauth.listener import LoopbackListener
from zelt_desktop.oauth.redirect import Redirect
from zelt_desktop.profiles import Profile
from zelt_desktop.sandbox import robot

# Long enough for a loaded machine; a passing test never waits it out.
WAIT = 30.0


def consent(profile: Profile, button: str = "allow",
            ) -> tuple[AuthorizationRequest, Redirect]:
    """Press ``button`` in the sandbox; the listener catches the redirect."""
    request = AuthorizationRequest.start(profile)
    with LoopbackListener(profile.redirect_uri,
                          expected_state=request.state) as listener:
        robot.press(request.url, button)
        return request, listener.wait(WAIT)
