"""``python -m sstbias``: the same as the ``sstbias`` command."""

import sys

from sstbias.cli import main

sys.exit(main())
