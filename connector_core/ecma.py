"""JSON Schema checks done the way ajv does them, so Python and the browser give the same verdict.

JSON Schema says a `pattern` is an ECMA-262 regular expression, and ajv (the validator react-jsonschema-form
uses) runs it as `new RegExp(pattern, "u")`. Python's `re` reads the same text differently:
- `$` also matches before a final newline (`"abcd1234\\n"` would pass `^[a-z0-9]+$`);
- `.` matches `\\r`, U+2028 and U+2029, which ECMA's `.` does not;
- `\\d` and `\\w` match any Unicode digit or letter, ECMA's only ASCII ones; `\\s` differs on both sides;
- `(?<name>...)` is ECMA's named group and a syntax error in Python, while `(?P<...>`, inline flags, `\\A`,
  `\\Z` and a lone `{` are Python syntax that ECMA (in unicode mode) refuses.
`ecma_to_python` rewrites a pattern into a Python one that matches exactly the strings the ECMA one does, and
refuses (`UnsupportedPattern`) what ajv would refuse or what has no faithful translation.

`is_uri` checks `format: uri` as ajv-formats does: an absolute URI by RFC 3986, with ajv-formats' own
departures (below), so `https://exa mple.com`, with its space, is not one. Python's jsonschema does not
check `uri` at all without an extra package.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["UnsupportedPattern", "ecma_regex", "ecma_to_python", "is_uri"]


class UnsupportedPattern(ValueError):
    """A `pattern` that ECMA-262 refuses, or that Python cannot match the same way."""


# ECMA-262 WhiteSpace and LineTerminator code points: what `\s` means there.
_ECMA_SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_ECMA_DOT = "[^\\n\\r\\u2028\\u2029]"
# In unicode mode ECMA allows an identity escape only for these characters (plus `/`).
_SYNTAX_CHARACTERS = set("^$\\.*+?()[]{}|/-")
# Escapes that mean the same in both dialects once `(?a)` makes \d \w \b ASCII.
_SAME_ESCAPES = set("dDwWbBfnrtv0")
_QUANTIFIER = re.compile(r"\{[0-9]+(,[0-9]*)?\}")
_GROUP_NAME = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """Translate the escape starting at pattern[i] (a backslash); return (python text, next index)."""
    if i + 1 >= len(pattern):
        raise UnsupportedPattern("the pattern ends with a lone backslash")
    c = pattern[i + 1]
    if c == "s":
        return (_ECMA_SPACE if in_class else f"[{_ECMA_SPACE}]"), i + 2
    if c == "S":
        if in_class:
            raise UnsupportedPattern("\\S inside a character class has no faithful translation")
        return f"[^{_ECMA_SPACE}]", i + 2
    if c in _SAME_ESCAPES:
        if c == "0" and i + 2 < len(pattern) and pattern[i + 2].isdigit():
            raise UnsupportedPattern("octal escapes are not allowed in ECMA-262 unicode patterns")
        return "\\" + c, i + 2
    if c == "x":
        digits = pattern[i + 2 : i + 4]
        if not re.fullmatch(r"[0-9A-Fa-f]{2}", digits):
            raise UnsupportedPattern("\\x needs two hex digits")
        return "\\x" + digits, i + 4
    if c == "u":
        return _unicode_escape(pattern, i)
    if c == "c":
        letter = pattern[i + 2 : i + 3]
        if not letter.isascii() or not letter.isalpha():
            raise UnsupportedPattern("\\c needs a letter")
        return f"\\x{ord(letter) % 32:02x}", i + 3
    if c.isdigit() and not in_class:
        end = i + 1
        while end < len(pattern) and pattern[end].isdigit():
            end += 1
        return "\\" + pattern[i + 1 : end], end
    if c == "k" and not in_class:
        match = re.match(r"<([A-Za-z_$][A-Za-z0-9_$]*)>", pattern[i + 2 :])
        if not match:
            raise UnsupportedPattern("\\k needs a <name>")
        return f"(?P={match.group(1)})", i + 2 + match.end()
    if c in _SYNTAX_CHARACTERS:
        return "\\" + c, i + 2
    raise UnsupportedPattern(f"\\{c} is not an escape ECMA-262 accepts in unicode mode")


def _unicode_escape(pattern: str, i: int) -> tuple[str, int]:
    braced = re.match(r"\\u\{([0-9A-Fa-f]{1,6})\}", pattern[i:])
    if braced:
        code = int(braced.group(1), 16)
        if code > 0x10FFFF:
            raise UnsupportedPattern("\\u{...} is beyond the last code point")
        return f"\\U{code:08x}", i + braced.end()
    plain = re.match(r"\\u([0-9A-Fa-f]{4})", pattern[i:])
    if not plain:
        raise UnsupportedPattern("\\u needs four hex digits or {hex}")
    if 0xD800 <= int(plain.group(1), 16) <= 0xDFFF:
        raise UnsupportedPattern("surrogate escapes (\\uD800-\\uDFFF) are not supported; use \\u{...}")
    return "\\u" + plain.group(1), i + 6


def _group_opening(pattern: str, i: int) -> tuple[str, int]:
    """Translate `(` at pattern[i], with what follows it when it is `(?`."""
    if not pattern.startswith("(?", i):
        return "(", i + 1
    rest = pattern[i + 2 :]
    for lead in (":", "=", "!", "<=", "<!"):
        if rest.startswith(lead):
            return "(?" + lead, i + 2 + len(lead)
    named = re.match(r"<([A-Za-z_$][A-Za-z0-9_$]*)>", rest)
    if named:
        return f"(?P<{named.group(1)}>", i + 2 + named.end()
    raise UnsupportedPattern("ECMA-262 accepts only (?: (?= (?! (?<= (?<! and (?<name> groups")


def _class_body(pattern: str, i: int) -> tuple[str, int]:
    """Translate the character class that opens at pattern[i] (`[`); return (python text, next index)."""
    j = i + 1
    negated = pattern.startswith("^", j)
    if negated:
        j += 1
    if pattern.startswith("]", j):
        # ECMA's `[]` matches nothing and `[^]` matches any character; Python reads `]` there as a literal.
        return ("(?s:.)" if negated else "(?!)"), j + 1
    out = ["[^" if negated else "["]
    while j < len(pattern) and pattern[j] != "]":
        ch = pattern[j]
        if ch == "\\":
            text, j = _escape(pattern, j, in_class=True)
            out.append(text)
            continue
        # Python warns about (and may one day change) nested sets and set operations: keep them literal.
        out.append("\\" + ch if ch in "[&~|" else ch)
        j += 1
    if j >= len(pattern):
        raise UnsupportedPattern("a character class is not closed")
    out.append("]")
    return "".join(out), j + 1


_ASSERTION_GROUPS = ("(?=", "(?!", "(?<=", "(?<!")


@lru_cache(maxsize=1024)
def ecma_to_python(pattern: str) -> str:
    """A Python regular expression that `re.search` matches on exactly the strings ECMA-262's does."""
    out = ["(?a)"]  # \d \w \b ASCII-only, as in ECMA-262
    groups: list[bool] = []  # for each open group: is it a lookaround (an assertion)?
    after_assertion = False  # ECMA (unicode mode) refuses a quantifier on an assertion; Python does not
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if after_assertion and (ch in "*+?" or _QUANTIFIER.match(pattern, i)):
            raise UnsupportedPattern("an assertion (^, $, \\b, a lookaround) cannot be repeated in ECMA-262")
        after_assertion = False
        if ch == "\\":
            if pattern.startswith("\\-", i):
                raise UnsupportedPattern("\\- is an escape ECMA-262 accepts only inside a character class")
            after_assertion = pattern[i + 1 : i + 2] in ("b", "B")
            text, i = _escape(pattern, i, in_class=False)
        elif ch == "[":
            text, i = _class_body(pattern, i)
        elif ch == "(":
            text, i = _group_opening(pattern, i)
            groups.append(text in _ASSERTION_GROUPS)
        elif ch == ")":
            after_assertion = groups.pop() if groups else False
            text, i = ch, i + 1
        elif ch == ".":
            text, i = _ECMA_DOT, i + 1
        elif ch == "$":
            text, i = "\\Z", i + 1  # ECMA's `$` (no m flag) is the very end; Python's `\Z` is that.
            after_assertion = True
        elif ch == "^":
            text, i = ch, i + 1
            after_assertion = True
        elif ch == "{":
            quantifier = _QUANTIFIER.match(pattern, i)
            if quantifier is None:
                raise UnsupportedPattern("a lone '{' must be escaped in an ECMA-262 unicode pattern")
            text, i = quantifier.group(0), quantifier.end()
        elif ch in "}]":
            raise UnsupportedPattern(f"a lone '{ch}' must be escaped in an ECMA-262 unicode pattern")
        else:
            text, i = ch, i + 1
        out.append(text)
    translated = "".join(out)
    try:
        re.compile(translated)
    except re.error as exc:
        raise UnsupportedPattern(f"not a valid pattern: {exc.msg}") from None
    return translated


def ecma_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(ecma_to_python(pattern))


# --- format: uri -------------------------------------------------------------------------------------------
# RFC 3986's absolute URI with an optional fragment, read the way ajv-formats reads it, which departs from
# the RFC in three places that matter for agreement:
# - the path after the scheme may not be empty (`mailto:` and `urn:` alone are refused);
# - the authority may follow one slash as well as two (`http:/host` is accepted), and may be empty, so after
#   `scheme://` any run of path characters passes: the check really catches characters a URI may not hold
#   (spaces, non-ASCII, a broken % escape, a stray bracket), not a missing host;
# - an IPv4 octet may carry leading zeros (`[::1.2.3.04]`).
# Letters are matched in either case throughout.

_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_USERINFO = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*"
_REG_NAME = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*"
_URI = re.compile(
    rf"""
    [A-Za-z][A-Za-z0-9+\-.]*:                                             # scheme
    (?:
        //?(?:{_USERINFO}@)?(?:\[(?P<ip>[^\]]*)\]|{_REG_NAME})(?::[0-9]*)?(?:/{_PCHAR}*)*  # authority
      | /(?:{_PCHAR}+(?:/{_PCHAR}*)*)?                                     # path-absolute
      | {_PCHAR}+(?:/{_PCHAR}*)*                                           # path-rootless
    )
    (?:\?(?:{_PCHAR}|[/?])*)?                                             # query
    (?:\#(?:{_PCHAR}|[/?])*)?                                             # fragment
    """,
    re.VERBOSE,
)
_IP_FUTURE = re.compile(rf"[vV][0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+")
_H16 = re.compile(r"[0-9A-Fa-f]{1,4}")
_OCTET = re.compile(r"25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?")


def _is_ipv4(text: str) -> bool:
    octets = text.split(".")
    return len(octets) == 4 and all(_OCTET.fullmatch(o) for o in octets)


def _groups(text: str, *, may_end_in_ipv4: bool) -> int | None:
    """How many 16-bit groups `text` (h16 separated by ':') stands for, or None when it is malformed."""
    if text == "":
        return 0
    parts = text.split(":")
    count = 0
    for index, part in enumerate(parts):
        if may_end_in_ipv4 and index == len(parts) - 1 and _is_ipv4(part):
            count += 2
        elif _H16.fullmatch(part):
            count += 1
        else:
            return None
    return count


def _is_ipv6(text: str) -> bool:
    if text.count("::") > 1:
        return False
    if "::" in text:
        head, tail = text.split("::")
        before = _groups(head, may_end_in_ipv4=False)
        after = _groups(tail, may_end_in_ipv4=True)
        return before is not None and after is not None and before + after <= 7
    return _groups(text, may_end_in_ipv4=True) == 8


def is_uri(value: object) -> bool:
    """`format: uri` as ajv-formats checks it; values that are not strings are left to `type`."""
    if not isinstance(value, str):
        return True
    match = _URI.fullmatch(value)
    if match is None:
        return False
    ip = match.group("ip")
    return ip is None or bool(_IP_FUTURE.fullmatch(ip)) or _is_ipv6(ip)
