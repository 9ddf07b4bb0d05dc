"""Generate a synthetic gateway log for `aigw-doctor analyze`: JSON Lines in the canonical shape, a seeded
(repeatable) mix of successes and the documented errors of the rule catalog (each rule's own `match`
examples, so every error is one the docs describe), with the noise real logs have: a unique request id per
line, varying Retry-After values, several models and hosts, timestamps over one day.

    python bench/analyze_generate.py OUT.jsonl [--lines 1000000] [--error-share 0.15] [--seed 6] [--gzip]
                                           [--unique-bodies]

--unique-bodies gives every error body its own request id, as Anthropic's envelope (`request_id`) and many
proxies' messages do, so that no two error bodies are byte-identical.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from pathlib import Path
from typing import Any, TextIO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aigw_doctor.parse import parse_response_text
from aigw_doctor.ruleset.catalog import load_catalog

NEON_HOSTS = [
    "br-winter-pond-aptw82ef-api.ai.c-2.us-east-2.aws.neon.tech",
    "br-bold-sun-e5f6a7b8-api.ai.c-3.eu-central-1.aws.neon.tech",
]
CF_BASE = "https://gateway.ai.cloudflare.com/v1/0a1b2c3d4e5f60718293a4b5c6d7e8f9/demo-gateway"
MODELS = ["gpt-5-mini", "claude-sonnet-4-5", "gemini-2.5-flash", "gpt-4o-mini"]
DAY_START = 1_782_864_000  # 2026-07-01T00:00:00Z
DAY = 86_400


def error_templates() -> list[dict[str, Any]]:
    """Every documented error a rule shows as an example: status, headers, body, gateway."""
    templates = []
    for rule in sorted(load_catalog().rules, key=lambda r: r.id):
        for example in rule.examples.match:
            if example.facts:
                continue  # transport failures and request-fact cases: not a logged response
            status, headers, body = example.status, dict(example.headers), example.body
            if example.raw is not None:
                observation = parse_response_text(example.raw)
                status, headers, body = observation.status, dict(observation.headers), observation.body
            if status is None or status < 400:
                continue
            gateway = example.gateway or (rule.gateway if rule.gateway in ("neon", "cloudflare") else "neon")
            text = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
            templates.append({"status": status, "headers": headers, "body": text, "gateway": gateway})
    return templates


def success(rng: random.Random, gateway: str, model: str) -> dict[str, Any]:
    return {
        "status": 200,
        "headers": {"content-type": "application/json", "x-request-id": f"req_{rng.getrandbits(64):016x}"},
        "body": {
            "id": f"chatcmpl-{rng.getrandbits(48):012x}",
            "object": "chat.completion",
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "pong"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": rng.randint(5, 900), "completion_tokens": rng.randint(1, 400)},
        },
    }


def url_for(rng: random.Random, gateway: str) -> str:
    if gateway == "cloudflare":
        return f"{CF_BASE}/{rng.choice(['openai', 'anthropic', 'compat'])}/chat/completions"
    return f"https://{rng.choice(NEON_HOSTS)}/v1/chat/completions"


def generate(out: TextIO, lines: int, error_share: float, seed: int, unique_bodies: bool = False) -> None:
    rng = random.Random(seed)
    templates = error_templates()
    # A few errors dominate a real log: weight the templates like a Zipf distribution.
    weights = [1 / (rank + 1) for rank in range(len(templates))]
    rng.shuffle(templates)
    step = DAY / lines
    for index in range(lines):
        moment = DAY_START + index * step + rng.random() * step
        stamp = f"{_iso(moment)}"
        model = rng.choice(MODELS)
        if rng.random() < error_share:
            template = rng.choices(templates, weights)[0]
            gateway = template["gateway"]
            headers = dict(template["headers"])
            headers["x-request-id"] = f"req_{rng.getrandbits(64):016x}"
            for name in [k for k in headers if k.lower() == "retry-after"]:
                headers[name] = str(rng.randint(1, 60))
            body = template["body"]
            if unique_bodies:
                body = _with_request_id(body, f"req_{rng.getrandbits(96):024x}")
            exchange: dict[str, Any] = {"status": template["status"], "headers": headers, "body": body}
        else:
            gateway = rng.choice(["neon", "neon", "cloudflare"])
            exchange = success(rng, gateway, model)
        record = {
            "timestamp": stamp,
            "gateway": gateway,
            "method": "POST",
            "url": url_for(rng, gateway),
            "model": model,
            **exchange,
            "latency_ms": rng.randint(40, 4000),
        }
        out.write(json.dumps(record, separators=(",", ":")) + "\n")


def _with_request_id(body: str, request_id: str) -> str:
    """The body with a request id of its own: a top-level field of a JSON object, else a trailing note."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        return json.dumps({**data, "request_id": request_id}, separators=(",", ":"))
    return f"{body} (request id: {request_id})"


def _iso(seconds: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(seconds, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--error-share", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--gzip", action="store_true", help="write gzip-compressed output")
    parser.add_argument("--unique-bodies", action="store_true", help="a request id in every error body")
    args = parser.parse_args()
    opener = gzip.open if args.gzip else open
    with opener(args.out, "wt", encoding="utf-8") as out:  # type: ignore[operator]
        generate(out, args.lines, args.error_share, args.seed, args.unique_bodies)


if __name__ == "__main__":
    main()
