"""Money as people read it: a leaf module, so the domain's messages and the renderers share
one formatter without the domain importing a renderer."""

from __future__ import annotations

from decimal import Decimal

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money(amount: Decimal, currency: str) -> str:
    """`£575.00`; other currencies as `575.00 CHF`."""
    symbol = CURRENCY_SYMBOLS.get(currency)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}"
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"
