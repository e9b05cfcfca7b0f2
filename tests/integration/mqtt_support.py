"""Debian's mosquitto broker and its clients for the MQTT bridge's tests and bench: a broker on a
loopback port with a directory of its own (users, TLS with a test CA, persistence as asked),
mosquitto_sub in the background and mosquitto_pub."""
import datetime
import getpass
import ipaddress
import json
import os
import queue
import shutil
import subprocess
import threading
import time
import uuid

from server_process import TIMEOUT, ServerProcess

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
MOSQUITTO_SUB = shutil.which("mosquitto_sub") or "/usr/bin/mosquitto_sub"
MOSQUITTO_PUB = shutil.which("mosquitto_pub") or "/usr/bin/mosquitto_pub"
MOSQUITTO_PASSWD = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"


class TestCertificates:
    """A test CA and a broker certificate it signed for localhost and 127.0.0.1, as PEM files;
    and a second CA that signed nothing here, which a client must not trust the broker by."""

    def __init__(self, directory):
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        def name(text):
            return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])

        now = datetime.datetime.now(datetime.timezone.utc)
        week = datetime.timedelta(days=7)

        def write(path, data):
            with open(path, "wb") as f:
                f.write(data)
            os.chmod(path, 0o600)
            return path

        def make_ca(title, file):
            key = ec.generate_private_key(ec.SECP256R1())
            cert = (x509.CertificateBuilder().subject_name(name(title)).issuer_name(name(title))
                    .public_key(key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(now - datetime.timedelta(minutes=5))
                    .not_valid_after(now + week)
                    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                    .sign(key, hashes.SHA256()))
            write(file, cert.public_bytes(serialization.Encoding.PEM))
            return key, cert

        self.ca = os.path.join(directory, "test-ca.pem")
        self.other_ca = os.path.join(directory, "other-ca.pem")
        ca_key, ca_cert = make_ca("gw test CA", self.ca)
        make_ca("gw other CA", self.other_ca)
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(name("localhost"))
                .issuer_name(ca_cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + week)
                .add_extension(x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"),
                     x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                .sign(ca_key, hashes.SHA256()))
        self.certificate = write(os.path.join(directory, "broker.pem"),
                                 cert.public_bytes(serialization.Encoding.PEM))
        self.key = write(os.path.join(directory, "broker-key.pem"), key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))


class Mosquitto(ServerProcess):
    """One mosquitto broker on 127.0.0.1. `users` ({name: password}) turns anonymous access off;
    `tls` (TestCertificates) makes its listener TLS; `persistent` keeps sessions across a
    restart (so a subscriber's session and what was queued for it survive the broker)."""
    what = "mosquitto"
    config_name = "mosquitto.conf"

    def __init__(self, port=None, users=None, tls=None, persistent=False, settings=""):
        """`settings`: more lines of mosquitto.conf."""
        super().__init__(port, prefix="gw-mosquitto-")
        self.users = users
        self.tls = tls
        self.persistent = persistent
        self.settings = settings

    @property
    def url(self):
        return f"{'mqtts' if self.tls else 'mqtt'}://127.0.0.1:{self.port}"

    def config_text(self):
        # As root, mosquitto would otherwise become the user "mosquitto", who cannot read the
        # test's files.
        text = f"user {getpass.getuser()}\nlistener {self.port} 127.0.0.1\n"
        if self.tls:
            text += (f"certfile {self.tls.certificate}\nkeyfile {self.tls.key}\n"
                     f"cafile {self.tls.ca}\n")
        if self.users is None:
            text += "allow_anonymous true\n"
        else:
            passwords = os.path.join(self.directory, "passwords")
            open(passwords, "w").close()
            for user, password in self.users.items():
                subprocess.run([MOSQUITTO_PASSWD, "-b", passwords, user, password], check=True,
                               capture_output=True)
            os.chmod(passwords, 0o600)
            text += f"allow_anonymous false\npassword_file {passwords}\n"
        if self.persistent:
            text += f"persistence true\npersistence_location {self.directory}/\n"
        else:
            text += "persistence false\n"
        return text + self.settings

    def command(self, config_path):
        return [MOSQUITTO, "-c", config_path]

    def client_args(self):
        args = ["-h", "127.0.0.1", "-p", str(self.port),
                "-V", "mqttv5"]
        if self.tls:
            args += ["--cafile", self.tls.ca]
        if self.users:
            user, password = next(iter(self.users.items()))
            args += ["-u", user, "-P", password]
        return args

    def publish(self, topic, payload, retain=False, qos=0):
        args = [MOSQUITTO_PUB, *self.client_args(), "-t", topic, "-q", str(qos)]
        if isinstance(payload, bytes):
            args += ["-s"]  # the payload from standard input, bytes as they are
        else:
            args += ["-m", payload]
        if retain:
            args.append("-r")
        subprocess.run(args, check=True, timeout=TIMEOUT,
                       input=payload if isinstance(payload, bytes) else None)


class Subscriber:
    """mosquitto_sub on `filters`, in the background; each message it prints (-F %j) is queued.
    `session` names a persistent session (QoS 1, not cleaned), which a persistent broker keeps
    across its restart."""

    def __init__(self, broker, *filters, session=None):
        self.broker = broker
        self.ready_topic = f"gwtest/ready/{uuid.uuid4().hex}"
        args = [MOSQUITTO_SUB, *broker.client_args(), "-F", "%j"]
        if session:
            args += ["-c", "-i", session, "-q", "1"]
        for topic in (*filters, self.ready_topic):
            args += ["-t", topic]
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.messages = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._wait_until_subscribed()

    def _read(self):
        for line in self.process.stdout:
            if line.strip():
                self.messages.put(json.loads(line))

    def _wait_until_subscribed(self):
        """Publishes to its readiness topic until it hears it; what it heard before (a retained
        message, say) is kept for next()."""
        kept = []
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            self.broker.publish(self.ready_topic, "ready")
            try:
                while True:
                    received = self.messages.get(timeout=0.2)
                    if received["topic"] == self.ready_topic:
                        for item in reversed(kept):
                            self.messages.queue.appendleft(item)
                        return
                    kept.append(received)
            except queue.Empty:
                continue
        raise AssertionError(f"mosquitto_sub did not subscribe within {TIMEOUT} s")

    def next(self, timeout=TIMEOUT, topic=None):
        """The next message (on `topic`, if given), skipping readiness probes."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                where = f" on {topic}" if topic else ""
                raise AssertionError(f"mosquitto_sub received nothing{where} within {timeout} s")
            try:
                received = self.messages.get(timeout=left)
            except queue.Empty:
                continue
            if received["topic"].startswith("gwtest/ready/"):
                continue
            if topic is None or received["topic"] == topic:
                return received

    def all_for(self, seconds):
        """Everything it receives in the next `seconds` (readiness probes left out)."""
        received = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                item = self.messages.get(timeout=left)
            except queue.Empty:
                break
            if not item["topic"].startswith("gwtest/ready/"):
                received.append(item)
        return received

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()
