"""``python -m policykb …`` runs the command line, as the ``policykb`` script does."""

import sys

from policykb.cli import main

sys.exit(main())
