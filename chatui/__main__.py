"""`python -m chatui` runs the command line."""

import sys

from chatui.cli.main import main

sys.exit(main())
