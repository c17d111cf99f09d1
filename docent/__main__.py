import sys

from docent.cli import main

sys.exit(main())
