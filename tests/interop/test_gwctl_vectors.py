"""Every Fernet vector, spec and generated, through gwctl encrypt and decrypt."""
import unittest

from interop_support import gwctl, load_vectors, unix_time, vector_source

# What each kind of invalid vector must be refused for, as gwctl names it on stderr.
EXPECTED_KIND = {
    "incorrect mac": "bad_mac",
    "wrong key": "bad_mac",
    "too short": "too_short",
    "invalid base64": "bad_base64",
    "wrong version": "bad_version",
    "payload size not multiple of block size": "bad_length",
    "payload padding error": "bad_padding",
    "incorrect iv (causes padding error)": "bad_padding",
    "far-future ts (unacceptable clock skew)": "from_future",
    "expired ttl": "expired",
}


def cases(kind):
    for name in (f"spec-{kind}.json", f"generated/{kind}.json"):
        for index, vector in enumerate(load_vectors(name)):
            yield f"{name}#{index}", vector


class GwctlVectors(unittest.TestCase):
    def test_generate(self):
        count = 0
        for name, v in cases("generate"):
            with self.subTest(name):
                result = gwctl("encrypt", "--key", v["secret"], "--now", str(unix_time(v["now"])),
                               "--iv", bytes(v["iv"]).hex(), stdin=vector_source(v))
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout.decode(), v["token"] + "\n")
                count += 1
        self.assertEqual(count, 121)

    def test_verify(self):
        count = 0
        for name, v in cases("verify"):
            with self.subTest(name):
                result = gwctl("decrypt", "--key", v["secret"], "--ttl", str(v["ttl_sec"]),
                               "--now", str(unix_time(v["now"])), stdin=v["token"].encode())
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout, vector_source(v))
                count += 1
        self.assertEqual(count, 121)

    def test_invalid(self):
        count = 0
        for name, v in cases("invalid"):
            with self.subTest(name, desc=v["desc"]):
                result = gwctl("decrypt", "--key", v["secret"], "--ttl", str(v["ttl_sec"]),
                               "--now", str(unix_time(v["now"])), stdin=v["token"].encode())
                self.assertEqual(result.returncode, 1)
                self.assertEqual(result.stdout, b"")
                kind = EXPECTED_KIND[v["desc"].lower()]
                self.assertTrue(result.stderr.startswith(b"gwctl decrypt: "), result.stderr)
                self.assertTrue(result.stderr.endswith(f"[{kind}]\n".encode()), result.stderr)
                count += 1
        self.assertGreater(count, 120)


if __name__ == "__main__":
    unittest.main()
