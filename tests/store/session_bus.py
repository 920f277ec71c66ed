"""Whether a D-Bus session bus has a Secret Service (for the store tests)."""

from __future__ import annotations

import time

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection

SECRETS_NAME = "org.freedesktop.secrets"
_BUS = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                   interface="org.freedesktop.DBus")


def has_secret_service() -> bool:
    """True when the session bus of the environment has an owner for it.

    Asks NameHasOwner rather than keyring: a name that D-Bus could only
    activate is not a running daemon yet.
    """
    try:
        with open_dbus_connection(bus="SESSION") as connection:
            call = new_method_call(_BUS, "NameHasOwner", "s",
                                   (SECRETS_NAME,))
            return bool(connection.send_and_get_reply(call, timeout=5)
                        .body[0])
    except Exception:  # noqa: BLE001 - no bus, no answer: no service
        return False


def wait_for_secret_service(timeout: float = 10.0) -> bool:
    """Poll until a daemon owns the name, or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while not has_secret_service():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
