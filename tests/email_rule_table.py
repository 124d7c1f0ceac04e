"""The one table of addresses that the app's and the sandbox's "well-formed" rules are both
tested against (``app/domain/email_rule.py``, ``app/sandbox/email_rule.py``): what Berke's
"well-formed" admits, decided once."""

from __future__ import annotations

# A 254-character address (RFC 5321's limit): a 64-character local part and a long domain.
LONGEST = "l" * 64 + "@" + "a" * 63 + "." + "b" * 63 + "." + "c" * 57 + ".com"

#: (address, admitted)
EMAIL_TABLE: list[tuple[str, bool]] = [
    ("zoe@example.com", True),
    ("a@b.co", True),
    ("first.last@mail.example.org", True),
    ("ADA.Lovelace@Example.COM", True),
    ("o'brien@example.ie", True),
    ("user+tag@example.com", True),
    ("x_y-z@sub-domain.example.co.uk", True),
    ("!#$%&'*+/=?^_`{|}~-@example.com", True),
    ("mette.kjaer22@mail.example.org", True),  # the demo data's spelling
    ("ivan@xn--80ak6aa92e.xn--p1ai", True),  # an internationalised domain, in ASCII form
    ("ivan@example.XN--P1AI", True),  # domains ignore case, an xn-- prefix too
    ("zoe@" + "a" * 63 + ".com", True),  # the longest DNS label
    ("zoe@example." + "c" * 63, True),  # the longest top-level domain
    ("1234@123.example.com", True),
    (LONGEST, True),
    ("l" * 65 + "@example.com", False),  # local part over 64
    ("a" + LONGEST, False),  # over 254
    ("mette.kjær22@mail.example.org", False),  # non-ASCII local part (found in the demo data)
    ("zoe@exämple.com", False),  # a domain in Unicode form
    ("plain", False),
    ("@example.com", False),
    ("zoe@", False),
    ("zoe@localhost", False),  # one label
    ("zoe@example.c", False),  # a one-letter top-level domain
    ("zoe@example.123", False),  # a numeric top-level domain
    ("zoe@example.xn--", False),
    ("zoe@example.xn--p1ai-", False),  # no label ends with a hyphen, the last one either
    ("zoe@" + "a" * 64 + ".com", False),  # a label over 63: no mailer delivers to it
    ("zoe@example." + "c" * 64, False),  # a top-level domain over 63
    ("zoe..x@example.com", False),
    (".zoe@example.com", False),
    ("zoe.@example.com", False),
    ("zoe@@example.com", False),
    ("zoe@x@example.com", False),
    ("zoe x@example.com", False),
    ("zoe@exa mple.com", False),
    ('"zoe x"@example.com', False),  # quoted local part
    ("zoe@[192.168.0.1]", False),  # IP literal
    ("zoe@-example.com", False),
    ("zoe@example-.com", False),
    ("zoe@example..com", False),
    ("zoe@.example.com", False),
    ("zoe@example.com.", False),
    ("zoe@exam_ple.com", False),
    ("zoe@example.com,ana@example.com", False),  # a list is not an address
    ("Zoë <zoe@example.com>", False),
    ("zoe(comment)@example.com", False),
    ("zoe@example.com\n", False),
]
