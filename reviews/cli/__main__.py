"""``python -m reviews.cli``."""

from reviews.cli.main import main

main()
