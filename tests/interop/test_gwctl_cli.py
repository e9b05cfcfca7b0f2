"""gwctl's token tools as a user runs them: key files, errors, exit codes, help."""
import os
import stat
import tempfile
import unittest

from cryptography.fernet import Fernet

from interop_support import gwctl, text, write_key_file


def read(path):
    with open(path) as f:
        return f.read()


class GwctlCli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "gw.key")

    def tearDown(self):
        self.dir.cleanup()

    def test_keygen_creates_a_private_key_file_and_never_overwrites(self):
        old_umask = os.umask(0o022)
        try:
            result = gwctl("keygen", "--out", self.path)
        finally:
            os.umask(old_umask)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"")  # the key is not echoed
        self.assertEqual(result.stderr.decode(), f"wrote a new key to {self.path} (mode 0600)\n")
        self.assertEqual(stat.S_IMODE(os.stat(self.path).st_mode), 0o600)
        before = read(self.path)

        again = gwctl("keygen", "--out", self.path)
        self.assertEqual(again.returncode, 1)
        self.assertEqual(again.stderr.decode(), f"gwctl keygen: key file {self.path}: already "
                                                f"exists; not overwriting it [key_file]\n")
        self.assertEqual(read(self.path), before)

    def test_a_key_file_others_can_read_is_refused_with_the_fix(self):
        key = Fernet.generate_key()
        write_key_file(self.path, [key], mode=0o644)
        token = Fernet(key).encrypt(b"hi")
        refused = gwctl("decrypt", "--key-file", self.path, stdin=token)
        self.assertEqual(refused.returncode, 1)
        self.assertEqual(refused.stderr.decode(),
                         f"gwctl decrypt: key file {self.path} is accessible by group or others "
                         f"(mode 0644); restrict it with: chmod 600 {self.path} (or pass "
                         f"--insecure-key-file to use it anyway) [insecure_key_file]\n")
        allowed = gwctl("decrypt", "--key-file", self.path, "--insecure-key-file", stdin=token)
        self.assertEqual((allowed.returncode, allowed.stdout), (0, b"hi"), allowed.stderr)
        os.chmod(self.path, 0o600)
        fixed = gwctl("decrypt", "--key-file", self.path, stdin=token)
        self.assertEqual((fixed.returncode, fixed.stdout), (0, b"hi"), fixed.stderr)

    def test_keys_come_from_the_environment_too(self):
        key = Fernet.generate_key()
        write_key_file(self.path, [key])
        token = Fernet(key).encrypt(b"env")
        for variable, value in (("GW_KEY", text(key)), ("GW_KEY_FILE", self.path)):
            env = dict(os.environ, **{variable: value})
            result = gwctl("decrypt", stdin=token, env=env)
            self.assertEqual((result.returncode, result.stdout), (0, b"env"), result.stderr)

    def test_invalid_tokens_give_the_reason_and_exit_1(self):
        key = text(Fernet.generate_key())
        cases = {
            b"garbage!": "invalid base64url at position 7: '!' is not a base64url character [bad_base64]",
            Fernet(Fernet.generate_key()).encrypt(b"x"):
                "token does not match the key (HMAC mismatch): the key is wrong or the token was "
                "altered [bad_mac]",
        }
        for token, reason in cases.items():
            result = gwctl("decrypt", "--key", key, stdin=token)
            self.assertEqual(result.returncode, 1)
            self.assertEqual(result.stderr.decode(), f"gwctl decrypt: {reason}\n")

    def test_usage_errors_exit_2(self):
        key = text(Fernet.generate_key())
        for args, stdin, message in (
                (["decrypt"], b"x", "no key given"),
                (["decrypt", "--key", key], b"  \n", "no token on standard input"),
                (["encrypt", "--key", key, "--iv", "00"], b"x", "--iv must be 32 hexadecimal"),
                (["encrypt", "--key", key, "--now", "-5"], b"x", "--now"),
                (["encrypt", "--key", key, "--key-file", self.path], b"x", "excludes"),
                (["frobnicate"], b"", "not expected: frobnicate"),
                ([], b"", "gwctl: a command is required"),
        ):
            with self.subTest(args=args):
                result = gwctl(*args, stdin=stdin)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(message, result.stderr.decode())

    def test_a_bad_key_is_explained(self):
        result = gwctl("encrypt", "--key", "short", stdin=b"x")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.decode(), "gwctl encrypt: a Fernet key is 44 characters of "
                                                 "base64url; this one has 5 [bad_key]\n")

    def test_help_on_every_subcommand(self):
        for args in ([], ["keygen"], ["encrypt"], ["decrypt"]):
            with self.subTest(args=args):
                result = gwctl(*args, "--help")
                self.assertEqual(result.returncode, 0)
                self.assertIn(b"Usage: gwctl", result.stdout)
        self.assertIn(b"Example", gwctl("decrypt", "--help").stdout)
        version = gwctl("--version")
        self.assertEqual(version.returncode, 0)
        self.assertRegex(version.stdout.decode(), r"^\d+\.\d+\.\d+")

    def test_deterministic_encryption_with_now_and_iv(self):
        key = text(Fernet.generate_key())
        args = ["encrypt", "--key", key, "--now", "1700000000", "--iv", "00" * 16]
        first, second = gwctl(*args, stdin=b"same"), gwctl(*args, stdin=b"same")
        self.assertEqual(first.stdout, second.stdout)
        self.assertEqual(Fernet(key).extract_timestamp(first.stdout.strip()), 1700000000)


if __name__ == "__main__":
    unittest.main()
