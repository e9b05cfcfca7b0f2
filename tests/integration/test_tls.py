"""TLS on the HTTP and WebSocket ports: a gateway started with --self-signed (or a certificate of
its own) answers https and wss, checked by curl, requests, websocket-client and Python's ssl
module trusting its certificate, and by gwctl --ca-file. A plaintext client on such a port gets
an answer that says to use https, never a hang; UDP and TCP stay plain."""
import hashlib
import os
import re
import shutil
import socket
import ssl
import subprocess
import unittest

import requests
import websocket

from gateway_support import TIMEOUT, Gateway, GatewayTestCase, gwctl, message

TLS_ONLY = "this port speaks TLS only"


class SelfSignedGateway(GatewayTestCase):
    gateway_args = ("--self-signed",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.certificate = cls.gateway.ready["tls_certificate"]

    def https(self):
        return f"https://127.0.0.1:{self.gateway.ready['http']}"

    def wss(self):
        return f"wss://127.0.0.1:{self.gateway.ready['ws']}/ws"

    def test_the_certificate_is_in_the_data_directory_with_a_private_key(self):
        self.assertEqual(os.path.dirname(self.certificate), self.gateway.data_dir)
        key = os.path.join(self.gateway.data_dir, "tls-private-key.pem")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        with open(self.certificate) as f:
            self.assertIn("-----BEGIN CERTIFICATE-----", f.read())
        self.assertTrue(self.gateway.ready["tls"])

    def test_curl_posts_a_message_over_https(self):
        token = self.gateway.encrypt(message("ping", id="c1"))
        result = subprocess.run(
            ["curl", "-sS", "--max-time", str(TIMEOUT), "--cacert", self.certificate,
             "--data-binary", "@-", self.https() + "/message"],
            input=token, capture_output=True)
        self.assertEqual(result.returncode, 0, result.stderr)
        reply = self.gateway.decrypt(result.stdout)
        self.assertEqual((reply["cmd"], reply["text"], reply["id"]), ("ping", "pong", "c1"))

    def test_requests_posts_a_message_and_reads_pages_over_https(self):
        token = self.gateway.encrypt(message("handshake"))
        answer = requests.post(self.https() + "/message", data=token, verify=self.certificate,
                               timeout=TIMEOUT)
        self.assertEqual(answer.status_code, 200)
        reply = self.gateway.decrypt(answer.content)
        self.assertTrue(reply["data"]["endpoints"]["tls"])
        health = requests.get(self.https() + "/healthz", verify=self.certificate, timeout=TIMEOUT)
        self.assertEqual(health.json()["status"], "ok")

    def test_websocket_client_opens_wss_on_both_ports(self):
        for port in (self.gateway.ready["ws"], self.gateway.ready["http"]):
            with self.subTest(port=port):
                ws = websocket.create_connection(f"wss://127.0.0.1:{port}/ws", timeout=TIMEOUT,
                                                 sslopt={"ca_certs": self.certificate})
                try:
                    self.assertEqual(self.gateway.decrypt(ws.recv())["cmd"], "welcome")
                    reply = self.gateway.ws_request(ws, message("ping", id="w1"))
                    self.assertEqual((reply["text"], reply["id"]), ("pong", "w1"))
                finally:
                    ws.close()

    def test_python_ssl_verifies_the_certificate_strictly(self):
        context = ssl.create_default_context(cafile=self.certificate)
        context.verify_flags |= ssl.VERIFY_X509_STRICT
        with socket.create_connection(("127.0.0.1", self.gateway.ready["ws"]), TIMEOUT) as raw:
            with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                self.assertIn(tls.version(), ("TLSv1.2", "TLSv1.3"))
                tls.sendall(b"GET /ws HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\n"
                            b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                self.assertTrue(tls.recv(4096).startswith(b"HTTP/1.1 101"))

    def test_the_certificate_names_localhost_and_not_other_hosts(self):
        # Checked by name without resolving it: a minimal system may have no /etc/hosts.
        context = ssl.create_default_context(cafile=self.certificate)
        for name, trusted in (("localhost", True), ("gw.example", False)):
            with self.subTest(name=name):
                with socket.create_connection(("127.0.0.1", self.gateway.ready["http"]),
                                              TIMEOUT) as raw:
                    if trusted:
                        context.wrap_socket(raw, server_hostname=name).close()
                    else:
                        with self.assertRaises(ssl.SSLCertVerificationError):
                            context.wrap_socket(raw, server_hostname=name)

    def test_an_untrusting_client_fails_its_handshake(self):
        context = ssl.create_default_context()  # the system's authorities only
        with socket.create_connection(("127.0.0.1", self.gateway.ready["http"]), TIMEOUT) as raw:
            with self.assertRaises(ssl.SSLCertVerificationError):
                context.wrap_socket(raw, server_hostname="127.0.0.1")
        # The gateway goes on serving.
        self.assertEqual(requests.get(self.https() + "/healthz", verify=self.certificate,
                                      timeout=TIMEOUT).status_code, 200)

    def test_gwctl_speaks_https_and_wss_trusting_the_certificate(self):
        key = ("--key-file", self.gateway.ready["key_file"])
        for url in (self.wss(), self.https()):
            with self.subTest(url=url):
                result = gwctl("ping", "--url", url, "--ca-file", self.certificate, *key)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn("pong from test-gateway", result.stdout)
        result = gwctl("ping", "--url", self.wss(), *key)
        self.assertEqual(result.returncode, 1)
        self.assertIn("is not trusted: self-signed certificate", result.stderr)
        self.assertIn("--ca-file", result.stderr)

    def test_plaintext_clients_get_a_clear_answer_not_a_hang(self):
        http, ws = self.gateway.ready["http"], self.gateway.ready["ws"]
        for port in (http, ws):
            with self.subTest(client="requests", port=port):
                answer = requests.post(f"http://127.0.0.1:{port}/message", data=b"gAAAA",
                                       timeout=TIMEOUT)
                self.assertEqual(answer.status_code, 400)
                self.assertIn(TLS_ONLY, answer.text)
                self.assertIn("https://", answer.text)
            with self.subTest(client="websocket-client", port=port):
                with self.assertRaises(websocket.WebSocketBadStatusException) as refused:
                    websocket.create_connection(f"ws://127.0.0.1:{port}/ws", timeout=TIMEOUT)
                self.assertEqual(refused.exception.status_code, 400)
        result = subprocess.run(["curl", "-sS", "--max-time", str(TIMEOUT),
                                 f"http://127.0.0.1:{http}/healthz"], capture_output=True, text=True)
        self.assertIn(TLS_ONLY, result.stdout)
        key = ("--key-file", self.gateway.ready["key_file"])
        for url in (f"http://127.0.0.1:{http}", f"ws://127.0.0.1:{ws}/ws"):
            with self.subTest(client="gwctl", url=url):
                result = gwctl("ping", "--url", url, *key)
                self.assertEqual(result.returncode, 3)
                self.assertIn(TLS_ONLY, result.stderr)

    def test_udp_and_tcp_stay_plain(self):
        self.assertEqual(self.gateway.udp_request(message("ping"))["text"], "pong")
        self.assertEqual(self.gateway.tcp_request(message("ping"))["text"], "pong")


class SelfSignedCertificateLifetime(unittest.TestCase):
    def test_the_certificate_is_kept_across_restarts_and_shown_in_the_banner(self):
        gateway = Gateway("--self-signed")
        self.addCleanup(gateway.close)
        gateway.start()
        with open(gateway.ready["tls_certificate"]) as f:
            der = ssl.PEM_cert_to_DER_cert(f.read())
        fingerprint = ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
        self.assertIn(f"self-signed, created; SHA-256 {fingerprint}", gateway.stdout())
        self.assertEqual(gateway.stop(), 0)
        gateway.start()
        self.assertIn(f"(self-signed; SHA-256 {fingerprint})", gateway.stdout())
        self.assertRegex(gateway.stdout(), r"http +https://127\.0\.0\.1:\d+/message")
        self.assertRegex(gateway.stdout(), r"websocket wss://127\.0\.0\.1:\d+/ws")


class ConfiguredCertificate(unittest.TestCase):
    """A certificate the operator brings, here the files a self-signed gateway made."""

    @classmethod
    def setUpClass(cls):
        maker = Gateway("--self-signed")
        try:
            maker.start()
            cls.files = maker.data_dir + "-files"
            shutil.copytree(maker.data_dir, cls.files)
        finally:
            maker.close()
        cls.addClassCleanup(shutil.rmtree, cls.files)
        cls.certificate = os.path.join(cls.files, "tls-certificate.pem")
        cls.private_key = os.path.join(cls.files, "tls-private-key.pem")

    def start_failing(self, *args):
        gateway = Gateway(*args)
        self.addCleanup(gateway.close)
        with self.assertRaises(RuntimeError) as failed:
            gateway.start()
        return str(failed.exception)

    def test_a_configured_certificate_is_served(self):
        gateway = Gateway("--tls-cert", self.certificate, "--tls-key", self.private_key)
        self.addCleanup(gateway.close)
        gateway.start()
        self.assertEqual(gateway.ready["tls_certificate"], self.certificate)
        answer = requests.get(f"https://127.0.0.1:{gateway.ready['http']}/healthz",
                              verify=self.certificate, timeout=TIMEOUT)
        self.assertEqual(answer.json()["status"], "ok")

    def test_bad_certificate_settings_stop_the_start_with_a_reason(self):
        self.assertIn("go together", self.start_failing("--tls-cert", self.certificate))
        self.assertIn("TLS certificate /nonexistent.pem",
                      self.start_failing("--tls-cert", "/nonexistent.pem", "--tls-key",
                                         self.private_key))
        # A key that is not the certificate's.
        other = Gateway("--self-signed")
        self.addCleanup(other.close)
        other.start()
        wrong_key = os.path.join(other.data_dir, "tls-private-key.pem")
        reason = self.start_failing("--tls-cert", self.certificate, "--tls-key", wrong_key)
        self.assertTrue(re.search(r"is it the key of .*tls-certificate\.pem", reason), reason)


if __name__ == "__main__":
    unittest.main()
