"""The include graph of the project's own headers and sources, read from the files.

Fails when a public header (under */include/gw/) includes an internal one (a quoted include,
found beside the file or in its module's src/), when a built-in command's file includes the
whole gateway (commands get what they use, not the Gateway), when the dispatcher's header is
included by anything but the gateway's assembly and the dispatcher itself, or when headers
include each other in a cycle.
"""

import os
import re
import unittest

PROJECT = os.environ.get("PROJECT_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
MODULES = ["asio", "message", "transports", "discovery", "gateway", "cluster", "mqtt", "clients"]
# Where public headers live: <module>/include, and gatewayd's and the console's own.
INCLUDE_ROOTS = ["message/include", "transports/include", "discovery/include", "gateway/include",
                 "cluster/include", "mqtt/include", "gateway/gatewayd/include", "clients/include",
                 "clients/console/include"]
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def project_files():
    for module in MODULES:
        for folder, _, names in os.walk(os.path.join(PROJECT, module)):
            if "node_modules" in folder:
                continue
            for name in names:
                if name.endswith((".hpp", ".cpp")):
                    yield os.path.normpath(os.path.join(folder, name))


def module_of(path):
    return os.path.relpath(path, PROJECT).split(os.sep)[0]


def is_public(path):
    return f"{os.sep}include{os.sep}gw{os.sep}" in path


def resolve(path, kind, name):
    """The project file an include names, or None for a system or third-party header."""
    if kind == "<":
        if not name.startswith("gw/"):
            return None
        for root in INCLUDE_ROOTS:
            candidate = os.path.join(PROJECT, root, name)
            if os.path.exists(candidate):
                return os.path.normpath(candidate)
        raise AssertionError(f"{path}: <{name}> names no public header of the project")
    beside = os.path.normpath(os.path.join(os.path.dirname(path), name))
    if os.path.exists(beside):
        return beside
    # The module's src/ is on its internal include path (gateway/src/dispatch/...).
    module_src = os.path.normpath(os.path.join(PROJECT, module_of(path), "src", name))
    if os.path.exists(module_src):
        return module_src
    nested = [p for p in project_files() if p.endswith(os.sep + name)]
    if len(nested) == 1:
        return nested[0]
    raise AssertionError(f'{path}: "{name}" is not found beside it or in its module\'s src/')


def graph():
    edges = {}
    for path in project_files():
        with open(path, encoding="utf-8") as source:
            text = source.read()
        edges[path] = [t for t in (resolve(path, k, n) for k, n in INCLUDE.findall(text)) if t]
    return edges


def rel(path):
    return os.path.relpath(path, PROJECT)


class IncludeGraph(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.edges = graph()

    def test_the_graph_is_read(self):
        # A parser that found nothing would pass every other test.
        self.assertGreater(len(self.edges), 150)
        gateway_hpp = os.path.join(PROJECT, "gateway", "include", "gw", "gateway", "gateway.hpp")
        self.assertIn(os.path.normpath(gateway_hpp), self.edges)
        self.assertGreater(len(self.edges[os.path.normpath(gateway_hpp)]), 5)

    def test_public_headers_include_only_public_headers(self):
        leaks = [f"{rel(a)} -> {rel(b)}" for a, targets in self.edges.items() if is_public(a)
                 for b in targets if not is_public(b)]
        self.assertEqual(leaks, [])

    def test_commands_do_not_see_the_gateway(self):
        commands = os.path.join(PROJECT, "gateway", "src", "commands")
        gateway_hpp = os.path.normpath(
            os.path.join(PROJECT, "gateway", "include", "gw", "gateway", "gateway.hpp"))
        seeing = [rel(a) for a, targets in self.edges.items()
                  if a.startswith(commands) and not a.endswith("builtin_commands.cpp")
                  and gateway_hpp in targets]
        self.assertEqual(seeing, [])

    def test_only_the_assembly_knows_the_dispatcher(self):
        dispatcher = os.path.normpath(
            os.path.join(PROJECT, "gateway", "src", "dispatch", "dispatcher.hpp"))
        users = sorted(rel(a) for a, targets in self.edges.items() if dispatcher in targets)
        self.assertEqual(users, ["gateway/src/dispatch/dispatcher.cpp", "gateway/src/gateway.cpp"])

    def test_no_cycles(self):
        state = {}  # path -> "open" while on the current path, "done" after
        cycles = []

        def visit(path, trail):
            state[path] = "open"
            for target in self.edges.get(path, []):
                if state.get(target) == "open":
                    cycles.append(" -> ".join(rel(p) for p in trail[trail.index(target):] + [target]))
                elif target not in state:
                    visit(target, trail + [target])
            state[path] = "done"

        for path in sorted(self.edges):
            if path not in state:
                visit(path, [path])
        self.assertEqual(cycles, [])


if __name__ == "__main__":
    unittest.main()
