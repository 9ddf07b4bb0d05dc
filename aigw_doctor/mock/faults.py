"""Transport faults the server can inject, whatever the gateway: the failures proxies and networks add."""

from __future__ import annotations

from dataclasses import dataclass

PROXY_502_PAGE = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Faults:
    """Which faults are on. Tuning values keep tests quick; the defaults suit a human watching curl."""

    latency_ms: float = 0.0
    slow_body: bool = False
    reset_mid_body: bool = False
    huge_body: bool = False
    html_502: bool = False
    hang: bool = False
    trickle_bytes: int = 16
    trickle_interval_ms: float = 100.0
    huge_body_bytes: int = 16 * 1024 * 1024

    @property
    def any(self) -> bool:
        return any((self.slow_body, self.reset_mid_body, self.huge_body, self.html_502, self.hang))


def inflate(body: bytes, size: int) -> bytes:
    """Pad a JSON object body to about `size` bytes, keeping it valid JSON (clients must cope with both)."""
    if body.startswith(b"{") and body.endswith(b"}"):
        padding = max(0, size - len(body))
        return body[:-1] + (b"," if len(body) > 2 else b"") + b'"padding":"' + b"x" * padding + b'"}'
    return body + b" " * max(0, size - len(body))
