"""An HTTPS server on 127.0.0.1 with a certificate made for the test."""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from tests.helpers import serving

SUBJECT = "127.0.0.1"


def self_signed(folder: Path, maker: str = "cryptography"
                ) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no trust store knows, and its key.

    ``maker`` is the ``cryptography`` package or the ``openssl`` command;
    the test is skipped when it is not installed.
    """
    cert, key = folder / "cert.pem", folder / "key.pem"
    if maker == "cryptography":
        pytest.importorskip("cryptography")
        _with_cryptography(cert, key)
    else:
        if shutil.which("openssl") is None:
            pytest.skip("the openssl command is not installed")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
             "-subj", f"/CN={SUBJECT}", "-addext",
             f"subjectAltName=IP:{SUBJECT}", "-keyout", str(key),
             "-out", str(cert)], check=True, capture_output=True,
            timeout=60)
    return cert, key


def _with_cryptography(cert_path: Path, key_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SUBJECT)])
    now = datetime.datetime.now(datetime.timezone.utc)
    san = x509.SubjectAlternativeName(
        [x509.IPAddress(ipaddress.ip_address(SUBJECT))])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(san, critical=False)
            .sign(key, hashes.SHA256()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, format, *args) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that refuses the certificate hangs up: expected


class TLSServer:
    """Serves ``{}`` over HTTPS on 127.0.0.1 with the given certificate."""

    def __init__(self, cert: Path, key: Path) -> None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.socket = context.wrap_socket(self._httpd.socket,
                                                 server_side=True)
        self.base_url = f"https://{SUBJECT}:{self._httpd.server_address[1]}"
        self._serving = serving(self._httpd)

    def __enter__(self) -> TLSServer:
        self._serving.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._serving.__exit__(*exc)
