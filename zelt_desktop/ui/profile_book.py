"""The saved connections as the window edits them: add, copy, remove.

No Qt here.  The settings file is small and local, so these calls run on
the GUI thread like AppContext.save_profile; the secret store, which may
block, is the caller's to reach from a worker.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid

from zelt_desktop.context import AppContext
from zelt_desktop.errors import InputError
from zelt_desktop.profiles import Profile, Settings

log = logging.getLogger(__name__)


class ProfileBook:
    """Reads and changes the saved profiles of ``context``.

    In the demo (``context.profile_override``) the book is read-only: the
    demo's profile is shown but never saved.
    """

    def __init__(self, context: AppContext) -> None:
        self.context = context

    @property
    def read_only(self) -> bool:
        return self.context.profile_override is not None

    def settings(self) -> Settings:
        """The settings; raises InputError when the file is damaged."""
        return self.context.load_settings()

    def profiles(self) -> list[Profile]:
        """Every profile, sorted by name as a person reads a list."""
        return sorted(self.settings().profiles,
                      key=lambda p: (p.name.casefold(), p.id))

    def find(self, name_or_id: str) -> Profile | None:
        return self.settings().find(name_or_id)

    def put(self, profile: Profile) -> None:
        """Add or replace ``profile``.

        Raises InvalidSetting (field "name") when another profile has the
        name regardless of case, InputError in the demo.
        """
        self._writable()
        settings = self.context.profiles.load()
        settings.put(profile)
        self.context.profiles.save(settings)
        log.info("profile %s saved", profile.id)

    def duplicate(self, profile: Profile) -> Profile:
        """A copy of the settings under a new id and a free name.

        The copy has no client secret and no tokens: those belong to the
        original's id in the secret store.
        """
        copy = dataclasses.replace(profile, id=uuid.uuid4().hex,
                                   name=self.free_name(f"{profile.name} "
                                                       "(copy)"))
        self.put(copy)
        return copy

    def remove(self, profile_id: str) -> None:
        """Forget the profile's settings (its secrets are the caller's)."""
        self._writable()
        settings = self.context.profiles.load()
        settings.remove(profile_id)
        self.context.profiles.save(settings)
        log.info("profile %s removed", profile_id)

    def mark_used(self, profile_id: str) -> None:
        """Make ``profile_id`` the profile that opens on the next start."""
        if self.read_only:
            return
        settings = self.context.profiles.load()
        if settings.last_profile_id != profile_id:
            settings.last_profile_id = profile_id
            self.context.profiles.save(settings)

    def free_name(self, wanted: str) -> str:
        """``wanted``, or ``wanted 2``, ``wanted 3``…: unused by any."""
        settings = self.settings()
        name, number = wanted, 1
        while settings.find(name) is not None:
            number += 1
            name = f"{wanted} {number}"
        return name

    def _writable(self) -> None:
        if self.read_only:
            raise InputError("The demo's connection cannot be changed. "
                             "Start Zelt Desktop without --demo to manage "
                             "your connections.")
