"""Disposable-mail domains refused for voting: the default list a contest starts with, and the check."""

# Throwaway inboxes that anyone can read or make by the thousand; the organizer edits the contest's own copy.
DEFAULT_DOMAINS = (
    "10minutemail.com",
    "20minutemail.com",
    "discard.email",
    "dispostable.com",
    "emailondeck.com",
    "fakeinbox.com",
    "getairmail.com",
    "getnada.com",
    "guerrillamail.com",
    "guerrillamail.net",
    "guerrillamailblock.com",
    "harakirimail.com",
    "inboxkitten.com",
    "mailcatch.com",
    "maildrop.cc",
    "mailinator.com",
    "mailnesia.com",
    "mintemail.com",
    "mohmal.com",
    "moakt.com",
    "mytemp.email",
    "sharklasers.com",
    "spam4.me",
    "spamgourmet.com",
    "temp-mail.org",
    "tempail.com",
    "tempmail.dev",
    "tempmailo.com",
    "tempr.email",
    "throwawaymail.com",
    "trashmail.com",
    "yopmail.com",
)


def parse(text: str) -> list[str]:
    """The domains of a list typed one per line (or separated by spaces or commas), lower case, sorted, unique."""
    words = text.replace(",", " ").split()
    return sorted({word.strip().lower().lstrip("@").rstrip(".") for word in words if word.strip(" @.")})


def refused(domain: str, listed: list[str]) -> bool:
    """The domain is listed, or is a subdomain of a listed one (x.mailinator.com)."""
    domain = domain.lower().rstrip(".")
    return any(domain == item or domain.endswith(f".{item}") for item in listed)
