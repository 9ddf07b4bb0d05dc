"""A throwaway certificate authority and server certificate, made at start-up (trustme, imported lazily)."""

from __future__ import annotations

import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path


class TlsUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class TlsMaterial:
    context: ssl.SSLContext
    ca_file: Path
    directory: Path


def make_tls(hostnames: list[str]) -> TlsMaterial:
    """A server context whose certificate covers `hostnames`, and the CA file clients must trust."""
    try:
        import trustme
    except ImportError as exc:  # pragma: no cover - trustme is a dependency
        raise TlsUnavailable("TLS needs the `trustme` package: pip install trustme") from exc
    ca = trustme.CA(organization_name="aigw-doctor mock CA")
    cert = ca.issue_cert(*dict.fromkeys(hostnames))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    directory = Path(tempfile.mkdtemp(prefix="aigw-doctor-mock-"))
    ca_file = directory / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return TlsMaterial(context, ca_file, directory)
