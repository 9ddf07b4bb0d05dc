"""Transport failures in pasted text (DNS, refused, reset, TLS, timeouts, proxies): a rule id and the
evidence, before any HTTP status is looked for.
"""

from __future__ import annotations

import re

# Checked in this order: a TLS failure often mentions the connection, and a connect timeout is a timeout.
# Plain lowercase substrings: `str.find` is far faster than a case-insensitive regex alternation.
_TRANSPORT_MARKERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "tls",
        (
            "ssl certificate problem",
            "certificate verify failed",
            "sslerror",
            "ssl routines",
            "ssl_error",
            "tls handshake",
            "unable to get local issuer certificate",
            "self signed certificate",
            "self-signed certificate",
            "no alternative certificate subject name",
            "unable_to_verify_leaf_signature",
            "err_tls",
            "curl: (35)",
            "curl: (60)",
        ),
    ),
    (
        "dns",
        (
            "could not resolve host",
            "name or service not known",
            "nodename nor servname",
            "temporary failure in name resolution",
            "getaddrinfo",
            "enotfound",
            "eai_again",
            "nameresolutionerror",
            "failed to resolve",
            "no address associated with hostname",
            "no such host",
            "curl: (6)",
        ),
    ),
    (
        "timeout",
        (
            "timed out",
            "timeout was reached",
            "readtimeout",
            "connecttimeout",
            "writetimeout",
            "pooltimeout",
            "etimedout",
            "apiconnectiontimeouterror",
            "context deadline exceeded",
            "curl: (28)",
        ),
    ),
    (
        "connect",
        (
            "connection refused",
            "econnrefused",
            "failed to connect",
            "no route to host",
            "network is unreachable",
            "enetunreach",
            "ehostunreach",
            "connection reset",
            "econnreset",
            "connecterror",
            "apiconnectionerror",
            "server disconnected without sending a response",
            "peer closed connection without sending complete message body",
            "incomplete chunked read",
            "remote end closed connection",
            "curl: (7)",
        ),
    ),
)
_UNRESOLVED_HOST = re.compile(r"Could not resolve host:[ \t]*([A-Za-z0-9.\-]{1,253})")


# SDK exception class names that wrappers (LiteLLM, the OpenAI SDK) also raise for a provider's own error
# response: a transport failure only when no provider envelope follows them.
_WEAK_MARKERS = frozenset({"apiconnectionerror", "connecterror"})
_ENVELOPE_SIGNS = ('{"', "{'", '{\\"', "exception - ")
# A proxy's own HTTP answer about its upstream (Envoy), not a failure of the client's connection.
# Nor is a URL the HTTP library could not use at all (no scheme): nothing was ever sent.
_PROXY_ANSWERS = ("upstream connect error or disconnect/reset before headers", "no connection adapters were found")


def classify_transport_error(text: str) -> tuple[str, str] | None:
    """Classify a failure that happened before any response: (`tls`|`dns`|`timeout`|`connect`, evidence)."""
    lowered = text.lower()
    if any(answer in lowered for answer in _PROXY_ANSWERS):
        return None
    enveloped = any(sign in lowered for sign in _ENVELOPE_SIGNS)
    for kind, markers in _TRANSPORT_MARKERS:
        for marker in markers:
            if enveloped and marker in _WEAK_MARKERS:
                continue
            index = lowered.find(marker)
            # A marker must start a word: `ResourceNotFoundException` is no ENOTFOUND.
            while index > 0 and marker[0].isalnum() and lowered[index - 1].isalnum():
                index = lowered.find(marker, index + 1)
            if index != -1:
                return kind, text[index : index + len(marker)]
    return None
