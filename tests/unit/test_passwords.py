"""Provider passwords: generated with `secrets` to a policy the portal accepts."""

from __future__ import annotations

import string

import pytest

from robot.passwords import DEFAULT_SYMBOLS, PasswordPolicy, generate, meets

MANY = 500


def kinds(password: str, symbols: str = DEFAULT_SYMBOLS) -> set[str]:
    out = set()
    for c in password:
        if c in string.ascii_uppercase:
            out.add("upper")
        elif c in string.ascii_lowercase:
            out.add("lower")
        elif c in string.digits:
            out.add("digit")
        elif c in symbols:
            out.add("symbol")
        else:
            out.add(f"unexpected {c!r}")
    return out


def test_default_policy_gives_16_characters_of_every_kind_every_time():
    policy = PasswordPolicy()
    for _ in range(MANY):
        pw = generate(policy)
        assert len(pw) == 16
        assert kinds(pw) == {"upper", "lower", "digit", "symbol"}, pw


def test_generated_passwords_avoid_lookalike_characters():
    seen = set("".join(generate(PasswordPolicy()) for _ in range(MANY)))
    assert not seen & set("O0Il1|")


def test_generated_passwords_contain_no_csv_hostile_characters():
    seen = set("".join(generate(PasswordPolicy()) for _ in range(MANY)))
    assert not seen & set(" \t\",'\\")


@pytest.mark.parametrize("length", [8, 12, 31, 128])
def test_length_is_respected(length):
    for _ in range(50):
        assert len(generate(PasswordPolicy(length=length))) == length


@pytest.mark.parametrize(
    ("disabled", "expected"),
    [
        ("symbol", {"upper", "lower", "digit"}),
        ("digit", {"upper", "lower", "symbol"}),
        ("upper", {"lower", "digit", "symbol"}),
        ("lower", {"upper", "digit", "symbol"}),
    ],
)
def test_a_disabled_class_never_appears_and_the_others_always_do(disabled, expected):
    policy = PasswordPolicy(**{disabled: False})
    for _ in range(200):
        assert kinds(generate(policy)) == expected


def test_custom_symbols_are_the_only_symbols_used():
    policy = PasswordPolicy(symbols="#@")
    for _ in range(200):
        pw = generate(policy)
        assert {c for c in pw if not c.isalnum()} <= {"#", "@"}
        assert kinds(pw, "#@") == {"upper", "lower", "digit", "symbol"}


def test_two_generations_differ():
    policy = PasswordPolicy()
    assert len({generate(policy) for _ in range(100)}) == 100


def test_default_policy_has_no_problem():
    assert PasswordPolicy().problem() is None


@pytest.mark.parametrize("length", [0, 1, 7])
def test_policy_shorter_than_8_is_a_problem(length):
    assert "at least 8" in PasswordPolicy(length=length).problem()


def test_policy_longer_than_128_is_a_problem():
    assert "128" in PasswordPolicy(length=129).problem()


def test_policy_without_any_class_is_a_problem():
    problem = PasswordPolicy(upper=False, lower=False, digit=False, symbol=False).problem()
    assert "all four kinds" in problem


@pytest.mark.parametrize("symbols", ["!#,", "!'", '!"', "! #", "!\\"])
def test_symbols_that_break_csv_or_reading_aloud_are_a_problem(symbols):
    assert "symbols must not contain" in PasswordPolicy(symbols=symbols).problem()


def test_empty_symbols_with_symbol_on_is_a_problem():
    assert "symbols must not be empty" in PasswordPolicy(symbols="").problem()


def test_turning_off_a_kind_the_portal_demands_is_a_problem():
    for kind in ("upper", "lower", "digit", "symbol"):
        assert "all four kinds" in PasswordPolicy(**{kind: False}).problem()


def test_meets_accepts_a_password_with_every_required_kind():
    assert meets("Abcdefg1!", PasswordPolicy())
    assert meets(generate(PasswordPolicy()), PasswordPolicy())


@pytest.mark.parametrize(
    "password",
    ["Abc1!", "abcdefg1!", "ABCDEFG1!", "Abcdefgh!", "Abcdefgh1"],
    ids=["too-short", "no-upper", "no-lower", "no-digit", "no-symbol"],
)
def test_meets_refuses_a_password_missing_a_required_kind(password):
    assert not meets(password, PasswordPolicy())


def test_meets_ignores_a_kind_the_policy_does_not_require():
    assert meets("Abcdefgh1", PasswordPolicy(symbol=False))
    assert meets("abcdefgh", PasswordPolicy(upper=False, digit=False, symbol=False))


def test_meets_uses_the_portal_minimum_not_the_generated_length():
    assert meets("Abcdef1!", PasswordPolicy(length=32))
    assert not meets("Abcde1!", PasswordPolicy(length=8))
