"""Deterministic integer hashing (splitmix64), so any order can be rebuilt from (seed, index) alone."""

from __future__ import annotations

import random

MASK64 = (1 << 64) - 1


def mix64(value: int) -> int:
    """splitmix64 finaliser: a cheap, well-spread 64-bit hash of an int."""
    value = (value + 0x9E3779B97F4A7C15) & MASK64
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & MASK64
    return value ^ (value >> 31)


def seeded(seed: int, *salt: int) -> random.Random:
    """A private ``random.Random`` for one (seed, salt...) combination."""
    value = mix64(seed)
    for item in salt:
        value = mix64(value ^ item)
    return random.Random(value)


def random_text(rng: random.Random, alphabet: str, length: int) -> str:
    """``length`` characters of ``alphabet`` from one draw: the number written in base ``len(alphabet)``.

    One ``randrange`` instead of one ``choice`` per character: this runs for every generated order's email,
    phone and tracking number, and per-character draws were the generator's largest cost.
    """
    base = len(alphabet)
    number = rng.randrange(base**length)
    characters = []
    for _ in range(length):
        number, digit = divmod(number, base)
        characters.append(alphabet[digit])
    return "".join(characters)
