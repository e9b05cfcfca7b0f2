"""docker/Dockerfile and docker/docker-compose.yml, checked without a container engine: compose
validates the file, the Dockerfile copies only what exists, builds with the scripts CI runs, and
its runtime stage has what the programs need and what the issue of deploying asks."""
import os
import re
import shlex
import subprocess
import unittest

import yaml

PROJECT = os.environ["PROJECT_DIR"]
DOCKERFILE = os.path.join(PROJECT, "docker", "Dockerfile")
COMPOSE = os.path.join(PROJECT, "docker", "docker-compose.yml")
CLUSTER_COMPOSE = os.path.join(PROJECT, "docker", "docker-compose.cluster.yml")
PORTS = {"5000/tcp", "8000/tcp", "5001/tcp", "1234/udp"}


def instructions():
    """(stage index, INSTRUCTION, arguments) for each instruction, continuation lines joined."""
    with open(DOCKERFILE) as f:
        text = re.sub(r"\\\n", " ", f.read())
    stage = -1
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word.upper() == "FROM":
            stage += 1
        yield stage, word.upper(), rest.strip()


def script_calls(path):
    """The scripts/*.sh a shell script runs."""
    with open(os.path.join(PROJECT, path)) as f:
        return set(re.findall(r"scripts/[\w-]+\.sh", f.read()))


class Dockerfile(unittest.TestCase):
    def test_every_copied_file_exists(self):
        copied = 0
        for _, word, rest in instructions():
            if word != "COPY" or rest.startswith("--from"):
                continue
            *sources, _ = shlex.split(rest)
            for source in sources:
                with self.subTest(source=source):
                    self.assertTrue(os.path.exists(os.path.join(PROJECT, source)), source)
                    copied += 1
        self.assertGreater(copied, 5)

    def test_the_sources_the_build_needs_are_copied(self):
        copied = {shlex.split(rest)[0].rstrip("/") for _, word, rest in instructions()
                  if word == "COPY" and not rest.startswith("--from")}
        with open(os.path.join(PROJECT, "CMakeLists.txt")) as f:
            subdirectories = set(re.findall(r"^add_subdirectory\((\w+)\)", f.read(), re.M))
        self.assertLessEqual(subdirectories - {"bench", "tests"}, copied)

    def test_the_build_stage_runs_the_scripts_ci_runs(self):
        build = " ".join(rest for stage, word, rest in instructions() if stage == 0 and word == "RUN")
        in_docker = set(re.findall(r"scripts/[\w-]+\.sh", build))
        self.assertEqual(in_docker, {"scripts/install-deps.sh", "scripts/build.sh"})
        with open(os.path.join(PROJECT, ".ci", "run")) as f:
            self.assertIn("scripts/test.sh", f.read())
        self.assertLessEqual(in_docker, script_calls("scripts/test.sh"))

    def test_the_runtime_stage(self):
        runtime = [(word, rest) for stage, word, rest in instructions() if stage == 1]
        first = [rest for stage, word, rest in instructions() if word == "FROM"]
        self.assertEqual(first, ["debian:bookworm AS build", "debian:bookworm-slim"])
        user = [rest for word, rest in runtime if word == "USER"]
        self.assertEqual(len(user), 1)
        self.assertNotIn(user[0], ("root", "0"))
        self.assertIn(("VOLUME", "/var/lib/gw"), runtime)
        exposed = {port for word, rest in runtime if word == "EXPOSE" for port in rest.split()}
        self.assertEqual(exposed, PORTS)
        health = [rest for word, rest in runtime if word == "HEALTHCHECK"]
        self.assertEqual(len(health), 1)
        self.assertIn("http://127.0.0.1:5000/healthz", health[0])
        entry = [rest for word, rest in runtime if word == "ENTRYPOINT"]
        self.assertEqual(entry, ['["gatewayd", "--data-dir", "/var/lib/gw"]'])

    def test_the_runtime_packages_hold_every_library_the_programs_link(self):
        installed = " ".join(rest for stage, word, rest in instructions()
                             if stage == 1 and word == "RUN")
        packages = set(installed.split())
        in_slim_image = {"libc6", "libstdc++6", "libgcc-s1"}
        libraries = subprocess.run(["ldd", os.environ["GATEWAYD"]], capture_output=True,
                                   text=True, check=True).stdout
        for path in re.findall(r"=> (/\S+)", libraries):
            if "libasan" in path or "libubsan" in path or "libtsan" in path:
                continue  # a sanitizer build's own runtime
            owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True,
                                   text=True)
            if owner.returncode != 0:  # a path dpkg knows by its /lib alias
                owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
            package = owner.stdout.split(":")[0]
            with self.subTest(library=path):
                self.assertIn(package, packages | in_slim_image)


class Compose(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        result = subprocess.run(["docker-compose", "-f", COMPOSE, "config"], capture_output=True,
                                text=True, timeout=60)
        if result.returncode != 0:
            raise AssertionError(result.stderr)
        cls.config = yaml.safe_load(result.stdout)

    def test_config_is_valid(self):
        result = subprocess.run(["docker-compose", "-f", COMPOSE, "config", "-q"],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "")

    def test_the_gateway_service(self):
        gateway = self.config["services"]["gateway"]
        self.assertEqual(gateway["build"]["dockerfile"], "docker/Dockerfile")
        self.assertEqual(os.path.realpath(gateway["build"]["context"]), os.path.realpath(PROJECT))
        published = {f"{p['target']}/{p.get('protocol', 'tcp')}" for p in gateway["ports"]}
        self.assertEqual(published, PORTS)
        self.assertEqual(gateway["volumes"], ["gw-data:/var/lib/gw:rw"])
        self.assertTrue(all(name.startswith("GW_") for name in gateway["environment"]))

    def test_the_listener_service_listens_with_gwctl(self):
        listener = self.config["services"]["listener"]
        self.assertEqual(listener["entrypoint"][:2], ["gwctl", "listen"])
        self.assertIn("ws://gateway:8000/ws", listener["entrypoint"])
        self.assertEqual(listener["depends_on"]["gateway"]["condition"], "service_healthy")
        self.assertEqual(listener["volumes"], ["gw-data:/var/lib/gw:ro"])

    def test_the_network_choice_is_documented(self):
        with open(COMPOSE) as f:
            text = f.read()
        self.assertIn("network_mode: host", text)
        self.assertIn("broadcast", text.lower())


class ClusterCompose(unittest.TestCase):
    """Three gateways and Debian's nats-server, as docs/operations.md shows them."""

    @classmethod
    def setUpClass(cls):
        result = subprocess.run(["docker-compose", "-f", CLUSTER_COMPOSE, "config"],
                                capture_output=True, text=True, timeout=60)
        if result.returncode != 0:
            raise AssertionError(result.stderr)
        cls.config = yaml.safe_load(result.stdout)

    def test_three_gateways_share_the_key_devices_and_nats(self):
        services = self.config["services"]
        gateways = [services[f"gateway-{node}"] for node in "abc"]
        environments = [gateway["environment"] for gateway in gateways]
        for variable in ("GW_CLUSTER_NATS", "GW_CLUSTER_NAME", "GW_KEY_FILE", "GW_DEVICES_FILE"):
            self.assertEqual(len({environment[variable] for environment in environments}), 1)
        self.assertEqual(environments[0]["GW_CLUSTER_NATS"], "nats://nats:4222")
        self.assertEqual(len({environment["GW_NAME"] for environment in environments}), 3)
        for gateway in gateways:
            self.assertIn("gw-shared:/var/lib/gw-shared:rw", gateway["volumes"])
        for later in gateways[1:]:  # the first makes the key
            self.assertEqual(later["depends_on"]["gateway-a"]["condition"], "service_healthy")

    def test_nats_is_debians_with_jetstream(self):
        nats = self.config["services"]["nats"]
        self.assertEqual(nats["build"]["dockerfile"], "docker/nats.Dockerfile")
        with open(os.path.join(PROJECT, "docker", "nats.Dockerfile")) as f:
            text = f.read()
        self.assertIn("apt-get install -y --no-install-recommends nats-server", text)
        self.assertIn("--jetstream", text)


if __name__ == "__main__":
    unittest.main()
