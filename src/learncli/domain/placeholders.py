"""Settings that are still the example's or the skeleton's: `validate` warns until they are replaced.

`learn init` writes fictional organisation and bank details (the example course) or
obvious placeholders (`--bare`). Both are fine to try the tool with and wrong on a real
invoice, so `validate` says so (S001, S002) with the position of the first one in
`courses.yaml`. Pure: the settings and their positions in, diagnostics out.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from learncli.diagnostics import Diagnostic
from learncli.models.course import Config

if TYPE_CHECKING:
    from learncli.positions import Positions

#: Names that RFC 2606 and RFC 6761 keep for examples and tests: never a real organisation.
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
#: The texts of the `--bare` skeleton, which nobody would write for themselves.
SKELETON_TEXTS = frozenset({"your organisation", "your organization", "first line of the address", "town ab1 2cd", "your name"})


def reserved_domain(domain: str) -> bool:
    """True for example.org, mail.example.com, anything.test and the like."""
    host = domain.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in RESERVED_DOMAINS) or host.endswith(RESERVED_SUFFIXES) or host in {
        "example",
        "test",
        "invalid",
        "localhost",
    }


def _email_placeholder(value: str | None) -> bool:
    return bool(value) and reserved_domain(str(value).rpartition("@")[2])


def _url_placeholder(value: str | None) -> bool:
    return bool(value) and reserved_domain(urlsplit(str(value)).hostname or "")


def _zeros(value: str | None) -> bool:
    """A sort code, account number or IBAN whose digits are all 0 (00-00-00, GB00 0000 ...)."""
    if not value:
        return False
    digits = re.sub(r"\D", "", str(value))
    return bool(digits) and set(digits) == {"0"}


#: The address `learn init --bare` gives the organisation.
SKELETON_EMAIL = "you@example.org"


def skeleton_details(config: Config) -> list[str]:
    """The organisation and payment details that are still what `learn init --bare`
    writes, as phrases (the invoice run refuses while there are any): its texts ("Your
    Organisation", "First line of the address"), its address you@example.org, and no
    way to pay at all (its bank details are commented out). All-zero bank numbers are
    not among them, as the example course's fictional details have them too: `validate`
    warns of those (S002), as of the example's other example.org details (S001)."""
    org = config.organisation
    found = [f"organisation name {org.name!r}"] if org.name.strip().lower() in SKELETON_TEXTS else []
    found += [f"address line {line!r}" for line in org.address if line.strip().lower() in SKELETON_TEXTS]
    if (org.email or "").lower() == SKELETON_EMAIL:
        found.append(f"email {org.email}")
    bank = config.invoicing.bank
    if bank is not None:
        if bank.account_name.strip().lower() in SKELETON_TEXTS:
            found.append(f"bank account name {bank.account_name!r}")
    elif config.invoicing.card_payment_url is None:
        found.append("no bank details or card payment link")
    return found


def check_placeholders(config: Config, source: Positions) -> list[Diagnostic]:
    """S001 for organisation details still placeholders, S002 for how to pay."""
    found: list[Diagnostic] = []
    org = config.organisation
    what: list[tuple[tuple[Any, ...], str]] = []
    if org.name.strip().lower() in SKELETON_TEXTS:
        what.append((("organisation", "name"), f"name {org.name!r}"))
    for index, line in enumerate(org.address):
        if line.strip().lower() in SKELETON_TEXTS:
            what.append((("organisation", "address", index), f"address line {line!r}"))
    if _email_placeholder(org.email):
        what.append((("organisation", "email"), f"email {org.email}"))
    if _url_placeholder(org.website):
        what.append((("organisation", "website"), f"website {org.website}"))
    if _email_placeholder(config.email.reply_to if config.email else None):
        what.append((("email", "reply_to"), f"email reply_to {config.email.reply_to}"))
    if what:
        found.append(_at(source, what[0][0], "S001", "the organisation's details are still placeholders ("
                         + "; ".join(text for _, text in what)
                         + "): invoices and emails would carry them; replace them with your own in courses.yaml"))
    invoicing = config.invoicing
    bank = invoicing.bank
    pay: list[tuple[tuple[Any, ...], str]] = []
    if bank is not None:
        for key in ("sort_code", "account_number", "iban"):
            value = getattr(bank, key)
            if _zeros(value):
                pay.append((("invoicing", "bank", key), f"{key.replace('_', ' ')} {value}"))
    if _url_placeholder(invoicing.card_payment_url):
        pay.append((("invoicing", "card_payment_url"), f"card payment link {invoicing.card_payment_url}"))
    if pay:
        found.append(_at(source, pay[0][0], "S002", "the payment details are still placeholders ("
                         + "; ".join(text for _, text in pay)
                         + "): nobody could pay an invoice with them; put in your own bank details or payment link"))
    elif bank is None and invoicing.card_payment_url is None:
        found.append(_at(source, ("invoicing",), "S002", "invoices say nothing about how to pay: add invoicing.bank (account name, sort code, account number) or invoicing.card_payment_url", key=True))
    return found


def _at(source: Positions, loc: tuple[Any, ...], code: str, message: str, *, key: bool = False) -> Diagnostic:
    line, col = source.mark(loc, key=key)
    return Diagnostic.make(code, message, source.path, line, col)
