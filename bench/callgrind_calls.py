#!/usr/bin/env python3
"""Calls to the named functions in a callgrind profile, summed over every caller.

    callgrind_calls.py PROFILE FUNCTION...   prints the total

The profile names a function in full once and by its number afterwards; both are followed.
"""
import re
import sys


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    wanted = set(sys.argv[2:])
    names: dict[str, str] = {}
    called = None
    total = 0
    definition = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")
    with open(sys.argv[1], encoding="utf-8", errors="replace") as profile:
        for line in profile:
            match = definition.match(line.rstrip("\n"))
            if match:
                number, name = match.groups()
                if name is not None:
                    names[number] = name.split(" ")[0]
                called = names.get(number) if line.startswith("cfn=") else None
                continue
            if called is not None and line.startswith("calls="):
                if called in wanted:
                    total += int(line.split("=")[1].split()[0])
                called = None
    print(total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
