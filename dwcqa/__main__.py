import sys

from dwcqa.cli import main

sys.exit(main())
