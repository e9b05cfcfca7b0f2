"""Services that clients provide: a client says `provide NAME`, and a message with cmd NAME from
anyone, on any transport, reaches a provider with the caller's data and an id of the gateway's;
the provider's reply carrying that id is the caller's answer. Providers share calls, a provider
that leaves mid-call is replaced by another, and no provider or a silent one is 404 or 504."""
import json
import threading
import time
import unittest

import websocket
from cryptography.fernet import Fernet

from gateway_support import TIMEOUT, Gateway, GatewayTestCase, message
from session_clients import HttpClient, TcpClient, UdpClient, WebSocketClient

REQUEST_TIMEOUT = 2


class Provider:
    """A client on its own WebSocket that provides `service` and answers each call with
    `answer(call)`: a dict of code, text and data, or None to stay silent."""

    def __init__(self, gateway, name, service, answer, description="doubles data.n", offers=None,
                 permission=None, **client_options):
        """`offers`: the handshake's data saying what the client answers; then `service` may
        be None, for a client that is asked (ask) and provides nothing. `permission`: who may
        call ("call" or "admin"); `client_options`: a device's key and name."""
        self.client = WebSocketClient(gateway, name, **client_options)
        self.service = service
        self.answer = answer
        self.calls = []
        self.stopping = threading.Event()
        if offers is not None:
            reply = self.client.request(message("handshake", user=name, data=offers))
            assert reply.get("code") == 200, reply
        if service is not None:
            data = {"description": description}
            if permission is not None:
                data["permission"] = permission
            reply = self.client.request(message("provide", args=service, data=data))
            assert reply.get("code") == 200, reply
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping.is_set():
            try:
                received = self.client._receive(0.2)
            except (websocket.WebSocketTimeoutException, TimeoutError):
                continue
            except (websocket.WebSocketConnectionClosedException, OSError):
                return
            if not str(received.get("id", "")).startswith("gw-"):
                continue  # not a call nor a question of the gateway's
            self.calls.append(received)
            answer = self.answer(received)
            if answer is None:
                continue
            reply = dict(message(received["cmd"]), id=received["id"], token=self.client.token,
                         **answer)
            self.client._send(reply)

    def pause(self):
        """Stops answering, so that the test may use the client's connection itself."""
        self.stopping.set()
        self.thread.join(TIMEOUT)

    def stop(self, drop=False):
        self.pause()
        if drop:
            self.client.drop()
        else:
            self.client.close()


def doubled(call):
    return {"code": 200, "text": "doubled", "data": {"n": call["data"]["n"] * 2}}


class Services(GatewayTestCase):
    gateway_args = ("--request-timeout", str(REQUEST_TIMEOUT))

    def provider(self, name, service, answer, **options):
        provider = Provider(self.gateway, name, service, answer, **options)
        self.addCleanup(provider.stop)
        return provider

    def test_callers_on_every_transport_get_the_providers_answer(self):
        provider = self.provider("doubler", "double", doubled)
        for make in (HttpClient, WebSocketClient, UdpClient, TcpClient):
            with self.subTest(transport=make.transport):
                caller = make(self.gateway, f"caller-{make.transport}")
                try:
                    reply = caller.request(message("double", data={"n": 21}))
                    self.assertEqual(reply.get("code"), 200, reply)
                    self.assertEqual(reply["cmd"], "double")
                    self.assertEqual(reply["text"], "doubled")
                    self.assertEqual(reply["data"], {"n": 42})
                    # The provider saw who called, with an id of the gateway's.
                    self.assertEqual(provider.calls[-1]["from"], caller.id)
                    self.assertEqual(provider.calls[-1]["data"], {"n": 21})
                finally:
                    caller.close()
        # A caller without a session may call too.
        status, reply = self.gateway.http_request(message("double", data={"n": 5}))
        self.assertEqual((status, reply["data"]), (200, {"n": 10}))

    def test_providers_share_the_calls_in_turn(self):
        first = self.provider("share-1", "share", lambda call: {"code": 200, "text": "1"})
        second = self.provider("share-2", "share", lambda call: {"code": 200, "text": "2"})
        caller = WebSocketClient(self.gateway, "sharer")
        self.addCleanup(caller.close)
        answers = [caller.request(message("share"))["text"] for _ in range(6)]
        self.assertEqual(sorted(answers), ["1", "1", "1", "2", "2", "2"])
        self.assertEqual((len(first.calls), len(second.calls)), (3, 3))

    def test_no_provider_is_404_and_a_silent_one_504(self):
        status, reply = self.gateway.http_request(message("nobody-provides-this"))
        self.assertEqual((status, reply.get("code")), (404, 404), reply)
        self.provider("silent", "silence", lambda call: None)
        status, reply = self.gateway.http_request(message("silence"))
        self.assertEqual((status, reply.get("code")), (504, 504), reply)
        self.assertIn(f"within {REQUEST_TIMEOUT} s", reply["text"])

    def test_a_providers_refusal_reaches_the_caller(self):
        self.provider("picky", "picky",
                      lambda call: {"code": 422, "text": "n must be even", "data": {"n": 3}})
        status, reply = self.gateway.http_request(message("picky", data={"n": 3}))
        self.assertEqual((status, reply.get("code"), reply["text"]), (422, 422, "n must be even"))

    def test_the_gateways_own_command_names_cannot_be_taken(self):
        client = WebSocketClient(self.gateway, "usurper")
        self.addCleanup(client.close)
        reply = client.request(message("provide", args="ping"))
        self.assertEqual(reply.get("code"), 409, reply)
        self.assertIn("command of the gateway", reply["text"])
        reply = client.request(message("provide", args="two words"))
        self.assertEqual(reply.get("code"), 400, reply)
        status, reply = self.gateway.http_request(message("provide", args="mine"))
        self.assertEqual(reply.get("code"), 401, reply)  # a provider needs a session to be called

    def test_commands_lists_what_is_provided_and_by_whom_until_it_is_not(self):
        provider = self.provider("lister", "listed", doubled, description="shown in commands")
        caller = WebSocketClient(self.gateway, "reader")
        self.addCleanup(caller.close)
        listed = {c["name"]: c for c in caller.request(message("commands"))["data"]}
        self.assertEqual(listed["listed"]["description"], "shown in commands")
        self.assertEqual(listed["listed"]["provided_by"], [provider.client.id])
        provider.pause()
        reply = provider.client.request(message("unprovide", args="listed"))
        self.assertEqual(reply.get("code"), 200, reply)
        listed = {c["name"] for c in caller.request(message("commands"))["data"]}
        self.assertNotIn("listed", listed)
        self.assertEqual(caller.request(message("listed")).get("code"), 404)


LAMP_KEY = Fernet.generate_key().decode()
PANEL_KEY = Fernet.generate_key().decode()
SENSOR_KEY = Fernet.generate_key().decode()


def device_entry(name, key, **fields):
    lines = ["[[device]]", f'name = "{name}"', f'key = "{key}"']
    lines += [f"{field} = {json.dumps(value)}" for field, value in fields.items()]
    return "\n".join(lines) + "\n\n"


class ServicePermissions(unittest.TestCase):
    """Who may provide a name and who may call it: a device's `provide` and `call` lists, the
    shared key's by [shared_key], and a provider may keep its service for admins."""

    @classmethod
    def setUpClass(cls):
        cls.gateway = Gateway("--admin-key", "open sesame 123",
                              config_text='[shared_key]\nprovide = ["echo"]\n')
        cls.addClassCleanup(cls.gateway.close)
        cls.gateway.write_devices(
            device_entry("lamp", LAMP_KEY, provide=["lamp-state"])
            + device_entry("panel", PANEL_KEY, call=["lamp-state"])
            + device_entry("sensor", SENSOR_KEY, publish=["home/#"]))
        cls.gateway.start()

    @classmethod
    def tearDownClass(cls):
        if cls.gateway.stop() != 0:
            raise AssertionError("gatewayd did not exit cleanly")

    def provider(self, name, service, answer, key=None, **options):
        if key is not None:
            options.update(fernet=Fernet(key), device=name)
        provider = Provider(self.gateway, name, service, answer, **options)
        self.addCleanup(provider.stop)
        return provider

    def caller(self, name, key):
        client = WebSocketClient(self.gateway, name, fernet=Fernet(key), device=name)
        self.addCleanup(client.close)
        return client

    def test_a_device_provides_the_names_its_provide_list_has_and_no_other(self):
        lamp = self.provider("lamp", "lamp-state", lambda call: {"text": "on"}, key=LAMP_KEY)
        lamp.pause()
        refused = lamp.client.request(message("provide", args="door-state"))
        self.assertEqual(refused.get("code"), 403, refused)
        self.assertEqual(refused["text"], "device 'lamp' may not provide the service "
                                          "'door-state': its provide permission allows lamp-state")
        sensor = self.caller("sensor", SENSOR_KEY)
        refused = sensor.request(message("provide", args="lamp-state"))
        self.assertEqual(refused.get("code"), 403, refused)
        self.assertIn("its provide permission allows nothing", refused["text"])
        # The shared key's holders may provide what [shared_key] provide lists.
        shared = WebSocketClient(self.gateway, "shared")
        self.addCleanup(shared.close)
        self.assertEqual(shared.request(message("provide", args="echo")).get("code"), 200)
        self.assertEqual(shared.request(message("provide", args="other")).get("code"), 403)

    def test_a_device_calls_the_services_its_call_list_has_and_no_other(self):
        self.provider("lamp", "lamp-state", lambda call: {"text": "on"}, key=LAMP_KEY)
        panel = self.caller("panel", PANEL_KEY)
        reply = panel.request(message("lamp-state"))
        self.assertEqual((reply.get("code"), reply.get("text")), (200, "on"), reply)
        sensor = self.caller("sensor", SENSOR_KEY)
        refused = sensor.request(message("lamp-state"))
        self.assertEqual(refused.get("code"), 403, refused)
        self.assertEqual(refused["text"], "device 'sensor' may not call the service "
                                          "'lamp-state': its call permission allows nothing")
        # The shared key calls everything by default.
        status, reply = self.gateway.http_request(message("lamp-state"))
        self.assertEqual((status, reply.get("text")), (200, "on"), reply)

    def test_a_service_for_admins_is_refused_to_others(self):
        self.provider("resetter", "echo", lambda call: {"text": "reset"}, permission="admin")
        caller = WebSocketClient(self.gateway, "operator")
        self.addCleanup(caller.close)
        listed = {c["name"]: c for c in caller.request(message("commands"))["data"]}
        self.assertEqual(listed["echo"]["permission"], "admin")
        refused = caller.request(message("echo"))
        self.assertEqual(refused.get("code"), 403, refused)
        self.assertIn("needs admin permission", refused["text"])
        self.assertEqual(caller.request(message("auth", args="open sesame 123")).get("code"), 200)
        reply = caller.request(message("echo"))
        self.assertEqual((reply.get("code"), reply.get("text")), (200, "reset"), reply)
        # A word other than call or admin is refused, and says which are meant.
        client = WebSocketClient(self.gateway, "unclear")
        self.addCleanup(client.close)
        refused = client.request(message("provide", args="echo", data={"permission": "root"}))
        self.assertEqual(refused.get("code"), 400, refused)
        self.assertIn('"call"', refused["text"])


class ProviderLeaving(GatewayTestCase):
    gateway_args = ("--request-timeout", str(TIMEOUT * 6))

    provider = Services.provider

    def test_a_provider_that_leaves_mid_call_is_replaced_by_another(self):
        leaving = self.provider("leaver", "leave-test", lambda call: None)
        staying = self.provider("stayer", "leave-test",
                                lambda call: {"code": 200, "text": "from the one that stayed"})
        caller = WebSocketClient(self.gateway, "leave-caller")
        self.addCleanup(caller.close)
        # Calls alternate; whichever reaches the silent one first, it leaves while holding it.
        threading.Thread(target=lambda: (wait_for(lambda: leaving.calls), leaving.stop(drop=True)),
                         daemon=True).start()
        # The request timeout is far longer than the caller waits (TIMEOUT): the call must be
        # offered to the other provider when the connection ends, not when the timeout passes.
        answers = [caller.request(message("leave-test"))["text"] for _ in range(2)]
        self.assertEqual(answers, ["from the one that stayed"] * 2)
        self.assertEqual(len(leaving.calls), 1)

    def test_the_last_provider_leaving_mid_call_is_a_504_that_says_so_at_once(self):
        leaving = self.provider("lone-leaver", "lone-test", lambda call: None)
        caller = WebSocketClient(self.gateway, "lone-caller")
        self.addCleanup(caller.close)
        threading.Thread(target=lambda: (wait_for(lambda: leaving.calls), leaving.stop(drop=True)),
                         daemon=True).start()
        reply = caller.request(message("lone-test"))  # long before the request timeout
        self.assertEqual(reply.get("code"), 504, reply)
        self.assertEqual(reply["text"], "every provider of 'lone-test' left before it answered; "
                                        "none is left to ask")


class ClientOffers(GatewayTestCase):
    """What a client says in its handshake it answers: shown by `clients`, checked by `ask`."""

    def test_ask_reaches_only_what_the_client_offers(self):
        lamp = Provider(self.gateway, "lamp", None,
                        lambda asked: {"code": 200, "text": f"{asked['cmd']} {asked['args']}"},
                        offers={"commands": ["status"], "requestables": ["brightness"]})
        self.addCleanup(lamp.stop)
        asker = WebSocketClient(self.gateway, "asker")
        self.addCleanup(asker.close)
        listed = {c["name"]: c for c in asker.request(message("clients"))["data"]}
        self.assertEqual(listed["lamp"]["offers"],
                         {"commands": ["status"], "requestables": ["brightness"]})
        self.assertNotIn("offers", listed["asker"])  # said nothing: anything may be asked
        reply = asker.request(message("ask", args="lamp status verbose"))
        self.assertEqual((reply.get("code"), reply["text"]), (200, "status verbose"), reply)
        reply = asker.request(message("ask", args="lamp get brightness"))
        self.assertEqual(reply.get("code"), 200, reply)
        for args, missing in (("lamp reboot", "reboot"), ("lamp get colour", "get")):
            reply = asker.request(message("ask", args=args))
            self.assertEqual(reply.get("code"), 404, reply)
            self.assertIn(f"does not answer '{missing}'", reply["text"])
            self.assertIn('["status"]', reply["text"])
        self.assertEqual(len(lamp.calls), 2)  # the refused ones never reached it

    def test_a_handshake_whose_offers_are_not_lists_of_names_is_refused(self):
        client = WebSocketClient(self.gateway, "muddled")
        self.addCleanup(client.close)
        for offers in ({"commands": "status"}, {"requestables": [1]}, {"commands": ["two words"]}):
            with self.subTest(offers=offers):
                reply = client.request(message("handshake", user="muddled", data=offers))
                self.assertEqual(reply.get("code"), 400, reply)
                self.assertIn("must be a list of at most 256 names", reply["text"])


def wait_for(predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)


if __name__ == "__main__":
    unittest.main()
