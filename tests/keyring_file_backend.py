"""A file-backed keyring that a command-line subprocess can be given.

The command line honours keyring's standard PYTHON_KEYRING_BACKEND
variable; tests set it to ``tests.keyring_file_backend.FileBackedKeyring``
and ZELT_TEST_KEYRING_FILE to a file in the test's own folder.  A
test-only stand-in for the operating system's store.
"""

from __future__ import annotations

import os
from pathlib import Path

from keyring.compat import properties

from tests.store.keyrings import FileKeyring

PATH_VARIABLE = "ZELT_TEST_KEYRING_FILE"
BACKEND = f"{__name__}.FileBackedKeyring"


class FileBackedKeyring(FileKeyring):
    """FileKeyring at the path named by ZELT_TEST_KEYRING_FILE.

    Viable only where that variable is set, and even then below keyring's
    own fail backend: keyring loads it when named, never picks it.
    """

    @properties.classproperty
    def priority(cls) -> float:
        if not os.environ.get(PATH_VARIABLE):
            raise RuntimeError(f"{PATH_VARIABLE} is not set")
        return -5

    def __init__(self, path: Path | str | None = None) -> None:
        super().__init__(path or os.environ[PATH_VARIABLE])
