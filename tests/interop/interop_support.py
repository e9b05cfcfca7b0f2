"""Shared helpers for the interop tests: the gw programs under test and the vector files."""
import base64
import datetime
import json
import os
import subprocess


def _required_path(variable):
    path = os.environ.get(variable)
    if not path or not os.path.exists(path):
        raise RuntimeError(f"{variable} must name a built program (run these tests through ctest)")
    return path


GWCTL = _required_path("GWCTL")
VECTORS_DIR = os.environ.get("GW_FERNET_VECTORS_DIR", "")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text)


def gwctl(*args, stdin=b"", env=None):
    """Runs gwctl; returns the CompletedProcess with bytes stdout and stderr."""
    return subprocess.run([GWCTL, *args], input=stdin, capture_output=True, timeout=30, env=env)


def unix_time(iso: str) -> int:
    return int(datetime.datetime.fromisoformat(iso).timestamp())


def load_vectors(relative_path):
    path = os.path.join(VECTORS_DIR, relative_path)
    if not os.path.exists(path):
        raise RuntimeError(f"Fernet vectors not found at {path}; set GW_FERNET_VECTORS_DIR")
    with open(path) as f:
        return json.load(f)


def vector_source(vector) -> bytes:
    if vector.get("src_encoding") == "base64":
        return base64.b64decode(vector["src"])
    return vector["src"].encode()


def text(key) -> str:
    """A key as text, whether Python's Fernet gave bytes or gwctl gave str."""
    return key.decode() if isinstance(key, bytes) else key


def write_key_file(path, keys, mode=0o600):
    with open(path, "w") as f:
        f.write("# test keys\n" + "".join(text(k) + "\n" for k in keys))
    os.chmod(path, mode)


class Peer:
    """The message library behind a line-oriented JSON pipe (tests/interop/interop_peer.cpp)."""

    def __init__(self):
        self._process = subprocess.Popen([_required_path("GW_INTEROP_PEER")], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, text=True)

    def call(self, **request):
        request["keys"] = [text(k) for k in request["keys"]]
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("interop_peer exited")
        return json.loads(line)

    def close(self):
        self._process.stdin.close()
        self._process.wait(timeout=10)
