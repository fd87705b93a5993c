"""`python -m chatui` runs the command line."""

import sys

from chatui.cli import main

sys.exit(main())
