import os
import sys

# `python -m` puts the current folder first on sys.path: a project module named like one
# of our dependencies (pydantic.py, json.py) would be imported, and so run. Never.
if sys.path and os.path.abspath(sys.path[0] or ".") == os.getcwd():
    del sys.path[0]

from pii_lint.cli import main  # noqa: E402

sys.exit(main())
