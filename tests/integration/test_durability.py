"""Nothing acknowledged is lost: HTTP and UDP sessions and their mailboxes survive a restart of
gatewayd, clean or kill -9, in the SQLite store in the data directory; at-least-once polls; and
the store's start-up faults, each a clear error naming the file."""
import os
import signal
import sqlite3
import subprocess
import tempfile
import unittest

from gateway_support import GATEWAYD, TIMEOUT, Gateway, gwctl, message
from session_clients import HttpClient, WebSocketClient


def restart(gateway, sig):
    """Stops the gateway with `sig` and starts it again on the same data directory and key."""
    gateway.stop(sig)
    return gateway.start()


class DurableSessions(unittest.TestCase):
    def setUp(self):
        self.data = tempfile.TemporaryDirectory(prefix="gw-durable-")
        self.gateway = Gateway(data_dir=self.data.name).start()

    def tearDown(self):
        self.gateway.stop()
        self.data.cleanup()

    def fill_mailbox(self, name, count):
        printer = HttpClient(self.gateway, name)
        sender = WebSocketClient(self.gateway, "sender")
        for i in range(count):
            reply = sender.request(message("send", text=f"page {i}", to=name))
            self.assertEqual(reply["code"], 200, reply)
            self.assertEqual(reply["data"], {"delivered": 1, "stored": 1})
        sender.close()
        return printer

    def test_kill_9_loses_no_message_and_keeps_the_session(self):
        printer = self.fill_mailbox("printer", 20)
        restart(self.gateway, signal.SIGKILL)
        # The same session token, its name, and all twenty messages, in order.
        whoami = printer.request(message("whoami"))
        self.assertEqual(whoami["code"], 200, whoami)
        self.assertEqual(whoami["data"]["name"], "printer")
        self.assertEqual(whoami["data"]["id"], printer.id)
        polled = printer.request(message("poll"))
        texts = [m["text"] for m in polled["data"]["messages"]]
        self.assertEqual(texts, [f"page {i}" for i in range(20)])
        self.assertEqual([m["seq"] for m in polled["data"]["messages"]], list(range(1, 21)))
        self.assertIn("storage", self.gateway.stdout())
        # The sender's goodbye may not have reached the disk before the kill: then it is back
        # too, away, until its idle time ends.
        self.assertRegex(self.gateway.stderr(), r"[12] session\(s\) restored")

    def test_what_a_full_mailbox_lost_is_reported_after_a_kill_9(self):
        self.gateway.stop()
        self.gateway = Gateway("--mailbox-messages", "5", data_dir=self.data.name).start()
        printer = self.fill_mailbox("printer", 8)  # the oldest three are pushed out
        restart(self.gateway, signal.SIGKILL)
        polled = printer.request(message("poll", args="ack=0"))["data"]
        self.assertEqual(polled["lost"], 3)
        self.assertEqual([m["text"] for m in polled["messages"]], [f"page {i}" for i in range(3, 8)])
        # Reported once (a poll's reply does not wait for the store: a clean stop, which
        # commits what is queued, rather than a kill that may come first).
        restart(self.gateway, signal.SIGTERM)
        self.assertEqual(printer.request(message("poll", args="ack=0"))["data"]["lost"], 0)

    def test_a_clean_restart_keeps_subscriptions_and_what_was_taken_is_gone(self):
        sensor = HttpClient(self.gateway, "console")
        self.assertEqual(sensor.request(message("subscribe", topic="home/#"))["code"], 200)
        publisher = WebSocketClient(self.gateway, "thermometer")
        reply = publisher.request(message("publish", topic="home/kitchen", text="21.5"))
        self.assertEqual(reply["data"], {"delivered": 1, "stored": 1})
        self.assertEqual(len(sensor.request(message("poll"))["data"]["messages"]), 1)
        publisher.close()
        restart(self.gateway, signal.SIGTERM)
        self.assertEqual(sensor.request(message("poll"))["data"]["messages"], [])  # taken before
        publisher = WebSocketClient(self.gateway, "thermometer")
        reply = publisher.request(message("publish", topic="home/hall", text="19.0"))
        self.assertEqual(reply["data"], {"delivered": 1, "stored": 1})  # still subscribed
        publisher.close()
        polled = sensor.request(message("poll"))["data"]["messages"]
        self.assertEqual([(m["topic"], m["text"]) for m in polled], [("home/hall", "19.0")])
        self.assertEqual(polled[0]["seq"], 2)  # numbering goes on after the restart

    def test_a_poll_whose_reply_is_not_acknowledged_is_answered_again(self):
        printer = self.fill_mailbox("printer", 5)
        first = printer.request(message("poll", args="ack=0"))["data"]
        self.assertEqual([m["seq"] for m in first["messages"]], [1, 2, 3, 4, 5])
        self.assertEqual(first["last_seq"], 5)
        # The client died before it handled the reply: the same messages, even after a crash.
        again = printer.request(message("poll", args="ack=0"))["data"]
        self.assertEqual([m["seq"] for m in again["messages"]], [1, 2, 3, 4, 5])
        restart(self.gateway, signal.SIGKILL)
        partly = printer.request(message("poll", args="ack=3"))["data"]
        self.assertEqual([m["text"] for m in partly["messages"]], ["page 3", "page 4"])
        restart(self.gateway, signal.SIGKILL)
        done = printer.request(message("poll", args="ack=5"))["data"]
        self.assertEqual(done["messages"], [])
        self.assertEqual(done["left"], 0)

    def test_retained_messages_survive_a_crash_and_reach_later_subscribers_first(self):
        sensor = WebSocketClient(self.gateway, "thermometer")
        reply = sensor.request(message("publish", topic="home/kitchen/temp", text="21.5",
                                       retain=True))
        self.assertEqual(reply["data"], {"delivered": 0, "stored": 0, "retained": True})
        cleared = sensor.request(message("publish", topic="home/hall/temp", text="19", retain=True))
        self.assertTrue(cleared["data"]["retained"])
        cleared = sensor.request(message("publish", topic="home/hall/temp", retain=True))
        self.assertEqual(cleared["text"], "cleared the retained message of home/hall/temp")
        sensor.close()
        restart(self.gateway, signal.SIGKILL)
        # A console opened a minute later: the last reading first, then the reply.
        console = WebSocketClient(self.gateway, "console")
        reply = console.request(message("subscribe", topic="home/+/temp"))
        self.assertEqual(reply["data"]["retained"], 1)
        retained = console.next_delivery()
        self.assertEqual((retained["topic"], retained["text"], retained["retain"]),
                         ("home/kitchen/temp", "21.5", True))
        # An HTTP poller gets it in its mailbox.
        poller = HttpClient(self.gateway, "poller")
        self.assertEqual(poller.request(message("subscribe", topic="home/#"))["data"]["retained"], 1)
        self.assertEqual([m["text"] for m in poller.request(message("poll"))["data"]["messages"]],
                         ["21.5"])
        console.close()

    def test_bad_poll_arguments_say_what_was_expected(self):
        printer = HttpClient(self.gateway, "printer")
        for args in ("ack=-1", "ack=x", "wait=2 please"):
            reply = printer.request(message("poll", args=args))
            self.assertEqual(reply["code"], 400, args)
            self.assertIn("ack=SEQ", reply["text"])
        # A number never handed out is someone else's, or a mistake: nothing is forgotten.
        self.fill_mailbox("printer", 2)
        reply = printer.request(message("poll", args="ack=3"))
        self.assertEqual(reply["code"], 400, reply)
        self.assertIn("above the newest message of your session (2)", reply["text"])
        self.assertEqual(len(printer.request(message("poll", args="ack=0"))["data"]["messages"]), 2)

    def test_an_expired_session_is_not_restored(self):
        self.gateway.stop()
        short = Gateway("--session-idle", "3", "--poll-wait-max", "1",
                        data_dir=self.data.name).start()
        try:
            printer = HttpClient(short, "printer")
            short.stop(signal.SIGKILL)
            db = sqlite3.connect(os.path.join(self.data.name, "gw.db"))
            db.execute("UPDATE sessions SET last_seen_ms = last_seen_ms - 10000")
            db.commit()
            db.close()
            short.start()
            reply = printer.request(message("whoami"))
            self.assertEqual(reply["code"], 401, reply)
        finally:
            short.stop()


def mount_small_filesystem(size):
    """A tmpfs of `size` made for the test (root only), or None where mounting is not allowed."""
    where = tempfile.mkdtemp(prefix="gw-small-fs-")
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", where],
                            capture_output=True, text=True)
    if result.returncode != 0:
        os.rmdir(where)
        return None
    return where


class DiskFull(unittest.TestCase):
    """The database on a filesystem that fills up while gatewayd runs."""

    def setUp(self):
        self.mount = mount_small_filesystem("1m")
        if self.mount is None:
            self.skipTest("mounting a tmpfs needs root")
        self.data = tempfile.TemporaryDirectory(prefix="gw-diskfull-")
        self.database = os.path.join(self.mount, "gw.db")
        self.gateway = Gateway("--storage-file", self.database, "--mailbox-messages", "5000",
                               "--mailbox-bytes", str(64 << 20), data_dir=self.data.name).start()

    def tearDown(self):
        self.gateway.stop()
        subprocess.run(["umount", self.mount], check=True)
        os.rmdir(self.mount)
        self.data.cleanup()

    def test_a_full_disk_refuses_storing_serves_live_clients_and_recovers(self):
        filler = os.path.join(self.mount, "filler")
        with open(filler, "wb") as f:
            f.write(b"\0" * (600 << 10))
        printer = HttpClient(self.gateway, "printer")
        live = WebSocketClient(self.gateway, "screen")
        sender = WebSocketClient(self.gateway, "sender")
        stored, refused = [], None
        for i in range(400):  # bounded: the filesystem holds far fewer
            text = f"page {i} " + "x" * 3000
            reply = sender.request(message("send", text=text, to="printer"))
            if reply["code"] == 503:
                refused = reply
                break
            self.assertEqual(reply["data"]["stored"], 1, reply)
            stored.append(text)
        self.assertIsNotNone(refused, "the filesystem never filled")
        self.assertIn("storage full", refused["text"])
        self.assertGreater(len(stored), 0)
        # Live delivery goes on while nothing can be stored.
        reply = sender.request(message("send", text="still live", to="screen"))
        self.assertEqual(reply["data"], {"delivered": 1, "stored": 0})
        self.assertEqual(live.next_delivery()["text"], "still live")
        # Space returns: storing works again without a restart.
        os.unlink(filler)
        reply = sender.request(message("send", text="after", to="printer"))
        self.assertEqual(reply["code"], 200, reply)
        self.assertEqual(reply["data"]["stored"], 1)
        stored.append("after")
        # Nothing that was acknowledged as stored is lost, across a crash.
        restart(self.gateway, signal.SIGKILL)
        polled = printer.request(message("poll", args="ack=0"))["data"]
        texts = [m["text"] for m in polled["messages"]]
        while polled["left"] > 0:
            polled = printer.request(message("poll", args=f"ack={polled['last_seq']}"))["data"]
            texts += [m["text"] for m in polled["messages"]]
        self.assertEqual([t for t in texts if t in stored], stored)
        for client in (live, sender, printer):
            client.close()


class OnlineBackup(unittest.TestCase):
    """An admin's `backup` copies the store of a running gatewayd, which goes on serving; a
    gatewayd started on the copy has the sessions, mailboxes and retained messages in it."""
    ADMIN_KEY = "the backup operator's key"

    def setUp(self):
        self.data = tempfile.TemporaryDirectory(prefix="gw-backup-")
        self.gateway = Gateway("--admin-key", self.ADMIN_KEY, "--mailbox-messages", "5000",
                               "--mailbox-bytes", str(64 << 20), data_dir=self.data.name).start()
        self.admin = WebSocketClient(self.gateway, "operator")
        self.assertEqual(self.admin.request(message("auth", args=self.ADMIN_KEY))["code"], 200)

    def tearDown(self):
        self.admin.close()
        self.gateway.stop()
        self.data.cleanup()

    @staticmethod
    def poll_all(client):
        texts, ack = [], 0
        while True:
            polled = client.request(message("poll", args=f"ack={ack}"))["data"]
            texts += [m["text"] for m in polled["messages"]]
            if polled["left"] == 0:
                return texts
            ack = polled["last_seq"]

    def test_a_backup_of_a_running_gateway_restores_its_sessions_and_messages(self):
        printer = HttpClient(self.gateway, "printer")
        # Some megabytes, so that the copy takes several steps with commits between them.
        pages = [f"page {i} " + "x" * 10000 for i in range(300)]
        for page in pages:
            reply = self.admin.request(message("send", text=page, to="printer"))
            self.assertEqual(reply["data"]["stored"], 1, reply)
        reply = self.admin.request(message("publish", topic="home/door", text="locked", retain=True))
        self.assertEqual(reply["code"], 200, reply)

        # Messages sent while the copy is made, on the same connection: every one whose
        # "stored" reply comes before the backup's was committed before the copy completed,
        # so the copy holds it.
        self.admin._send(message("backup", args="nightly.db", id="the-backup"))
        for i in range(50):
            self.admin._send(message("send", text=f"late {i}", to="printer", id=f"late-{i}"))
        replies = []
        while len(replies) < 51:
            received = self.admin._receive(TIMEOUT)
            if received.get("id") in ["the-backup"] + [f"late-{i}" for i in range(50)]:
                replies.append(received)
        ids = [r["id"] for r in replies]
        reply = replies[ids.index("the-backup")]
        self.assertEqual(reply["code"], 200, reply)
        before = [f"late {i}" for i in range(50) if ids.index(f"late-{i}") < ids.index("the-backup")]
        self.assertTrue(all(r["code"] == 200 for r in replies), replies)
        backup = os.path.join(self.data.name, "backups", "nightly.db")
        self.assertEqual(reply["data"]["file"], backup)
        self.assertEqual(reply["data"]["bytes"], os.path.getsize(backup))
        self.assertFalse(os.path.exists(backup + ".partial"))
        # The gateway went on: the same session still polls, and takes the first page.
        polled = printer.request(message("poll"))["data"]
        self.assertEqual(polled["messages"][0]["text"], pages[0])

        # A whole database, readable by SQLite itself.
        check = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        self.assertEqual(check.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        check.close()

        # Restored: another gatewayd, with the same key, on the copy.
        with tempfile.TemporaryDirectory(prefix="gw-restored-") as restored_dir:
            restored = Gateway("--storage-file", backup, "--mailbox-messages", "5000",
                               "--mailbox-bytes", str(64 << 20), data_dir=restored_dir)
            restored.use_key_of(self.gateway)
            restored.start()
            try:
                again = HttpClient(restored, "unused")
                again.token, again.id = printer.token, printer.id  # the printer's session
                whoami = again.request(message("whoami"))
                self.assertEqual(whoami["code"], 200, whoami)
                self.assertEqual(whoami["data"]["name"], "printer")
                texts = self.poll_all(again)
                self.assertEqual(texts[:len(pages)], pages)
                late = texts[len(pages):]
                self.assertEqual(late, [f"late {i}" for i in range(len(late))])  # in order
                self.assertLessEqual(len(before), len(late))
                later = WebSocketClient(restored, "later")
                reply = later.request(message("subscribe", topic="home/#"))
                self.assertEqual(reply["data"]["retained"], 1, reply)
                self.assertEqual(later.next_delivery()["text"], "locked")
                later.close()
            finally:
                restored.stop()

    def test_bad_backup_requests_say_what_was_wrong(self):
        first = self.admin.request(message("backup"))
        self.assertEqual(first["code"], 200, first)
        self.assertRegex(os.path.basename(first["data"]["file"]), r"^gw-\d{8}T\d{6}Z\.db$")
        taken = self.admin.request(message("backup", args=os.path.basename(first["data"]["file"])))
        self.assertEqual(taken["code"], 409, taken)
        self.assertIn("exists already", taken["text"])
        for name in ("../escape.db", "/tmp/x.db", ".hidden", "a" * 101):
            reply = self.admin.request(message("backup", args=name))
            self.assertEqual(reply["code"], 400, (name, reply))
        self.assertFalse(os.path.exists(os.path.join(self.data.name, "escape.db")))
        nobody = WebSocketClient(self.gateway, "nobody")
        self.assertEqual(nobody.request(message("backup", args="mine.db"))["code"], 403)
        nobody.close()

    def test_gwctl_backs_up_with_the_admin_key_from_a_file(self):
        key_file = os.path.join(self.data.name, "admin.key")
        wrong_file = os.path.join(self.data.name, "wrong.key")
        with open(key_file, "w") as f:
            f.write(self.ADMIN_KEY + "\n")
        with open(wrong_file, "w") as f:
            f.write("not the key\n")
        common = ("--url", self.gateway.http_url, "--key-file", self.gateway.ready["key_file"])
        made = gwctl("call", "backup", "before-upgrade.db", *common, "--admin-key-file", key_file)
        self.assertEqual(made.returncode, 0, made.stderr)
        self.assertIn("backed up to", made.stdout)
        self.assertTrue(os.path.exists(os.path.join(self.data.name, "backups", "before-upgrade.db")))
        plain = gwctl("call", "backup", "other.db", *common)
        self.assertEqual(plain.returncode, 1)
        self.assertIn("403", plain.stderr)
        wrong = gwctl("call", "backup", "other.db", *common, "--admin-key-file", wrong_file)
        self.assertEqual(wrong.returncode, 1)
        self.assertIn("admin permission refused: 403 wrong admin key", wrong.stderr)

    def test_a_memory_store_has_nothing_to_back_up(self):
        with tempfile.TemporaryDirectory() as data:
            gateway = Gateway("--storage", "memory", "--admin-key", self.ADMIN_KEY,
                              data_dir=data).start()
            try:
                admin = WebSocketClient(gateway, "operator")
                self.assertEqual(admin.request(message("auth", args=self.ADMIN_KEY))["code"], 200)
                reply = admin.request(message("backup"))
                self.assertEqual(reply["code"], 409, reply)
                self.assertIn("nothing to back up", reply["text"])
                admin.close()
            finally:
                gateway.stop()


class StoreFaults(unittest.TestCase):
    def refused(self, data_dir, *args):
        result = subprocess.run([GATEWAYD, "--data-dir", data_dir, "--bind", "127.0.0.1",
                                 "--http-port", "0", "--ws-port", "0", "--udp-port", "0",
                                 "--tcp-port", "0", *args],
                                capture_output=True, text=True, timeout=TIMEOUT)
        self.assertEqual(result.returncode, 2, result.stderr)
        return result.stderr

    def test_a_database_that_cannot_be_created_names_the_file(self):
        with tempfile.TemporaryDirectory() as data:
            missing = os.path.join(data, "no-such-dir", "gw.db")
            error = self.refused(data, "--storage-file", missing)
            self.assertIn(missing, error)
            self.assertIn("cannot open the database", error)

    def test_a_file_that_is_not_a_database_is_refused_with_the_fix(self):
        with tempfile.TemporaryDirectory() as data:
            with open(os.path.join(data, "gw.db"), "wb") as f:
                f.write(b"this is not SQLite" * 300)
            error = self.refused(data)
            self.assertIn(os.path.join(data, "gw.db"), error)
            self.assertIn("not a gw database, or is damaged: move it aside", error)

    def test_a_second_gatewayd_on_the_same_database_is_refused(self):
        with tempfile.TemporaryDirectory() as data:
            first = Gateway(data_dir=data).start()
            try:
                error = self.refused(data)
                self.assertIn("in use by another gatewayd", error)
                self.assertEqual(HttpClient(first, "still-served").request(
                    message("whoami"))["code"], 200)
            finally:
                first.stop()

    def test_a_database_from_a_newer_gatewayd_is_refused(self):
        with tempfile.TemporaryDirectory() as data:
            Gateway(data_dir=data).start().stop()
            db = sqlite3.connect(os.path.join(data, "gw.db"))
            db.execute("PRAGMA user_version = 99")
            db.commit()
            db.close()
            error = self.refused(data)
            self.assertIn("written by a newer gatewayd (schema 99", error)

    def test_memory_storage_keeps_nothing(self):
        with tempfile.TemporaryDirectory() as data:
            gateway = Gateway("--storage", "memory", data_dir=data).start()
            try:
                self.assertIn("in memory", gateway.stdout())
                printer = HttpClient(gateway, "printer")
                restart(gateway, signal.SIGTERM)
                self.assertEqual(printer.request(message("whoami"))["code"], 401)
                self.assertFalse(os.path.exists(os.path.join(data, "gw.db")))
            finally:
                gateway.stop()


if __name__ == "__main__":
    unittest.main()
