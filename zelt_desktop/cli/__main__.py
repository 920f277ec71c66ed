"""``python -m zelt_desktop.cli``: the command line without the window."""

import sys

from zelt_desktop.cli.main import run

sys.exit(run(sys.argv[1:]))
