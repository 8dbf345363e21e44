"""`python -m dondoc` is the `dondoc` command."""

from dondoc.cli import main

main()
