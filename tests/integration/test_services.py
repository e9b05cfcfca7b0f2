"""Services that clients provide: a client says `provide NAME`, and a message with cmd NAME from
anyone, on any transport, reaches a provider with the caller's data and an id of the gateway's;
the provider's reply carrying that id is the caller's answer. Providers share calls, a provider
that leaves mid-call is replaced by another, and no provider or a silent one is 404 or 504."""
import threading
import time
import unittest

import websocket

from gateway_support import TIMEOUT, GatewayTestCase, message
from session_clients import HttpClient, TcpClient, UdpClient, WebSocketClient

REQUEST_TIMEOUT = 2


class Provider:
    """A client on its own WebSocket that provides `service` and answers each call with
    `answer(call)`: a dict of code, text and data, or None to stay silent."""

    def __init__(self, gateway, name, service, answer, description="doubles data.n", offers=None):
        """`offers`: the handshake's data saying what the client answers; then `service` may
        be None, for a client that is asked (ask) and provides nothing."""
        self.client = WebSocketClient(gateway, name)
        self.service = service
        self.answer = answer
        self.calls = []
        self.stopping = threading.Event()
        if offers is not None:
            reply = self.client.request(message("handshake", user=name, data=offers))
            assert reply.get("code") == 200, reply
        if service is not None:
            reply = self.client.request(message("provide", args=service,
                                                data={"description": description}))
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
