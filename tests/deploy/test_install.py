"""`cmake --install` into a temporary prefix: the programs, the systemd unit, the example
config and the docs land in the usual places; the installed gatewayd starts with the example
config and the installed gwctl pings it; systemd-analyze accepts the unit and rates its
hardening."""
import os
import subprocess
import tempfile
import tomllib
import unittest

from gateway_support import Gateway

BUILD = os.environ["BUILD_DIR"]


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.temporary = tempfile.TemporaryDirectory(prefix="gw-install-")
        cls.addClassCleanup(cls.temporary.cleanup)
        cls.prefix = cls.temporary.name
        result = subprocess.run(["cmake", "--install", BUILD, "--prefix", cls.prefix],
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise AssertionError(result.stdout + result.stderr)
        cls.unit = os.path.join(cls.prefix, "lib", "systemd", "system", "gatewayd.service")
        cls.example = os.path.join(cls.prefix, "share", "gw", "gatewayd.example.toml")

    def path(self, *parts):
        return os.path.join(self.prefix, *parts)

    def test_files_land_in_the_usual_places(self):
        for program in ("gatewayd", "gwctl"):
            self.assertTrue(os.access(self.path("bin", program), os.X_OK), program)
        for doc in ("README.md", "operations.md", "gatewayd.md", "protocol.md", "gwctl.md"):
            self.assertTrue(os.path.isfile(self.path("share", "doc", "gw", doc)), doc)
        self.assertTrue(os.path.isfile(self.unit))

    def test_the_example_config_lists_every_option_with_its_default(self):
        with open(self.example, "rb") as f:
            config = tomllib.load(f)
        self.assertEqual(config["listeners"]["http_port"], 5000)
        self.assertEqual(config["tls"]["self_signed"], False)
        with open(self.example) as f:
            self.assertNotIn("# data directory:", f.read())

    def test_the_installed_programs_start_and_answer_ping(self):
        data = tempfile.TemporaryDirectory(prefix="gw-installed-")
        self.addCleanup(data.cleanup)
        gateway = Gateway("--config", self.example, data_dir=data.name,
                          program=self.path("bin", "gatewayd"))
        self.addCleanup(gateway.close)
        gateway.start()
        result = subprocess.run(
            [self.path("bin", "gwctl"), "ping", "--url", f"ws://127.0.0.1:{gateway.ready['ws']}",
             "--key-file", gateway.ready["key_file"]], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("pong from test-gateway", result.stdout)

    def test_the_unit_runs_the_installed_gatewayd_and_passes_systemd_analyze_verify(self):
        with open(self.unit) as f:
            unit = f.read()
        self.assertIn(f"ExecStart={self.path('bin', 'gatewayd')} --data-dir /var/lib/gw", unit)
        for setting in ("DynamicUser=yes", "StateDirectory=gw", "ProtectSystem=strict",
                        "NoNewPrivileges=yes", "Restart=on-failure", "ExecReload=/bin/kill -HUP"):
            self.assertIn(setting, unit)
        result = subprocess.run(["systemd-analyze", "verify", self.unit], capture_output=True,
                                text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stderr.strip(), "")

    def test_the_unit_is_hardened(self):
        # systemd's own rating of the sandbox, 0 (locked down) to 10 (exposed), with --threshold in
        # tenths: at most 2.0 here; systemd calls below 4 "OK".
        result = subprocess.run(["systemd-analyze", "security", "--offline=true", "--threshold=20",
                                 "--no-pager", self.unit], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, result.stdout[-2000:] + result.stderr)
        self.assertIn("Overall exposure level for gatewayd.service", result.stdout)


if __name__ == "__main__":
    unittest.main()
