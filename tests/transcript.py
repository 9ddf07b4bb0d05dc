"""Turn an httpx exchange into what a user would paste (`curl -sv` output) and run `explain -` on it."""

from __future__ import annotations

import json
import shlex
from http import HTTPStatus

import httpx
from typer.testing import CliRunner

from aigw_doctor.cli import app


def curl_transcript(response: httpx.Response) -> str:
    request = response.request
    host = request.headers.get("host", request.url.host)
    url = f"{request.url.scheme}://{host}{request.url.raw_path.decode()}"
    command = ["curl", "-sv", "-X", request.method, url]
    for name, value in request.headers.items():
        if name.lower() not in ("host", "content-length", "accept", "accept-encoding", "connection", "user-agent"):
            command += ["-H", f"{name}: {value}"]
    if request.content:
        command += ["-d", request.content.decode("utf-8", "replace")]
    lines = [
        "$ " + shlex.join(command),
        f"> {request.method} {request.url.raw_path.decode()} HTTP/1.1",
        f"> Host: {host}",
    ]
    lines += [f"> {name}: {value}" for name, value in request.headers.items() if name.lower() != "host"]
    lines.append(">")
    try:
        reason = HTTPStatus(response.status_code).phrase
    except ValueError:
        reason = ""
    lines.append(f"< HTTP/1.1 {response.status_code} {reason}".rstrip())
    lines += [f"< {name}: {value}" for name, value in response.headers.items()]
    lines.append("<")
    return "\n".join(lines) + "\n" + response.text


def explained_rule(response: httpx.Response, gateway: str | None = None) -> str:
    """The top rule `aigw-doctor explain -` gives for this exchange, pasted as a `curl -sv` transcript."""
    args = ["explain", "-", "--format", "json"] + (["--gateway", gateway] if gateway else [])
    result = CliRunner().invoke(app, args, input=curl_transcript(response))
    assert result.exit_code in (0, 1), result.output
    return str(json.loads(result.stdout)["findings"][0]["rule"])
