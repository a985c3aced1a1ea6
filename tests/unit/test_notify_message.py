"""Why ``tracker notify`` could not connect, in Dutch and naming the server it tried."""

from __future__ import annotations

import smtplib
import socket
import ssl

from tracker.alerts.notify import address_refused, connect_error
from tracker.config import SmtpConfig
from tracker.errors import NotifyError

CFG = SmtpConfig(host="mail.example.org", port=587, username="tracker", timeout=10)


def test_each_failure_names_host_port_and_reason_in_dutch() -> None:
    def said(exc: Exception) -> str:
        text = connect_error(CFG, exc)
        assert text.startswith("SMTP-verbinding met mail.example.org:587 mislukt: ")
        return text.removeprefix("SMTP-verbinding met mail.example.org:587 mislukt: ")

    refused = ConnectionRefusedError(111, "Connection refused")
    assert said(refused) == "verbinding geweigerd (draait daar een mailserver?)"
    unknown = socket.gaierror(-2, "Name or service not known")
    assert said(unknown) == "onbekende hostnaam"
    assert said(TimeoutError("timed out")) == "geen antwoord binnen 10 s"
    tls = ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")
    assert said(tls).startswith("TLS-fout (")
    login = smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid")
    assert said(login) == "inloggen als tracker geweigerd (535)"
    missing = NotifyError("$TRACKER_SMTP_PASSWORD is niet gezet (het SMTP-wachtwoord)")
    assert said(missing) == "$TRACKER_SMTP_PASSWORD is niet gezet (het SMTP-wachtwoord)"
    assert said(OSError()) == "OSError"


def test_only_a_refusal_of_the_recipients_address_counts_as_a_dead_address() -> None:
    assert address_refused(550, "5.1.1 <a@example.org>: Recipient address rejected")
    assert address_refused(550, "5.1.10 Null MX")
    assert address_refused(553, "mailbox name not allowed")  # no enhanced code: by the 5xx
    assert address_refused(551, "User not local")
    # policy, relaying, a full mailbox, the sender, a system fault: not the address
    assert not address_refused(550, "5.7.1 Relaying denied")
    assert not address_refused(554, "5.7.1 Message rejected as spam")
    assert not address_refused(552, "5.2.2 Mailbox full")
    assert not address_refused(553, "5.1.8 Sender address rejected: Domain not found")
    assert not address_refused(554, "Transaction failed")
    assert not address_refused(450, "4.1.1 Try again later")
