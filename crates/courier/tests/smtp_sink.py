"""A local SMTP server standing in for an office's mail server.

It offers STARTTLS with a certificate from a CA it makes for the run,
accepts AUTH only over TLS (login shangliang / mail-secret), and records
each message it accepts as a JSON line in DIR/mail.jsonl: envelope, whether
the session was encrypted and authenticated, and the raw message. Recipients
choose the answer: nobody@… is refused for good (550), busy@… is deferred
once (451). With the argument `plain` it offers no STARTTLS at all.

Prints "PORT DIR" (DIR holds ca.pem), then serves until killed.
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import ssl

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER, PASSWORD = b"shangliang", b"mail-secret"


def certificates(folder):
    """A CA and a certificate for localhost signed by it (openssl CLI)."""
    def run(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=folder)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=Shangliang Test CA", "-keyout", "ca.key", "-out", "ca.pem")
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
        "-keyout", "server.key", "-out", "server.csr")
    with open(os.path.join(folder, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "server.pem")


class Handler:
    def __init__(self, folder):
        self.log = os.path.join(folder, "mail.jsonl")
        self.deferred = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 No such mailbox"
        if address.startswith("busy@") and address not in self.deferred:
            self.deferred.add(address)
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "authenticated": bool(session.authenticated),
            "data": envelope.content.decode("utf-8", "replace"),
        }
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 2.0.0 Queued as sink-%d" % int(time.time() * 1000)


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and \
        auth_data.login == USER and auth_data.password == PASSWORD
    # handled=False: the server answers 535 itself.
    return AuthResult(success=ok, handled=False)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    plain = "plain" in sys.argv[1:]
    folder = tempfile.mkdtemp(prefix="smtp-sink-")
    certificates(folder)
    context = None
    if not plain:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(os.path.join(folder, "server.pem"),
                                os.path.join(folder, "server.key"))
    port = free_port()
    controller = Controller(
        Handler(folder), hostname="127.0.0.1", port=port,
        tls_context=context, require_starttls=not plain,
        authenticator=authenticate, auth_require_tls=not plain,
    )
    controller.start()
    print(port, folder, flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
