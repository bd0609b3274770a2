"""The HTTP client's own preparation and send (`connector_core.http_send`) put on the wire what a
`requests.Session` would, and keep the session's behaviour: environment proxies, response hooks, redirects,
cookies the server sets."""

from __future__ import annotations

import random

import pytest
import requests
from core_support import Reply, ScriptedServer

from connector_core import HttpClient
from connector_core.http_send import prepare

BASE = "https://open-api.example.com/order/202309/orders/search"

SHAPES = [
    requests.Request("GET", BASE),
    requests.Request("GET", BASE + "?fixed=1", params={"a": "b"}),
    requests.Request(
        "post",
        BASE,
        params={
            "app_key": "k",
            "timestamp": "1700000000",
            "sign": "ab" * 32,
            "ids": ["1", "2"],
            "none": None,
        },
        data=b'{"page_size": 100}',
        headers={
            "Content-Type": "application/json",
            "x-tts-access-token": "t" * 40,
            "Accept": "application/json",
        },
    ),
    requests.Request("POST", BASE, params={"q": "a b&c=d/é", 7: 1.5, "n": 3}, headers={"user-agent": "ours"}),
    requests.Request(
        "GET",
        BASE,
        params={"empty": "", "sp ace": "v", "b": b"x y", "list": [1, "two", None], "t~": "a.b-c_d"},
    ),
    requests.Request("PUT", "http://127.0.0.1:8080", data=b"x", headers={"Accept": None}),
    requests.Request("DELETE", "https://münchen.example/p%7Ex q", params={"x": "~y"}),
    requests.Request("GET", BASE, data=[], params={}, headers={b"X-Bytes": b"v"}),
    # Shapes the session prepares itself: the result is the same by construction, checked all the same.
    requests.Request("POST", BASE, data="text"),
    requests.Request("POST", BASE, json={"a": 1}),
    requests.Request("POST", BASE, data={"form": "field"}),
    requests.Request("GET", BASE + "#part", params=[("a", "1")]),
]


@pytest.mark.parametrize("request_", SHAPES, ids=lambda r: f"{r.method} {r.url}")
def test_prepared_as_the_session_would(request_: requests.Request) -> None:
    session = requests.Session()
    session.hooks["response"].append(lambda response, **_: None)
    ours, theirs = prepare(session, request_), session.prepare_request(request_)

    assert (ours.method, ours.url, ours.body) == (theirs.method, theirs.url, theirs.body)
    assert list(ours.headers.items()) == list(theirs.headers.items())  # same names, values and order
    assert ours.hooks == theirs.hooks


def test_environment_proxies_still_carry_the_call(
    http_server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = "http://proxied-channel.example/ok"  # resolvable nowhere: only the proxy can answer
    http_server.script(target, Reply(200, '{"via": "proxy"}'))
    monkeypatch.setenv("HTTP_PROXY", http_server.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = HttpClient("Test Channel", rng=random.Random(1))

    response = client.send(lambda: requests.Request("GET", target), safe_to_repeat=True)

    assert response.json() == {"via": "proxy"}
    assert [seen.path for seen in http_server.seen] == [target]


def test_session_hooks_redirects_and_cookies_behave_as_in_requests(http_server: ScriptedServer) -> None:
    http_server.script("/moved", Reply(307, "", {"Location": "/here", "Set-Cookie": "lb=a; Path=/"}))
    http_server.script("/here", Reply(200, '{"arrived": true}'))
    client = HttpClient("Test Channel", rng=random.Random(1))
    seen: list[str] = []
    client.session.hooks["response"].append(lambda response, **_: seen.append(response.url))

    response = client.send(
        lambda: requests.Request("POST", http_server.url + "/moved", data=b"{}"), safe_to_repeat=True
    )

    assert response.json() == {"arrived": True}
    assert [r.status_code for r in response.history] == [307]
    assert seen == [http_server.url + "/moved", http_server.url + "/here"]
    assert client.session.cookies.get("lb") == "a"
    assert [(r.method, r.body) for r in http_server.seen] == [("POST", b"{}"), ("POST", b"{}")]
