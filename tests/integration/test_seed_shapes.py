"""The seed projects' message shapes on gw: SMC's {"call_func": NAME, "data": D} with its
answers (`call_func not found`, `incorrect data`), the URL server's {"url": "/NAME"} answered
with a code, LocalThingsNetwork's s.getrights(KEY) typed as chat, and an admin muting a
client's chat."""
import unittest

from gateway_support import GatewayTestCase
from session_clients import WebSocketClient
from test_services import Provider, doubled

ADMIN_KEY = "seed-shapes-admin-key"


def raw(**fields):
    """A message of only these fields, as the seed projects' clients write them."""
    return dict(fields)


class SeedShapes(GatewayTestCase):
    gateway_args = ("--admin-key", ADMIN_KEY)

    def test_smc_call_func_runs_the_command_and_answers_in_smcs_terms(self):
        status, reply = self.gateway.http_request(raw(call_func="ping", data={}))
        self.assertEqual((status, reply["cmd"], reply["text"]), (200, "ping", "pong"))
        status, reply = self.gateway.http_request(raw(call_func="test1", data={"a": 1}))
        self.assertEqual((status, reply["text"]), (404, "call_func not found"))
        status, reply = self.gateway.http_request(raw(call_func="ping", data=[1, 2]))
        self.assertEqual((status, reply["text"]), (400, "incorrect data"))

    def test_smc_call_func_reaches_a_service_a_client_provides(self):
        provider = Provider(self.gateway, "smc-server", "test1", doubled)
        self.addCleanup(provider.stop)
        status, reply = self.gateway.http_request(raw(call_func="test1", data={"n": 4}))
        self.assertEqual((status, reply["data"]), (200, {"n": 8}))

    def test_a_url_names_the_command_and_the_code_answers(self):
        status, reply = self.gateway.http_request(raw(url="/ping?from=browser"))
        self.assertEqual((status, reply.get("code"), reply["text"]), (200, 200, "pong"))
        status, reply = self.gateway.http_request(raw(url="/nowhere"))
        self.assertEqual((status, reply.get("code")), (404, 404))

    def test_getrights_typed_as_chat_is_auth(self):
        client = WebSocketClient(self.gateway, "ltn-admin")
        self.addCleanup(client.close)
        reply = client.request(raw(text=f"s.getrights({ADMIN_KEY})", userID="ltn-admin"))
        self.assertEqual((reply.get("code"), reply["cmd"]), (200, "getrights"), reply)
        self.assertEqual(client.request(raw(cmd="whoami"))["data"]["permission"], "admin")

    def test_an_admin_mutes_and_unmutes_a_clients_chat(self):
        admin = WebSocketClient(self.gateway, "moderator")
        chatter = WebSocketClient(self.gateway, "chatter")
        self.addCleanup(admin.close)
        self.addCleanup(chatter.close)
        self.assertEqual(admin.request(raw(cmd="auth", args=ADMIN_KEY)).get("code"), 200)
        self.assertEqual(admin.request(raw(cmd="mute", args="chatter")).get("code"), 200)
        listed = {c["name"]: c for c in admin.request(raw(cmd="clients"))["data"]}
        self.assertTrue(listed["chatter"]["muted"])
        for muted in (raw(text="hello all"), raw(cmd="send", to="moderator", text="hi"),
                      raw(cmd="broadcast", text="hear me")):
            with self.subTest(muted=muted):
                reply = chatter.request(muted)
                self.assertEqual(reply.get("code"), 403, reply)
                self.assertIn("muted", reply["text"])
        self.assertEqual(chatter.request(raw(cmd="ping")).get("code"), 200)  # still served
        refused = chatter.request(raw(cmd="mute", args="moderator"))
        self.assertEqual(refused.get("code"), 403)  # only admins mute
        self.assertEqual(admin.request(raw(cmd="unmute", args="chatter")).get("code"), 200)
        reply = chatter.request(raw(cmd="send", to="moderator", text="thanks"))
        self.assertEqual(reply.get("code"), 200, reply)
        self.assertEqual(admin.next_delivery()["text"], "thanks")


if __name__ == "__main__":
    unittest.main()
