"""`python -m bottleneck_finder`: the same command line as `bottleneck`."""

from .cli import main

if __name__ == "__main__":
    main()
