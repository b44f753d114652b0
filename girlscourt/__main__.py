"""``python -m girlscourt`` runs the CLI (and, with no command, the desktop app)."""

from girlscourt.cli.main import main

raise SystemExit(main())
