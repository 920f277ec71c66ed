"""Entry script of the packaged app: the same main() as python -m."""

import sys

from zelt_desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
