"""Allow ``python -m generator`` as an alias of the ``playbooks`` console script."""

from generator.cli import run

run()
