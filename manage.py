#!/usr/bin/env python
"""Django's usual entry point; the same as the installed `candor` command."""

from candor.cli import main

if __name__ == "__main__":
    main()
