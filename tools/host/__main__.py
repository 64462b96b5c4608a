import sys

from tools.host.cli import main

sys.exit(main())
