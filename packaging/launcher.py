"""PyInstaller entry script: the same ``main`` as ``python -m app`` and the gui-script."""

import sys

from app.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
