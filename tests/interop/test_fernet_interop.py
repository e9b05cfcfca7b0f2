"""Tokens cross between this project and Python's cryptography in both directions."""
import os
import tempfile
import time
import unittest

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from interop_support import Peer, b64, gwctl, text, unb64, write_key_file

PAYLOADS = [b"", b"x", b'{"userID":"pi","cmd":"ping"}', bytes(range(256)), 16 * b"a",
            "h\u00e9llo \u2713".encode(), os.urandom(40000)]


class InteropTest(unittest.TestCase):
    def setUp(self):
        self.peer = Peer()
        self.dir = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.peer.close()
        self.dir.cleanup()

    def key_file(self, *keys):
        path = os.path.join(self.dir.name, "keys")
        write_key_file(path, keys)
        return path


class PythonTokensDecryptHere(InteropTest):
    def test_library_decrypts_python_fernet_tokens(self):
        key = Fernet.generate_key()
        for payload in PAYLOADS:
            answer = self.peer.call(op="decrypt", keys=[key], token=Fernet(key).encrypt(payload).decode(),
                                    ttl=60)
            self.assertEqual(unb64(answer["plaintext"]), payload)

    def test_gwctl_decrypts_python_fernet_tokens(self):
        key = Fernet.generate_key()
        for payload in PAYLOADS:
            token = Fernet(key).encrypt(payload)
            result = gwctl("decrypt", "--key", text(key), "--ttl", "60", stdin=token + b"\n")
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(result.stdout, payload)

    def test_multifernet_tokens_decrypt_with_a_key_file(self):
        new, old = Fernet.generate_key(), Fernet.generate_key()
        key_file = self.key_file(new, old)
        for token in (MultiFernet([Fernet(new), Fernet(old)]).encrypt(b"current"),
                      Fernet(old).encrypt(b"current")):
            result = gwctl("decrypt", "--key-file", key_file, stdin=token)
            self.assertEqual((result.returncode, result.stdout), (0, b"current"), result.stderr)
            answer = self.peer.call(op="decrypt", keys=[new, old], token=token.decode(), ttl=60)
            self.assertEqual(unb64(answer["plaintext"]), b"current")

    def test_python_rotated_tokens_decrypt_with_the_new_key(self):
        new, old = Fernet.generate_key(), Fernet.generate_key()
        rotated = MultiFernet([Fernet(new), Fernet(old)]).rotate(Fernet(old).encrypt(b"moved"))
        answer = self.peer.call(op="decrypt", keys=[new], token=rotated.decode(), ttl=60)
        self.assertEqual(unb64(answer["plaintext"]), b"moved")

    def test_python_message_json_decodes_through_the_codec(self):
        key = Fernet.generate_key()
        token = Fernet(key).encrypt(b'{"userID":"pi","timestamp":"","text":"hi","cmd":"ping",'
                                    b'"args":"","extra":[1,2]}')
        answer = self.peer.call(op="decode", keys=[key], token=token.decode(), ttl=120)
        self.assertEqual(answer["message"]["cmd"], "ping")
        self.assertEqual(answer["message"]["userID"], "pi")
        self.assertNotIn("extra", answer["message"])


class TokensMadeHereDecryptInPython(InteropTest):
    def test_python_decrypts_library_tokens(self):
        key = Fernet.generate_key()
        for payload in PAYLOADS:
            token = self.peer.call(op="encrypt", keys=[key], plaintext=b64(payload))["token"]
            self.assertEqual(Fernet(key).decrypt(token.encode(), ttl=60), payload)

    def test_python_decrypts_codec_tokens(self):
        key = Fernet.generate_key()
        answer = self.peer.call(op="encode", keys=[key], message={"cmd": "ping", "code": 200})
        plaintext = Fernet(key).decrypt(answer["token"].encode(), ttl=60)
        self.assertEqual(plaintext, b'{"userID":"","timestamp":"","text":"","cmd":"ping",'
                                    b'"args":"","code":200}')

    def test_python_decrypts_gwctl_tokens(self):
        key = Fernet.generate_key()
        for payload in PAYLOADS:
            result = gwctl("encrypt", "--key", text(key), stdin=payload)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertEqual(Fernet(key).decrypt(result.stdout.strip(), ttl=60), payload)

    def test_first_key_of_a_key_file_encrypts(self):
        new, old = Fernet.generate_key(), Fernet.generate_key()
        result = gwctl("encrypt", "--key-file", self.key_file(new, old), stdin=b"hello")
        self.assertEqual(Fernet(new).decrypt(result.stdout.strip()), b"hello")
        with self.assertRaises(InvalidToken):
            Fernet(old).decrypt(result.stdout.strip())

    def test_python_accepts_gwctl_keys(self):
        path = os.path.join(self.dir.name, "generated.key")
        self.assertEqual(gwctl("keygen", "--out", path).returncode, 0)
        printed = gwctl("keygen").stdout.strip()
        with open(path) as f:
            from_file = [line.strip() for line in f if line.strip() and not line.startswith("#")]
        for key in (printed, from_file[0].encode()):
            token = gwctl("encrypt", "--key", text(key), stdin=b"k").stdout.strip()
            self.assertEqual(Fernet(key).decrypt(token), b"k")

    def test_timestamps_agree(self):
        key = Fernet.generate_key()
        token = self.peer.call(op="encrypt", keys=[key], plaintext=b64(b"t"), now=1_234_567_890)["token"]
        self.assertEqual(Fernet(key).extract_timestamp(token.encode()), 1_234_567_890)


class RotationAgreesWithMultiFernet(InteropTest):
    def test_a_key_rotated_here_is_accepted_by_multifernet(self):
        new, old = Fernet.generate_key(), Fernet.generate_key()
        made = int(time.time()) - 30
        original = Fernet(old).encrypt_at_time(b"rotate me", made)
        rotated = self.peer.call(op="rotate", keys=[new, old], token=original.decode())["token"].encode()
        self.assertEqual(MultiFernet([Fernet(new), Fernet(old)]).decrypt(rotated, ttl=60), b"rotate me")
        self.assertEqual(Fernet(new).decrypt(rotated), b"rotate me")
        self.assertEqual(Fernet(new).extract_timestamp(rotated), made)
        with self.assertRaises(InvalidToken):
            Fernet(old).decrypt(rotated)

    def test_both_rotations_give_equivalent_tokens(self):
        new, old = Fernet.generate_key(), Fernet.generate_key()
        original = Fernet(old).encrypt_at_time(b"same", 1_000_000)
        ours = self.peer.call(op="rotate", keys=[new, old], token=original.decode())["token"].encode()
        theirs = MultiFernet([Fernet(new), Fernet(old)]).rotate(original)
        for token in (ours, theirs):
            self.assertEqual(Fernet(new).decrypt_at_time(token, 60, 1_000_010), b"same")
            self.assertEqual(Fernet(new).extract_timestamp(token), 1_000_000)

    def test_rotation_refuses_a_token_under_no_key(self):
        answer = self.peer.call(op="rotate", keys=[Fernet.generate_key()],
                                token=Fernet(Fernet.generate_key()).encrypt(b"x").decode())
        self.assertEqual(answer["error"], "bad_mac")


class RefusalsAgree(InteropTest):
    def test_expired_python_token_is_refused_here_as_expired(self):
        key = Fernet.generate_key()
        token = Fernet(key).encrypt_at_time(b"old", 1_000_000)
        answer = self.peer.call(op="decrypt", keys=[key], token=token.decode(), ttl=60, now=1_000_061)
        self.assertEqual(answer["error"], "expired")
        answer = self.peer.call(op="decrypt", keys=[key], token=token.decode(), ttl=60, now=1_000_060)
        self.assertEqual(unb64(answer["plaintext"]), b"old")

    def test_expired_tokens_made_here_are_refused_by_python(self):
        key = Fernet.generate_key()
        token = self.peer.call(op="encrypt", keys=[key], plaintext=b64(b"x"), now=1_000_000)["token"]
        self.assertEqual(Fernet(key).decrypt_at_time(token.encode(), 60, 1_000_060), b"x")
        with self.assertRaises(InvalidToken):
            Fernet(key).decrypt_at_time(token.encode(), 60, 1_000_061)
        with self.assertRaises(InvalidToken):
            Fernet(key).decrypt_at_time(token.encode(), 60, 1_000_000 - 61)

    def test_python_token_under_another_key_is_refused(self):
        token = Fernet(Fernet.generate_key()).encrypt(b"x")
        result = gwctl("decrypt", "--key", text(Fernet.generate_key()), stdin=token)
        self.assertEqual(result.returncode, 1)
        self.assertIn(b"[bad_mac]", result.stderr)


if __name__ == "__main__":
    unittest.main()
