from lantai.cli import main

raise SystemExit(main())
